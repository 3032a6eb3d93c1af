"""Other scanners riding along on ``dockgate scan`` (``--scanners vuln,secret,config``).

A scanner registers a factory under its name; the factory returns a :class:`PluggedScanner`
whose optional layer visitor joins the image's single streaming pass and whose
``findings(inventory)`` is called afterwards. Findings land in
``ScanResult.other_findings[name]``. Names without a registered scanner yield a warning.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
    from dockgate.image.visitor import LayerVisitor

KNOWN_SCANNERS = ("vuln", "secret", "config")


class PluggedScanner(Protocol):
    visitor: LayerVisitor | None

    def findings(self, inventory: Any) -> list[Any]: ...


_REGISTRY: dict[str, Callable[[], PluggedScanner]] = {}
# Modules whose ``register()`` plugs a scanner in; imported only when that scanner is asked for.
_PLUGIN_MODULES = {"secret": "dockgate.secrets.plugin", "config": "dockgate.lint.scan_plugin"}
# Per finding kind: (module, function) rendering SARIF parts and a table for those findings.
SARIF_PARTS = {"secret": ("dockgate.secrets.report", "sarif_parts")}
TABLE_RENDERERS = {"secret": ("dockgate.secrets.report", "render_table")}


def register_scanner(name: str, factory: Callable[[], PluggedScanner]) -> None:
    _REGISTRY[name] = factory


def scanner_factory(name: str) -> Callable[[], PluggedScanner] | None:
    if name not in _REGISTRY and name in _PLUGIN_MODULES:
        try:
            register = getattr(importlib.import_module(_PLUGIN_MODULES[name]), "register", None)
        except ImportError:
            register = None
        if callable(register):
            register()
    return _REGISTRY.get(name)


def helper(table: dict[str, tuple[str, str]], kind: str) -> Callable[..., Any] | None:
    """The renderer another package provides for its finding kind, if any."""
    where = table.get(kind)
    if where is None:
        return None
    try:
        found = getattr(importlib.import_module(where[0]), where[1], None)
    except ImportError:
        return None
    return found if callable(found) else None
