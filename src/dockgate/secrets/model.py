"""What a secret or risky-file finding says, and how a secret value is shown without leaking it.

A finding never holds the secret itself: only a masked form (first and last few characters)
and the SHA-256 of the value, so reports can be shared and findings compared across runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from dockgate.severity import Severity

SECRET = "secret"
RISKY_FILE = "risky-file"

IN_FILE = "file"
IN_CONFIG = "config"
IN_HISTORY = "history"

PRESENT = "present"
DELETED = "deleted"
OVERWRITTEN = "overwritten"


def mask(value: str) -> str:
    """First and last few characters of ``value``; short values keep almost nothing."""
    n = len(value)
    keep = 4 if n >= 20 else 2 if n >= 10 else 1 if n >= 6 else 0
    if keep == 0:
        return "*" * min(n, 8) or "*"
    return f"{value[:keep]}…{value[-keep:]}"


def sha256_hex(value: bytes | str) -> str:
    raw = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    return hashlib.sha256(raw).hexdigest()


@dataclass
class SecretFinding:
    rule_id: str
    title: str
    severity: Severity
    category: str  # SECRET or RISKY_FILE
    location: str  # IN_FILE, IN_CONFIG, IN_HISTORY
    path: str  # in-image path, or "config.Env[2]", "history[3].created_by"
    masked: str = ""
    sha256: str | None = None
    line: int | None = None
    layer_index: int | None = None  # the layer whose content holds the finding (files)
    layer_digest: str | None = None  # that layer's diff_id, when the caller knows it
    status: str = PRESENT  # PRESENT, DELETED, OVERWRITTEN
    removed_in_layer: int | None = None
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """One line saying where the finding is, layers included."""
        if self.location != IN_FILE:
            return self.path
        text = self.path + (f":{self.line}" if self.line else "")
        if self.layer_index is None:
            return text
        if self.status == DELETED:
            return f"{text} (deleted in layer {self.removed_in_layer}, still present in layer {self.layer_index})"
        if self.status == OVERWRITTEN:
            return f"{text} (overwritten in layer {self.removed_in_layer}, still present in layer {self.layer_index})"
        return f"{text} (layer {self.layer_index})"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule_id": self.rule_id,
            "title": self.title,
            "severity": self.severity.name,
            "category": self.category,
            "location": self.location,
            "path": self.path,
            "line": self.line,
            "layer_index": self.layer_index,
            "layer_digest": self.layer_digest,
            "status": self.status,
            "removed_in_layer": self.removed_in_layer,
            "masked": self.masked,
            "sha256": self.sha256,
            "where": self.where,
        }
        if self.detail:
            data["detail"] = self.detail
        if self.extra:
            data.update(self.extra)
        return data


def attach_layer_digests(findings: list[SecretFinding], diff_ids: list[str]) -> None:
    """Fill ``layer_digest`` from the image's layer diff_ids (index -> digest)."""
    for finding in findings:
        if finding.layer_index is not None and 0 <= finding.layer_index < len(diff_ids):
            finding.layer_digest = diff_ids[finding.layer_index]
