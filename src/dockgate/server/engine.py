"""The admission decision: the policy applied to one object within a time budget.

Cheap checks (image references, Kubernetes rules) run inline. Per-image checks (signatures,
vulnerabilities) are looked up in the verdict cache by digest; a miss runs in a bounded worker
pool and the request waits only as long as its budget allows. A miss that outlives the budget
keeps running and fills the cache for the next attempt. When the webhook cannot decide, the
failure mode says what to answer: closed denies, open admits with a warning.
"""

from __future__ import annotations

import collections
import concurrent.futures
import datetime
import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from dockgate.gate.image_rules import image_reasons, parsed_reference
from dockgate.gate.model import Reason
from dockgate.gate.providers import Providers
from dockgate.gate.references import ImageUse
from dockgate.gate.run import finding_reason
from dockgate.gate.vulnerabilities import vulnerability_reasons
from dockgate.gate.workloads import ContainerImage, containers_of, pod_spec_path
from dockgate.policy.model import Policy, PolicyRef
from dockgate.server.admission import AdmissionRequest, json_pointer
from dockgate.server.cache import VerdictCache
from dockgate.server.metrics import WebhookMetrics
from dockgate.severity import Severity

log = logging.getLogger("dockgate.server")
SKIPPED_OPERATIONS = {"DELETE", "CONNECT"}
MESSAGE_REASONS = 20  # reasons spelled out in a denial message
OBJECT_CACHE_SIZE = 4096  # Kubernetes-check verdicts remembered per object shape
DATABASE_INFO_TTL = 10.0  # seconds between reads of the database's version and age


@dataclass
class Decision:
    allowed: bool
    reasons: list[Reason] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    patch: list[dict[str, Any]] = field(default_factory=list)
    label: str = "ok"

    def message(self, subject: str) -> str:
        if self.allowed:
            return ""
        ordered = sorted(self.reasons, key=lambda r: -int(r.severity))
        parts = [f"{r.message} (policy {r.policy.file}:{r.policy.line} {r.policy.key})" for r in ordered[:MESSAGE_REASONS]]
        more = f"; and {len(ordered) - MESSAGE_REASONS} more" if len(ordered) > MESSAGE_REASONS else ""
        return f"dockgate denied {subject}: " + "; ".join(parts) + more


class Undecided(Exception):
    """A per-image check could not finish (timeout or provider error)."""


