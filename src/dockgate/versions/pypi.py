"""PyPI version ordering (PEP 440), parsed by ``packaging.version.Version``.

Legacy (non-PEP 440) strings raise VersionError. The key rebuilds PEP 440's precedence from
the parsed parts as a plain tuple: epoch, release without trailing zeros, pre-release
(a dev-only release sorts before any pre-release), post-release, dev-release, local label
(numeric segments above alphanumeric ones).
"""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from dockgate.versions.base import KeyedComparator


def pep440_key(parsed: Version) -> tuple:
    release = list(parsed.release)
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    if parsed.pre is None and parsed.post is None and parsed.dev is not None:
        pre: tuple = (0,)
    elif parsed.pre is None:
        pre = (2,)
    else:
        pre = (1, parsed.pre[0], parsed.pre[1])
    post = (0,) if parsed.post is None else (1, parsed.post)
    dev = (1,) if parsed.dev is None else (0, parsed.dev)
    if parsed.local is None:
        local: tuple = (0,)
    else:
        local = (1, tuple(
            (1, int(part), "") if part.isdigit() else (0, 0, part)
            for part in parsed.local.split(".")
        ))
    return (parsed.epoch, tuple(release), pre, post, dev, local)


class PypiComparator(KeyedComparator):
    name = "PyPI"

    def _parse(self, version: str) -> tuple:
        try:
            parsed = Version(version)
        except InvalidVersion:
            raise self.invalid(version, "not a PEP 440 version") from None
        return pep440_key(parsed)
