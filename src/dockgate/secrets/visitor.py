"""The secret scanner as a :class:`~dockgate.image.visitor.LayerVisitor`.

It rides the single layer pass: it asks for the content of text-sized regular files, scans
them, and remembers per path the layer each finding came from. Later entries for the same
path (overwrites) and whiteouts do not erase a finding, since the earlier layer still ships
in the image: the finding is marked "deleted in layer N" or "overwritten in layer N" and
still reported. Risky-file checks run on the final filesystem.
"""

from __future__ import annotations

from dockgate.image.visitor import DIRECTORY, FileEntry
from dockgate.secrets.allowlist import AllowList
from dockgate.secrets.model import DELETED, IN_FILE, OVERWRITTEN, PRESENT, SECRET, SecretFinding, mask, sha256_hex
from dockgate.secrets.risky import RiskyFiles, is_package_file_list
from dockgate.secrets.rules import BUILTIN_RULES, SecretRule
from dockgate.secrets.scanner import DEFAULT_MAX_LINE_LENGTH, ContentScanner

DEFAULT_MAX_FILE_SIZE = 10 << 20
# Executables this large are compiled programs (skipped as binary anyway): not worth reading.
LARGE_EXECUTABLE = 512 << 10
SKIPPED_SUFFIXES = (
    ".so", ".a", ".o", ".pyc", ".pyo", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".gz", ".xz",
    ".bz2", ".zst", ".zip", ".jar", ".whl", ".mo", ".woff", ".woff2", ".ttf", ".otf", ".wasm", ".node",
    ".md5sums",
)


class SecretScanner:
    def __init__(
        self,
        allowlist: AllowList | None = None,
        rules: tuple[SecretRule, ...] | list[SecretRule] = BUILTIN_RULES,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        check_risky_files: bool = True,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
    ) -> None:
        self.allowlist = allowlist if allowlist is not None else AllowList()
        self.content = ContentScanner(rules, self.allowlist, max_line_length)
        self.max_file_size = max_file_size
        self.risky = RiskyFiles() if check_risky_files else None
        self.skipped_large: list[str] = []
        self._by_path: dict[str, list[SecretFinding]] = {}
        self._ancestors: set[str] = set()  # directories holding a path with findings

    # --- LayerVisitor ---------------------------------------------------------------

    def on_entry(self, entry: FileEntry) -> None:
        path = entry.path
        if path in self._by_path:
            self._replaced(path, entry.layer_index, OVERWRITTEN, False)
        if entry.kind != DIRECTORY and path in self._ancestors:
            self._replaced(path, entry.layer_index, OVERWRITTEN, True)
        if self.risky is not None:
            self.risky.on_entry(entry)

    def wants(self, entry: FileEntry) -> bool:
        path = entry.path
        if self.risky is not None and is_package_file_list(path):
            return True
        if entry.size <= 0:
            return False
        if entry.size > self.max_file_size:
            self.skipped_large.append(path)
            return False
        if entry.size > LARGE_EXECUTABLE and entry.mode & 0o111:
            return False
        name = path[path.rfind("/") + 1 :]
        if name.endswith(SKIPPED_SUFFIXES) or ".so." in name:
            return False
        return not self.allowlist.path_allowed(path)

    def on_file(self, entry: FileEntry, data: bytes) -> None:
        if self.risky is not None and is_package_file_list(entry.path):
            self.risky.add_package_list(entry.path, data)
            return
        matches = self.content.scan(data, entry.path, path_checked=True)
        if not matches:
            return
        records = self._by_path.setdefault(entry.path, [])
        for match in matches:
            rule = match.rule
            records.append(
                SecretFinding(
                    rule.id, rule.title, rule.severity, SECRET, IN_FILE, entry.path,
                    masked=mask(match.value), sha256=sha256_hex(match.value), line=match.line,
                    layer_index=entry.layer_index,
                )
            )
            if rule.private_key and self.risky is not None:
                self.risky.private_key_file(entry)
        parent = entry.path
        while parent not in ("", "/"):
            parent = parent[: parent.rfind("/")] or "/"
            self._ancestors.add(parent)

    def on_whiteout(self, layer_index: int, path: str, opaque: bool) -> None:
        if not opaque and path in self._by_path:
            self._replaced(path, layer_index, DELETED, False)
        if path in self._ancestors or path == "/":
            self._replaced(path, layer_index, DELETED, True)
        if self.risky is not None:
            self.risky.on_whiteout(path, opaque)

    # --- results --------------------------------------------------------------------

    def findings(self) -> list[SecretFinding]:
        """Every finding so far: content secrets (deleted/overwritten ones included), then risky files."""
        out = [f for path in sorted(self._by_path) for f in self._by_path[path]]
        out.sort(key=lambda f: (f.path, f.layer_index or 0, f.line or 0))
        if self.risky is not None:
            out.extend(self.risky.findings())
        return out

    def _replaced(self, path: str, layer_index: int, status: str, below: bool) -> None:
        if below:
            prefix = path.rstrip("/") + "/"
            paths = [p for p in self._by_path if p.startswith(prefix)]
        else:
            paths = [path]
        for p in paths:
            for finding in self._by_path[p]:
                if finding.status == PRESENT and finding.layer_index is not None and finding.layer_index < layer_index:
                    finding.status = status
                    finding.removed_in_layer = layer_index
