"""Severity of an advisory: CVSS base score from its vectors (``cvss`` library), else the
record's own severity text, else UNKNOWN."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from dockgate.severity import Severity

_TEXT = {"CRITICAL": Severity.CRITICAL, "HIGH": Severity.HIGH, "MODERATE": Severity.MEDIUM, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}
_PREFERENCE = ("CVSS_V3", "CVSS_V4", "CVSS_V2")


@dataclass(frozen=True)
class Assessment:
    severity: Severity
    score: float | None = None
    vector: str | None = None
    source: str = "none"  # "CVSS_V3", "CVSS_V4", "CVSS_V2", "advisory", "none"


def _score(kind: str, vector: str) -> float | None:
    import cvss  # imported only when a vector needs scoring

    try:
        if kind == "CVSS_V3":
            return float(cvss.CVSS3(vector).base_score)
        if kind == "CVSS_V4":
            return float(cvss.CVSS4(vector).base_score)
        if kind == "CVSS_V2":
            return float(cvss.CVSS2(vector.removeprefix("CVSS:2.0/")).base_score)
    except Exception:  # the cvss library raises its own error classes for malformed vectors
        return None
    return None


def assess(vectors: Sequence[Sequence[str]], severity_text: str | None) -> Assessment:
    """The best severity we can state for an advisory."""
    by_kind = {kind: vector for kind, vector in vectors}
    for kind in _PREFERENCE:
        vector = by_kind.get(kind)
        if vector:
            score = _score(kind, vector)
            if score is not None:
                return Assessment(Severity.from_cvss_score(score), score, vector, kind)
    if severity_text:
        mapped = _TEXT.get(severity_text.strip().upper())
        if mapped is not None:
            return Assessment(mapped, None, None, "advisory")
    return Assessment(Severity.UNKNOWN)
