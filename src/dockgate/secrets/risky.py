"""Risky files in the final filesystem: setuid/setgid executables the distribution does not
ship, world-writable files and directories outside the temp dirs, private keys others can read.

dpkg's file lists (/var/lib/dpkg/info/*.list) and apk's database (/lib/apk/db/installed,
F:/R: lines) say which paths a package installed; a setuid/setgid file listed there is the
distribution's own (su, passwd, mount...). Paths are compared after folding the merged-/usr
aliases (/bin == /usr/bin, /lib == /usr/lib...).
"""

from __future__ import annotations

from dockgate.image.visitor import DIRECTORY, REGULAR, FileEntry
from dockgate.secrets.model import IN_FILE, RISKY_FILE, SecretFinding
from dockgate.severity import Severity

DPKG_INFO = "/var/lib/dpkg/info/"
APK_INSTALLED = "/lib/apk/db/installed"
TEMP_DIRS = ("/tmp", "/var/tmp")
_USR_MERGED = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


def is_dpkg_list(path: str) -> bool:
    return path.startswith(DPKG_INFO) and path.endswith(".list")


def is_package_file_list(path: str) -> bool:
    return is_dpkg_list(path) or path == APK_INSTALLED


def canonical(path: str) -> str:
    """Fold merged-/usr aliases: /usr/bin/su and /bin/su are the same file."""
    if path.startswith("/usr/"):
        head = path[5:].split("/", 1)[0]
        if head in _USR_MERGED:
            return path[4:]
    return path


def parse_dpkg_list(data: bytes) -> set[str]:
    return {canonical(line) for line in data.decode("utf-8", "replace").splitlines() if line.startswith("/")}


def parse_apk_installed(data: bytes) -> set[str]:
    """Paths from apk's installed database: ``F:dir`` then ``R:file`` lines."""
    paths: set[str] = set()
    directory = ""
    for line in data.decode("utf-8", "replace").splitlines():
        if line.startswith("F:"):
            directory = line[2:].strip("/")
        elif line.startswith("R:"):
            paths.add(canonical(f"/{directory}/{line[2:]}" if directory else f"/{line[2:]}"))
        elif not line:
            directory = ""
    return paths


def is_setid_executable(entry: FileEntry) -> bool:
    return entry.kind == REGULAR and bool(entry.mode & 0o6000) and bool(entry.mode & 0o111)


def is_world_writable(entry: FileEntry) -> bool:
    if entry.kind not in (REGULAR, DIRECTORY) or not entry.mode & 0o002:
        return False
    if entry.kind == DIRECTORY and entry.mode & 0o1000:
        return False  # sticky: others cannot delete or rename what they do not own
    return not any(entry.path == d or entry.path.startswith(d + "/") for d in TEMP_DIRS)


def _under(path: str, root: str, opaque: bool) -> bool:
    return path.startswith(root.rstrip("/") + "/") or (not opaque and path == root)


class RiskyFiles:
    """Tracks risky entries through the layers so only what the final filesystem holds is reported."""

    def __init__(self) -> None:
        self.setid: dict[str, FileEntry] = {}
        self.writable: dict[str, FileEntry] = {}
        self.readable_keys: dict[str, FileEntry] = {}
        self.packaged: set[str] = set()
        self.saw_package_lists = False

    def on_entry(self, entry: FileEntry) -> None:
        path = entry.path
        if self.setid or self.writable or self.readable_keys:
            for table in (self.setid, self.writable, self.readable_keys):
                table.pop(path, None)
        if not entry.mode & 0o6002:  # the common case: neither set-id nor world-writable
            return
        if is_setid_executable(entry):
            self.setid[path] = entry
        if is_world_writable(entry):
            self.writable[path] = entry

    def on_whiteout(self, path: str, opaque: bool) -> None:
        for table in (self.setid, self.writable, self.readable_keys):
            for gone in [p for p in table if _under(p, path, opaque)]:
                del table[gone]

    def add_package_list(self, path: str, data: bytes) -> None:
        self.saw_package_lists = True
        self.packaged |= parse_apk_installed(data) if path == APK_INSTALLED else parse_dpkg_list(data)

    def private_key_file(self, entry: FileEntry) -> None:
        if entry.mode & 0o077:
            self.readable_keys[entry.path] = entry

    def findings(self) -> list[SecretFinding]:
        out: list[SecretFinding] = []
        for path, entry in sorted(self.setid.items()):
            if canonical(path) in self.packaged:
                continue
            bits = "setuid" if entry.mode & 0o4000 else "setgid"
            if entry.mode & 0o6000 == 0o6000:
                bits = "setuid+setgid"
            note = "not shipped by any installed package" if self.saw_package_lists else "no package file lists to compare with"
            out.append(_risky("setid-executable", f"{bits} executable", Severity.HIGH if self.saw_package_lists else Severity.MEDIUM, entry, f"{bits} mode {entry.mode:04o} owner {entry.uid}:{entry.gid}; {note}"))
        for path, entry in sorted(self.writable.items()):
            what = "directory" if entry.kind == DIRECTORY else "file"
            out.append(_risky("world-writable", f"World-writable {what}", Severity.MEDIUM, entry, f"mode {entry.mode:04o}: any user can modify it"))
        for path, entry in sorted(self.readable_keys.items()):
            out.append(_risky("private-key-permissions", "Private key readable by group or others", Severity.MEDIUM, entry, f"mode {entry.mode:04o} (expected 0600 or stricter)"))
        return out


def _risky(rule_id: str, title: str, severity: Severity, entry: FileEntry, detail: str) -> SecretFinding:
    return SecretFinding(rule_id, title, severity, RISKY_FILE, IN_FILE, entry.path, layer_index=entry.layer_index, detail=detail)
