"""The Pod Security Standards checks, one function per check and policy-version variant.

Semantics follow Kubernetes' Pod Security admission (kubernetes/pod-security-admission,
policy/check_*.go): which fields are looked at, which values are allowed, and how unset
fields count (e.g. an unset allowPrivilegeEscalation is *not* false). Each function takes
the pod template and returns the violations, each with the path of the offending field
(or of the place where a required field is missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from dockgate.lint.k8s.workloads import Container, PodTemplate
from dockgate.lint.yaml_safe import Path


@dataclass(frozen=True)
class Violation:
    message: str
    path: Path


CheckFn = Callable[[PodTemplate], list[Violation]]


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _pod_sc(pod: PodTemplate) -> dict[str, Any] | None:
    return _dict(pod.spec.get("securityContext"))


def _sc(container: Container) -> dict[str, Any] | None:
    return _dict(container.body.get("securityContext"))


def _sc_path(container: Container, *rest: str | int) -> Path:
    return container.path + ("securityContext", *rest)


def _is_windows(pod: PodTemplate) -> bool:
    os_spec = _dict(pod.spec.get("os"))
    return os_spec is not None and os_spec.get("name") == "windows"


def _user_namespaced(pod: PodTemplate) -> bool:
    return pod.spec.get("hostUsers") is False


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _containers(pod: PodTemplate) -> Iterator[Container]:
    return pod.containers()


# --- baseline -----------------------------------------------------------------------------


def privileged(pod: PodTemplate) -> list[Violation]:
    return [
        Violation(f"container {c.name!r} must not set securityContext.privileged=true", _sc_path(c, "privileged"))
        for c in _containers(pod)
        if (_sc(c) or {}).get("privileged") is True
    ]


def host_namespaces(pod: PodTemplate) -> list[Violation]:
    return [
        Violation(f"pod must not set {field}=true (shares the host's namespace)", pod.spec_path + (field,))
        for field in ("hostNetwork", "hostPID", "hostIPC")
        if pod.spec.get(field) is True
    ]


def host_ports(pod: PodTemplate) -> list[Violation]:
    found = []
    for c in _containers(pod):
        for index, port in enumerate(_list(c.body.get("ports"))):
            host_port = _int((_dict(port) or {}).get("hostPort"))
            if host_port:
                found.append(Violation(f"container {c.name!r} must not use hostPort {host_port}", c.path + ("ports", index, "hostPort")))
    return found


def host_path_volumes(pod: PodTemplate) -> list[Violation]:
    found = []
    for index, volume in enumerate(_list(pod.spec.get("volumes"))):
        volume = _dict(volume) or {}
        if volume.get("hostPath") is not None:
            found.append(Violation(f"volume {volume.get('name')!r} must not be a hostPath volume", pod.spec_path + ("volumes", index, "hostPath")))
    return found


def _forbidden_hosts(handler: Any) -> list[tuple[str, str]]:
    handler = _dict(handler) or {}
    hosts = []
    for action in ("httpGet", "tcpSocket"):
        host = (_dict(handler.get(action)) or {}).get("host")
        if isinstance(host, str) and host:
            hosts.append((action, host))
    return hosts


def host_probes_and_lifecycle(pod: PodTemplate) -> list[Violation]:
    found = []
    for c in _containers(pod):
        handlers: list[tuple[Path, Any]] = [((probe,), c.body.get(probe)) for probe in ("livenessProbe", "readinessProbe", "startupProbe")]
        lifecycle = _dict(c.body.get("lifecycle")) or {}
        handlers += [(("lifecycle", hook), lifecycle.get(hook)) for hook in ("postStart", "preStop")]
        for rel, handler in handlers:
            for action, host in _forbidden_hosts(handler):
                found.append(Violation(f"container {c.name!r} must not set {'.'.join(map(str, rel))}.{action}.host ({host!r})", c.path + rel + (action, "host")))
    return found


CAPABILITIES_BASELINE_ALLOWED = frozenset(
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
        "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    }
)


def capabilities_baseline(pod: PodTemplate) -> list[Violation]:
    found = []
    for c in _containers(pod):
        caps = _dict((_sc(c) or {}).get("capabilities")) or {}
        for index, cap in enumerate(_list(caps.get("add"))):
            if cap not in CAPABILITIES_BASELINE_ALLOWED:
                found.append(Violation(f"container {c.name!r} must not add capability {cap!r}", _sc_path(c, "capabilities", "add", index)))
    return found


APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _apparmor_annotation_allowed(value: Any) -> bool:
    return value == "" or value == "runtime/default" or (isinstance(value, str) and value.startswith("localhost/"))


def app_armor(pod: PodTemplate) -> list[Violation]:
    found = []
    allowed = ("RuntimeDefault", "Localhost")
    profile = _dict((_pod_sc(pod) or {}).get("appArmorProfile"))
    if profile is not None and profile.get("type") not in allowed:
        found.append(Violation(f"pod must not set AppArmor profile type {profile.get('type')!r}", pod.spec_path + ("securityContext", "appArmorProfile", "type")))
    for c in _containers(pod):
        profile = _dict((_sc(c) or {}).get("appArmorProfile"))
        if profile is not None and profile.get("type") not in allowed:
            found.append(Violation(f"container {c.name!r} must not set AppArmor profile type {profile.get('type')!r}", _sc_path(c, "appArmorProfile", "type")))
    for key, value in (_dict(pod.metadata.get("annotations")) or {}).items():
        if isinstance(key, str) and key.startswith(APPARMOR_ANNOTATION_PREFIX) and not _apparmor_annotation_allowed(value):
            found.append(Violation(f"annotation {key}={value!r} sets a forbidden AppArmor profile", pod.metadata_path + ("annotations", key)))
    return found


SELINUX_TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
SELINUX_TYPES_1_31 = SELINUX_TYPES_1_0 | {"container_engine_t"}


def _selinux(allowed_types: frozenset[str]) -> CheckFn:
    def check(pod: PodTemplate) -> list[Violation]:
        setters: list[tuple[str, dict[str, Any] | None, Path]] = [("pod", _pod_sc(pod), pod.spec_path + ("securityContext",))]
        setters += [(f"container {c.name!r}", _sc(c), _sc_path(c)) for c in _containers(pod)]
        found = []
        for who, sc, path in setters:
            options = _dict((sc or {}).get("seLinuxOptions"))
            if options is None:
                continue
            problems = []
            selinux_type = options.get("type") if options.get("type") is not None else ""
            if selinux_type not in allowed_types:
                problems.append(f"type {selinux_type!r}")
            for field in ("user", "role"):
                if options.get(field):
                    problems.append(f"{field} may not be set")
            if problems:
                found.append(Violation(f"{who} sets forbidden seLinuxOptions: {'; '.join(problems)}", path + ("seLinuxOptions",)))
        return found

    return check


def proc_mount(pod: PodTemplate) -> list[Violation]:
    found = []
    for c in _containers(pod):
        value = (_sc(c) or {}).get("procMount")
        if value is not None and value != "Default":
            found.append(Violation(f"container {c.name!r} must not set securityContext.procMount to {value!r}", _sc_path(c, "procMount")))
    return found


def proc_mount_relaxed_for_user_namespaces(pod: PodTemplate) -> list[Violation]:
    return [] if _user_namespaced(pod) else proc_mount(pod)


SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
SECCOMP_TYPES = ("RuntimeDefault", "Localhost")


def _seccomp_annotation_allowed(value: Any) -> bool:
    return value in ("runtime/default", "docker/default") or (isinstance(value, str) and value.startswith("localhost/"))


def seccomp_baseline_annotations(pod: PodTemplate) -> list[Violation]:
    annotations = _dict(pod.metadata.get("annotations")) or {}
    keys = [SECCOMP_POD_ANNOTATION] + [SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name for c in _containers(pod)]
    found = []
    for key in dict.fromkeys(keys):
        if key in annotations and not _seccomp_annotation_allowed(annotations[key]):
            found.append(Violation(f"annotation {key}={annotations[key]!r} sets a forbidden seccomp profile", pod.metadata_path + ("annotations", key)))
    return found


def seccomp_baseline(pod: PodTemplate) -> list[Violation]:
    found = []
    profile = _dict((_pod_sc(pod) or {}).get("seccompProfile"))
    if profile is not None and profile.get("type") not in SECCOMP_TYPES:
        found.append(Violation(f"pod must not set seccompProfile.type to {profile.get('type')!r}", pod.spec_path + ("securityContext", "seccompProfile", "type")))
    for c in _containers(pod):
        profile = _dict((_sc(c) or {}).get("seccompProfile"))
        if profile is not None and profile.get("type") not in SECCOMP_TYPES:
            found.append(Violation(f"container {c.name!r} must not set seccompProfile.type to {profile.get('type')!r}", _sc_path(c, "seccompProfile", "type")))
    return found


SYSCTLS_1_0 = frozenset(
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
    }
)
SYSCTLS_1_27 = SYSCTLS_1_0 | {"net.ipv4.ip_local_reserved_ports"}
SYSCTLS_1_29 = SYSCTLS_1_27 | {
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
}
SYSCTLS_1_32 = SYSCTLS_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
SYSCTLS_1_37 = SYSCTLS_1_32 | {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}


def _sysctls(allowed: frozenset[str]) -> CheckFn:
    def check(pod: PodTemplate) -> list[Violation]:
        found = []
        for index, sysctl in enumerate(_list((_pod_sc(pod) or {}).get("sysctls"))):
            name = (_dict(sysctl) or {}).get("name")
            if name not in allowed:
                found.append(Violation(f"pod must not set sysctl {name!r}", pod.spec_path + ("securityContext", "sysctls", index)))
        return found

    return check


def _host_process(sc: dict[str, Any] | None) -> bool:
    return (_dict((sc or {}).get("windowsOptions")) or {}).get("hostProcess") is True


def windows_host_process(pod: PodTemplate) -> list[Violation]:
    found = []
    if _host_process(_pod_sc(pod)):
        found.append(Violation("pod must not set securityContext.windowsOptions.hostProcess=true", pod.spec_path + ("securityContext", "windowsOptions", "hostProcess")))
    for c in _containers(pod):
        if _host_process(_sc(c)):
            found.append(Violation(f"container {c.name!r} must not set securityContext.windowsOptions.hostProcess=true", _sc_path(c, "windowsOptions", "hostProcess")))
    return found


# --- restricted ---------------------------------------------------------------------------

RESTRICTED_VOLUME_TYPES = (
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret",
)


OTHER_VOLUME_TYPES = (
    "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd",
    "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
    "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
)


def restricted_volumes(pod: PodTemplate) -> list[Violation]:
    found = []
    for index, volume in enumerate(_list(pod.spec.get("volumes"))):
        volume = _dict(volume) or {}
        if any(volume.get(kind) is not None for kind in RESTRICTED_VOLUME_TYPES):
            continue
        kinds = [kind for kind in OTHER_VOLUME_TYPES if volume.get(kind) is not None]
        if not kinds:
            continue  # no volume source at all: the API server defaults it to emptyDir
        found.append(Violation(f"volume {volume.get('name')!r} uses restricted volume type {kinds[0]!r}", pod.spec_path + ("volumes", index, kinds[0])))
    return found


def allow_privilege_escalation(pod: PodTemplate) -> list[Violation]:
    return [
        Violation(f"container {c.name!r} must set securityContext.allowPrivilegeEscalation=false", _sc_path(c, "allowPrivilegeEscalation"))
        for c in _containers(pod)
        if (_sc(c) or {}).get("allowPrivilegeEscalation") is not False
    ]


def run_as_non_root(pod: PodTemplate) -> list[Violation]:
    explicit: list[Violation] = []
    pod_value = (_pod_sc(pod) or {}).get("runAsNonRoot")
    if pod_value is False:
        explicit.append(Violation("pod must not set securityContext.runAsNonRoot=false", pod.spec_path + ("securityContext", "runAsNonRoot")))
    implicit = []
    for c in _containers(pod):
        value = (_sc(c) or {}).get("runAsNonRoot")
        if value is False:
            explicit.append(Violation(f"container {c.name!r} must not set securityContext.runAsNonRoot=false", _sc_path(c, "runAsNonRoot")))
        elif value is None and pod_value is not True:
            implicit.append(Violation(f"pod or container {c.name!r} must set securityContext.runAsNonRoot=true", _sc_path(c, "runAsNonRoot")))
    return explicit or implicit


def run_as_user(pod: PodTemplate) -> list[Violation]:
    found = []
    if _int((_pod_sc(pod) or {}).get("runAsUser")) == 0:
        found.append(Violation("pod must not set runAsUser=0", pod.spec_path + ("securityContext", "runAsUser")))
    for c in _containers(pod):
        if _int((_sc(c) or {}).get("runAsUser")) == 0:
            found.append(Violation(f"container {c.name!r} must not set runAsUser=0", _sc_path(c, "runAsUser")))
    return found


def seccomp_restricted(pod: PodTemplate) -> list[Violation]:
    explicit: list[Violation] = []
    profile = _dict((_pod_sc(pod) or {}).get("seccompProfile"))
    pod_set = False
    if profile is not None:
        if profile.get("type") in SECCOMP_TYPES:
            pod_set = True
        else:
            explicit.append(Violation(f"pod must not set seccompProfile.type to {profile.get('type')!r}", pod.spec_path + ("securityContext", "seccompProfile", "type")))
    implicit = []
    for c in _containers(pod):
        profile = _dict((_sc(c) or {}).get("seccompProfile"))
        if profile is not None:
            if profile.get("type") not in SECCOMP_TYPES:
                explicit.append(Violation(f"container {c.name!r} must not set seccompProfile.type to {profile.get('type')!r}", _sc_path(c, "seccompProfile", "type")))
        elif not pod_set:
            implicit.append(Violation(f'pod or container {c.name!r} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"', _sc_path(c, "seccompProfile")))
    return explicit or implicit


def capabilities_restricted(pod: PodTemplate) -> list[Violation]:
    found = []
    for c in _containers(pod):
        caps = _dict((_sc(c) or {}).get("capabilities")) or {}
        if "ALL" not in _list(caps.get("drop")):
            found.append(Violation(f'container {c.name!r} must set securityContext.capabilities.drop=["ALL"]', _sc_path(c, "capabilities", "drop")))
        for index, cap in enumerate(_list(caps.get("add"))):
            if cap != "NET_BIND_SERVICE":
                found.append(Violation(f"container {c.name!r} must not add capability {cap!r}", _sc_path(c, "capabilities", "add", index)))
    return found


def unless_windows(check: CheckFn) -> CheckFn:
    """Since v1.25 some restricted checks do not apply to pods with spec.os.name=windows."""

    def wrapped(pod: PodTemplate) -> list[Violation]:
        return [] if _is_windows(pod) else check(pod)

    wrapped.__name__ = f"{check.__name__}_unless_windows"
    return wrapped


def unless_user_namespaced(check: CheckFn) -> CheckFn:
    """Since v1.35 some checks are relaxed for pods with spec.hostUsers=false."""

    def wrapped(pod: PodTemplate) -> list[Violation]:
        return [] if _user_namespaced(pod) else check(pod)

    wrapped.__name__ = f"{check.__name__}_unless_user_namespaced"
    return wrapped


selinux_1_0 = _selinux(SELINUX_TYPES_1_0)
selinux_1_31 = _selinux(SELINUX_TYPES_1_31)
sysctls_1_0 = _sysctls(SYSCTLS_1_0)
sysctls_1_27 = _sysctls(SYSCTLS_1_27)
sysctls_1_29 = _sysctls(SYSCTLS_1_29)
sysctls_1_32 = _sysctls(SYSCTLS_1_32)
sysctls_1_37 = _sysctls(SYSCTLS_1_37)
