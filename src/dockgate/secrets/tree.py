"""``dockgate secrets PATH``: scan a plain directory or a single file on the host.

Directories are walked with the image reader's root-filesystem walker (symlinks recorded,
never followed; files opened with O_NOFOLLOW), so the same visitor and the same bounds apply.
Paths in the findings are relative to PATH.
"""

from __future__ import annotations

import os
import stat

from dockgate.errors import InputError
from dockgate.image.limits import DEFAULT_LIMITS
from dockgate.image.rootfs import walk_rootfs
from dockgate.image.visitor import REGULAR, FileEntry
from dockgate.secrets.model import IN_FILE, SecretFinding
from dockgate.secrets.visitor import SecretScanner


def scan_path(path: str, scanner: SecretScanner) -> tuple[list[SecretFinding], list[str]]:
    """Findings and warnings for a directory tree or one file."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError(f"cannot scan {path}: {exc.strerror or exc}") from None
    warnings: list[str] = []
    if stat.S_ISDIR(info.st_mode):
        limits = DEFAULT_LIMITS.with_file_size(scanner.max_file_size)
        walked = walk_rootfs(path, [scanner], limits)
        warnings.extend(walked.warnings)
        findings = scanner.findings()
        for finding in findings:
            if finding.location == IN_FILE:
                finding.path = finding.path.lstrip("/")
                finding.layer_index = None
    elif stat.S_ISREG(info.st_mode):
        findings = _scan_file(path, info, scanner)
    else:
        raise InputError(f"cannot scan {path}: not a regular file or directory")
    warnings.extend(f"skipped {p}: larger than the {scanner.max_file_size}-byte bound" for p in scanner.skipped_large)
    return findings, warnings


def _scan_file(path: str, info: os.stat_result, scanner: SecretScanner) -> list[SecretFinding]:
    name = "/" + os.path.basename(os.path.abspath(path))
    entry = FileEntry(name, REGULAR, info.st_size, stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid, 0)
    scanner.on_entry(entry)
    if scanner.wants(entry):
        try:
            with open(path, "rb") as handle:
                data = handle.read(scanner.max_file_size + 1)[: scanner.max_file_size]
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        scanner.on_file(entry, data)
    findings = scanner.findings()
    for finding in findings:
        if finding.location == IN_FILE:
            finding.path = path
            finding.layer_index = None
    return findings
