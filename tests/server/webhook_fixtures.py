"""Helpers for the webhook tests: the test policy, fixture scanner, AdmissionReview builders."""

from __future__ import annotations

import datetime
import hashlib
import ssl
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

from dockgate.gate.providers import Providers
from dockgate.gate.vulnerabilities import ScanOutcome, VulnerabilityHit
from dockgate.policy import parse_policy
from dockgate.server.app import RunningServer, build_server, start_in_thread
from dockgate.server.certs import DevCertificates, make_dev_certificates
from dockgate.server.http import ServerSettings
from dockgate.severity import Severity

POLICY = """\
apiVersion: dockgate.dev/v1
kind: Policy
vulnerabilities:
  failOn: [critical, high]
  maxDatabaseAgeHours: 24
images:
  allowedRegistries: [registry.example.com]
  requireDigest: true
rules:
  kubernetes: {enabled: false}
admission:
  failureMode: closed
  timeBudgetSeconds: 2
"""


def digest_of(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


CLEAN = f"registry.example.com/team/clean:1.0@{digest_of('clean')}"
VULNERABLE = f"registry.example.com/team/vulnerable:1.0@{digest_of('vulnerable')}"
SLOW = f"registry.example.com/team/slow:1.0@{digest_of('slow')}"


class FixtureScanner:
    """Deterministic scan results per image (the real scanner lives in dockgate.scan)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls: list[str] = []

    def __call__(self, image: str) -> ScanOutcome:
        self.calls.append(image)
        if "/slow" in image:
            time.sleep(self.delay)
        hits: tuple[VulnerabilityHit, ...] = ()
        if "/vulnerable" in image:
            hits = (
                VulnerabilityHit("CVE-2024-0001", "openssl", "3.0.1", Severity.CRITICAL, "3.0.2"),
                VulnerabilityHit("CVE-2024-0002", "zlib", "1.2", Severity.LOW, None),
            )
        return ScanOutcome(image, image.split("@")[-1], hits, datetime.datetime.now(datetime.timezone.utc), "db-1")


def database_info() -> tuple[str, datetime.datetime]:
    return "db-1", datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)


def review(obj: dict[str, Any] | None, uid: str = "uid-1", dry_run: bool = False, operation: str = "CREATE") -> dict[str, Any]:
    kind = obj.get("kind", "Pod") if obj else "Pod"
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "", "version": "v1", "kind": kind},
            "resource": {"group": "", "version": "v1", "resource": kind.lower() + "s"},
            "namespace": "team",
            "operation": operation,
            "userInfo": {"username": "alice"},
            "object": obj,
            "oldObject": None,
            "dryRun": dry_run,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        },
    }


def pod(*images: str, name: str = "web") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "team"},
        "spec": {"containers": [{"name": f"c{i}", "image": image} for i, image in enumerate(images)]},
    }