class AdmissionEngine:
    def __init__(
        self,
        policy: Policy,
        providers: Providers,
        cache: VerdictCache,
        metrics: WebhookMetrics,
        failure_mode: str | None = None,
        time_budget: float | None = None,
        workers: int = 8,
    ) -> None:
        assert policy.admission is not None
        self.policy = policy
        self.providers = providers
        self.cache = cache
        self.metrics = metrics
        self.failure_mode = failure_mode or policy.admission.failure_mode
        self.time_budget = time_budget or policy.admission.time_budget_seconds
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dockgate-check")
        self._inflight: dict[str, concurrent.futures.Future[dict[str, Any]]] = {}
        self._inflight_lock = threading.Lock()
        self._database_info: tuple[float, tuple[str, datetime.datetime]] | None = None
        self._object_verdicts: collections.OrderedDict[str, tuple[Reason, ...]] = collections.OrderedDict()
        self._object_lock = threading.Lock()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- validate ---------------------------------------------------------------------

    def validate(self, request: AdmissionRequest, deadline: float) -> Decision:
        if request.operation in SKIPPED_OPERATIONS or request.obj is None:
            return Decision(True, label="not-applicable")
        if not isinstance(request.obj, dict):
            return self._undecided("malformed", "the object in the request is not a Kubernetes object")
        if pod_spec_path(request.obj) is None:
            return Decision(True, label="not-a-workload")
        reasons: list[Reason] = []
        containers = containers_of(request.obj)
        refused: set[str] = set()
        for container in containers:
            use = ImageUse(container.image, request.subject, None, f"{container.kind} {container.name}")
            found = image_reasons(use, self.policy.images)
            if found:
                refused.add(container.image)  # denied already: no need to resolve or scan it
            reasons.extend(found)
        reasons.extend(self._kubernetes_reasons(request))
        warnings: list[str] = []
        images = sorted({c.image for c in containers if c.image} - refused)
        if images and self._needs_image_checks():
            checked, problems = self._image_checks(images, deadline, request.dry_run)
            reasons.extend(checked)
            for problem in problems:
                undecided = self._undecided("timeout" if "within" in str(problem) else "error", str(problem))
                reasons.extend(undecided.reasons)
                warnings.extend(undecided.warnings)
        reasons.extend(self._database_age_reasons())
        return self._decide(reasons, warnings)

    def _decide(self, reasons: list[Reason], warnings: list[str]) -> Decision:
        audit = self.policy.admission.audit_only if self.policy.admission else frozenset()
        blocking: list[Reason] = []
        for reason in reasons:
            if not reason.blocking or reason.check.lower() in audit or reason.rule_id.lower() in audit:
                warnings.append(f"dockgate: {reason.message}")
            else:
                blocking.append(reason)
        label = "ok" if not blocking else _label(blocking[0])
        return Decision(not blocking, blocking, warnings, label=label)

    def _undecided(self, kind: str, detail: str) -> Decision:
        self.metrics.errors.labels(kind).inc()
        ref = self.policy.admission.ref if self.policy.admission else PolicyRef(self.policy.source, None, "admission.failureMode")
        if self.failure_mode == "open":
            return Decision(True, warnings=[f"dockgate could not decide ({detail}); admitted because failureMode is open"], label=f"failed-open-{kind}")
        reason = Reason("admission", kind, f"dockgate could not decide ({detail}); denied because failureMode is closed, retry shortly", Severity.HIGH, ref)
        return Decision(False, [reason], label=f"failed-closed-{kind}")

    def _kubernetes_reasons(self, request: AdmissionRequest) -> list[Reason]:
        family = self.policy.rules["kubernetes"]
        if not family.enabled:
            return []
        linter = self.providers.kubernetes_object
        if linter is None:
            return [Reason("kubernetes", "check-unavailable", "Kubernetes and Pod Security checks are on in the policy but not available in this dockgate build", Severity.HIGH, family.ref)]
        key = _object_key(request.obj)
        with self._object_lock:
            cached = self._object_verdicts.get(key)
            if cached is not None:
                self._object_verdicts.move_to_end(key)
                return list(cached)
        ps = self.policy.pod_security
        try:
            findings = linter(request.obj, ps.level, ps.version)
        except Exception as exc:  # an object the checks cannot read
            detail = " ".join(str(exc).split())[:200] or type(exc).__name__
            return self._undecided("error", f"the Kubernetes checks could not read the object: {detail}").reasons
        reasons = []
        for finding in findings:
            finding.obj = None  # the denial already names the object
            reason = finding_reason("kubernetes", finding, family, self.policy)
            if reason is not None:
                reasons.append(reason)
        with self._object_lock:
            self._object_verdicts[key] = tuple(reasons)
            while len(self._object_verdicts) > OBJECT_CACHE_SIZE:
                self._object_verdicts.popitem(last=False)
        return reasons

    def _needs_image_checks(self) -> bool:
        return self.policy.signatures.required or bool(self.policy.vulnerabilities.fail_on)

    def _database_version(self) -> tuple[str, datetime.datetime | None]:
        """The database's (version, build time), read at most every DATABASE_INFO_TTL seconds."""
        if self.providers.database is None:
            return "none", None
        now = time.monotonic()
        cached = self._database_info
        if cached is not None and now - cached[0] < DATABASE_INFO_TTL:
            return cached[1]
        try:
            info = self.providers.database()
        except Exception as exc:  # no database yet, unreadable file...
            raise Undecided(f"vulnerability database unavailable: {' '.join(str(exc).split())[:200]}") from None
        self._database_info = (now, info)
        return info

    def refresh_database_age(self) -> None:
        """Update the database-age gauge now (a missing database is reported at admission)."""
        self._database_age_reasons()

    def _database_age_reasons(self) -> list[Reason]:
        if not self.policy.vulnerabilities.fail_on or self.providers.database is None:
            return []
        try:
            _, built = self._database_version()
        except Undecided:
            return []  # the image checks report the missing database
        if built is None:
            return []
        age = (datetime.datetime.now(datetime.timezone.utc) - built).total_seconds()
        self.metrics.database_age.set(max(0.0, age))
        if age <= self.policy.vulnerabilities.max_database_age_hours * 3600:
            return []
        return [r for r in _age_only(self.policy, built) if r.blocking]

    # --- per-image checks (cached) -------------------------------------------------------

    def _image_checks(self, images: list[str], deadline: float, dry_run: bool) -> tuple[list[Reason], list[Undecided]]:
        reasons: list[Reason] = []
        problems: list[Undecided] = []
        pending: list[tuple[str, concurrent.futures.Future[dict[str, Any]]]] = []
        try:
            db_version, _ = self._database_version()
        except Undecided as exc:
            return [], [exc]
        for image in images:
            digest = _digest_of(image)
            if digest is not None:
                cached = self.cache.get(self._cache_key(image, digest), db_version, self.policy.digest)
                if cached is not None:
                    self.metrics.cache_lookups.labels("hit").inc()
                    self._record_counts(image, cached)
                    reasons.extend(_reasons_from(cached, self.policy))
                    continue
            self.metrics.cache_lookups.labels("miss").inc()
            pending.append((image, self._submit(image, digest, db_version, dry_run)))
        for image, future in pending:
            remaining = deadline - time.monotonic()
            try:
                body = future.result(timeout=max(0.0, remaining))
            except concurrent.futures.TimeoutError:
                problems.append(Undecided(f"checking {image} did not finish within the {self.time_budget:g}s budget"))
                continue
            except Exception as exc:  # a provider failed: registry unreachable, scan error...
                detail = " ".join(str(exc).split())[:200] or type(exc).__name__
                problems.append(Undecided(f"checking {image} failed: {detail}"))
                continue
            self._record_counts(image, body)
            reasons.extend(_reasons_from(body, self.policy))
        return reasons, problems

    def _submit(self, image: str, digest: str | None, db_version: str, dry_run: bool) -> concurrent.futures.Future[dict[str, Any]]:
        key = f"{image}|{digest}|{db_version}"
        with self._inflight_lock:
            running = self._inflight.get(key)
            if running is not None:
                return running
            future = self._pool.submit(self._check_image, image, digest, db_version, dry_run)
            self._inflight[key] = future
        future.add_done_callback(lambda _f: self._forget(key))
        return future

    def _forget(self, key: str) -> None:
        with self._inflight_lock:
            self._inflight.pop(key, None)

    def _check_image(self, image: str, digest: str | None, db_version: str, dry_run: bool) -> dict[str, Any]:
        if digest is None:
            if self.providers.resolver is None:
                raise RuntimeError(f"cannot resolve {image} to a digest (no registry client)")
            digest = self.providers.resolver(image)
            cached = self.cache.get(self._cache_key(image, digest), db_version, self.policy.digest)
            if cached is not None:
                return cached
        pinned = image if "@" in image else f"{image}@{digest}"
        reasons: list[Reason] = []
        counts: dict[str, int] = {}
        sig = self.policy.signatures
        if sig.required:
            if self.providers.signatures is None:
                reasons.append(Reason("signatures", "check-unavailable", "signatures are required but this dockgate build cannot verify them", Severity.HIGH, sig.ref, image))
            else:
                valid = self.providers.signatures(pinned, list(sig.keys))
                if valid < sig.minimum:
                    reasons.append(Reason("signatures", "signature-missing", f"image {image} has {valid} valid signature(s) from the policy's keys, {sig.minimum} required: sign it with `dockgate sign`", Severity.CRITICAL, sig.ref, image))
        if self.policy.vulnerabilities.fail_on:
            if self.providers.vulnerabilities is None:
                reasons.append(Reason("vulnerabilities", "check-unavailable", "the policy fails on vulnerabilities but this dockgate build cannot scan", Severity.HIGH, self.policy.vulnerabilities.fail_on_ref, image))
            else:
                started = time.monotonic()
                try:
                    outcome = self.providers.vulnerabilities(pinned)
                except Exception:
                    self.metrics.scans.labels("error").inc()
                    raise
                self.metrics.scans.labels("ok").inc()
                self.metrics.scan_duration.observe(time.monotonic() - started)
                now = datetime.datetime.now(datetime.timezone.utc)
                judged = vulnerability_reasons(outcome, self.policy.vulnerabilities, now)
                reasons.extend(r for r in judged if r.rule_id != "db-age")
                for hit in outcome.hits:
                    label = f"{hit.severity.name.lower()}|{'yes' if hit.fixed_version else 'no'}"
                    counts[label] = counts.get(label, 0) + 1
        body = {"digest": digest, "reasons": [_reason_to_dict(r) for r in reasons], "counts": counts}
        if not dry_run:
            self.cache.put(self._cache_key(image, digest), db_version, self.policy.digest, body)
        return body

    def _cache_key(self, image: str, digest: str) -> str:
        """The digest; prefixed by the repository when signatures count, since cosign keeps
        signatures per repository (the same digest may be signed in one and not in another)."""
        if not self.policy.signatures.required:
            return digest
        try:
            return f"{parsed_reference(image).name}@{digest}"
        except Exception:
            return f"{image}@{digest}"

    def _record_counts(self, image: str, body: dict[str, Any]) -> None:
        for label, count in body.get("counts", {}).items():
            severity, fixable = label.split("|")
            self.metrics.vulnerabilities.labels(image, severity, fixable).set(count)

    # --- mutate -------------------------------------------------------------------------

    def mutate(self, request: AdmissionRequest, deadline: float) -> Decision:
        if request.operation in SKIPPED_OPERATIONS or not isinstance(request.obj, dict) or pod_spec_path(request.obj) is None:
            return Decision(True, label="not-applicable")
        patch: list[dict[str, Any]] = []
        warnings: list[str] = []
        unpinned = [c for c in containers_of(request.obj) if c.image and _digest_of(c.image) is None]
        if not unpinned:
            return Decision(True, label="already-pinned")
        if self.providers.resolver is None:
            return self._undecided("error", "cannot pin image tags to digests: no registry client in this build")
        futures = {c.image: self._pool.submit(self.providers.resolver, c.image) for c in unpinned}
        for container in unpinned:
            try:
                digest = futures[container.image].result(timeout=max(0.0, deadline - time.monotonic()))
            except concurrent.futures.TimeoutError:
                return self._undecided("timeout", f"resolving {container.image} did not finish within the {self.time_budget:g}s budget")
            except Exception as exc:
                return self._undecided("error", f"resolving {container.image} failed: {' '.join(str(exc).split())[:200]}")
            patch.append(_pin_operation(container, digest))
            warnings.append(f"dockgate pinned {container.image} to {digest}")
        return Decision(True, warnings=warnings, patch=patch, label="pinned")


