"""Severity levels, ordered, shared by vulnerability, secret and config findings."""

from __future__ import annotations

import enum

from dockgate.errors import UsageError


class Severity(enum.IntEnum):
    UNKNOWN = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name for s in cls)
            raise UsageError(f"unknown severity {text!r} (expected one of {names})") from None

    @classmethod
    def parse_list(cls, text: str) -> frozenset["Severity"]:
        return frozenset(cls.parse(part) for part in text.split(",") if part.strip())

    @classmethod
    def from_cvss_score(cls, score: float) -> "Severity":
        if score >= 9.0:
            return cls.CRITICAL
        if score >= 7.0:
            return cls.HIGH
        if score >= 4.0:
            return cls.MEDIUM
        if score > 0.0:
            return cls.LOW
        return cls.UNKNOWN


LEVELS = tuple(Severity)  # indexed by value: LEVELS[3] is HIGH (cheaper than calling the enum)
