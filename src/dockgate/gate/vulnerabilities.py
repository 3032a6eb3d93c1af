"""Apply the policy's vulnerability rules to scan results: thresholds, unfixed, ignores, data age.

The scan itself belongs to ``dockgate.scan``; this module receives its results as
:class:`VulnerabilityHit` values (through ``gate.providers``) and only judges them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dockgate.gate.model import Reason
from dockgate.policy.model import VulnerabilityPolicy
from dockgate.severity import Severity

CHECK = "vulnerabilities"


@dataclass(frozen=True)
class VulnerabilityHit:
    id: str
    package: str
    version: str
    severity: Severity
    fixed_version: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanOutcome:
    image: str
    digest: str | None
    hits: tuple[VulnerabilityHit, ...]
    database_built: datetime.datetime | None
    database_version: str


def vulnerability_reasons(outcome: ScanOutcome, policy: VulnerabilityPolicy, now: datetime.datetime) -> list[Reason]:
    reasons: list[Reason] = []
    if outcome.database_built is None:
        reasons.append(Reason(CHECK, "db-age", "vulnerability database build time unknown", Severity.HIGH, policy.max_age_ref, outcome.image))
    else:
        age = now - outcome.database_built
        if age > datetime.timedelta(hours=policy.max_database_age_hours):
            hours = int(age.total_seconds() // 3600)
            reasons.append(Reason(CHECK, "db-age", f"vulnerability data is {hours}h old (policy allows {policy.max_database_age_hours}h): run `dockgate db update`", Severity.HIGH, policy.max_age_ref, outcome.image))
    today = now.date()
    for hit in outcome.hits:
        names = {hit.id.lower(), *(a.lower() for a in hit.aliases)}
        ignored = next(
            (i for i in policy.ignore if i.id.lower() in names and (not i.packages or hit.package in i.packages)),
            None,
        )
        if hit.severity not in policy.fail_on:
            continue
        if hit.fixed_version is None and not policy.count_unfixed:
            continue
        fix = f"fixed in {hit.fixed_version}" if hit.fixed_version else "no fix yet"
        message = f"{hit.id} ({hit.severity.name.lower()}) in {hit.package} {hit.version}, {fix}"
        if ignored is not None:
            if ignored.active(today):
                reasons.append(Reason(CHECK, hit.id, f"{message}: ignored until {ignored.expires} ({ignored.reason})", hit.severity, ignored.ref, outcome.image, blocking=False))
                continue
            message += f"; its ignore entry expired on {ignored.expires}"
        reasons.append(Reason(CHECK, hit.id, message, hit.severity, policy.fail_on_ref, outcome.image))
    return reasons
