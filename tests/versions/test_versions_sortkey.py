"""The order-preserving string encoding of comparator keys agrees with tuple order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockgate.versions.sortkey import BOTTOM, encode_key

leaf = st.one_of(st.integers(-(2**80), 2**80), st.text(max_size=6))
# keys as comparators build them: same element types at the same positions
shaped = st.lists(st.tuples(st.integers(-300, 2**70), st.text(alphabet="\x00\x01ab~\u00ff\u0100", max_size=4)), max_size=5)


def _sign(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


@settings(max_examples=500, deadline=None)
@given(shaped, shaped)
def test_encoding_keeps_tuple_order(a: list[tuple[int, str]], b: list[tuple[int, str]]) -> None:
    ta, tb = tuple(a), tuple(b)
    assert _sign(encode_key(ta), encode_key(tb)) == _sign(ta, tb)


@settings(max_examples=500, deadline=None)
@given(st.integers(-(2**300), 2**300), st.integers(-(2**300), 2**300))
def test_integers_of_any_size(a: int, b: int) -> None:
    assert _sign(encode_key((a,)), encode_key((b,))) == _sign(a, b)


@settings(max_examples=500, deadline=None)
@given(st.text(), st.text())
def test_strings_with_control_characters(a: str, b: str) -> None:
    assert _sign(encode_key((a, 1)), encode_key((b, 1))) == _sign((a, 1), (b, 1))


@pytest.mark.parametrize(
    ("low", "high"),
    [((1,), (1, 0)), ((), (0,)), ((-1,), (0,)), ((255,), (256,)), (("a",), ("a\x00",)), (((1, 2),), ((1, 2, 0),)), ((0, ()), (0, (0,)))],
)
def test_prefixes_and_boundaries(low: tuple, high: tuple) -> None:
    assert low < high and encode_key(low) < encode_key(high)


def test_bottom_is_below_every_key() -> None:
    assert all(BOTTOM < encode_key(key) for key in [(), (0,), (-(2**64),), ("",)])


def test_other_types_are_refused() -> None:
    with pytest.raises(TypeError):
        encode_key((1.5,))
