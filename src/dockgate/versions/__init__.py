"""Version comparators, one module per ecosystem, behind one interface.

``comparator_for(ecosystem)`` returns the comparator for an OSV ecosystem name
("Debian:12", "Alpine:v3.18", "PyPI", "npm", "Go", "Maven", "Red Hat"...). Each comparator
turns a version string into a sort key (``key``), so ranges are compared with plain tuple
ordering and keys can be precomputed. A string the ecosystem cannot parse raises
:class:`VersionError`; callers report the package as unmatched, never drop it silently.
"""

from __future__ import annotations

from typing import Any, Protocol

from dockgate.errors import InputError


class VersionError(InputError):
    """A version string that the ecosystem's rules cannot parse."""


class Comparator(Protocol):
    name: str

    def key(self, version: str) -> Any:
        """A totally ordered sort key; raises VersionError when unparsable."""

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1, as a is lower than, equal to or higher than b."""
