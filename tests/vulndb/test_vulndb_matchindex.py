"""The compiled match index decides ranges exactly as OSV's published evaluation does."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from dockgate.versions import comparator_for
from dockgate.vulndb.matchindex import RowBuilder, in_range, installed_rank

PYPI = comparator_for("PyPI")
versions = st.tuples(st.integers(0, 5), st.integers(0, 5)).map(lambda t: f"{t[0]}.{t[1]}")
events = st.lists(st.tuples(st.sampled_from("iflm"), versions), min_size=1, max_size=7)


def osv_reference(version: str, evts: list[tuple[str, str]]) -> bool:
    """OSV's evaluation (ossf.github.io/osv-schema, "Evaluation"), on plain comparator keys."""

    def key(code: str, value: str) -> tuple:
        return (0,) if code == "i" and value == "0" else (1, PYPI.key(value))

    target = (1, PYPI.key(version))
    ordered = sorted((key(code, value), code) for code, value in evts)
    limits = [k for k, code in ordered if code == "m"]
    if limits and not any(target < k for k in limits):
        return False
    vulnerable = False
    for k, code in ordered:
        if code == "i" and target >= k:
            vulnerable = True
        elif code == "f" and target >= k:
            vulnerable = False
        elif code == "l" and target > k:
            vulnerable = False
    return vulnerable


def compile_one(evts: list[tuple[str, str]], ecosystem: str = "PyPI", kind: str = "ECOSYSTEM") -> tuple[dict, list]:
    builder = RowBuilder(ecosystem)
    builder.add("X-1", [[kind, [list(e) for e in evts]]], None, None)
    row = builder.row()
    return row, row["e"][0][2][0]


def rank_of(row: dict, kind: str, version: str, comparator=PYPI) -> int:  # noqa: ANN001
    pairs = row["v"].get(kind, [])
    position = {pair[1]: number for number, pair in enumerate(pairs)}
    return installed_rank(pairs, position, version, comparator.sort_key(version))


def compiled(version: str, evts: list[tuple[str, str]]) -> bool:
    row, (kind, bounds, states, _) = compile_one(evts)
    return in_range(bounds, states, rank_of(row, kind, version))


@settings(max_examples=2000, deadline=None)
@given(events, versions, st.booleans())
def test_compiled_range_agrees_with_osv_evaluation(evts: list[tuple[str, str]], version: str, from_zero: bool) -> None:
    if from_zero:
        evts = [("i", "0"), *evts]
    assert compiled(version, evts) == osv_reference(version, evts)


@settings(max_examples=300, deadline=None)
@given(st.lists(versions, min_size=1, max_size=6, unique_by=PYPI.key), versions, st.booleans())
def test_introduced_fixed_pairs_read_as_intervals(points: list[str], version: str, open_end: bool) -> None:
    ordered = sorted(points, key=PYPI.key)
    if open_end and len(ordered) % 2 == 0:
        ordered = ordered[:-1]
    evts: list[tuple[str, str]] = []
    inside = False
    for index in range(0, len(ordered), 2):
        low, high = ordered[index], ordered[index + 1] if index + 1 < len(ordered) else None
        evts.append(("i", low))
        if high is not None:
            evts.append(("f", high))
        inside = inside or (PYPI.key(low) <= PYPI.key(version) and (high is None or PYPI.key(version) < PYPI.key(high)))
    assert compiled(version, list(reversed(evts))) == inside  # the order in the record does not matter


@settings(max_examples=200, deadline=None)
@given(versions, versions)
def test_last_affected_is_inclusive(last: str, version: str) -> None:
    assert compiled(version, [("i", "0"), ("l", last)]) == (PYPI.key(version) <= PYPI.key(last))


def test_equal_versions_spelled_differently_share_one_position() -> None:
    row, (kind, bounds, states, _) = compile_one([("i", "1.0"), ("f", "2.0.0"), ("i", "2.0")])
    assert [version for _, version in row["v"]["E"]] == ["1.0", "2.0.0"]
    assert in_range(bounds, states, rank_of(row, kind, "2.0")) and in_range(bounds, states, rank_of(row, kind, "2"))
    assert not in_range(bounds, states, rank_of(row, kind, "0.9"))


def test_installed_version_listed_in_the_row_needs_no_key() -> None:
    row, (kind, bounds, states, _) = compile_one([("i", "0"), ("f", "1.5")])
    pairs = row["v"]["E"]
    position = {pair[1]: number for number, pair in enumerate(pairs)}
    assert not in_range(bounds, states, installed_rank(pairs, position, "1.5", None))


def test_fixed_versions_are_sorted_by_version() -> None:
    _, (_, _, _, fixed) = compile_one([("i", "0"), ("f", "10.0"), ("i", "3"), ("f", "2.0")])
    assert [value for _, value in fixed] == ["2.0", "10.0"]


def test_unparsable_bound_is_kept_as_an_error_for_scan_time() -> None:
    _, compiled_range = compile_one([("i", "0"), ("f", "not a version!")])
    assert compiled_range == ["E", None, "invalid PyPI version 'not a version!': not a PEP 440 version", []]


def test_semver_ranges_use_semver_keys() -> None:
    go = comparator_for("Go")
    row, (kind, bounds, states, _) = compile_one([("i", "0"), ("f", "1.2.3")], "Go", "SEMVER")
    assert kind == "S"
    assert in_range(bounds, states, rank_of(row, kind, "v1.2.2", go))
    assert not in_range(bounds, states, rank_of(row, kind, "v1.2.3", go))


def test_a_hostile_range_of_many_events_compiles_in_linear_time() -> None:
    evts = [pair for major in range(100) for minor in range(100) for pair in (("i", f"{major}.{minor}"), ("f", f"{major}.{minor}.5"))]
    started = time.perf_counter()
    row, (kind, bounds, states, fixed) = compile_one(evts)
    assert time.perf_counter() - started < 5  # evaluating every region by a full walk took minutes
    assert len(bounds) == 20000 and len(states) == 40001 and len(fixed) == 10000
    assert in_range(bounds, states, rank_of(row, kind, "99.99.4"))
    assert not in_range(bounds, states, rank_of(row, kind, "99.99.5"))
