"""The shipped end-of-life data file: dated, covering the six official images, consistent."""

from __future__ import annotations

import datetime

import pytest

from dockgate.lint.dockerfile.eol import eol_data, find_eol
from dockgate.lint.dockerfile.images import parse_base


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


# Versions whose end of life fell between the 2025-06-01 and 2026-11-27 compilations, with the date each
# project published, and supported neighbours that must stay quiet (Go supports the two newest releases:
# 1.25 ended when 1.27 shipped on 2026-08-19; 1.26 and 1.27 are supported).
REFRESHED_EOL = [
    ("golang:1.23", ("golang", "1.23", "2025-08-12")),
    ("golang:1.24-alpine", ("golang", "1.24", "2026-02-10")),
    ("golang:1.25", ("golang", "1.25", "2026-08-19")),
    ("python:3.9", ("python", "3.9", "2025-10-31")),
    ("python:3.10-slim", ("python", "3.10", "2026-10-01")),
    ("node:20", ("node", "20", "2026-04-30")),
    ("node:23-alpine", ("node", "23", "2025-06-01")),
    ("node:25", ("node", "25", "2026-06-01")),
    ("debian:bullseye-slim", ("debian", "11", "2026-08-31")),
    ("debian:11", ("debian", "11", "2026-08-31")),
    ("ubuntu:oracular", ("ubuntu", "24.10", "2025-07-10")),
    ("ubuntu:25.04", ("ubuntu", "25.04", "2026-01-15")),
    ("ubuntu:questing", ("ubuntu", "25.10", "2026-07-09")),
    ("alpine:3.19", ("alpine", "3.19", "2025-11-01")),
    ("alpine:3.20.3", ("alpine", "3.20", "2026-04-01")),
    ("alpine:3.21", ("alpine", "3.21", "2026-11-01")),
]
STILL_SUPPORTED = [
    "golang:1.26", "golang:1.27-alpine", "python:3.11", "python:3.13-slim", "node:22", "node:24-alpine",
    "debian:12", "debian:bookworm", "debian:trixie", "ubuntu:22.04", "ubuntu:noble", "alpine:3.22", "alpine:3.23",
]


@pytest.mark.parametrize(("reference", "expected"), REFRESHED_EOL)
def test_versions_that_reached_end_of_life_since_the_last_compilation_are_flagged(reference: str, expected: tuple[str, str, str]) -> None:
    base = parse_base(reference)
    assert base is not None
    assert [(m.product, m.version, m.since) for m in find_eol(base)] == [expected]


@pytest.mark.parametrize("reference", STILL_SUPPORTED)
def test_versions_still_supported_on_the_compiled_date_are_not_flagged(reference: str) -> None:
    base = parse_base(reference)
    assert base is not None and find_eol(base) == []


def test_end_of_life_os_variants_in_a_language_tag_are_flagged_too() -> None:
    def found(reference: str) -> list[tuple[str, str]]:
        base = parse_base(reference)
        assert base is not None
        return [(m.product, m.version) for m in find_eol(base)]

    assert found("python:3.13-slim-bullseye") == [("debian", "11")]
    assert found("node:22-alpine3.20") == [("alpine", "3.20")]
    assert found("golang:1.23-bullseye") == [("golang", "1.23"), ("debian", "11")]
    assert found("python:3.13-slim-bookworm") == [] and found("node:22-alpine3.22") == []
