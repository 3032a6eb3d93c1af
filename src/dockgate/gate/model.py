"""What the gate decides: reasons (each traced to a policy line), per-check results, the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

from dockgate.policy.model import PolicyRef
from dockgate.severity import Severity


@dataclass(frozen=True)
class Reason:
    """One failing (or, when not blocking, warning) reason."""

    check: str  # "images", "vulnerabilities", "signatures", "dockerfile", "kubernetes", "secrets"
    rule_id: str
    message: str
    severity: Severity
    policy: PolicyRef  # the policy line that makes this a failure
    file: str | None = None
    line: int | None = None
    blocking: bool = True

    @property
    def where(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""


@dataclass
class CheckResult:
    name: str
    ran: bool
    reasons: list[Reason] = field(default_factory=list)
    note: str = ""

    @property
    def passed(self) -> bool:
        return not any(r.blocking for r in self.reasons)


@dataclass
class Verdict:
    policy_file: str
    results: list[CheckResult]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def label(self) -> str:
        return "PASS" if self.passed else "FAIL"

    @property
    def failing(self) -> list[Reason]:
        return [r for result in self.results for r in result.reasons if r.blocking]

    @property
    def warnings(self) -> list[Reason]:
        return [r for result in self.results for r in result.reasons if not r.blocking]
