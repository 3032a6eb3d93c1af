"""Path globs for in-image paths: ``*`` and ``?`` stay inside one path segment, ``**`` spans any."""

from __future__ import annotations

import re
from typing import Callable, Iterable


def glob_to_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def compile_globs(patterns: Iterable[str]) -> Callable[[str], bool]:
    """One predicate true when an absolute path matches any pattern (patterns match from the root;
    a pattern without a leading '/' matches at any depth)."""
    parts = []
    for pattern in patterns:
        pattern = pattern.strip()
        if not pattern:
            continue
        if pattern.startswith("/"):
            parts.append(glob_to_regex(pattern))
        else:
            parts.append("/" + glob_to_regex(pattern if pattern.startswith("**/") else "**/" + pattern))
    if not parts:
        return lambda path: False
    compiled = re.compile("(?:" + "|".join(parts) + r")\Z")
    return lambda path: compiled.match(path if path.startswith("/") else "/" + path) is not None
