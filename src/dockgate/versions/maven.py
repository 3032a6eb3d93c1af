"""Maven version ordering, following the POM reference's "version order specification".

This is the reading OSV itself applies to Maven ranges: the version is split into tokens at
".", "-" and digit/letter transitions (a transition counts as "-"), empty tokens become "0",
qualifiers are case-insensitive with aliases (cr = rc; ga = final = release = ""; a, b, m
directly followed by a number = alpha, beta, milestone), trailing null tokens (0, "") are
trimmed at the end and before every hyphen, and the shorter version is padded with null
tokens shaped like the other side's ("." pads with 0, "-" with "").

Token order: with the same prefix, numbers compare numerically and sort above qualifiers;
qualifiers sort alpha < beta < milestone < rc < snapshot < "" < sp < any other (by text).
With different prefixes: ".qualifier" < "-qualifier" < "-number" < ".number".

Because padding depends on the other version, each key element carries, besides the token,
the side on which the rest of the version falls when compared with padding (its "tail
sign"); the end of a version is the element ``(0,)`` between the two signs. Two versions
that agree up to a position and then have tails on different sides of the padding are ordered
by those tails. The literal token-by-token reading is not transitive when the first
differing tokens have different prefixes and their tails fall on different sides of the
padding ("1-alpha" < "1" < "1.a" but ".a" < "-alpha"); the key resolves such pairs by the
tails (1-alpha < 1.a), which is also what Maven's ComparableVersion answers.
"""

from __future__ import annotations

import re

from dockgate.versions.base import KeyedComparator

_KNOWN_QUALIFIERS = {"alpha": 0, "beta": 1, "milestone": 2, "rc": 3, "snapshot": 4, "": 5, "sp": 6}
_UNKNOWN_QUALIFIER = 7
_RELEASE = _KNOWN_QUALIFIERS[""]
_ALIASES = {"cr": "rc", "ga": "", "final": "", "release": "", "": ""}
_SHORT_BEFORE_NUMBER = {"a": "alpha", "b": "beta", "m": "milestone"}
_NULL_VALUES = ("0", "")

# Prefix classes for tokens whose prefixes differ.
_DOT_QUALIFIER, _HYPHEN_QUALIFIER, _HYPHEN_NUMBER, _DOT_NUMBER = 0, 1, 2, 3

_PIECES = re.compile(r"[0-9]+|[^0-9]+", re.ASCII)
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")

Token = tuple[str, str]  # (prefix "." or "-", value: digits without leading zeros or qualifier)


def maven_tokens(version: str) -> list[Token]:
    """Split, alias and trim a Maven version into prefixed tokens (at least one)."""
    tokens: list[Token] = []
    parts = re.split(r"([.-])", version.lower())
    for index in range(0, len(parts), 2):
        prefix = "." if index == 0 else parts[index - 1]
        pieces = _PIECES.findall(parts[index]) or [""]
        for number, piece in enumerate(pieces):
            piece_prefix = prefix if number == 0 else "-"
            followed_by_number = number + 1 < len(pieces)
            if _is_number(piece):
                value = str(int(piece))
            elif piece == "":
                value = "0"
            else:
                value = _ALIASES.get(piece, piece)
                if followed_by_number:
                    value = _SHORT_BEFORE_NUMBER.get(value, value)
            tokens.append((piece_prefix, value))
    _trim(tokens)
    return tokens


def _trim(tokens: list[Token]) -> None:
    """Drop null tokens at the end and just before each hyphen, from the end to the start."""
    position = len(tokens) - 1
    while position > 0:
        if tokens[position][1] in _NULL_VALUES:
            del tokens[position]
            position -= 1
            continue
        while position >= 0 and tokens[position][0] != "-":
            position -= 1
        position -= 1


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _qualifier_rank(value: str) -> tuple[int, str]:
    known = _KNOWN_QUALIFIERS.get(value)
    return (known, "") if known is not None else (_UNKNOWN_QUALIFIER, value)


def token_order(token: Token) -> tuple:
    """Total order of real tokens at the same position."""
    prefix, value = token
    if _is_number(value):
        return (_DOT_NUMBER if prefix == "." else _HYPHEN_NUMBER, int(value), 0, "")
    return (_DOT_QUALIFIER if prefix == "." else _HYPHEN_QUALIFIER, 0) + _qualifier_rank(value)


def padding_sign(token: Token) -> int:
    """How a real token compares with the null padding the other version would put there."""
    prefix, value = token
    if prefix == ".":
        if _is_number(value):
            return 1 if int(value) > 0 else 0
        # the padding "0" compares as an unknown qualifier
        rank = _qualifier_rank(value)
        padding = (_UNKNOWN_QUALIFIER, "0")
        return (rank > padding) - (rank < padding)
    if _is_number(value):
        return 1
    rank = _qualifier_rank(value)
    padding = (_RELEASE, "")
    return (rank > padding) - (rank < padding)


def maven_key(tokens: list[Token]) -> tuple:
    """Key elements ``(tail_sign, token_order)``; the version's end is ``(0,)``."""
    signs = [0] * len(tokens)
    tail = 0
    for position in range(len(tokens) - 1, -1, -1):
        sign = padding_sign(tokens[position])
        if sign != 0:
            tail = sign
        signs[position] = tail
    elements = [(0, token_order(tokens[0]))]  # both sides always have a first token
    elements.extend((signs[i], token_order(tokens[i])) for i in range(1, len(tokens)))
    elements.append((0,))
    return tuple(elements)


def compare_tokens_directly(a: str, b: str) -> int:
    """Literal token-by-token comparison with padding (cross-checks the keys in tests)."""
    left, right = maven_tokens(a), maven_tokens(b)
    for position in range(max(len(left), len(right))):
        if position >= len(left) or position >= len(right):
            sign = padding_sign(right[position]) * -1 if position >= len(left) else padding_sign(left[position])
            if sign:
                return sign
            continue
        x, y = token_order(left[position]), token_order(right[position])
        if x != y:
            return -1 if x < y else 1
    return 0


class MavenComparator(KeyedComparator):
    name = "Maven"

    def _parse(self, version: str) -> tuple:
        if _FORBIDDEN.search(version):
            raise self.invalid(version, "contains whitespace or control characters")
        return maven_key(maven_tokens(version))
