"""Benchmark: `dockgate k8s` against Checkov on the same Kubernetes manifests.

1. Generates --count (default 2,000) workload manifests in a temp dir: Deployments,
   StatefulSets, DaemonSets, Jobs, CronJobs and Pods with varied security settings, plus
   Services and NetworkPolicies.
2. Installs Checkov into its own virtualenv (under --cache, default ~/.cache/dockgate-bench)
   with `pip install checkov`, unless it is already there.
3. Times `dockgate k8s DIR -f json` and `checkov --framework kubernetes -d DIR -o json`
   (both as fresh processes, best of --repeat runs) and dockgate in-process.
4. Classifies the Pod Security fixtures of restricted/latest (../shared/conformance/
   pod-security/restricted/<newest>/{pass,fail}) with both tools: dockgate with
   `--select pss`; Checkov counts a fixture as denied when any of its checks that map to a
   Pod Security control fails (CHECKOV_PSS_CHECKS), and also reports "any failed check".

Prints Checkov time / dockgate time (target >= 20) and the fixture scores.
Not a test. Run: .venv/bin/python bench/k8s_vs_checkov.py [--count 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import venv
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Checkov Kubernetes checks that correspond to a Pod Security Standards control.
CHECKOV_PSS_CHECKS = {
    "CKV_K8S_16": "privileged",
    "CKV_K8S_17": "hostPID",
    "CKV_K8S_18": "hostIPC",
    "CKV_K8S_19": "hostNetwork",
    "CKV_K8S_20": "allowPrivilegeEscalation",
    "CKV_K8S_23": "runAsNonRoot",
    "CKV_K8S_25": "added capabilities",
    "CKV_K8S_26": "hostPort",
    "CKV_K8S_28": "NET_RAW",
    "CKV_K8S_31": "seccomp",
    "CKV_K8S_37": "capabilities",
    "CKV_K8S_39": "SYS_ADMIN",
}

KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")


def _container(rng: random.Random, index: int) -> str:
    image = rng.choice(["nginx", "nginx:latest", "registry.example.com/app:1.2.3", "busybox@sha256:" + "ab" * 32])
    lines = [f"- name: c{index}", f"  image: {image}"]
    if rng.random() < 0.6:
        lines += ["  securityContext:", f"    allowPrivilegeEscalation: {str(rng.random() < 0.7).lower()}",
                  f"    readOnlyRootFilesystem: {str(rng.random() < 0.5).lower()}",
                  f"    runAsNonRoot: {str(rng.random() < 0.8).lower()}"]
        if rng.random() < 0.5:
            lines += ["    capabilities:", "      drop: [ALL]"]
        if rng.random() < 0.1:
            lines += ["    privileged: true"]
    if rng.random() < 0.5:
        lines += ["  resources:", "    requests: {cpu: 100m, memory: 64Mi}", "    limits: {cpu: 500m, memory: 128Mi}"]
    if rng.random() < 0.5:
        lines += ["  livenessProbe:", "    httpGet: {path: /healthz, port: 8080}",
                  "  readinessProbe:", "    httpGet: {path: /ready, port: 8080}"]
    lines += ["  ports:", f"  - containerPort: {8000 + index}"]
    if rng.random() < 0.05:
        lines += ["    hostPort: 80"]
    if rng.random() < 0.3:
        lines += ["  env:", "  - name: LOG_LEVEL", "    value: info", "  - name: DB_PASSWORD",
                  "    value: hunter2" if rng.random() < 0.3 else "    valueFrom: {secretKeyRef: {name: db, key: password}}"]
    return "\n".join(lines)


def _pod_spec(rng: random.Random, name: str) -> str:
    lines = []
    if rng.random() < 0.5:
        lines += ["securityContext:", "  runAsNonRoot: true", "  seccompProfile: {type: RuntimeDefault}"]
    if rng.random() < 0.05:
        lines += ["hostNetwork: true"]
    if rng.random() < 0.5:
        lines += [f"serviceAccountName: {name}", "automountServiceAccountToken: false"]
    lines += ["containers:"]
    for index in range(rng.randint(1, 3)):
        lines += ["  " + line for line in _container(rng, index).splitlines()]
    if rng.random() < 0.1:
        lines += ["volumes:", "- name: host", "  hostPath: {path: /var/run}"]
    return "\n".join(lines)


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


def generate(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        name = f"app-{number}"
        namespace = f"team-{number % 20}"
        meta = f"metadata:\n  name: {name}\n  namespace: {namespace}\n  labels: {{app: {name}}}"
        spec = _pod_spec(rng, name)
        if kind == "Pod":
            body = f"apiVersion: v1\nkind: Pod\n{meta}\nspec:\n{_indent(spec, 2)}\n"
        else:
            api = "batch/v1" if kind in ("Job", "CronJob") else "apps/v1"
            template = f"template:\n  metadata:\n    labels: {{app: {name}}}\n  spec:\n{_indent(spec, 4)}"
            if kind == "CronJob":
                inner = f"schedule: '0 3 * * *'\njobTemplate:\n  spec:\n{_indent(template, 4)}"
            elif kind == "Job":
                inner = template
            else:
                inner = f"selector:\n  matchLabels: {{app: {name}}}\n{template}"
            body = f"apiVersion: {api}\nkind: {kind}\n{meta}\nspec:\n{_indent(inner, 2)}\n"
        if number % 10 == 0:
            body += (f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
                     f"spec:\n  type: {rng.choice(['ClusterIP', 'NodePort', 'LoadBalancer'])}\n  selector: {{app: {name}}}\n  ports: [{{port: 80}}]\n")
        if number % 7 == 0:
            body += (f"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
                     f"spec:\n  podSelector: {{matchLabels: {{app: {name}}}}}\n  ingress: [{{}}]\n")
        (folder / f"{number:05d}-{kind.lower()}.yaml").write_text(body)


def ensure_checkov(cache: Path) -> Path:
    env_dir = cache / "checkov-venv"
    binary = env_dir / "bin" / "checkov"
    if binary.exists():
        return binary
    print(f"installing checkov into {env_dir} ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "checkov"], check=True)
    return binary


def _timed(command: list[str], repeat: int, ok_codes: tuple[int, ...] = (0, 1)) -> tuple[float, float, bytes]:
    """Best wall time and best CPU time (user+sys of the child) over ``repeat`` runs."""
    best, best_cpu, output = float("inf"), float("inf"), b""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode not in ok_codes:
            raise SystemExit(f"{command[0]} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
        if elapsed < best:
            best, output = elapsed, proc.stdout
        best_cpu = min(best_cpu, cpu)
    return best, best_cpu, output


def dockgate_in_process(folder: Path, repeat: int) -> float:
    sys.path.insert(0, str(REPO / "src"))
    from dockgate.lint.k8s import CheckOptions, check_objects, load_inputs
    from dockgate.lint.k8s.gcpause import paused_gc

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        with paused_gc():  # as the CLI does
            check_objects(load_inputs([str(folder)]).objects, CheckOptions())
        best = min(best, time.perf_counter() - start)
    return best


def checkov_failures(output: bytes) -> dict[str, set[str]]:
    """file name -> failed Checkov check ids."""
    data = json.loads(output or b"{}")
    reports = data if isinstance(data, list) else [data]
    failed: dict[str, set[str]] = defaultdict(set)
    for report in reports:
        for check in (report.get("results") or {}).get("failed_checks", []):
            failed[Path(check["file_path"]).name].add(check["check_id"])
    return failed


def score_fixtures(checkov: Path, fixtures: Path) -> dict[str, tuple[int, int]]:
    files = {(expected, f.name): f for expected in ("pass", "fail") for f in sorted((fixtures / expected).glob("*.yaml"))}
    sys.path.insert(0, str(REPO / "src"))
    from dockgate.lint.engine import Selection
    from dockgate.lint.k8s import CheckOptions, check_objects, load_inputs

    dockgate_right = 0
    for (expected, _), file in files.items():
        findings = check_objects(load_inputs([str(file)]).objects, CheckOptions(Selection.parse("pss", None), "restricted", None))
        dockgate_right += bool(findings) == (expected == "fail")
    pss_right = any_right = 0
    for expected in ("pass", "fail"):
        _, _, output = _timed([str(checkov), "--framework", "kubernetes", "-d", str(fixtures / expected), "-o", "json", "--quiet", "--compact"], 1)
        failures = checkov_failures(output)
        for (exp, name), _ in files.items():
            if exp != expected:
                continue
            checks = failures.get(name, set())
            pss_right += bool(checks & CHECKOV_PSS_CHECKS.keys()) == (expected == "fail")
            any_right += bool(checks) == (expected == "fail")
    total = len(files)
    return {"dockgate --select pss": (dockgate_right, total), "checkov (PSS-related checks)": (pss_right, total), "checkov (any check)": (any_right, total)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dockgate-bench")
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("DOCKGATE_SHARED", REPO.parent / "shared")))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    checkov = ensure_checkov(args.cache)
    with tempfile.TemporaryDirectory(prefix="dockgate-k8s-bench-") as tmp:
        folder = Path(tmp) / "manifests"
        folder.mkdir()
        generate(folder, args.count)
        print(f"{args.count} workload manifests in {folder}")
        dockgate_cli, dockgate_cpu, out = _timed([sys.executable, "-m", "dockgate", "k8s", str(folder), "-f", "json"], args.repeat)
        findings = len(json.loads(out)["findings"])
        in_process = dockgate_in_process(folder, args.repeat)
        checkov_time, checkov_cpu, out = _timed([str(checkov), "--framework", "kubernetes", "-d", str(folder), "-o", "json", "--quiet", "--compact"], max(1, min(args.repeat, 2)))
        checkov_failed = sum(len(v) for v in checkov_failures(out).values())
    print(f"dockgate k8s (CLI process): {dockgate_cli:8.2f} s wall, {dockgate_cpu:8.2f} s CPU  ({findings} findings)")
    print(f"dockgate k8s (in-process):  {in_process:8.2f} s wall")
    print(f"checkov --framework kubernetes: {checkov_time:8.2f} s wall, {checkov_cpu:8.2f} s CPU  ({checkov_failed} failed checks)")
    print(f"ratio checkov / dockgate, wall (CLI):        {checkov_time / dockgate_cli:6.1f}  (target >= 20)")
    print(f"ratio checkov / dockgate, CPU (CLI):         {checkov_cpu / dockgate_cpu:6.1f}")
    print(f"ratio checkov / dockgate, wall (in-process): {checkov_time / in_process:6.1f}")
    root = args.shared / "conformance" / "pod-security" / "restricted"
    if root.is_dir():
        newest = max((p for p in root.iterdir() if p.is_dir()), key=lambda p: tuple(int(x) for x in p.name[1:].split(".")))
        print(f"Pod Security fixtures, restricted {newest.name} (latest):")
        for tool, (right, total) in score_fixtures(checkov, newest).items():
            print(f"  {tool:30s} {right:4d} / {total} classified correctly")
    else:
        print(f"(no PSS fixtures at {root}; skipped the classification)")


if __name__ == "__main__":
    main()
