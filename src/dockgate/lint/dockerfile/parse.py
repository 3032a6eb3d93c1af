"""Read a Dockerfile safely and parse it with Docker's own parser (the ``dockerfile`` package).

Heredocs, line continuations, the ``# escape=`` directive and JSON forms are read exactly as
Docker reads them. Input is bounded (size, binary content) and every problem becomes a
one-line :class:`InputError` naming the file and, when known, the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import dockerfile

from dockgate.errors import InputError, LimitExceeded

MAX_DOCKERFILE_BYTES = 1 << 20  # real Dockerfiles are a few KiB; this bounds time and memory
BISECT_LIMIT = 256 << 10  # locate parse errors by re-parsing prefixes only below this size
_HEREDOC_RE = re.compile(r"<<-?\s*[\"']?([A-Za-z0-9_.-]+)[\"']?")

KNOWN_INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})


@dataclass(frozen=True)
class Instruction:
    """One instruction as Docker parsed it; ``line``/``end_line`` are 1-based source lines."""

    keyword: str  # upper case, e.g. "RUN"
    args: tuple[str, ...]
    flags: tuple[str, ...]
    json_form: bool
    line: int
    end_line: int
    column: int  # 1-based column of the keyword on its first line
    original: str
    heredocs: tuple[str, ...] = ()  # heredoc bodies, in order

    @property
    def text(self) -> str:
        """The command text a shell would run: shell form, JSON form joined, heredoc bodies."""
        body = " ".join(self.args)
        return "\n".join((body, *self.heredocs)) if self.heredocs else body

    def flag(self, name: str) -> str | None:
        """Value of ``--name=value`` (or "" for a bare ``--name``), else None."""
        prefix = f"--{name}"
        for item in self.flags:
            if item == prefix:
                return ""
            if item.startswith(prefix + "="):
                return item[len(prefix) + 1 :]
        return None


@dataclass(frozen=True)
class ParsedDockerfile:
    path: str
    lines: tuple[str, ...]
    instructions: tuple[Instruction, ...]

    def column_of(self, line: int, needle: str, default: int = 1) -> int:
        """1-based column of ``needle`` on source ``line`` (``default`` when absent)."""
        if 1 <= line <= len(self.lines) and needle:
            index = self.lines[line - 1].find(needle)
            if index >= 0:
                return index + 1
        return default


def read_dockerfile(path: Path, max_bytes: int = MAX_DOCKERFILE_BYTES) -> str:
    """The file's text; InputError for missing, directory, unreadable, huge or binary input."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a Dockerfile")
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise LimitExceeded(f"{path}: larger than {max_bytes} bytes, not a plausible Dockerfile")
    if b"\x00" in raw:
        raise InputError(f"{path}: binary file (contains NUL bytes), not a Dockerfile")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text, not a Dockerfile") from None
    return text


def parse_text(text: str, path: str) -> ParsedDockerfile:
    """Parse ``text``; InputError ``path:line: message`` for anything Docker would refuse."""
    lines = tuple(text.splitlines())
    if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
        raise InputError(f"{path}: empty Dockerfile (no instructions)")
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        line = _error_line(str(exc), lines, len(text))
        where = f"{path}:{line}" if line else path
        raise InputError(f"{where}: Dockerfile parse error: {_one_line(str(exc))}") from None
    instructions = tuple(_instruction(command, lines) for command in commands)
    _validate(instructions, path)
    return ParsedDockerfile(path, lines, instructions)


def parse_file(path: Path, max_bytes: int = MAX_DOCKERFILE_BYTES) -> ParsedDockerfile:
    return parse_text(read_dockerfile(path, max_bytes), str(path))


def _instruction(command: "dockerfile.Command", lines: tuple[str, ...]) -> Instruction:
    line = command.start_line
    source = lines[line - 1] if 1 <= line <= len(lines) else ""
    column = len(source) - len(source.lstrip()) + 1
    return Instruction(
        keyword=(command.cmd or "").upper(),
        args=tuple(v for v in command.value if v is not None),
        flags=tuple(command.flags),
        json_form=bool(command.json),
        line=line,
        end_line=command.end_line,
        column=column,
        original=command.original or "",
        heredocs=tuple(h.content for h in command.heredocs),
    )


def _validate(instructions: tuple[Instruction, ...], path: str) -> None:
    """What Docker's parser accepts but a build refuses: unknown words, FROM misuse."""
    seen_from = False
    for item in instructions:
        if not item.keyword:
            raise InputError(f"{path}:{item.line}: Dockerfile parse error: a line with no instruction (stray line continuation?)")
        if item.keyword not in KNOWN_INSTRUCTIONS:
            raise InputError(f"{path}:{item.line}: Dockerfile parse error: unknown instruction {item.keyword[:40]!r}")
        if item.keyword == "FROM":
            seen_from = True
            if not item.args or not item.args[0]:
                raise InputError(f"{path}:{item.line}: Dockerfile parse error: FROM requires an image")
            if len(item.args) not in (1, 3) or (len(item.args) == 3 and item.args[1].upper() != "AS"):
                raise InputError(f"{path}:{item.line}: Dockerfile parse error: FROM takes 'IMAGE [AS NAME]'")
        elif not seen_from and item.keyword != "ARG":
            raise InputError(f"{path}:{item.line}: Dockerfile parse error: {item.keyword} before the first FROM")
    if not seen_from:
        raise InputError(f"{path}: Dockerfile parse error: no FROM instruction")


def _error_line(message: str, lines: tuple[str, ...], size: int) -> int | None:
    """Where the Go parser gave up: heredocs by their start, others by bisection (bounded)."""
    if "heredoc" in message:
        line = _unterminated_heredoc(lines)
        if line is not None:
            return line
    return _first_failing_line(lines) if size <= BISECT_LIMIT else None


def _unterminated_heredoc(lines: tuple[str, ...]) -> int | None:
    """The last line opening a heredoc whose terminator never appears alone on a later line."""
    closing: set[str] = set()
    for number in range(len(lines), 0, -1):
        line = lines[number - 1]
        for word in _HEREDOC_RE.findall(line):
            if word not in closing:
                return number
        closing.add(line.strip())
    return None


def _first_failing_line(lines: tuple[str, ...]) -> int | None:
    """The smallest number of leading lines that already fails to parse (binary search)."""
    low, high = 1, len(lines)
    if high == 0 or _parses("\n".join(lines)):
        return None
    while low < high:
        middle = (low + high) // 2
        if _parses("\n".join(lines[:middle]) + "\n"):
            low = middle + 1
        else:
            high = middle
    return low


def _parses(text: str) -> bool:
    try:
        dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        return "no instructions" in str(exc)
    return True


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200] or "invalid syntax"
