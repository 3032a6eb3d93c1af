"""Property test: the range walk agrees with a plain reading of OSV intervals on PyPI versions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dockgate.match.ranges import range_affects
from dockgate.versions import comparator_for

PYPI = comparator_for("PyPI")
versions = st.tuples(st.integers(0, 6), st.integers(0, 6)).map(lambda t: f"{t[0]}.{t[1]}")


def reference(version: str, intervals: list[tuple[str, str | None]]) -> bool:
    key = PYPI.key(version)
    return any(PYPI.key(low) <= key and (high is None or key < PYPI.key(high)) for low, high in intervals)


@settings(max_examples=300, deadline=None)
@given(st.lists(versions, min_size=1, max_size=6, unique_by=lambda v: PYPI.key(v)), versions, st.booleans())
def test_introduced_fixed_pairs_match_interval_reading(points: list[str], version: str, open_end: bool) -> None:
    ordered = sorted(points, key=PYPI.key)
    if open_end and len(ordered) % 2 == 0:
        ordered = ordered[:-1]
    events = []
    intervals: list[tuple[str, str | None]] = []
    for index in range(0, len(ordered), 2):
        low = ordered[index]
        high = ordered[index + 1] if index + 1 < len(ordered) else None
        events.append(["i", low])
        if high is not None:
            events.append(["f", high])
        intervals.append((low, high))
    shuffled = list(reversed(events))  # order in the record must not matter
    assert range_affects(PYPI, version, shuffled) == reference(version, intervals)


@settings(max_examples=200, deadline=None)
@given(versions, versions)
def test_last_affected_is_inclusive(last: str, version: str) -> None:
    assert range_affects(PYPI, version, [["i", "0"], ["l", last]]) == (PYPI.key(version) <= PYPI.key(last))
