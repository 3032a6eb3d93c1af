"""Hostile shapes never crash the loader or the rules: only InputError, or findings."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockgate.errors import InputError
from dockgate.lint.k8s import CheckOptions, check_objects
from dockgate.lint.k8s.loader import LoadResult, load_bytes
from dockgate.lint.yaml_safe import load_documents

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=6), st.sampled_from(["ALL", "Unconfined", "0", "*", "cluster-admin"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
    ["name", "image", "securityContext", "capabilities", "add", "drop", "privileged", "runAsUser", "hostPath", "ports",
     "hostPort", "env", "value", "resources", "limits", "seccompProfile", "type", "volumes", "containers", "annotations"]),
    inner, max_size=4)), max_leaves=12)
KINDS = ["Pod", "Deployment", "CronJob", "Service", "Secret", "NetworkPolicy", "ClusterRole", "RoleBinding"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), spec=values, metadata=values, template=values)
def test_rules_survive_any_shape(kind: str, spec: object, metadata: object, template: object) -> None:
    body = {"apiVersion": "v1", "kind": kind, "metadata": metadata, "spec": {"template": {"metadata": metadata, "spec": spec},
            "containers": spec, "jobTemplate": {"spec": {"template": {"spec": spec}}}, "podSelector": template},
            "rules": template, "roleRef": template, "data": template}
    result = LoadResult()
    load_bytes(json.dumps(body).encode(), "fuzz.json", result)
    assert not result.errors
    for finding in check_objects(result.objects, CheckOptions()):
        assert finding.location.file == "fuzz.json" and finding.location.line == 1


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab:-[]{}&*!|>'\"#\n \t?,.%@`0", max_size=80))
def test_loader_raises_only_input_errors(text: str) -> None:
    try:
        load_documents(text.encode(), "fuzz.yaml")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.yaml")
