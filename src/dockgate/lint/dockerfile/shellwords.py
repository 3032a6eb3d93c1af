"""Split RUN text into simple commands (words), enough to reason about package managers.

Not a shell: it splits on ``;``, ``&&``, ``||``, ``|``, ``&``, parentheses and newlines,
honours quotes and backslash escapes, and drops leading ``VAR=value`` assignments and
``sudo``/``env`` prefixes. One regular expression does the tokenising (fast on huge files).
"""

from __future__ import annotations

import functools
import re

_TOKEN_RE = re.compile(r"""&&|\|\||[;&|()\n]|(?:\\.|'[^']*'|"(?:\\.|[^"\\])*"|[^\s;&|()'"\\])+|['"\\]""", re.S)
_QUOTED_RE = re.compile(r"""'([^']*)'|"((?:\\.|[^"\\])*)"|\\(.)""", re.S)
_SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", "\n"}
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PREFIX_COMMANDS = {"sudo", "env", "exec", "nohup", "time"}


def _unquote(token: str) -> str:
    return _QUOTED_RE.sub(lambda m: next((g for g in m.groups() if g is not None), ""), token)


@functools.lru_cache(maxsize=1024)
def _split(text: str) -> tuple[tuple[str, ...], ...]:
    commands: list[tuple[str, ...]] = []
    current: list[str] = []
    for token in _TOKEN_RE.findall(text.replace("\\\n", " ")):
        if token in _SEPARATORS:
            if current:
                commands.append(tuple(current))
            current = []
        else:
            current.append(_unquote(token))
    if current:
        commands.append(tuple(current))
    return tuple(stripped for stripped in (_strip_prefixes(c) for c in commands) if stripped)


def simple_commands(text: str) -> list[list[str]]:
    return [list(words) for words in _split(text)]


def _strip_prefixes(words: tuple[str, ...]) -> tuple[str, ...]:
    index = 0
    while index < len(words):
        word = words[index]
        if _ASSIGNMENT_RE.match(word) or word in _PREFIX_COMMANDS:
            index += 1
        elif index > 0 and words[index - 1] == "sudo" and word.startswith("-"):
            index += 1
        else:
            break
    return words[index:]


def program(words: list[str]) -> str:
    """``/usr/bin/apt-get`` → ``apt-get``."""
    return words[0].rsplit("/", 1)[-1] if words else ""
