"""The shipped end-of-life data file: dated, covering the six official images, consistent."""

from __future__ import annotations

import datetime

from dockgate.lint.dockerfile.eol import eol_data


def test_data_is_dated_and_only_lists_versions_already_end_of_life_on_that_date() -> None:
    data = eol_data()
    compiled = datetime.date.fromisoformat(data["compiled"])
    assert set(data["images"]) == {"golang", "python", "node", "debian", "ubuntu", "alpine"}
    for name, entry in data["images"].items():
        assert entry["key"] in ("major", "major.minor"), name
        for version, since in entry["eol"].items():
            assert datetime.date.fromisoformat(since) <= compiled, (name, version)
            assert version.count(".") == (1 if entry["key"] == "major.minor" else 0), (name, version)
        for codename, number in entry.get("codenames", {}).items():
            assert codename.isalpha() and number in entry["eol"], (name, codename)
        below = entry["all_below"]
        assert datetime.date.fromisoformat(below["since"]) <= compiled
    assert "1.15" in data["images"]["golang"]["eol"]
