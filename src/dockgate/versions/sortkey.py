"""Order-preserving text encoding of comparator keys, so keys can be stored and compared as strings.

Every comparator's ``key`` is a tree of tuples, ints and strings. :func:`encode_key` turns such
a tree into a ``str`` whose plain string order is the tuple order of the keys (the idea of
FoundationDB's tuple layer): for any two keys ``a`` and ``b`` of one comparator,
``encode_key(a) < encode_key(b)`` exactly when ``a < b``. The database stores the encoded keys of
every range bound when it is built, so a scan compares strings instead of parsing versions.

The encoding is printable ASCII for everyday versions (compact in JSON). One type tag per
element, each above the end-of-tuple mark ``!`` so that a tuple sorts before any longer tuple it
is a prefix of:

- negative int ``$``: a length mark counting down, then the decimal digits inverted (9 - d);
- non-negative int ``%``: a length mark (``chr(48 + number of digits)``), then the digits;
- string ``&``: the characters, those up to ``#`` escaped as ``#`` + ``chr(48 + code)``, then ``!``;
- tuple or list ``'``: the elements, then ``!``.

The empty string sorts below every encoded key; matching uses it for OSV's ``introduced: "0"``.
"""

from __future__ import annotations

from typing import Any

BOTTOM = ""  # below every encoded key: OSV's introduced "0"

_END = "!"
_ESCAPE = "#"
_MAX_DIGITS = 4096  # negative ints: the length mark counts down from here
_INVERT = str.maketrans("0123456789", "9876543210")
_ESCAPED = {chr(code): _ESCAPE + chr(48 + code) for code in range(ord(_ESCAPE) + 1)}
_SMALL = [f"%{chr(48 + len(str(value)))}{value}" for value in range(1000)]


def _int(value: int) -> str:
    if 0 <= value < 1000:
        return _SMALL[value]
    if value > 0:
        digits = str(value)
        return "%" + chr(48 + len(digits)) + digits
    digits = str(-value)
    return "$" + chr(48 + _MAX_DIGITS - len(digits)) + digits.translate(_INVERT)


def _str(value: str) -> str:
    if min(value, default="~") <= _ESCAPE:
        value = "".join(_ESCAPED.get(char, char) for char in value)
    return "&" + value + _END


def _element(value: Any) -> str:
    kind = type(value)
    if kind is tuple or kind is list:
        # small non-negative ints, the bulk of every key, are looked up without a call
        return "'" + "".join([_SMALL[item] if type(item) is int and 0 <= item < 1000 else _element(item) for item in value]) + _END
    if kind is str:
        return _str(value)
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, (tuple, list)):
        return _element(tuple(value))
    if isinstance(value, str):
        return _str(str(value))
    raise TypeError(f"cannot encode a {type(value).__name__} in a version key")


def encode_key(key: object) -> str:
    """The order-preserving string form of a comparator key."""
    return _element(key)
