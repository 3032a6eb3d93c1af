"""Read the build information the Go linker embeds in executables, without running them.

The ``.go.buildinfo`` data starts with the 14-byte magic ``\\xff Go buildinf:``, a pointer
size, and a flags byte. Since Go 1.18 (flag bit 2) the Go version and module information
follow inline as varint-length-prefixed strings; before that, two pointers lead to Go
string headers elsewhere in the file, which we map to file offsets through the ELF
program headers. The module text holds ``path``, ``mod``, ``dep``, ``=>`` (replacement)
and ``build`` lines.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAGIC = b"\xff Go buildinf:"
_ELF = b"\x7fELF"


@dataclass
class GoModule:
    path: str
    version: str
    sum: str = ""
    replaced_by: "GoModule | None" = None


@dataclass
class GoBuildInfo:
    go_version: str
    main_path: str = ""  # the main package path ("path" line)
    main: GoModule | None = None
    deps: list[GoModule] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)


class _Elf:
    def __init__(self, data: bytes) -> None:
        if data[:4] != _ELF or len(data) < 64:
            raise ValueError("not an ELF file")
        self.data = data
        self.is64 = data[4] == 2
        self.order = "<" if data[5] == 1 else ">"
        o = self.order
        if self.is64:
            (self.phoff, self.shoff) = struct.unpack_from(o + "QQ", data, 0x20)
            (self.phentsize, self.phnum, self.shentsize, self.shnum, self.shstrndx) = struct.unpack_from(o + "HHHHH", data, 0x36)
        else:
            (self.phoff, self.shoff) = struct.unpack_from(o + "II", data, 0x1C)
            (self.phentsize, self.phnum, self.shentsize, self.shnum, self.shstrndx) = struct.unpack_from(o + "HHHHH", data, 0x2A)

    def sections(self) -> list[tuple[str, int, int, int]]:
        """(name, address, file offset, size) of each section."""
        data, o = self.data, self.order
        raw = []
        for i in range(min(self.shnum, 4096)):
            base = self.shoff + i * self.shentsize
            if base + self.shentsize > len(data):
                break
            if self.is64:
                name, _type, _flags, addr, offset, size = struct.unpack_from(o + "IIQQQQ", data, base)
            else:
                name, _type, _flags, addr, offset, size = struct.unpack_from(o + "IIIIII", data, base)
            raw.append((name, addr, offset, size))
        if not raw or self.shstrndx >= len(raw):
            return []
        strtab_off, strtab_size = raw[self.shstrndx][2], raw[self.shstrndx][3]
        strtab = data[strtab_off : strtab_off + strtab_size]
        out = []
        for name_off, addr, offset, size in raw:
            end = strtab.find(b"\x00", name_off)
            out.append((strtab[name_off:end].decode("latin-1"), addr, offset, size))
        return out

    def read_at_address(self, address: int, size: int) -> bytes:
        data, o = self.data, self.order
        for i in range(min(self.phnum, 4096)):
            base = self.phoff + i * self.phentsize
            if base + self.phentsize > len(data):
                break
            if self.is64:
                p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(o + "IIQQQQ", data, base)
            else:
                p_type, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(o + "IIIII", data, base)
            if p_type == 1 and p_vaddr <= address < p_vaddr + p_filesz:
                start = p_offset + (address - p_vaddr)
                return data[start : start + min(size, p_vaddr + p_filesz - address)]
        raise ValueError(f"address {address:#x} is not in any loadable segment")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint in Go build info")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _find_blob(elf: _Elf) -> int:
    for name, _addr, offset, size in elf.sections():
        if name == ".go.buildinfo" and elf.data[offset : offset + 14] == MAGIC:
            return offset
    # no section headers: scan data for the 16-byte aligned magic
    pos = elf.data.find(MAGIC)
    while pos >= 0 and pos % 16:
        pos = elf.data.find(MAGIC, pos + 1)
    return pos


def read_build_info(data: bytes) -> GoBuildInfo | None:
    """The build info of a Go ELF executable; None when ``data`` is not one."""
    if data[:4] != _ELF or MAGIC not in data:
        return None
    elf = _Elf(data)
    start = _find_blob(elf)
    if start < 0 or start + 32 > len(data):
        return None
    header = data[start : start + 32]
    ptr_size, flags = header[14], header[15]
    if flags & 2:
        version_len, pos = _varint(data, start + 32)
        version = data[pos : pos + version_len].decode("utf-8", "replace")
        mod_len, pos = _varint(data, pos + version_len)
        modinfo = data[pos : pos + mod_len].decode("utf-8", "replace")
    else:
        if ptr_size not in (4, 8):
            raise ValueError("bad pointer size in Go build info")
        order = ">" if flags & 1 else "<"
        fmt = order + ("Q" if ptr_size == 8 else "I")
        version_ptr = struct.unpack_from(fmt, header, 16)[0]
        mod_ptr = struct.unpack_from(fmt, header, 16 + ptr_size)[0]
        version = _read_go_string(elf, version_ptr, ptr_size, fmt)
        modinfo = _read_go_string(elf, mod_ptr, ptr_size, fmt)
    if not version.startswith("go") and not version.startswith("devel"):
        raise ValueError(f"implausible Go version {version[:40]!r}")
    return parse_modinfo(version, modinfo)


def _read_go_string(elf: _Elf, address: int, ptr_size: int, fmt: str) -> str:
    header = elf.read_at_address(address, 2 * ptr_size)
    if len(header) < 2 * ptr_size:
        raise ValueError("truncated Go string header")
    data_ptr = struct.unpack_from(fmt, header, 0)[0]
    length = struct.unpack_from(fmt, header, ptr_size)[0]
    if length > 1 << 20:
        raise ValueError("Go build info string too long")
    return elf.read_at_address(data_ptr, length).decode("utf-8", "replace") if length else ""


def parse_modinfo(version: str, modinfo: str) -> GoBuildInfo:
    # the linker wraps module info in 16-byte sentinels; strip them when present
    if len(modinfo) >= 33 and modinfo[-17] == "\n":
        modinfo = modinfo[16:-16]
    info = GoBuildInfo(go_version=version)
    last: GoModule | None = None
    for line in modinfo.splitlines():
        fields = line.split("\t")
        kind = fields[0]
        if kind == "path" and len(fields) >= 2:
            info.main_path = fields[1]
        elif kind == "mod" and len(fields) >= 3:
            info.main = last = GoModule(fields[1], fields[2], fields[3] if len(fields) > 3 else "")
        elif kind == "dep" and len(fields) >= 3:
            last = GoModule(fields[1], fields[2], fields[3] if len(fields) > 3 else "")
            info.deps.append(last)
        elif kind == "=>" and len(fields) >= 3 and last is not None:
            last.replaced_by = GoModule(fields[1], fields[2], fields[3] if len(fields) > 3 else "")
        elif kind == "build" and len(fields) >= 2:
            key, _, value = fields[1].partition("=")
            info.settings[key] = value
    return info
