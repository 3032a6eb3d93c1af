"""Comparators against the ecosystems' own published test vectors (transcribed in data/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.versions import VersionError, comparator_for

DATA = Path(__file__).parent / "data"
SIGN = {"<": -1, "=": 0, ">": 1}

# apk-tools lists these inside comparisons although they break its own grammar (it then
# falls back to a partial comparison); dockgate rejects them instead.
APK_INVALID_IN_COMPARISONS = {"23_foo", "1.0bc"}
# apk-tools 3 rejects a letter followed by digits; apk-tools 2.x (Alpine's releases) and
# Alpine's secdb ("6.6.2p1-r0") use it, so dockgate accepts it.
APK2_FORMS_ACCEPTED = {"0.1a1"}


def _apk_lines() -> list[str]:
    lines = []
    for raw in (DATA / "apk_version.data").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if raw.startswith("#") or not line:
            continue
        lines.append(line)
    return lines


APK_LINES = _apk_lines()
APK_COMPARISONS = [line.split() for line in APK_LINES if len(line.split()) == 3 and line.split()[1] in SIGN]
APK_VALIDITY = [line for line in APK_LINES if len(line.split()) == 1]


def test_apk_vector_file_is_complete() -> None:
    assert len(APK_COMPARISONS) >= 730
    assert len(APK_VALIDITY) >= 20


@pytest.mark.parametrize(("left", "op", "right"), APK_COMPARISONS, ids=" ".join)
def test_apk_comparisons(left: str, op: str, right: str) -> None:
    alpine = comparator_for("Alpine:v3.20")
    if {left, right} & APK_INVALID_IN_COMPARISONS:
        for version in {left, right} & APK_INVALID_IN_COMPARISONS:
            with pytest.raises(VersionError):
                alpine.key(version)
        return
    assert alpine.compare(left, right) == SIGN[op]
    assert alpine.compare(right, left) == -SIGN[op]


@pytest.mark.parametrize("line", APK_VALIDITY)
def test_apk_validity(line: str) -> None:
    alpine = comparator_for("Alpine")
    if line.startswith("!") and line[1:] in APK2_FORMS_ACCEPTED:
        alpine.key(line[1:])
    elif line.startswith("!"):
        with pytest.raises(VersionError):
            alpine.key(line[1:])
    else:
        alpine.key(line)


def _rpm_vectors() -> list[tuple[str, str, int]]:
    vectors = []
    for line in (DATA / "rpmvercmp.data").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        left, right, expected = line.split()
        vectors.append((left, right, int(expected)))
    return vectors


RPM_VECTORS = _rpm_vectors()


def test_rpm_vector_file_is_complete() -> None:
    assert len(RPM_VECTORS) == 91
    assert any("^" in left for left, _, _ in RPM_VECTORS)


@pytest.mark.parametrize(("left", "right", "expected"), RPM_VECTORS)
def test_rpmvercmp(left: str, right: str, expected: int) -> None:
    assert comparator_for("Red Hat").compare(left, right) == expected


def _maven_lines() -> list[tuple[str, list[str]]]:
    lines = []
    for line in (DATA / "maven_order.data").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        kind, *versions = line.split()
        lines.append((kind, versions))
    return lines


@pytest.mark.parametrize(("kind", "versions"), _maven_lines())
def test_maven_order(kind: str, versions: list[str]) -> None:
    maven = comparator_for("Maven")
    expected = -1 if kind == "order" else 0
    for i, low in enumerate(versions):
        for high in versions[i + 1:]:
            assert maven.compare(low, high) == expected, (low, high)
            assert maven.compare(high, low) == -expected, (high, low)


def _unescape(text: str) -> str:
    return text.replace("\\x20", " ").replace("\\n", "\n")


def _rubygems_lines() -> list[str]:
    return [
        line for line in (DATA / "rubygems_order.data").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


@pytest.mark.parametrize("line", _rubygems_lines())
def test_rubygems_vectors(line: str) -> None:
    rubygems = comparator_for("RubyGems")
    if line.startswith("!"):
        with pytest.raises(VersionError):
            rubygems.key(_unescape(line[1:]))
        return
    left, op, right = line.split(" ")
    assert rubygems.compare(_unescape(left), _unescape(right)) == SIGN[op]
    assert rubygems.compare(_unescape(right), _unescape(left)) == -SIGN[op]
