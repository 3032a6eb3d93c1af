"""Parsing with Docker's parser: heredocs, continuations, escape directive, JSON forms, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.errors import InputError, LimitExceeded
from dockgate.lint.dockerfile.parse import parse_file, parse_text


def test_continuations_heredocs_and_json_forms_are_read_as_docker_reads_them() -> None:
    parsed = parse_text(
        "FROM alpine:3.20\n"
        "RUN apk add --no-cache \\\n"
        "    curl \\\n"
        "    jq\n"
        "RUN <<EOF\n"
        "set -e\n"
        "curl https://example.com/x | sh\n"
        "EOF\n"
        'CMD ["./app", "--port", "8080"]\n',
        "Dockerfile",
    )
    run_apk, run_heredoc, cmd = parsed.instructions[1:]
    assert (run_apk.line, run_apk.end_line) == (2, 4)
    assert "curl" in run_apk.text and "jq" in run_apk.text and "\\" not in run_apk.text
    assert (run_heredoc.line, run_heredoc.end_line) == (5, 8)
    assert "curl https://example.com/x | sh" in run_heredoc.text
    assert cmd.json_form and cmd.args == ("./app", "--port", "8080")


def test_escape_directive_changes_the_continuation_character() -> None:
    parsed = parse_text("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n  C:\\\\\n", "Dockerfile")
    run = parsed.instructions[1]
    assert run.keyword == "RUN" and (run.line, run.end_line) == (3, 4)
    assert "C:\\\\" in run.text


def test_columns_point_at_the_keyword() -> None:
    parsed = parse_text("FROM alpine:3.20\n   USER app\n", "Dockerfile")
    assert parsed.instructions[1].column == 4


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("FROM alpine:3.20\nRUN true\nRUN <<EOF\necho never closed\n", 3, "unterminated heredoc"),
    ("FROM alpine:3.20\nFOO bar\n", 2, "unknown instruction"),
    ("FROM alpine:3.20\nRUN true\nENV A=1 B\nRUN true\n", 3, "can't find = in"),
    ("FROM alpine:3.20\nLABEL a\n", 2, "LABEL must have two arguments"),
    ("# escape=x\nFROM alpine:3.20\n", 1, "invalid escape token"),
    ("\\\n", 1, "a line with no instruction"),
    ("RUN echo before\nFROM alpine:3.20\n", 1, "before the first FROM"),
    ("FROM\n", 1, "FROM requires an image"),
    ("FROM alpine:3.20 AS\n", 1, "FROM takes"),
    ("ARG X=1\n", None, "no FROM"),
])
def test_parse_errors_name_file_and_line(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_text(text, "dir/Dockerfile")
    message = str(caught.value)
    assert "\n" not in message and fragment in message
    assert message.startswith(f"dir/Dockerfile:{line}:" if line else "dir/Dockerfile:")


def test_bad_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("# only a comment\n\n")
    binary = tmp_path / "binary"
    binary.write_bytes(b"\x7fELF\x02\x01\x00\x00" * 64)
    latin = tmp_path / "latin"
    latin.write_bytes(b"FROM alpine\nLABEL x=\xff\xfe\n")
    huge = tmp_path / "huge"
    huge.write_text("FROM alpine:3.20\n" + "RUN true\n" * 2000)
    cases = {
        empty: "empty Dockerfile",
        binary: "binary file",
        latin: f"{latin}:2: not UTF-8",
        tmp_path / "missing": "no such file",
        tmp_path: "is a directory",
    }
    for path, fragment in cases.items():
        with pytest.raises(InputError, match=fragment):
            parse_file(path)
    with pytest.raises(LimitExceeded, match="larger than 1000 bytes"):
        parse_file(huge, max_bytes=1000)
    assert len(parse_file(huge).instructions) == 2001
