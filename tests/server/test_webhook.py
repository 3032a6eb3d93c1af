"""Real HTTPS AdmissionReview v1 round trips: allowed, denied, dryRun, workload kinds, mutate, cache."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dockgate.gate.providers import Providers
from dockgate.lint.engine import Finding, Location, Rule
from dockgate.severity import Severity

from webhook_fixtures import CLEAN, POLICY, VULNERABLE, FixtureScanner, database_info, digest_of, pod, review


def _response(client, obj, **kw) -> dict:
    reply = client.post("/validate", json=review(obj, **kw))
    assert reply.status_code == 200
    body = reply.json()
    assert body["apiVersion"] == "admission.k8s.io/v1" and body["kind"] == "AdmissionReview"
    return body["response"]


def test_clean_pinned_image_is_allowed(start, client_for) -> None:
    client = client_for(start())
    response = _response(client, pod(CLEAN), uid="abc-123")
    assert response == {"uid": "abc-123", "allowed": True}
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_denials_name_the_reason_and_the_policy_line(start, client_for) -> None:
    client = client_for(start())
    response = _response(client, pod("nginx", VULNERABLE))
    assert response["allowed"] is False and response["status"]["code"] == 403
    message = response["status"]["message"]
    assert message.startswith("dockgate denied Pod/team/web: ")
    assert "CVE-2024-0001 (critical) in openssl 3.0.1, fixed in 3.0.2" in message
    assert "policy policy.yaml:4 vulnerabilities.failOn" in message
    assert "'nginx' has no tag" in message and "policy.yaml:7 images.allowedRegistries" in message
    assert "CVE-2024-0002" not in message  # low and unfixed: not counted by this policy


@pytest.mark.parametrize(
    "obj",
    [
        {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}}},
        {"kind": "StatefulSet", "metadata": {"name": "s"}, "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}}},
        {"kind": "DaemonSet", "metadata": {"name": "s"}, "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}}},
        {"kind": "ReplicaSet", "metadata": {"name": "s"}, "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}}},
        {"kind": "ReplicationController", "metadata": {"name": "s"}, "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}}},
        {"kind": "Job", "metadata": {"name": "j"}, "spec": {"template": {"spec": {"initContainers": [{"name": "a", "image": "nginx:1"}], "containers": []}}}},
        {"kind": "CronJob", "metadata": {"name": "c"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}}}}},
    ],
    ids=lambda o: o["kind"],
)
def test_every_workload_kind_is_judged(start, client_for, obj) -> None:
    client = client_for(start())
    response = _response(client, obj)
    assert response["allowed"] is False
    assert "'nginx:1' is not pinned by digest" in response["status"]["message"]
    clean = json.loads(json.dumps(obj).replace('"nginx:1"', json.dumps(CLEAN)))
    assert _response(client, clean)["allowed"] is True


def test_non_workloads_and_deletes_are_allowed(start, client_for) -> None:
    client = client_for(start())
    assert _response(client, {"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {}})["allowed"] is True
    assert _response(client, None, operation="DELETE")["allowed"] is True


def test_dry_run_answers_the_same_but_leaves_no_trace_in_the_cache(start, client_for, tmp_path: Path) -> None:
    running = start(cache=tmp_path / "dry.sqlite")
    client = client_for(running)
    response = _response(client, pod(VULNERABLE), dry_run=True)
    assert response["allowed"] is False and "CVE-2024-0001" in response["status"]["message"]
    assert len(running.server.engine.cache) == 0
    _response(client, pod(VULNERABLE))
    assert len(running.server.engine.cache) == 1
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    samples = [s for s in families["dockgate_admission_decisions"].samples if s.name.endswith("_total")]
    dry = {s.labels["dry_run"]: s.value for s in samples if s.labels["result"] == "denied"}
    assert dry == {"true": 1.0, "false": 1.0}


def test_cache_survives_restart(start, client_for, tmp_path: Path) -> None:
    cache = tmp_path / "persist.sqlite"
    first = start(cache=cache)
    assert _response(client_for(first), pod(VULNERABLE))["allowed"] is False
    first.stop()
    scanner = FixtureScanner()
    second = start(cache=cache, providers=Providers(vulnerabilities=scanner, database=database_info))
    response = _response(client_for(second), pod(VULNERABLE))
    assert response["allowed"] is False and "CVE-2024-0001" in response["status"]["message"]
    assert scanner.calls == []  # answered from the SQLite cache
    # a new database version is a new key: scanned again
    third_scanner = FixtureScanner()
    second.stop()
    newer = lambda: ("db-2", database_info()[1])  # noqa: E731
    third = start(cache=cache, providers=Providers(vulnerabilities=third_scanner, database=newer))
    _response(client_for(third), pod(VULNERABLE))
    assert third_scanner.calls == [VULNERABLE]


def test_metrics_parse_and_count(start, client_for) -> None:
    client = client_for(start())
    before = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    assert 3500 < before["dockgate_vulnerability_database_age_seconds"].samples[0].value < 3700  # before any admission
    _response(client, pod(CLEAN))
    _response(client, pod(VULNERABLE))
    _response(client, pod(VULNERABLE))
    text = client.get("/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    decisions = {(s.labels["result"], s.labels["reason"]): s.value for s in families["dockgate_admission_decisions"].samples if s.name.endswith("_total")}
    assert decisions == {("allowed", "ok"): 1.0, ("denied", "vulnerabilities"): 2.0}
    vulns = {(s.labels["image"], s.labels["severity"], s.labels["fixable"]): s.value for s in families["dockgate_image_vulnerabilities"].samples}
    assert vulns == {(VULNERABLE, "critical", "yes"): 1.0, (VULNERABLE, "low", "no"): 1.0}
    scans = {s.labels["outcome"]: s.value for s in families["dockgate_scans"].samples if s.name.endswith("_total")}
    assert scans == {"ok": 2.0}  # the second VULNERABLE request was a cache hit
    latency = [s for s in families["dockgate_webhook_latency_seconds"].samples if s.name.endswith("_count") and s.labels["endpoint"] == "validate"]
    assert latency[0].value == 3.0
    age = families["dockgate_vulnerability_database_age_seconds"].samples[0].value
    assert 3500 < age < 3700
    assert "dockgate_scan_duration_seconds" in families


def test_audit_only_rules_warn_instead_of_denying(start, client_for) -> None:
    policy = POLICY.replace("  timeBudgetSeconds: 2\n", "  timeBudgetSeconds: 2\n  auditOnly: [vulnerabilities]\n")
    client = client_for(start(policy))
    response = _response(client, pod(VULNERABLE))
    assert response["allowed"] is True
    assert any("CVE-2024-0001" in w for w in response["warnings"])


def test_kubernetes_rules_reach_the_object_linter(start, client_for) -> None:
    seen = []

    def linter(obj, level, version):
        seen.append((obj["kind"], level, version))
        rule = Rule("pss-run-as-non-root", "must not run as root", Severity.HIGH, "why", "set runAsNonRoot", "pss")
        return [Finding(rule, "container c0 may run as root", Location("<admission>"), obj="Pod/web")]

    policy = POLICY.replace("  kubernetes: {enabled: false}", "  kubernetes: {enabled: true, failOn: medium}")
    client = client_for(start(policy, providers=Providers(vulnerabilities=FixtureScanner(), database=database_info, kubernetes_object=linter)))
    response = _response(client, pod(CLEAN))
    assert seen == [("Pod", "restricted", "latest")]
    assert response["allowed"] is False and "may run as root" in response["status"]["message"]
    # without a Kubernetes linter in the build, fail closed and say why
    client = client_for(start(policy))
    message = _response(client, pod(CLEAN))["status"]["message"]
    assert "not available in this dockgate build" in message and "rules.kubernetes" in message


def test_mutate_pins_tags_to_digests(start, client_for) -> None:
    digest = digest_of("pinned")
    resolved = []

    def resolver(image: str) -> str:
        resolved.append(image)
        return digest

    obj = {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "registry.example.com/a:1"}, {"name": "b", "image": CLEAN}]}}}}
    client = client_for(start(providers=Providers(resolver=resolver), enable_mutate=True))
    reply = client.post("/mutate", json=review(obj)).json()["response"]
    assert reply["allowed"] is True and reply["patchType"] == "JSONPatch"
    patch = json.loads(base64.b64decode(reply["patch"]))
    assert patch == [{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": f"registry.example.com/a:1@{digest}"}]
    assert resolved == ["registry.example.com/a:1"]
    assert client.post("/mutate", json=review(pod(CLEAN))).json()["response"] == {"uid": "uid-1", "allowed": True}


def test_mutate_is_off_unless_enabled(start, client_for) -> None:
    client = client_for(start())
    assert client.post("/mutate", json=review(pod(CLEAN))).status_code == 404


def test_database_problems_are_named(start, client_for) -> None:
    import datetime

    from dockgate.errors import InputError

    def missing():
        raise InputError("no vulnerability database at /var/cache/dockgate/vulndb.sqlite: run `dockgate db update`")

    client = client_for(start(providers=Providers(vulnerabilities=FixtureScanner(), database=missing)))
    message = _response(client, pod(CLEAN))["status"]["message"]
    assert "vulnerability database unavailable: no vulnerability database" in message and "failureMode is closed" in message

    def stale():
        return "db-old", datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=50)

    client = client_for(start(providers=Providers(vulnerabilities=FixtureScanner(), database=stale)))
    response = _response(client, pod(CLEAN))
    assert response["allowed"] is False
    assert "vulnerability data is 50h old (policy allows 24h)" in response["status"]["message"]
    assert "policy.yaml:5 vulnerabilities.maxDatabaseAgeHours" in response["status"]["message"]


def test_admission_with_the_real_kubernetes_checks(start, client_for) -> None:
    from pathlib import Path

    import yaml

    from dockgate.gate.adapters import kubernetes_object_findings

    examples = Path(__file__).resolve().parents[2] / "examples"
    policy = POLICY.replace("  kubernetes: {enabled: false}", "  kubernetes: {enabled: true, failOn: medium}")
    providers = Providers(vulnerabilities=FixtureScanner(), database=database_info, kubernetes_object=kubernetes_object_findings)
    client = client_for(start(policy, providers=providers))
    hardened = next(yaml.safe_load_all((examples / "go-hello-hardened/deployment.yaml").read_text()))
    assert _response(client, hardened) == {"uid": "uid-1", "allowed": True}
    original = yaml.safe_load((examples / "go-hello/deployment.yaml").read_text())
    message = _response(client, original)["status"]["message"]
    assert message.startswith("dockgate denied Deployment/team/my-app: ")
    for expected in ("runAsNonRoot", "allowPrivilegeEscalation", "has no tag", "policy policy.yaml"):
        assert expected in message, expected


def test_kubernetes_verdicts_are_remembered_per_object_shape(start, client_for) -> None:
    calls = []

    def linter(obj, level, version):
        calls.append(obj["metadata"]["name"])
        if obj["spec"].get("hostNetwork"):
            raise ValueError("unreadable hostNetwork")
        return []

    policy = POLICY.replace("  kubernetes: {enabled: false}", "  kubernetes: {enabled: true}")
    client = client_for(start(policy, providers=Providers(vulnerabilities=FixtureScanner(), database=database_info, kubernetes_object=linter)))
    for name in ("web-1", "web-2", "web-3"):  # pods of one ReplicaSet: same shape, new names
        assert _response(client, pod(CLEAN, name=name))["allowed"] is True
    changed = pod(CLEAN, name="web-4")
    changed["spec"]["hostNetwork"] = True
    message = _response(client, changed)["status"]["message"]
    assert "could not read the object: unreadable hostNetwork" in message
    assert calls == ["web-1", "web-4"]
