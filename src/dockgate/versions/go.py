"""Go version ordering: module versions and Go toolchain (stdlib) versions.

Module versions are semver with a "v" prefix (OSV writes them without it; both are accepted).
Pseudo-versions such as ``v0.0.0-20191109021931-daa7c04131f5`` or
``v1.2.4-0.20191109021931-daa7c04131f5`` are ordinary semver pre-releases and sort as such;
``+incompatible`` is build metadata and is ignored, as ``golang.org/x/mod/semver`` does. As in
x/mod, "v1" and "v1.2" are shorthands for v1.0.0 and v1.2.0.

Toolchain versions ("go1.19.8", "go1.21rc2", "go1.20beta1", "go1.20") are mapped to the
semver OSV uses for the stdlib by :func:`normalize_go_toolchain`.
"""

from __future__ import annotations

import re

from dockgate.versions.base import KeyedComparator, VersionError, shown
from dockgate.versions.semver import parse_semver, semver_key

_TOOLCHAIN = re.compile(
    r"(?:go)?(?P<major>[0-9]+)(?:\.(?P<minor>[0-9]+))?(?:\.(?P<patch>[0-9]+))?"
    r"(?:(?P<kind>rc|beta|alpha)(?P<number>[0-9]+))?",
    re.ASCII,
)
_SHORTHAND = re.compile(r"(?P<major>0|[1-9][0-9]*)(?:\.(?P<minor>0|[1-9][0-9]*))?", re.ASCII)


def normalize_go_toolchain(version: str) -> str:
    """Map a Go toolchain version to the semver OSV uses for the Go stdlib.

    "go1.19.8" -> "1.19.8", "go1.20" -> "1.20.0", "go1.21rc2" -> "1.21.0-rc.2",
    "go1.20beta1" -> "1.20.0-beta.1", "1.19" -> "1.19.0". Raises VersionError otherwise.
    """
    match = _TOOLCHAIN.fullmatch(version) if isinstance(version, str) else None
    if match is None:
        raise VersionError(f"invalid Go toolchain version {shown(version)}: expected e.g. go1.21.3 or go1.21rc2")
    major, minor, patch = (int(match[part] or 0) for part in ("major", "minor", "patch"))
    text = f"{major}.{minor}.{patch}"
    if match["kind"]:
        text += f"-{match['kind']}.{int(match['number'])}"
    return text


class GoComparator(KeyedComparator):
    name = "Go"

    def _parse(self, version: str) -> tuple:
        text = version
        if text.startswith("go"):
            if _TOOLCHAIN.fullmatch(text) is None:
                raise self.invalid(version, "not a Go toolchain version such as go1.21.3")
            text = normalize_go_toolchain(text)
        elif text.startswith("v"):
            text = text[1:]
        parts = parse_semver(text)
        if parts is None:
            shorthand = _SHORTHAND.fullmatch(text)
            if shorthand is not None:
                text = f"{shorthand['major']}.{shorthand['minor'] or 0}.0"
            elif _TOOLCHAIN.fullmatch(text) is not None and not version.startswith("v"):
                text = normalize_go_toolchain(text)
            parts = parse_semver(text)
        if parts is None:
            raise self.invalid(version, "not a Go module version (vMAJOR.MINOR.PATCH[-pre][+build])")
        return semver_key(parts)
