"""Split RUN text into simple commands (words), enough to reason about package managers.

Not a shell: it splits on ``;``, ``&&``, ``||``, ``|``, ``&``, parentheses and newlines,
honours quotes, and drops leading ``VAR=value`` assignments and ``sudo``/``env`` prefixes.
"""

from __future__ import annotations

import re
import shlex

_SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", ";;", "|&"}
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def simple_commands(text: str) -> list[list[str]]:
    text = text.replace("\\\n", " ")
    lexer = shlex.shlex(text.replace("\n", " ; "), posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: fall back to plain words
        tokens = re.findall(r"&&|\|\||[;&|()]|[^\s;&|()]+", text.replace("\n", " ; "))
    commands: list[list[str]] = []
    current: list[str] = []
    for token in tokens:
        if token in _SEPARATORS:
            if current:
                commands.append(current)
            current = []
        else:
            current.append(token)
    if current:
        commands.append(current)
    return [stripped for stripped in (_strip_prefixes(c) for c in commands) if stripped]


def _strip_prefixes(words: list[str]) -> list[str]:
    index = 0
    while index < len(words):
        word = words[index]
        if _ASSIGNMENT_RE.match(word) or word in ("sudo", "env", "exec", "nohup", "time"):
            index += 1
        elif words[index - 1:index] == ["sudo"] and word.startswith("-"):
            index += 1
        else:
            break
    return words[index:]


def program(words: list[str]) -> str:
    """``/usr/bin/apt-get`` → ``apt-get``."""
    return words[0].rsplit("/", 1)[-1] if words else ""
