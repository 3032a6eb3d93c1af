"""OS detection and the distribution package databases."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

from dockgate.catalog.dpkg import parse_control_paragraphs, source_of
from dockgate.catalog.rpm import parse_rpm_header, source_name
from dockgate.testing.imagebuilder import Layer

STATUS = """Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.11-1~deb12u2)
Version: 3.0.11-1~deb12u2+b1
Description: Secure Sockets Layer toolkit
 continuation line

Package: removed-pkg
Status: deinstall ok config-files
Version: 1.0-1
Architecture: amd64

Package: bash
Status: install ok installed
Version: 5.2.15-2+b2
Architecture: amd64
"""


def test_control_paragraphs_and_source() -> None:
    paragraphs = parse_control_paragraphs(STATUS)
    assert [p["Package"] for p in paragraphs] == ["libssl3", "removed-pkg", "bash"]
    assert source_of(paragraphs[0]) == ("openssl", "3.0.11-1~deb12u2")
    assert source_of(paragraphs[2]) == ("bash", "5.2.15-2+b2")
    assert paragraphs[0]["Description"].endswith("continuation line")


def test_dpkg_status_only_installed(inventory_of) -> None:
    inv = inventory_of(Layer().add("etc/os-release", 'ID=debian\nVERSION_ID="12"\n').add("var/lib/dpkg/status", STATUS))
    debs = {p.name: p for p in inv.packages}
    assert set(debs) == {"libssl3", "bash"}
    assert debs["libssl3"].purl == "pkg:deb/debian/libssl3@3.0.11-1~deb12u2%2Bb1?arch=amd64&distro=debian-12&upstream=openssl"
    assert (debs["libssl3"].source_name, debs["libssl3"].source_version) == ("openssl", "3.0.11-1~deb12u2")


def test_distroless_status_d(inventory_of) -> None:
    layer = (
        Layer()
        .add("etc/os-release", 'ID=debian\nVERSION_ID="12"\n')
        .add("var/lib/dpkg/status.d/base", "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n")
        .add("var/lib/dpkg/status.d/libc6", "Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\n")
        .add("var/lib/dpkg/status.d/libc6.md5sums", "d41d8cd98f00b204e9800998ecf8427e  usr/lib/x.so\n")
    )
    inv = inventory_of(layer)
    assert sorted((p.name, p.source_name) for p in inv.packages) == [("base-files", "base-files"), ("libc6", "glibc")]


def test_os_fallbacks(inventory_of) -> None:
    assert inventory_of(Layer().add("etc/debian_version", "11.9\n")).os.version_id == "11"
    alpine = inventory_of(Layer().add("etc/alpine-release", "3.19.1\n")).os
    assert (alpine.id, alpine.version_id) == ("alpine", "3.19.1")
    linked = inventory_of(Layer().add("usr/lib/os-release", "ID=ubuntu\nVERSION_ID='22.04'\n").symlink("etc/os-release", "../usr/lib/os-release")).os
    assert (linked.id, linked.version_id) == ("ubuntu", "22.04")


def test_os_release_overwritten_in_later_layer(inventory_of) -> None:
    inv = inventory_of(Layer().add("etc/os-release", "ID=debian\nVERSION_ID=11\n"), Layer().add("etc/os-release", "ID=debian\nVERSION_ID=12\n"))
    assert inv.os.version_id == "12"


APK_DB = """C:Q1abc=
P:musl
V:1.2.4-r2
A:x86_64
L:MIT
o:musl
F:lib
R:ld-musl-x86_64.so.1

P:libcrypto3
V:3.1.4-r5
A:x86_64
o:openssl
L:Apache-2.0
"""


def test_apk(inventory_of) -> None:
    inv = inventory_of(Layer().add("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n").add("lib/apk/db/installed", APK_DB))
    pkgs = {p.name: p for p in inv.packages}
    assert pkgs["libcrypto3"].source_name == "openssl"
    assert pkgs["libcrypto3"].purl == "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl"
    assert pkgs["musl"].licenses == ("MIT",)


def rpm_header(tags: dict[int, object]) -> bytes:
    index, store = b"", b""
    for tag, value in tags.items():
        if isinstance(value, int):
            while len(store) % 4:
                store += b"\0"
            index += struct.pack(">IIiI", tag, 4, len(store), 1)
            store += struct.pack(">i", value)
        else:
            index += struct.pack(">IIiI", tag, 6, len(store), 1)
            store += str(value).encode() + b"\0"
    return struct.pack(">II", len(tags), len(store)) + index + store


def rpmdb(tmp_path: Path, headers: list[bytes]) -> bytes:
    path = tmp_path / "rpmdb.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
    db.executemany("INSERT INTO Packages (blob) VALUES (?)", [(h,) for h in headers])
    db.commit()
    db.close()
    return path.read_bytes()


def test_rpm_sqlite(inventory_of, tmp_path: Path) -> None:
    headers = [
        rpm_header({1000: "openssl-libs", 1001: "3.0.7", 1002: "25.el9", 1003: 1, 1022: "x86_64", 1044: "openssl-3.0.7-25.el9.src.rpm", 1014: "Apache-2.0"}),
        rpm_header({1000: "bash", 1001: "5.1.8", 1002: "6.el9", 1022: "x86_64", 1044: "bash-5.1.8-6.el9.src.rpm"}),
        rpm_header({1000: "gpg-pubkey", 1001: "fd431d51", 1002: "4ae0493b"}),
    ]
    layer = Layer().add("etc/os-release", 'ID="rocky"\nVERSION_ID="9.3"\n').add("var/lib/rpm/rpmdb.sqlite", rpmdb(tmp_path, headers))
    pkgs = {p.name: p for p in inventory_of(layer).packages}
    assert set(pkgs) == {"openssl-libs", "bash"}
    assert pkgs["openssl-libs"].version == "1:3.0.7-25.el9"
    assert pkgs["openssl-libs"].source_name == "openssl"
    assert pkgs["openssl-libs"].purl.startswith("pkg:rpm/rocky/openssl-libs@3.0.7-25.el9?arch=x86_64&distro=rocky-9.3&epoch=1")


def test_rpm_header_bounds() -> None:
    import pytest

    with pytest.raises(ValueError):
        parse_rpm_header(struct.pack(">II", 5000, 10))
    assert source_name("glibc-2.34-60.el9.src.rpm") == "glibc"


def test_corrupt_database_is_a_warning_not_a_crash(inventory_of) -> None:
    inv = inventory_of(Layer().add("var/lib/rpm/rpmdb.sqlite", b"garbage" * 100))
    assert inv.packages == []
    assert any("rpm: could not parse /var/lib/rpm/rpmdb.sqlite" in w for w in inv.warnings)
