"""deploy/: the manifests that run dockgate itself, and the monitoring that watches it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from dockgate.cli import build_parser
from dockgate.gate.providers import default_providers
from dockgate.gate.workloads import POD_SPEC_PATHS
from dockgate.policy import parse_policy
from dockgate.server.metrics import WebhookMetrics

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _objects() -> dict[str, dict]:
    found = {}
    for path in sorted(DEPLOY.glob("*.yaml")):
        for document in yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader):
            if document:
                found.setdefault(document["kind"], document)  # the first of each kind
                found[f"{document['kind']}/{document['metadata']['name']}"] = document
    return found


def test_webhook_configuration() -> None:
    objects = _objects()
    webhook = objects["ValidatingWebhookConfiguration"]["webhooks"][0]
    assert webhook["failurePolicy"] == "Fail" and webhook["sideEffects"] == "None"
    assert webhook["admissionReviewVersions"] == ["v1"]
    policy = parse_policy(objects["ConfigMap"]["data"]["policy.yaml"], "policy.yaml")
    assert policy.admission.time_budget_seconds < webhook["timeoutSeconds"] <= 30
    excluded = next(e for e in webhook["namespaceSelector"]["matchExpressions"] if e["key"] == "kubernetes.io/metadata.name")
    assert excluded["operator"] == "NotIn" and "kube-system" in excluded["values"]
    service = objects["Service"]
    assert webhook["clientConfig"]["service"] == {"name": service["metadata"]["name"], "namespace": service["metadata"]["namespace"], "path": "/validate", "port": 443}
    resources = {r for rule in webhook["rules"] for r in rule["resources"]}
    plural = {"Pod": "pods", "PodTemplate": "podtemplates", "ReplicationController": "replicationcontrollers"}
    for kind in POD_SPEC_PATHS:
        assert plural.get(kind, kind.lower() + "s") in resources, kind


def test_deployment_runs_restricted_and_its_args_parse() -> None:
    objects = _objects()
    deployment = objects["Deployment"]
    spec = deployment["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    assert not any(key.startswith("host") for key in spec)
    (container,) = spec["containers"]
    context = container["securityContext"]
    assert context["allowPrivilegeEscalation"] is False and context["capabilities"]["drop"] == ["ALL"]
    assert context["readOnlyRootFilesystem"] is True and context["runAsNonRoot"] is True
    assert container["resources"]["limits"] and container["resources"]["requests"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz" and container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    args = build_parser().parse_args(container["args"])
    assert args.command == "serve" and args.listen.endswith(":8443") and args.cache.startswith("/var/cache/dockgate/")
    mutating = objects["MutatingWebhookConfiguration"]["webhooks"][0]
    assert args.enable_mutate and mutating["clientConfig"]["service"]["path"] == "/mutate" and mutating["failurePolicy"] == "Fail"
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert str(Path(args.policy).parent) in mounts and str(Path(args.tls_cert).parent) in mounts
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    for kind in ("Service", "NetworkPolicy", "PodDisruptionBudget"):
        selector = objects[kind]["spec"].get("selector") or objects[kind]["spec"]["podSelector"]
        selector = selector.get("matchLabels", selector)
        assert selector.items() <= labels.items(), kind
    assert objects["PodDisruptionBudget"]["spec"]["minAvailable"] < deployment["spec"]["replicas"]
    ingress_ports = {p["port"] for rule in objects["NetworkPolicy"]["spec"]["ingress"] for p in rule["ports"]}
    assert ingress_ports == {container["ports"][0]["containerPort"]}


def test_dockgate_kubernetes_checks_find_nothing_in_deploy() -> None:
    linter = default_providers().kubernetes
    assert linter is not None
    assert linter([DEPLOY], "restricted", "latest") == []
    default_deny = _objects()["NetworkPolicy/default-deny"]["spec"]
    assert default_deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def _exposed_metric_names() -> set[str]:
    metrics = WebhookMetrics()
    metrics.decisions.labels("allowed", "ok", "false").inc()
    metrics.latency.labels("validate").observe(0.01)
    metrics.errors.labels("timeout").inc()
    metrics.scans.labels("ok").inc()
    metrics.scan_duration.observe(1)
    metrics.cache_lookups.labels("hit").inc()
    metrics.vulnerabilities.labels("img", "critical", "yes").set(1)
    metrics.database_age.set(10)
    return {s.name for f in text_string_to_metric_families(metrics.exposition().decode()) for s in f.samples}


def test_alerts_and_dashboard_use_metrics_the_server_exposes() -> None:
    exposed = _exposed_metric_names()
    rule = yaml.load((DEPLOY / "monitoring/prometheusrule.yaml").read_text(), Loader=yaml.CSafeLoader)
    alerts = {r["alert"]: r["expr"] for group in rule["spec"]["groups"] for r in group["rules"]}
    assert {"DockgateDenialsSpike", "DockgateCriticalVulnerabilitiesRunning", "DockgateVulnerabilityDatabaseStale", "DockgateWebhookErrors"} <= alerts.keys()
    dashboard = json.loads((DEPLOY / "monitoring/grafana-dashboard.json").read_text())
    exprs = list(alerts.values()) + [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {name for expr in exprs for name in re.findall(r"dockgate_[a-z_]+", expr)}
    assert used and used <= exposed, used - exposed
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
