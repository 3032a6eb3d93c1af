"""Read a policy file: YAML with line numbers, JSON Schema validation, then typed dataclasses.

Settings left out take the same strict defaults ``dockgate policy init`` writes.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import Any

from dockgate.errors import InputError
from dockgate.policy.model import (
    AdmissionPolicy,
    IgnoredVulnerability,
    ImagePolicy,
    PodSecurityPolicy,
    Policy,
    PolicyRef,
    RuleFamilyPolicy,
    SignaturePolicy,
    VulnerabilityPolicy,
)
from dockgate.policy.schema import validation_errors
from dockgate.policy.yamldoc import LocatedDocument, load_located
from dockgate.severity import Severity

DEFAULT_FAIL_ON = ("critical", "high")
DEFAULT_MAX_DB_AGE_HOURS = 24
DEFAULT_RULE_FAIL_ON = {"dockerfile": "medium", "kubernetes": "medium", "secrets": "low"}
DEFAULT_TIME_BUDGET_SECONDS = 8.0


class PolicyError(InputError):
    """The policy file is not valid; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"invalid policy: {problems[0]}{extra}")


def load_policy(path: str | Path) -> Policy:
    target = Path(path)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raise InputError(f"policy file not found: {target}") from None
    except IsADirectoryError:
        raise InputError(f"policy path is a directory: {target}") from None
    except OSError as exc:
        raise InputError(f"cannot read policy {target}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{target}: policy is not UTF-8 text") from None
    return parse_policy(text, str(target), base_dir=target.resolve().parent)


def parse_policy(text: str, source: str = "<policy>", base_dir: Path | None = None) -> Policy:
    document = load_located(text, source)
    if not isinstance(document.data, dict):
        raise PolicyError([f"{source}:1: a policy is a mapping (apiVersion, kind, ...)"])
    problems = validation_errors(document)
    if problems:
        raise PolicyError(problems)
    policy = _build(document, base_dir or Path.cwd())
    policy_digest = hashlib.sha256(text.encode()).hexdigest()
    object.__setattr__(policy, "digest", policy_digest)
    return policy


def _ref(document: LocatedDocument, *path: str | int) -> PolicyRef:
    """Where a setting is written; a setting left out is the built-in default (no line)."""
    key = ".".join(str(p) for p in path)
    if tuple(path) not in document.lines:
        return PolicyRef(document.source, None, f"{key} (default)")
    return PolicyRef(document.source, document.lines[tuple(path)], key)


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _build(doc: LocatedDocument, base_dir: Path) -> Policy:
    data: dict[str, Any] = doc.data
    return Policy(
        source=doc.source,
        name=str(data.get("name", "")),
        vulnerabilities=_vulnerabilities(doc, _section(data, "vulnerabilities")),
        images=_images(doc, _section(data, "images")),
        signatures=_signatures(doc, _section(data, "signatures"), base_dir),
        pod_security=_pod_security(doc, _section(data, "podSecurity")),
        rules={family: _family(doc, family, _section(_section(data, "rules"), family)) for family in DEFAULT_RULE_FAIL_ON},
        admission=_admission(doc, _section(data, "admission")),
    )


def _vulnerabilities(doc: LocatedDocument, section: dict[str, Any]) -> VulnerabilityPolicy:
    ignores = []
    for index, entry in enumerate(section.get("ignore", [])):
        ref = _ref(doc, "vulnerabilities", "ignore", index)
        try:
            expires = datetime.date.fromisoformat(entry["expires"])
        except ValueError:
            raise PolicyError([f"{doc.source}:{ref.line}: at {ref.key}.expires: not a real date: {entry['expires']!r}"]) from None
        ignores.append(
            IgnoredVulnerability(
                id=entry["id"].strip(),
                reason=entry["reason"].strip(),
                expires=expires,
                packages=tuple(entry.get("packages", ())),
                ref=ref,
            )
        )
    return VulnerabilityPolicy(
        fail_on=frozenset(Severity.parse(s) for s in section.get("failOn", DEFAULT_FAIL_ON)),
        count_unfixed=bool(section.get("countUnfixed", False)),
        max_database_age_hours=int(section.get("maxDatabaseAgeHours", DEFAULT_MAX_DB_AGE_HOURS)),
        ignore=tuple(ignores),
        fail_on_ref=_ref(doc, "vulnerabilities", "failOn"),
        count_unfixed_ref=_ref(doc, "vulnerabilities", "countUnfixed"),
        max_age_ref=_ref(doc, "vulnerabilities", "maxDatabaseAgeHours"),
    )


def _images(doc: LocatedDocument, section: dict[str, Any]) -> ImagePolicy:
    return ImagePolicy(
        allowed_registries=tuple(r.strip().lower() for r in section.get("allowedRegistries", [])),
        allowed_repositories=tuple(r.strip() for r in section.get("allowedRepositories", [])),
        require_digest=bool(section.get("requireDigest", True)),
        forbid_latest=bool(section.get("forbidLatest", True)),
        registries_ref=_ref(doc, "images", "allowedRegistries"),
        repositories_ref=_ref(doc, "images", "allowedRepositories"),
        digest_ref=_ref(doc, "images", "requireDigest"),
        latest_ref=_ref(doc, "images", "forbidLatest"),
    )


def _signatures(doc: LocatedDocument, section: dict[str, Any], base_dir: Path) -> SignaturePolicy:
    keys = tuple(str((base_dir / k).resolve()) if not Path(k).is_absolute() else k for k in section.get("keys", []))
    required = bool(section.get("required", False))
    minimum = int(section.get("minimum", 1))
    ref = _ref(doc, "signatures", "required")
    if required and len(keys) < minimum:
        raise PolicyError([f"{doc.source}:{ref.line}: at signatures: required with minimum {minimum} but only {len(keys)} key(s) listed"])
    return SignaturePolicy(required=required, keys=keys, minimum=minimum, ref=ref)


def _pod_security(doc: LocatedDocument, section: dict[str, Any]) -> PodSecurityPolicy:
    return PodSecurityPolicy(
        level=section.get("level", "restricted"),
        version=section.get("version", "latest"),
        ref=_ref(doc, "podSecurity", "level"),
    )


def _family(doc: LocatedDocument, family: str, section: dict[str, Any]) -> RuleFamilyPolicy:
    return RuleFamilyPolicy(
        family=family,
        enabled=bool(section.get("enabled", True)),
        fail_on=Severity.parse(section.get("failOn", DEFAULT_RULE_FAIL_ON[family])),
        disabled=frozenset(r.lower() for r in section.get("disable", [])),
        severity_overrides={k.lower(): Severity.parse(v) for k, v in section.get("severity", {}).items()},
        ref=_ref(doc, "rules", family),
        fail_on_ref=_ref(doc, "rules", family, "failOn"),
    )


def _admission(doc: LocatedDocument, section: dict[str, Any]) -> AdmissionPolicy:
    return AdmissionPolicy(
        failure_mode=section.get("failureMode", "closed"),
        time_budget_seconds=float(section.get("timeBudgetSeconds", DEFAULT_TIME_BUDGET_SECONDS)),
        audit_only=frozenset(a.lower() for a in section.get("auditOnly", [])),
        ref=_ref(doc, "admission", "failureMode"),
    )
