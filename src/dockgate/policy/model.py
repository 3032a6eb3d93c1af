"""The policy as typed dataclasses, every setting remembering the policy line it came from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from dockgate.severity import Severity


@dataclass(frozen=True)
class PolicyRef:
    """Where a setting lives: policy file, line, and its dotted key path."""

    file: str
    line: int | None
    key: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.key}" if self.line else f"{self.file} {self.key}"


@dataclass(frozen=True)
class IgnoredVulnerability:
    id: str
    reason: str
    expires: datetime.date
    packages: tuple[str, ...]
    ref: PolicyRef

    def active(self, today: datetime.date) -> bool:
        return today <= self.expires


@dataclass(frozen=True)
class VulnerabilityPolicy:
    fail_on: frozenset[Severity]
    count_unfixed: bool
    max_database_age_hours: int
    ignore: tuple[IgnoredVulnerability, ...]
    fail_on_ref: PolicyRef
    count_unfixed_ref: PolicyRef
    max_age_ref: PolicyRef


@dataclass(frozen=True)
class ImagePolicy:
    allowed_registries: tuple[str, ...]
    allowed_repositories: tuple[str, ...]
    require_digest: bool
    forbid_latest: bool
    registries_ref: PolicyRef
    repositories_ref: PolicyRef
    digest_ref: PolicyRef
    latest_ref: PolicyRef


@dataclass(frozen=True)
class SignaturePolicy:
    required: bool
    keys: tuple[str, ...]  # absolute paths
    minimum: int
    ref: PolicyRef


@dataclass(frozen=True)
class PodSecurityPolicy:
    level: str
    version: str
    ref: PolicyRef


@dataclass(frozen=True)
class RuleFamilyPolicy:
    family: str  # "dockerfile", "kubernetes", "secrets"
    enabled: bool
    fail_on: Severity
    disabled: frozenset[str]
    severity_overrides: dict[str, Severity]
    ref: PolicyRef
    fail_on_ref: PolicyRef

    def effective_severity(self, rule_id: str, default: Severity) -> Severity:
        return self.severity_overrides.get(rule_id.lower(), default)

    def rule_enabled(self, rule_id: str) -> bool:
        return self.enabled and rule_id.lower() not in self.disabled


@dataclass(frozen=True)
class AdmissionPolicy:
    failure_mode: str  # "closed" or "open"
    time_budget_seconds: float
    audit_only: frozenset[str]
    ref: PolicyRef


@dataclass(frozen=True)
class Policy:
    source: str
    name: str
    vulnerabilities: VulnerabilityPolicy
    images: ImagePolicy
    signatures: SignaturePolicy
    pod_security: PodSecurityPolicy
    rules: dict[str, RuleFamilyPolicy] = field(default_factory=dict)
    admission: AdmissionPolicy | None = None
    digest: str = ""  # sha256 of the policy text: part of cache keys
