"""Pod Security versions: parsing, version-dependent checks and restricted overriding baseline."""

from __future__ import annotations

import pytest

from dockgate.errors import UsageError
from dockgate.lint.k8s.pss import NEWEST, parse_level, parse_version
from k8s_helpers import check_text, rule_ids

CAPS = """
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: c
      image: busybox
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {add: [%s]}
"""


def test_parse_version_and_level() -> None:
    assert parse_version("v1.25") == (1, 25)
    assert parse_version("1.3") == (1, 3)
    assert parse_version("latest") == NEWEST >= (1, 37)
    for bad in ("v2.1", "1", "v1.x", ""):
        with pytest.raises(UsageError):
            parse_version(bad)
    with pytest.raises(UsageError):
        parse_level("privileged")


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        # before v1.22 restricted uses the baseline capability check: NET_RAW is not default-allowed,
        # CHOWN is, and dropping ALL is not required
        ((1, 21), {"CHOWN": [], "NET_RAW": ["pss-capabilities-baseline"]}),
        # from v1.22 the restricted check replaces it: drop ALL, add only NET_BIND_SERVICE
        ((1, 22), {"CHOWN": ["pss-capabilities-restricted", "pss-capabilities-restricted"], "NET_RAW": ["pss-capabilities-restricted", "pss-capabilities-restricted"]}),
    ],
)
def test_restricted_capabilities_override_baseline_from_1_22(version: tuple[int, int], expected: dict[str, list[str]]) -> None:
    for capability, rules in expected.items():
        assert rule_ids(check_text(CAPS % capability, select="pss", version=version)) == rules


def test_allow_privilege_escalation_starts_at_1_8_and_exempts_windows_from_1_25() -> None:
    pod = """
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      os: {name: windows}
      securityContext: {runAsNonRoot: true}
      containers: [{name: c, image: i}]
    """
    assert rule_ids(check_text(pod, select="pss", version=(1, 7))) == []
    assert rule_ids(check_text(pod, select="pss", version=(1, 24))) == [
        "pss-allow-privilege-escalation", "pss-capabilities-restricted", "pss-seccomp-restricted"]
    assert rule_ids(check_text(pod, select="pss", version=(1, 25))) == []


def test_sysctl_allow_list_grows_with_versions() -> None:
    pod = """
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      securityContext: {sysctls: [{name: net.ipv4.tcp_keepalive_time, value: "60"}]}
      containers: [{name: c, image: i}]
    """
    assert rule_ids(check_text(pod, select="pss", level="baseline", version=(1, 28))) == ["pss-sysctls"]
    assert rule_ids(check_text(pod, select="pss", level="baseline", version=(1, 29))) == []
    assert rule_ids(check_text(pod, select="pss", level="baseline", version=(1, 99))) == []


def test_user_namespaces_relax_run_as_non_root_from_1_35() -> None:
    pod = """
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      hostUsers: false
      securityContext: {seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: c
          image: i
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsUser: 0}
    """
    assert rule_ids(check_text(pod, select="pss", version=(1, 34))) == ["pss-run-as-non-root", "pss-run-as-user"]
    assert rule_ids(check_text(pod, select="pss", version=(1, 35))) == []
