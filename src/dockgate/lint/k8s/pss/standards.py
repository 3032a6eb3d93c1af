"""Pod Security Standards: the versioned check table and its evaluation.

Each check has a level (baseline or restricted), a list of (first policy version, function)
variants, and restricted variants may *override* baseline checks (the restricted check
replaces the baseline one at that version). ``restricted`` at version V runs every
restricted check that exists at V plus every baseline check at V that no restricted check
overrides, exactly as Pod Security admission composes them. Versions newer than the newest
variant behave like the newest; ``latest`` is the newest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dockgate.errors import UsageError
from dockgate.lint.engine import Rule, register
from dockgate.lint.k8s.pss import checks as c
from dockgate.lint.k8s.workloads import PodTemplate
from dockgate.severity import Severity

Version = tuple[int, int]
BASELINE = "baseline"
RESTRICTED = "restricted"
LEVELS = (BASELINE, RESTRICTED)


@dataclass(frozen=True)
class Variant:
    since: Version
    check: c.CheckFn
    overrides: tuple[str, ...] = ()  # baseline check ids this restricted variant replaces


@dataclass(frozen=True)
class PssCheck:
    id: str  # Pod Security admission's check id, e.g. "allowPrivilegeEscalation"
    level: str
    rule: Rule
    variants: tuple[Variant, ...]

    def variant_at(self, version: Version) -> Variant | None:
        chosen = None
        for variant in self.variants:
            if variant.since <= version:
                chosen = variant
        return chosen


def _rule(rule_id: str, title: str, severity: Severity, level: str, rationale: str, fix: str) -> Rule:
    return register(Rule(rule_id, title, severity, rationale, fix, family="pss", tags=(f"pss-{level}",)))


B, R = BASELINE, RESTRICTED
CHECKS: tuple[PssCheck, ...] = (
    PssCheck("privileged", B, _rule("pss-privileged", "Privileged container", Severity.CRITICAL, B,
             "A privileged container has every capability and all host devices: it is root on the node.",
             "Remove securityContext.privileged or set it to false."),
             (Variant((1, 0), c.privileged),)),
    PssCheck("hostNamespaces", B, _rule("pss-host-namespaces", "Pod shares host namespaces", Severity.HIGH, B,
             "hostNetwork, hostPID and hostIPC let the pod see and touch the node's processes and network.",
             "Remove hostNetwork, hostPID and hostIPC (or set them to false)."),
             (Variant((1, 0), c.host_namespaces),)),
    PssCheck("hostPorts", B, _rule("pss-host-ports", "Container uses a hostPort", Severity.MEDIUM, B,
             "A hostPort binds the node's port directly, bypassing network policy and limiting scheduling.",
             "Remove ports[].hostPort and expose the port through a Service."),
             (Variant((1, 0), c.host_ports),)),
    PssCheck("hostPathVolumes", B, _rule("pss-host-path-volumes", "Pod mounts a hostPath volume", Severity.HIGH, B,
             "A hostPath volume gives the pod the node's filesystem, a common container escape.",
             "Use emptyDir, configMap, secret or a PersistentVolumeClaim instead of hostPath."),
             (Variant((1, 0), c.host_path_volumes),)),
    PssCheck("hostProbesAndHostLifecycle", B, _rule("pss-host-probes", "Probe or lifecycle handler targets another host", Severity.MEDIUM, B,
             "A probe or lifecycle hook with a host field makes the kubelet connect to arbitrary addresses.",
             "Remove the host field of httpGet/tcpSocket probes and lifecycle hooks."),
             (Variant((1, 34), c.host_probes_and_lifecycle),)),
    PssCheck("capabilities_baseline", B, _rule("pss-capabilities-baseline", "Container adds a non-default capability", Severity.HIGH, B,
             "Capabilities beyond the runtime's default set (e.g. SYS_ADMIN, NET_ADMIN) grant kernel powers.",
             "Remove the capability from securityContext.capabilities.add."),
             (Variant((1, 0), c.capabilities_baseline),)),
    PssCheck("appArmorProfile", B, _rule("pss-apparmor", "AppArmor disabled or overridden", Severity.HIGH, B,
             "Running unconfined removes the AppArmor profile that limits what the container may do.",
             "Use appArmorProfile type RuntimeDefault or Localhost (or leave it unset)."),
             (Variant((1, 0), c.app_armor),)),
    PssCheck("seLinuxOptions", B, _rule("pss-selinux", "Custom SELinux user, role or type", Severity.HIGH, B,
             "Setting a custom SELinux user/role or a privileged type escapes the container's SELinux confinement.",
             "Remove seLinuxOptions.user and .role; use a container_* type or none."),
             (Variant((1, 0), c.selinux_1_0), Variant((1, 31), c.selinux_1_31))),
    PssCheck("procMount", B, _rule("pss-proc-mount", "Unmasked /proc mount", Severity.HIGH, B,
             "procMount Unmasked exposes kernel interfaces in /proc that the runtime normally hides.",
             "Remove securityContext.procMount or set it to Default."),
             (Variant((1, 0), c.proc_mount), Variant((1, 35), c.proc_mount_relaxed_for_user_namespaces))),
    PssCheck("seccompProfile_baseline", B, _rule("pss-seccomp-baseline", "Seccomp explicitly disabled", Severity.HIGH, B,
             "An Unconfined seccomp profile lets the container use every system call.",
             "Use seccompProfile type RuntimeDefault or Localhost."),
             (Variant((1, 0), c.seccomp_baseline_annotations), Variant((1, 19), c.seccomp_baseline))),
    PssCheck("sysctls", B, _rule("pss-sysctls", "Unsafe sysctl", Severity.HIGH, B,
             "Only namespaced, safe sysctls may be set; others change the whole node's kernel.",
             "Remove the sysctl from securityContext.sysctls."),
             (Variant((1, 0), c.sysctls_1_0), Variant((1, 27), c.sysctls_1_27), Variant((1, 29), c.sysctls_1_29),
              Variant((1, 32), c.sysctls_1_32), Variant((1, 37), c.sysctls_1_37))),
    PssCheck("windowsHostProcess", B, _rule("pss-windows-host-process", "Windows HostProcess container", Severity.CRITICAL, B,
             "A Windows HostProcess container runs directly on the host with full access.",
             "Remove windowsOptions.hostProcess or set it to false."),
             (Variant((1, 0), c.windows_host_process),)),
    PssCheck("restrictedVolumes", R, _rule("pss-restricted-volumes", "Volume type not allowed by restricted", Severity.MEDIUM, R,
             "The restricted level allows only ephemeral and projected volume types (configMap, secret, emptyDir, PVC...).",
             "Use configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral, image or a PersistentVolumeClaim."),
             (Variant((1, 0), c.restricted_volumes, ("hostPathVolumes",)),)),
    PssCheck("allowPrivilegeEscalation", R, _rule("pss-allow-privilege-escalation", "Privilege escalation not disabled", Severity.MEDIUM, R,
             "Unless allowPrivilegeEscalation is false, setuid binaries can gain more privileges than the process has.",
             "Set securityContext.allowPrivilegeEscalation: false on every container."),
             (Variant((1, 8), c.allow_privilege_escalation), Variant((1, 25), c.unless_windows(c.allow_privilege_escalation)))),
    PssCheck("runAsNonRoot", R, _rule("pss-run-as-non-root", "Container may run as root", Severity.MEDIUM, R,
             "Without runAsNonRoot: true the container runs as whatever user the image says, often root.",
             "Set securityContext.runAsNonRoot: true on the pod (or every container)."),
             (Variant((1, 0), c.run_as_non_root), Variant((1, 35), c.unless_user_namespaced(c.run_as_non_root)))),
    PssCheck("runAsUser", R, _rule("pss-run-as-user", "Container runs as UID 0", Severity.HIGH, R,
             "runAsUser: 0 runs the container as root.",
             "Set runAsUser to a non-zero UID or remove it."),
             (Variant((1, 23), c.run_as_user), Variant((1, 35), c.unless_user_namespaced(c.run_as_user)))),
    PssCheck("seccompProfile_restricted", R, _rule("pss-seccomp-restricted", "Seccomp profile not set", Severity.MEDIUM, R,
             "Without a RuntimeDefault or Localhost seccomp profile every system call is allowed.",
             "Set securityContext.seccompProfile.type: RuntimeDefault on the pod."),
             (Variant((1, 19), c.seccomp_restricted, ("seccompProfile_baseline",)),
              Variant((1, 25), c.unless_windows(c.seccomp_restricted), ("seccompProfile_baseline",)))),
    PssCheck("capabilities_restricted", R, _rule("pss-capabilities-restricted", "Capabilities not dropped", Severity.MEDIUM, R,
             "The restricted level requires dropping ALL capabilities; only NET_BIND_SERVICE may be added back.",
             'Set securityContext.capabilities.drop: ["ALL"] and add at most NET_BIND_SERVICE.'),
             (Variant((1, 22), c.capabilities_restricted, ("capabilities_baseline",)),
              Variant((1, 25), c.unless_windows(c.capabilities_restricted), ("capabilities_baseline",)))),
    PssCheck("procMount_restricted", R, _rule("pss-proc-mount-restricted", "Unmasked /proc mount (restricted)", Severity.HIGH, R,
             "At restricted, procMount must be Default even for pods in a user namespace.",
             "Remove securityContext.procMount or set it to Default."),
             (Variant((1, 35), c.proc_mount, ("procMount",)),)),
)

NEWEST: Version = max(v.since for check in CHECKS for v in check.variants)
_VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)$")


def parse_version(text: str) -> Version:
    """'v1.25' -> (1, 25); 'latest' -> the newest version with a check variant."""
    text = text.strip().lower()
    if text == "latest":
        return NEWEST
    match = _VERSION_RE.match(text)
    if not match or int(match.group(1)) != 1:
        raise UsageError(f"invalid Pod Security version {text!r} (expected vMAJOR.MINOR such as v1.30, or latest)")
    return (1, int(match.group(2)))


def parse_level(text: str) -> str:
    level = text.strip().lower()
    if level not in LEVELS:
        raise UsageError(f"invalid Pod Security level {text!r} (expected baseline or restricted)")
    return level


@lru_cache(maxsize=None)
def checks_for(level: str, version: Version) -> tuple[tuple[PssCheck, c.CheckFn], ...]:
    """The check functions that apply at ``level`` and ``version``, baseline ones first."""
    version = min(version, NEWEST)
    baseline = [(chk, chk.variant_at(version)) for chk in CHECKS if chk.level == BASELINE]
    chosen = [(chk, var) for chk, var in baseline if var is not None]
    if level == RESTRICTED:
        restricted = [(chk, var) for chk in CHECKS if chk.level == RESTRICTED for var in [chk.variant_at(version)] if var is not None]
        overridden = {o for _, var in restricted for o in var.overrides}
        chosen = [(chk, var) for chk, var in chosen if chk.id not in overridden] + restricted
    return tuple((chk, var.check) for chk, var in chosen)


def evaluate(pod: PodTemplate, level: str, version: Version) -> list[tuple[PssCheck, c.Violation]]:
    """Every violation of the Pod Security Standard ``level`` at ``version`` for ``pod``."""
    return [(chk, violation) for chk, check in checks_for(level, version) for violation in check(pod)]
