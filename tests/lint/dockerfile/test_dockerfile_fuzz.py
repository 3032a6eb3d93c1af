"""Hostile and random Dockerfiles: only one-line InputErrors, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockgate.errors import InputError
from dockgate.lint.dockerfile import LintOptions
from dockgate.lint.dockerfile.parse import parse_text
from dockgate.lint.dockerfile.runner import lint_parsed

WORDS = ["FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "USER", "CMD", "ENTRYPOINT", "EXPOSE", "HEALTHCHECK", "AS",
         "alpine:3.20", "golang:1.15", "${X}", "$Y", "${X:-a}", "scratch", "build", "<<EOF", "EOF", "\\", "&&", "|", ";",
         "curl", "sh", "apt-get", "install", "pip", "apk", "add", "[\"a\",", "\"b\"]", "'", "\"", "--from=build",
         "--chmod=777", "# dockgate:ignore DG-DF-0", "# escape=`", "`", "=", "22", "root", "0", "@sha256:", "ghp_", "\t", " "]

lines = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
documents = st.lists(lines, min_size=1, max_size=12).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(documents, st.text(max_size=300), documents.map(lambda d: "FROM alpine:3.20\n" + d)))
def test_random_dockerfiles_only_raise_one_line_input_errors(text: str) -> None:
    try:
        parsed = parse_text(text, "fuzz/Dockerfile")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz/Dockerfile")
        return
    result = lint_parsed(parsed, LintOptions(), None)
    for finding in result.findings:
        assert finding.location.line is not None and 1 <= finding.location.line <= max(len(parsed.lines), 1)
        assert finding.location.column is not None and finding.location.column >= 1
