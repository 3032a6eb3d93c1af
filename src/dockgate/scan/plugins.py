"""Other scanners riding along on ``dockgate scan`` (``--scanners vuln,secret,config``).

A scanner registers a factory under its name; the factory returns a :class:`PluggedScanner`
whose optional layer visitor joins the image's single streaming pass and whose
``findings(inventory)`` is called afterwards. Findings land in
``ScanResult.other_findings[name]``. Names without a registered scanner yield a warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
    from dockgate.image.visitor import LayerVisitor

KNOWN_SCANNERS = ("vuln", "secret", "config")


class PluggedScanner(Protocol):
    visitor: LayerVisitor | None

    def findings(self, inventory: Any) -> list[Any]: ...


_REGISTRY: dict[str, Callable[[], PluggedScanner]] = {}


def register_scanner(name: str, factory: Callable[[], PluggedScanner]) -> None:
    _REGISTRY[name] = factory


def scanner_factory(name: str) -> Callable[[], PluggedScanner] | None:
    return _REGISTRY.get(name)
