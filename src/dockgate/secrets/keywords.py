"""Where any of many keywords occur in a blob, in one pass (Aho-Corasick, SIMD-accelerated).

This is the prefilter in front of every rule's regex: one scan of the content gives each
rule the positions of its keywords, so regexes only run on files (and windows of files)
that can match.
"""

from __future__ import annotations

from typing import Sequence

try:
    from ahocorasick_rs import BytesAhoCorasick
except ImportError:  # pragma: no cover - the pinned dependency is normally installed
    BytesAhoCorasick = None


class KeywordIndex:
    def __init__(self, keywords: Sequence[bytes]) -> None:
        self.keywords = list(dict.fromkeys(keywords))
        self._automaton = BytesAhoCorasick(self.keywords) if BytesAhoCorasick is not None and self.keywords else None

    def positions(self, data: bytes, limit: int) -> dict[int, list[int]]:
        """keyword number -> start offsets (at most ``limit`` in all, the first ones)."""
        found: dict[int, list[int]] = {}
        if not self.keywords:
            return found
        if self._automaton is not None:
            hits = self._automaton.find_matches_as_indexes(data, overlapping=True)
            for number, start, _ in hits[:limit]:
                found.setdefault(number, []).append(start)
            return found
        total = 0
        for number, keyword in enumerate(self.keywords):
            at = data.find(keyword)
            while at >= 0 and total < limit:
                found.setdefault(number, []).append(at)
                total += 1
                at = data.find(keyword, at + 1)
        return found
