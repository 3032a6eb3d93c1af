"""The webhook against a real registry on loopback: tags resolved to digests for /mutate and for the cache key."""

from __future__ import annotations

import base64
import json

from webhook_fixtures import POLICY, FixtureScanner, database_info, pod, review

from dockgate.gate.adapters import registry_digest_resolver
from dockgate.gate.providers import Providers
from dockgate.registry import TransportOptions


def test_mutate_pins_a_real_tag_to_its_registry_digest(start, client_for, registry_app_image) -> None:
    resolver = registry_digest_resolver(TransportOptions(connect_timeout=2, read_timeout=2))
    client = client_for(start(providers=Providers(resolver=resolver), enable_mutate=True))
    reply = client.post("/mutate", json=review(pod(registry_app_image.reference))).json()["response"]
    patch = json.loads(base64.b64decode(reply["patch"]))
    assert patch == [{"op": "replace", "path": "/spec/containers/0/image", "value": f"{registry_app_image.reference}@{registry_app_image.manifest_digest}"}]


def test_validate_keys_the_cache_by_the_resolved_digest(start, client_for, registry_app_image) -> None:
    policy = POLICY.replace("allowedRegistries: [registry.example.com]", "allowedRegistries: []").replace("requireDigest: true", "requireDigest: false")
    scanner = FixtureScanner()
    resolver = registry_digest_resolver(TransportOptions(connect_timeout=2, read_timeout=2))
    running = start(policy, providers=Providers(vulnerabilities=scanner, database=database_info, resolver=resolver))
    client = client_for(running)
    for uid in ("first", "second"):
        response = client.post("/validate", json=review(pod(registry_app_image.reference), uid=uid)).json()["response"]
        assert response == {"uid": uid, "allowed": True}
    assert scanner.calls == [f"{registry_app_image.reference}@{registry_app_image.manifest_digest}"]
    assert running.server.engine.cache.get(registry_app_image.manifest_digest, "db-1", running.server.engine.policy.digest) is not None


def test_cache_miss_runs_the_real_scanner_on_the_registry_image(start, client_for, registry_app_image, shared_dir, tmp_path, monkeypatch) -> None:
    """No fixture scanner: a miss streams the image from the registry and scans it for real."""
    from dockgate.cli import main
    from dockgate.scan import gate_scan_outcome
    from dockgate.vulndb import gate_database_info

    db = tmp_path / "vulndb.sqlite"
    assert main(["db", "update", "--db", str(db), "--mirror", str(shared_dir / "osv-mirror"), "--ecosystem", "PyPI", "--ecosystem", "Go"]) == 0
    monkeypatch.setenv("DOCKGATE_DB", str(db))
    policy = POLICY.replace("allowedRegistries: [registry.example.com]", "allowedRegistries: []").replace("requireDigest: true", "requireDigest: false")
    policy = policy.replace("timeBudgetSeconds: 2", "timeBudgetSeconds: 25")
    resolver = registry_digest_resolver(TransportOptions(connect_timeout=2, read_timeout=5))
    running = start(policy, providers=Providers(vulnerabilities=gate_scan_outcome, database=gate_database_info, resolver=resolver), time_budget=25)
    client = client_for(running)
    response = client.post("/validate", json=review(pod(registry_app_image.reference)), timeout=30).json()["response"]
    assert response["allowed"] is False
    assert "PYSEC-" in response["status"]["message"] or "GO-" in response["status"]["message"]
