"""The keyword prefilter: the Aho-Corasick pass and the plain-Python fallback agree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dockgate.secrets.keywords import KeywordIndex

KEYWORDS = [b"password", b"pass", b"://", b"AKIA", b"eyJ", b"ss"]


def _fallback(index: KeywordIndex) -> KeywordIndex:
    plain = KeywordIndex(index.keywords)
    plain._automaton = None  # the code path used when ahocorasick-rs is not installed
    return plain


def _normalised(found: dict[int, list[int]]) -> dict[int, list[int]]:
    return {k: sorted(v) for k, v in found.items()}


def test_overlapping_hits_are_all_reported() -> None:
    index = KeywordIndex(KEYWORDS)
    data = b"x password=1 https://a AKIAeyJ passs"
    expected = {0: [2], 1: [2, 31], 2: [18], 3: [23], 4: [27], 5: [4, 33, 34]}
    assert _normalised(index.positions(data, 1000)) == expected
    assert _normalised(_fallback(index).positions(data, 1000)) == expected


def test_hit_limit() -> None:
    index = KeywordIndex([b"a"])
    assert sum(len(v) for v in index.positions(b"a" * 100, 10).values()) == 10
    assert sum(len(v) for v in _fallback(index).positions(b"a" * 100, 10).values()) == 10


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"pass", b"word", b"://", b"AKIA", b"eyJ", b"s", b"x", b" "]), max_size=60))
def test_fallback_agrees_with_automaton(parts: list[bytes]) -> None:
    data = b"".join(parts)
    index = KeywordIndex(KEYWORDS)
    assert _normalised(index.positions(data, 10_000)) == _normalised(_fallback(index).positions(data, 10_000))
