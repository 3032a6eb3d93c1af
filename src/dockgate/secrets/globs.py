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


def _longest_literal(pattern: str) -> str:
    """The longest wildcard-free piece of a glob: any matching path contains it."""
    return max(re.split(r"[*?]+", pattern), key=len)


def compile_globs(patterns: Iterable[str]) -> Callable[[str], bool]:
    """One predicate true when an absolute path matches any pattern (patterns match from the root;
    a pattern without a leading '/' matches at any depth). A cheap substring test on each
    pattern's longest literal piece runs before the regex."""
    parts = []
    literals: list[str] = []
    for pattern in patterns:
        pattern = pattern.strip()
        if not pattern:
            continue
        if pattern.startswith("/"):
            parts.append(glob_to_regex(pattern))
        else:
            parts.append("/" + glob_to_regex(pattern if pattern.startswith("**/") else "**/" + pattern))
        literals.append(_longest_literal(pattern.lstrip("/")) if not pattern.startswith("/") else _longest_literal(pattern))
    if not parts:
        return lambda path: False
    compiled = re.compile("(?:" + "|".join(parts) + r")\Z")
    needles = tuple(dict.fromkeys(literals))
    if "" in needles:  # a pattern made of wildcards only: no shortcut
        return lambda path: compiled.match(path if path.startswith("/") else "/" + path) is not None
    contains_needle = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))).search

    def matches(path: str) -> bool:
        if contains_needle(path) is None:
            return False
        return compiled.match(path if path.startswith("/") else "/" + path) is not None

    return matches
