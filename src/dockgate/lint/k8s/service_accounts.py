"""Service accounts: do not mount API tokens the pod does not need; do not share 'default'."""

from __future__ import annotations

from typing import Iterator

from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.severity import Severity

AUTOMOUNT = register(Rule(
    "DG-K8S-007", "Service account token mounted automatically", Severity.MEDIUM,
    "Unless automountServiceAccountToken is false, every container gets a Kubernetes API token an attacker can use.",
    "Set automountServiceAccountToken: false in the pod spec (or on the ServiceAccount) unless the pod calls the API.",
    family="k8s", tags=("service-account",),
))
DEFAULT_ACCOUNT = register(Rule(
    "DG-K8S-008", "Pod uses the default service account", Severity.LOW,
    "The namespace's default service account is shared by every pod that names none; permissions granted to it leak to all.",
    "Create a dedicated ServiceAccount and set serviceAccountName.",
    family="k8s", tags=("service-account",),
))
RULES = (AUTOMOUNT, DEFAULT_ACCOUNT)


def run(context: CheckContext) -> Iterator[Finding]:
    disabled_accounts = {
        (obj.namespace or "default", obj.name)
        for obj in context.of_kind("ServiceAccount")
        if obj.body.get("automountServiceAccountToken") is False
    }
    for pod in context.pods:
        account = pod.spec.get("serviceAccountName") or pod.spec.get("serviceAccount") or "default"
        automount = pod.spec.get("automountServiceAccountToken")
        if automount is not False and not (automount is None and (pod.namespace, account) in disabled_accounts):
            yield finding(AUTOMOUNT, pod.obj, pod.spec_path + ("automountServiceAccountToken",),
                          "pod spec does not set automountServiceAccountToken: false")
        if account == "default":
            yield finding(DEFAULT_ACCOUNT, pod.obj, pod.spec_path + ("serviceAccountName",),
                          "pod runs as the namespace's default service account")
