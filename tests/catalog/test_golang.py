"""Go build info from ELF executables: both the inline (Go >= 1.18) and pointer (older) layouts."""

from __future__ import annotations

import struct

import pytest

from dockgate.catalog.gobuildinfo import MAGIC, parse_modinfo, read_build_info
from dockgate.testing.imagebuilder import Layer

BASE = 0x400000
SENTINEL_START = "0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6"
SENTINEL_END = "\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
MODINFO = (
    "path\texample.com/cmd/server\n"
    "mod\texample.com\tv1.2.3\th1:abc=\n"
    "dep\tgithub.com/gin-gonic/gin\tv1.6.0\th1:x=\n"
    "dep\tgolang.org/x/net\tv0.0.0-20200324143707-d3edc9973b7e\th1:y=\n"
    "=>\tgithub.com/fork/net\tv0.1.0\th1:z=\n"
    "build\t-compiler=gc\n"
    "build\tCGO_ENABLED=0\n"
)


def varint(n: int) -> bytes:
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def elf(buildinfo: bytes, extra: bytes = b"", with_sections: bool = True, pad_to: int = 70_000) -> bytes:
    """A minimal little-endian ELF64 executable: one PT_LOAD, .go.buildinfo and .shstrtab."""
    shstrtab = b"\0.go.buildinfo\0.shstrtab\0"
    bi_off = 128
    extra_off = bi_off + len(buildinfo)
    str_off = extra_off + len(extra)
    sh_off = (str_off + len(shstrtab) + 7) // 8 * 8
    sections = [
        struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        struct.pack("<IIQQQQIIQQ", 1, 1, 3, BASE + bi_off, bi_off, len(buildinfo), 0, 0, 16, 0),
        struct.pack("<IIQQQQIIQQ", 15, 3, 0, 0, str_off, len(shstrtab), 0, 0, 1, 0),
    ]
    shnum = 3 if with_sections else 0
    total = max(pad_to, sh_off + 64 * 3)
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    header += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, BASE, 64, sh_off if with_sections else 0, 0, 64, 56, 1, 64, shnum, 2 if with_sections else 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, BASE, BASE, total, total, 0x1000)
    body = header + phdr + b"\0" * (bi_off - 120) + buildinfo + extra + shstrtab
    body += b"\0" * (sh_off - len(body)) + b"".join(sections)
    return body + b"\0" * (total - len(body))


def inline_buildinfo(version: str, modinfo: str) -> bytes:
    head = MAGIC + bytes([8, 2]) + b"\0" * 16
    return head + varint(len(version)) + version.encode() + varint(len(modinfo.encode("latin-1"))) + modinfo.encode("latin-1")


def pointer_buildinfo(version: str, modinfo: str) -> tuple[bytes, bytes]:
    """Pre-1.18 layout: two pointers to Go string headers placed right after the 32-byte blob."""
    bi_off = 128
    extra_off = bi_off + 32
    version_data = version.encode()
    mod_data = modinfo.encode("latin-1")
    hdr_v = extra_off
    hdr_m = extra_off + 16
    data_v = extra_off + 32
    data_m = data_v + len(version_data)
    head = MAGIC + bytes([8, 0]) + struct.pack("<QQ", BASE + hdr_v, BASE + hdr_m)
    extra = struct.pack("<QQ", BASE + data_v, len(version_data)) + struct.pack("<QQ", BASE + data_m, len(mod_data)) + version_data + mod_data
    return head, extra


def test_inline_layout_with_sentinels() -> None:
    info = read_build_info(elf(inline_buildinfo("go1.21.5", SENTINEL_START + MODINFO + SENTINEL_END)))
    assert info is not None
    assert info.go_version == "go1.21.5"
    assert info.main_path == "example.com/cmd/server"
    assert (info.main.path, info.main.version) == ("example.com", "v1.2.3")
    assert [(d.path, d.version) for d in info.deps] == [("github.com/gin-gonic/gin", "v1.6.0"), ("golang.org/x/net", "v0.0.0-20200324143707-d3edc9973b7e")]
    assert (info.deps[1].replaced_by.path, info.deps[1].replaced_by.version) == ("github.com/fork/net", "v0.1.0")
    assert info.settings == {"-compiler": "gc", "CGO_ENABLED": "0"}


def test_pointer_layout() -> None:
    head, extra = pointer_buildinfo("go1.16.15", SENTINEL_START + MODINFO + SENTINEL_END)
    info = read_build_info(elf(head, extra))
    assert info is not None and info.go_version == "go1.16.15"
    assert info.main.path == "example.com"


def test_without_section_headers_scans_for_magic() -> None:
    info = read_build_info(elf(inline_buildinfo("go1.20", MODINFO), with_sections=False))
    assert info is not None and info.go_version == "go1.20"


def test_not_go() -> None:
    assert read_build_info(b"\x7fELF" + b"\0" * 100) is None
    assert read_build_info(b"#!/bin/sh\necho hi\n") is None


def test_malformed_build_info_raises_value_error() -> None:
    with pytest.raises(ValueError):
        read_build_info(elf(MAGIC + bytes([8, 2]) + b"\0" * 16 + b"\xff" * 12))


def test_go_binaries_in_an_image(inventory_of) -> None:
    binary = elf(inline_buildinfo("go1.19.8", SENTINEL_START + MODINFO + SENTINEL_END))
    layer = Layer().add("usr/local/bin/server", binary, mode=0o755).add("usr/local/bin/notexec", binary, mode=0o644)
    inv = inventory_of(layer)
    found = {(p.type, p.name, p.version) for p in inv.packages}
    assert found == {
        ("go-stdlib", "stdlib", "go1.19.8"),
        ("go-module", "example.com", "v1.2.3"),
        ("go-module", "github.com/gin-gonic/gin", "v1.6.0"),
        ("go-module", "github.com/fork/net", "v0.1.0"),
    }
    stdlib = next(p for p in inv.packages if p.type == "go-stdlib")
    assert stdlib.purl == "pkg:golang/stdlib@1.19.8"
    fork = next(p for p in inv.packages if p.name == "github.com/fork/net")
    assert fork.metadata["replaces"] == "golang.org/x/net@v0.0.0-20200324143707-d3edc9973b7e"


def test_modinfo_without_sentinels() -> None:
    info = parse_modinfo("go1.22.0", "path\tx\nmod\tx\t(devel)\t\n")
    assert info.main.version == "(devel)"


def test_go_binary_replaced_by_a_plain_file_is_gone(inventory_of) -> None:
    binary = elf(inline_buildinfo("go1.19.8", MODINFO))
    inv = inventory_of(Layer().add("usr/bin/tool", binary, mode=0o755), Layer().add("usr/bin/tool", "#!/bin/sh\n", mode=0o644))
    assert inv.packages == []
