"""RPM packages from the sqlite rpmdb (rpmdb.sqlite) of current Fedora/RHEL-family images.

The database is opened from memory (``sqlite3.Connection.deserialize``): nothing is written
to disk. Each row of ``Packages`` holds an RPM header blob: an index of (tag, type, offset,
count) entries followed by a data store.
"""

from __future__ import annotations

import sqlite3
import struct
from typing import Any

from packageurl import PackageURL

from dockgate.catalog.base import FinalView
from dockgate.catalog.package import Package
from dockgate.image.visitor import FileEntry

RPMDB_PATHS = ("/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite")

TAG_NAME, TAG_VERSION, TAG_RELEASE, TAG_EPOCH = 1000, 1001, 1002, 1003
TAG_LICENSE, TAG_ARCH, TAG_SOURCERPM, TAG_VENDOR = 1014, 1022, 1044, 1011
_STRING_TYPES = {6, 8, 9}  # STRING, STRING_ARRAY, I18NSTRING
_INT32 = 4
_MAX_INDEX = 100_000


def parse_rpm_header(blob: bytes) -> dict[int, Any]:
    """Decode the tags we need from an rpmdb header blob (no lead, no magic)."""
    if len(blob) < 8:
        raise ValueError("rpm header too short")
    count, store_size = struct.unpack_from(">II", blob, 0)
    if count > _MAX_INDEX or 8 + 16 * count + store_size > len(blob):
        raise ValueError("rpm header sizes are out of bounds")
    store_base = 8 + 16 * count
    store = blob[store_base : store_base + store_size]
    wanted = {TAG_NAME, TAG_VERSION, TAG_RELEASE, TAG_EPOCH, TAG_LICENSE, TAG_ARCH, TAG_SOURCERPM, TAG_VENDOR}
    tags: dict[int, Any] = {}
    for i in range(count):
        tag, typ, offset, n = struct.unpack_from(">IIiI", blob, 8 + 16 * i)
        if tag not in wanted or offset < 0 or offset >= len(store):
            continue
        if typ in _STRING_TYPES:
            end = store.find(b"\x00", offset)
            if end < 0:
                raise ValueError("unterminated string in rpm header")
            tags[tag] = store[offset:end].decode("utf-8", "replace")
        elif typ == _INT32 and offset + 4 <= len(store):
            tags[tag] = struct.unpack_from(">i", store, offset)[0]
    return tags


def read_rpmdb(data: bytes) -> list[dict[int, Any]]:
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(data)
        rows = connection.execute("SELECT blob FROM Packages").fetchall()
    except sqlite3.Error as exc:
        raise ValueError(f"not a readable rpmdb.sqlite ({exc})") from None
    finally:
        connection.close()
    return [parse_rpm_header(bytes(row[0])) for row in rows if row and row[0]]


def source_name(source_rpm: str) -> str:
    """foo-1.2-3.el9.src.rpm -> foo."""
    stem = source_rpm.removesuffix(".rpm").removesuffix(".src").removesuffix(".nosrc")
    parts = stem.rsplit("-", 2)
    return parts[0] if len(parts) == 3 else stem


class RpmCataloguer:
    name = "rpm"

    def wants(self, path: str) -> bool:
        return path in RPMDB_PATHS

    def parse(self, entry: FileEntry, data: bytes) -> Any:
        return read_rpmdb(data)

    def packages(self, view: FinalView) -> list[Package]:
        namespace = view.os.id or "redhat"
        distro = f"{view.os.id}-{view.os.version_id}" if view.os.id and view.os.version_id else None
        found = []
        for parsed in view.surviving(self.name):
            for tags in parsed.value:
                name, version, release = tags.get(TAG_NAME), tags.get(TAG_VERSION), tags.get(TAG_RELEASE)
                if not name or not version or name == "gpg-pubkey":
                    continue
                epoch = tags.get(TAG_EPOCH)
                evr = f"{version}-{release}" if release else version
                full = f"{epoch}:{evr}" if epoch else evr
                arch = tags.get(TAG_ARCH) or None
                qualifiers = {k: v for k, v in (("arch", arch), ("epoch", str(epoch) if epoch else None), ("distro", distro)) if v}
                src = tags.get(TAG_SOURCERPM) or ""
                if src:
                    qualifiers["upstream"] = src
                package = Package(
                    type="rpm",
                    name=name,
                    version=full,
                    purl=PackageURL("rpm", namespace, name, evr, qualifiers or None).to_string(),
                    path=parsed.path,
                    source_name=source_name(src) if src else name,
                    source_version=full,
                    arch=arch,
                    licenses=(tags[TAG_LICENSE],) if tags.get(TAG_LICENSE) else (),
                )
                found.append(view.place(package, parsed))
        return found
