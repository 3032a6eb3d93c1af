"""The LayerVisitor that feeds files to every cataloguer during the single pass."""

from __future__ import annotations

from typing import Sequence

from dockgate.catalog.base import Cataloguer, Parsed
from dockgate.image.visitor import FileEntry


class CatalogVisitor:
    def __init__(self, cataloguers: Sequence[Cataloguer]) -> None:
        self.cataloguers = list(cataloguers)
        self.parsed: dict[str, dict[tuple[str, int], Parsed]] = {c.name: {} for c in self.cataloguers}
        self.warnings: list[str] = []
        self._wanting: dict[str, list[Cataloguer]] = {}
        self._by_entry = [c for c in self.cataloguers if getattr(c, "wants_entry", None) is not None]

    def on_entry(self, entry: FileEntry) -> None:
        return None

    def wants(self, entry: FileEntry) -> bool:
        """Cataloguers decide on the path; those that need more (the executable bit) define wants_entry."""
        path = entry.path
        wanting = [c for c in self.cataloguers if c.wants(path)]
        wanting += [c for c in self._by_entry if c not in wanting and c.wants_entry(entry)]  # type: ignore[attr-defined]
        if wanting:
            self._wanting[entry.path] = wanting
            return True
        return False

    def on_file(self, entry: FileEntry, data: bytes) -> None:
        for cataloguer in self._wanting.pop(entry.path, ()):
            try:
                value = cataloguer.parse(entry, data)
            except (ValueError, UnicodeError, KeyError, IndexError, TypeError, OverflowError) as exc:
                detail = " ".join(str(exc).split())[:200] or type(exc).__name__
                self.warnings.append(f"{cataloguer.name}: could not parse {entry.path} (layer {entry.layer_index}): {detail}")
                continue
            if value is not None:
                self.parsed[cataloguer.name][(entry.path, entry.layer_index)] = Parsed(entry.path, entry.layer_index, value, entry)

    def on_whiteout(self, layer_index: int, path: str, opaque: bool) -> None:
        return None
