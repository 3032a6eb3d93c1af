"""Alpine (apk-tools) version ordering.

Grammar: ``digits{.digits}[letter]{_suffix[digits]}[~hexhash][-rdigits]`` where the suffix is
one of alpha, beta, pre, rc (below the plain release) or cvs, svn, git, hg, p (above it).
As apk-tools 2.x (the apk of Alpine releases so far) does, a letter may be followed by more
digits ("6.6.2p1", seen in Alpine's secdb), which apk-tools 3 rejects. Anything else is
invalid and raises VersionError (apk would fall back to a partial comparison). Tokens compare pairwise; a dot-separated number with a leading zero compares as a
string, as apk does. When one version runs out of matching tokens, a pre-release suffix loses,
otherwise the token kind later in the grammar (the end being last) sorts lower. Each token's
key is ``(rank, value)`` with ranks chosen so plain tuple order reproduces those rules.
"""

from __future__ import annotations

import re

from dockgate.versions.base import KeyedComparator

_SUFFIX_VALUE = {
    "alpha": 1, "beta": 2, "pre": 3, "rc": 4,  # pre-release suffixes (below no suffix = 5)
    "cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10,
}
_NO_SUFFIX = 5

# Ranks for tokens of differing kinds: a pre-release suffix is lowest, then the end, then
# the grammar's token kinds from last to first.
_RANK_PRE_SUFFIX = 0
_RANK_END = 1
_RANK_REVISION = 2
_RANK_HASH = 3
_RANK_SUFFIX_NUMBER = 4
_RANK_POST_SUFFIX = 5
_RANK_LETTER = 6
_RANK_DIGIT = 7
_RANK_INITIAL = 8

_GRAMMAR = re.compile(
    r"(?P<initial>[0-9]+)"
    r"(?P<dotted>(?:\.[0-9]+)*)"
    r"(?P<lettered>(?:[a-z][0-9]+(?:\.[0-9]+)*)*)"
    r"(?P<letter>[a-z])?"
    r"(?P<suffixes>(?:_[a-z]+[0-9]*)*)"
    r"(?:~(?P<hash>[0-9a-f]+))?"
    r"(?:-r(?P<revision>[0-9]+))?",
    re.ASCII,
)
_LETTERED = re.compile(r"([a-z])([0-9]+(?:\.[0-9]+)*)", re.ASCII)
_SUFFIX = re.compile(r"_([a-z]+)([0-9]*)", re.ASCII)

Token = tuple[int, object]


def _dotted_number(text: str) -> Token:
    # apk compares a leading-zero component as a string, which places every such component
    # below every component without a leading zero.
    if text.startswith("0"):
        return (_RANK_DIGIT, (0, text))
    return (_RANK_DIGIT, (1, int(text)))


class ApkComparator(KeyedComparator):
    """apk-tools ordering, for the OSV "Alpine" ecosystem (and Wolfi/Chainguard)."""

    name = "Alpine"

    def _parse(self, version: str) -> tuple[Token, ...]:
        match = _GRAMMAR.fullmatch(version)
        if match is None:
            raise self.invalid(version, "does not follow digits{.digits}[letter]{_suffix}[~hash][-rN]")
        tokens: list[Token] = [(_RANK_INITIAL, int(match["initial"]))]
        if match["dotted"]:
            tokens.extend(_dotted_number(part) for part in match["dotted"][1:].split("."))
        for letter, numbers in _LETTERED.findall(match["lettered"]):
            tokens.append((_RANK_LETTER, ord(letter)))
            tokens.extend(_dotted_number(part) for part in numbers.split("."))
        if match["letter"]:
            tokens.append((_RANK_LETTER, ord(match["letter"])))
        for name, number in _SUFFIX.findall(match["suffixes"]):
            value = _SUFFIX_VALUE.get(name)
            if value is None:
                raise self.invalid(version, f"unknown suffix _{name}")
            rank = _RANK_PRE_SUFFIX if value < _NO_SUFFIX else _RANK_POST_SUFFIX
            tokens.append((rank, value))
            if number:
                tokens.append((_RANK_SUFFIX_NUMBER, int(number)))
        if match["hash"] is not None:
            tokens.append((_RANK_HASH, match["hash"]))
        if match["revision"] is not None:
            tokens.append((_RANK_REVISION, int(match["revision"])))
        tokens.append((_RANK_END, 0))
        return tuple(tokens)
