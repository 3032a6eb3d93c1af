"""Every comparator rejects garbage with a one-line VersionError naming version and ecosystem."""

from __future__ import annotations

import pytest

from dockgate.errors import DockgateError
from dockgate.versions import VersionError, comparator_for

GARBAGE = {
    "Debian": ["", "abc", "1.0 1", "a:1.0", ":1.0", "1:", "1.0-", "-1", "1.0-1_2", "1.0@", "１.0", "99999999999:1"],
    "Alpine": ["", "abc", "1.0-r", "1.0-1", "1.0_foo", "1.0bc", "1..0", "1.0~", "1.0-r1~ab", "v1.0", "1.0 "],
    "Red Hat": ["", "1.0-", "-1", "1:", "1.0 1", "1.0\n", "1.0\x00", "ü1.0"],
    "PyPI": ["", "abc", "1.0-SNAPSHOT-x", "1..0", "=1.0"],
    "npm": ["", "1", "1.0", "1.0.0.0", "01.0.0", "1.0.0-", "v1.0.0 extra"],
    "SEMVER": ["", "v1.0.0", "1.0", "1.0.0-01"],
    "Go": ["", "latest", "v1.0.0.0", "go", "go1.x", "master"],
    "Maven": ["", "1.0 1", "1.0\t", "1.0\x00", "\n"],
    "RubyGems": ["", "junk", "1..2", "1.0\n2.0", "1.0.", "-1", "1.0_1", "   "],
}


@pytest.mark.parametrize(
    ("ecosystem", "garbage"), [(eco, bad) for eco, bads in GARBAGE.items() for bad in bads]
)
def test_rejects_garbage_with_one_line_error(ecosystem: str, garbage: str) -> None:
    comparator = comparator_for(ecosystem)
    with pytest.raises(VersionError) as raised:
        comparator.key(garbage)
    message = str(raised.value)
    assert isinstance(raised.value, DockgateError) and raised.value.exit_code == 2
    assert "\n" not in message
    assert comparator.name in message
    shown = " ".join(repr(garbage)[:20].split())  # DockgateError keeps messages on one line
    assert shown in message or len(repr(garbage)) > 80
    with pytest.raises(VersionError):
        comparator.compare(garbage, "1.0.0")


@pytest.mark.parametrize("ecosystem", list(GARBAGE))
@pytest.mark.parametrize("not_text", [None, 1, b"1.0", ["1.0"]])
def test_non_strings_are_version_errors(ecosystem: str, not_text: object) -> None:
    with pytest.raises(VersionError):
        comparator_for(ecosystem).key(not_text)  # type: ignore[arg-type]


@pytest.mark.parametrize("ecosystem", list(GARBAGE))
def test_huge_versions_are_refused_quickly_with_a_short_message(ecosystem: str) -> None:
    huge = "1." * 5_000_000
    with pytest.raises(VersionError) as raised:
        comparator_for(ecosystem).key(huge)
    assert len(str(raised.value)) < 200
    assert "longer than" in str(raised.value)