def _object_key(obj: dict[str, Any]) -> str:
    """What the Kubernetes checks depend on: everything but the object's identity and status
    (pods of one ReplicaSet differ only in name, uid, ownerReferences...)."""
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    kept = {k: metadata.get(k) for k in ("namespace", "labels", "annotations")}
    shape = {k: v for k, v in obj.items() if k not in ("metadata", "status")}
    return hashlib.sha256(orjson.dumps([kept, shape], option=orjson.OPT_SORT_KEYS)).hexdigest()


def _pin_operation(container: ContainerImage, digest: str) -> dict[str, Any]:
    return {"op": "replace", "path": json_pointer((*container.path, "image")), "value": f"{container.image}@{digest}"}


def _digest_of(image: str) -> str | None:
    if "@" not in image:
        return None
    try:
        return parsed_reference(image).digest
    except Exception:  # invalid references are reported by the image rules
        return None


def _label(reason: Reason) -> str:
    if reason.check == "vulnerabilities" and reason.rule_id not in {"check-unavailable", "db-age"}:
        return "vulnerabilities"
    return f"{reason.check}/{reason.rule_id}"


def _age_only(policy: Policy, built: datetime.datetime) -> list[Reason]:
    from dockgate.gate.vulnerabilities import ScanOutcome

    now = datetime.datetime.now(datetime.timezone.utc)
    return vulnerability_reasons(ScanOutcome("database", None, (), built, ""), policy.vulnerabilities, now)


def _reason_to_dict(reason: Reason) -> dict[str, Any]:
    return {
        "check": reason.check,
        "rule": reason.rule_id,
        "message": reason.message,
        "severity": int(reason.severity),
        "policy": [reason.policy.file, reason.policy.line, reason.policy.key],
        "file": reason.file,
        "blocking": reason.blocking,
    }


def _reasons_from(body: dict[str, Any], policy: Policy) -> list[Reason]:
    out = []
    for item in body.get("reasons", []):
        file, line, key = item["policy"]
        out.append(Reason(item["check"], item["rule"], item["message"], Severity(item["severity"]), PolicyRef(file, line, key), item.get("file"), None, item["blocking"]))
    return out
