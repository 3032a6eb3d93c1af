"""Benchmark: admission webhook latency under a bounded loopback load, /validate vs /noop.

A child process runs the real HTTPS webhook (dev certificates, SQLite verdict cache, JSON logs
to /dev/null). The verdict of the benchmark image is cached by one warm-up request, so
/validate does everything a cached admission does (parse the AdmissionReview, image rules,
Kubernetes and Pod Security verdict of a known object shape, verdict cache lookup, metrics,
log line, response) while /noop of the same server only reads the body
and answers. Clients: --clients persistent TLS connections spread over --processes client
processes, --requests requests per endpoint in total.

Prints p50 and p99 latency of each endpoint, their ratios (target: p99 ratio <= 1.5) and
requests per second. Not a test: the machine is noisy.
Run: .venv/bin/python bench/webhook_load.py [--clients 50] [--requests 20000] [--processes 5]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import logging
import multiprocessing
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

IMAGE = "registry.example.com/team/app:1.0@sha256:" + "ab" * 32
POLICY = """\
apiVersion: dockgate.dev/v1
kind: Policy
vulnerabilities: {failOn: [critical, high], maxDatabaseAgeHours: 24}
images: {allowedRegistries: [registry.example.com], requireDigest: true}
podSecurity: {level: restricted, version: latest}
admission: {failureMode: closed, timeBudgetSeconds: 8}
"""


def review_body(uid: str = "bench") -> bytes:
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "bench", "namespace": "team"},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "bench"}},
            "template": {
                "metadata": {"labels": {"app": "bench"}},
                "spec": {
                    "automountServiceAccountToken": False,
                    "serviceAccountName": "bench",
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [
                        {
                            "name": "app",
                            "image": IMAGE,
                            "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}},
                            "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"cpu": "200m", "memory": "64Mi"}},
                            "livenessProbe": {"httpGet": {"path": "/", "port": 8080}},
                            "readinessProbe": {"httpGet": {"path": "/", "port": 8080}},
                        }
                    ],
                },
            },
        },
    }
    review = {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {"uid": uid, "kind": {"group": "apps", "version": "v1", "kind": "Deployment"}, "namespace": "team", "operation": "CREATE", "object": obj, "dryRun": False},
    }
    return json.dumps(review).encode()


# --- server child ---------------------------------------------------------------------------


def serve_child(directory: Path) -> None:
    from dockgate.gate.adapters import kubernetes_object_findings
    from dockgate.gate.providers import Providers
    from dockgate.gate.vulnerabilities import ScanOutcome
    from dockgate.policy import parse_policy
    from dockgate.server.app import build_server
    from dockgate.server.http import ServerSettings
    from dockgate.server.logs import configure_json_logging

    def database() -> tuple[str, datetime.datetime]:
        return "bench-db", datetime.datetime.now(datetime.timezone.utc)

    def scanner(image: str) -> ScanOutcome:
        return ScanOutcome(image, image.split("@")[-1], (), datetime.datetime.now(datetime.timezone.utc), "bench-db")

    configure_json_logging(logging.INFO, open(os.devnull, "w"))
    settings = ServerSettings(host="127.0.0.1", port=0, cert=directory / "tls.crt", key=directory / "tls.key")
    providers = Providers(vulnerabilities=scanner, database=database, kubernetes_object=kubernetes_object_findings)
    server = build_server(parse_policy(POLICY, "bench-policy.yaml"), providers, settings, directory / "cache.sqlite")
    print(server.server_address[1], flush=True)
    server.serve_until_shutdown()


# --- clients --------------------------------------------------------------------------------


def client_process(args: tuple[int, str, str, int, int]) -> list[float]:
    port, ca, path, threads, per_thread = args
    body = review_body() if path == "/validate" else review_body()
    context = ssl.create_default_context(cafile=ca)
    results: list[list[float]] = [[] for _ in range(threads)]
    start_line = threading.Barrier(threads)

    def run(slot: int) -> None:
        connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=30)
        connection.connect()
        start_line.wait()
        timings = results[slot]
        for _ in range(per_thread):
            began = time.perf_counter()
            connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            reply = connection.getresponse()
            data = reply.read()
            timings.append(time.perf_counter() - began)
            if reply.status != 200 or (path == "/validate" and b'"allowed":true' not in data):
                raise RuntimeError(f"unexpected answer {reply.status}: {data[:200]!r}")
        connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [t for timings in results for t in timings]


def load(port: int, ca: str, path: str, clients: int, requests: int, processes: int) -> tuple[list[float], float]:
    threads = max(1, clients // processes)
    per_thread = max(1, requests // (threads * processes))
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        began = time.perf_counter()
        parts = pool.map(client_process, [(port, ca, path, threads, per_thread)] * processes)
        wall = time.perf_counter() - began
    return [t for part in parts for t in part], wall


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--serve-child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_child:
        serve_child(Path(args.serve_child))
        return 0
    if not (1 <= args.clients <= 500 and 1 <= args.requests <= 200_000 and 1 <= args.processes <= 32):
        parser.error("bounded load only: clients 1-500, requests 1-200000, processes 1-32")
    from dockgate.server.certs import make_dev_certificates

    with tempfile.TemporaryDirectory(prefix="dockgate-bench-") as tmp:
        directory = Path(tmp)
        certs = make_dev_certificates(directory)
        child = subprocess.Popen([sys.executable, __file__, "--serve-child", tmp], stdout=subprocess.PIPE, text=True)
        try:
            port = int(child.stdout.readline())
            client_process((port, str(certs.ca_cert), "/validate", 1, 5))  # warm-up: fills the verdict cache
            rows = {}
            for path in ("/noop", "/validate"):
                client_process((port, str(certs.ca_cert), path, 4, 200))
                timings, wall = load(port, str(certs.ca_cert), path, args.clients, args.requests, args.processes)
                rows[path] = (timings, wall)
        finally:
            child.terminate()
            child.wait(timeout=10)
    print(f"webhook load: {args.clients} clients over {args.processes} processes, loopback HTTPS, keep-alive")
    for path, (timings, wall) in rows.items():
        print(
            f"  {path:<10} n={len(timings)}  p50={percentile(timings, 0.50) * 1000:.2f} ms  "
            f"p99={percentile(timings, 0.99) * 1000:.2f} ms  mean={statistics.fmean(timings) * 1000:.2f} ms  "
            f"{len(timings) / wall:.0f} req/s"
        )
    validate, noop = rows["/validate"][0], rows["/noop"][0]
    p50_ratio = percentile(validate, 0.50) / percentile(noop, 0.50)
    p99_ratio = percentile(validate, 0.99) / percentile(noop, 0.99)
    print(f"  ratio validate/noop: p50 {p50_ratio:.2f}  p99 {p99_ratio:.2f}  (target p99 <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
