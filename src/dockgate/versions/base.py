"""Shared plumbing for the version comparators: the error types and a cached-key base class.

Every comparator turns a version string into a plain, totally ordered sort key (a tuple of
ints and strings); ``compare`` is derived from ``key``. Keys are cached per comparator, so a
matcher can call ``key`` for thousands of package versions and range bounds cheaply.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from dockgate.errors import InputError
from dockgate.versions.sortkey import encode_key

MAX_VERSION_LENGTH = 256
KEY_CACHE_SIZE = 65536


class VersionError(InputError):
    """A version string that the ecosystem's rules cannot parse."""


class UnknownEcosystem(InputError):
    """An OSV ecosystem name that dockgate has no version comparator for."""


def shown(version: object) -> str:
    """A short, printable rendering of a (possibly hostile) version for error messages."""
    text = repr(version)
    return text if len(text) <= 80 else text[:77] + "..."


class KeyedComparator:
    """A comparator defined by a parse function from version string to sort key.

    Subclasses implement ``_parse(version)``, returning the key or raising
    ``self.invalid(version, reason)``. Strings, length bounds and caching are handled here.
    """

    name: str = ""

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            self.name = name
        self._cached_key: Callable[[str], Any] = lru_cache(maxsize=KEY_CACHE_SIZE)(self._checked_parse)
        self._cached_sort_key: Callable[[str], str] = lru_cache(maxsize=KEY_CACHE_SIZE)(self._encoded)

    def invalid(self, version: object, reason: str) -> VersionError:
        return VersionError(f"invalid {self.name} version {shown(version)}: {reason}")

    def _checked_parse(self, version: str) -> Any:
        if not version:
            raise self.invalid(version, "empty version")
        if len(version) > MAX_VERSION_LENGTH:
            raise self.invalid(version, f"longer than {MAX_VERSION_LENGTH} characters")
        return self._parse(version)

    def _parse(self, version: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def key(self, version: str) -> Any:
        """A totally ordered sort key; raises VersionError when unparsable."""
        if not isinstance(version, str):
            raise self.invalid(version, f"expected a string, got {type(version).__name__}")
        return self._cached_key(version)

    def _encoded(self, version: str) -> str:
        return encode_key(self._cached_key(version))

    def sort_key(self, version: str) -> str:
        """``key`` in the order-preserving string form of :mod:`dockgate.versions.sortkey`."""
        if not isinstance(version, str):
            raise self.invalid(version, f"expected a string, got {type(version).__name__}")
        return self._cached_sort_key(version)

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1, as a is lower than, equal to or higher than b."""
        key_a, key_b = self.key(a), self.key(b)
        return (key_a > key_b) - (key_a < key_b)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
