"""Hostile and broken input: the webhook answers within its budget per its failure mode, never crashes."""

from __future__ import annotations

import random
import socket
import ssl
import time

import httpx
import pytest
from webhook_fixtures import CLEAN, SLOW, FixtureScanner, database_info, pod, review

from dockgate.gate.providers import Providers


def _post_raw(client: httpx.Client, path: str, body: bytes, **headers: str) -> httpx.Response:
    return client.post(path, content=body, headers={"Content-Type": "application/json", **headers})


@pytest.mark.parametrize(
    "body, fragment",
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {"uid": "x"}}', "expected apiVersion admission.k8s.io/v1"),
        (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}', "has no request"),
        (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 7}}', "no valid uid"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"", "not valid JSON"),
    ],
)
def test_malformed_reviews_get_a_400_with_a_reason(start, client_for, body: bytes, fragment: str) -> None:
    client = client_for(start())
    reply = _post_raw(client, "/validate", body)
    assert reply.status_code == 400 and fragment in reply.json()["error"]
    assert client.post("/validate", json=review(pod(CLEAN))).json()["response"]["allowed"] is True


@pytest.mark.parametrize("mode, allowed", [("closed", False), ("open", True)])
def test_malformed_object_follows_the_failure_mode(start, client_for, mode: str, allowed: bool) -> None:
    client = client_for(start(failure_mode=mode))
    document = review(pod(CLEAN))
    document["request"]["object"] = "not an object"
    response = client.post("/validate", json=document).json()["response"]
    assert response["allowed"] is allowed
    text = response["status"]["message"] if not allowed else response["warnings"][0]
    assert "not a Kubernetes object" in text and f"failureMode is {mode}" in text


def test_huge_body_is_refused_without_reading_it(start, client_for) -> None:
    running = start(max_body=64 * 1024)
    client = client_for(running)
    started = time.monotonic()
    reply = _post_raw(client, "/validate", b"{" + b" " * (256 * 1024) + b"}")
    assert reply.status_code == 413 and time.monotonic() - started < 2
    assert client.post("/validate", json=review(pod(CLEAN))).json()["response"]["allowed"] is True


def test_missing_length_and_chunked_bodies_are_refused(start, client_for, certs) -> None:
    running = start()
    client = client_for(running)

    def chunks():
        yield b"{}"

    assert client.post("/validate", content=chunks()).status_code == 411
    port = running.server.server_address[1]
    context = ssl.create_default_context(cafile=str(certs.ca_cert))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, context.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert tls.recv(4096).startswith(b"HTTP/1.1 411")


def test_slow_client_does_not_block_others_and_is_cut_off(start, client_for, certs) -> None:
    running = start(client_timeout=0.5)
    client = client_for(running)
    port = running.server.server_address[1]
    context = ssl.create_default_context(cafile=str(certs.ca_cert))
    silent = socket.create_connection(("127.0.0.1", port), timeout=5)  # never starts TLS
    slow = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="localhost")
    slow.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{")
    started = time.monotonic()
    assert client.post("/validate", json=review(pod(CLEAN))).json()["response"]["allowed"] is True
    assert time.monotonic() - started < 0.5
    time.sleep(0.8)
    assert slow.recv(100) == b""  # the server hung up on the slow body
    assert silent.recv(100) == b""  # and on the client that never shook hands
    slow.close()
    silent.close()


@pytest.mark.parametrize("mode", ["closed", "open"])
def test_scan_timeout_answers_within_budget_then_cache_fills(start, client_for, mode: str) -> None:
    scanner = FixtureScanner(delay=1.0)
    running = start(providers=Providers(vulnerabilities=scanner, database=database_info), failure_mode=mode, time_budget=0.3)
    client = client_for(running)
    started = time.monotonic()
    response = client.post("/validate", json=review(pod(SLOW))).json()["response"]
    elapsed = time.monotonic() - started
    assert 0.25 < elapsed < 0.8
    if mode == "closed":
        assert response["allowed"] is False and "did not finish within the 0.3s budget" in response["status"]["message"]
    else:
        assert response["allowed"] is True and "failureMode is open" in response["warnings"][0]
    time.sleep(1.0)  # the scan kept going and filled the cache
    started = time.monotonic()
    assert client.post("/validate", json=review(pod(SLOW))).json()["response"] == {"uid": "uid-1", "allowed": True}
    assert time.monotonic() - started < 0.25 and scanner.calls == [SLOW]


def test_unreachable_registry_fails_closed_with_the_cause(start, client_for) -> None:
    from webhook_fixtures import POLICY

    from dockgate.gate.adapters import registry_digest_resolver
    from dockgate.registry import TransportOptions

    closed_port = socket.socket()
    closed_port.bind(("127.0.0.1", 0))
    port = closed_port.getsockname()[1]
    closed_port.close()
    policy = POLICY.replace("requireDigest: true", "requireDigest: false").replace("allowedRegistries: [registry.example.com]", "allowedRegistries: []")
    resolver = registry_digest_resolver(TransportOptions(connect_timeout=0.5, read_timeout=0.5, retries=0))
    client = client_for(start(policy, providers=Providers(vulnerabilities=FixtureScanner(), database=database_info, resolver=resolver)))
    image = f"127.0.0.1:{port}/team/app:1.0"
    started = time.monotonic()
    response = client.post("/validate", json=review(pod(image))).json()["response"]
    assert time.monotonic() - started < 2.5
    assert response["allowed"] is False
    message = response["status"]["message"]
    assert f"checking {image} failed" in message and "failureMode is closed" in message


def test_provider_crash_is_an_answer_not_a_crash(start, client_for) -> None:
    def broken(image: str):
        raise ZeroDivisionError("scanner bug")

    client = client_for(start(providers=Providers(vulnerabilities=broken, database=database_info)))
    response = client.post("/validate", json=review(pod(CLEAN))).json()["response"]
    assert response["allowed"] is False and "scanner bug" in response["status"]["message"]
    assert client.get("/healthz").status_code == 200


@pytest.mark.slow
def test_thousands_of_random_bodies_then_still_correct(start, client_for) -> None:
    running = start()
    client = client_for(running)
    rng = random.Random(7)
    valid = review(pod(CLEAN))
    pieces = [b"{", b"}", b"[", b"]", b'"', b":", b",", b"null", b"true", b"1e999", b"\\u0000", b"apiVersion", b"admission.k8s.io/v1", b"AdmissionReview", b"request", b"uid", b"object", b"kind", b"Pod", b"spec", b"containers", b"image", b"\xff", b" "]
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + 25
    sent = 0
    for i in range(3000):
        if time.monotonic() > deadline:
            break
        choice = i % 4
        if choice == 0:
            body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
        elif choice == 1:
            body = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
        elif choice == 2:
            document = review(pod(CLEAN), uid=f"u{i}")
            request = document["request"]
            key = rng.choice(["object", "kind", "operation", "dryRun", "namespace"])
            request[key] = rng.choice([None, 1, "x", [], {}, {"kind": "Deployment", "spec": []}, {"kind": "Pod", "spec": {"containers": [1, None, {"image": 5}]}}])
            body = httpx.Request("POST", "http://x", json=document).content
        else:
            raw = httpx.Request("POST", "http://x", json=valid).content
            cut = rng.randint(0, len(raw))
            body = raw[:cut] + bytes([rng.getrandbits(8)]) + raw[cut + 1 :]
        reply = _post_raw(client, "/validate", body)
        statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        sent += 1
    assert sent >= 1000
    assert set(statuses) <= {200, 400}
    response = client.post("/validate", json=review(pod(CLEAN), uid="after")).json()["response"]
    assert response == {"uid": "after", "allowed": True}
    denied = client.post("/validate", json=review(pod("nginx"), uid="after-2")).json()["response"]
    assert denied["allowed"] is False
    assert client.get("/healthz").status_code == 200


def test_connections_do_not_leak_file_descriptors(start, certs) -> None:
    import os

    running = start()
    port = running.server.server_address[1]
    context = ssl.create_default_context(cafile=str(certs.ca_cert))
    body = httpx.Request("POST", "http://x", json=review(pod(CLEAN))).content

    def one_connection() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, context.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            while tls.recv(65536):
                pass

    for _ in range(20):
        one_connection()
    time.sleep(0.2)
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(200):
        one_connection()
    time.sleep(0.2)
    assert len(os.listdir("/proc/self/fd")) <= before + 5


def test_trickling_body_is_cut_off_at_the_deadline(start, client_for, certs) -> None:
    running = start(client_timeout=0.6)
    port = running.server.server_address[1]
    context = ssl.create_default_context(cafile=str(certs.ca_cert))
    tls = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="localhost")
    tls.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n")
    started = time.monotonic()
    closed = False
    for _ in range(20):  # one byte every 0.2 s: each read is quick, the whole body never is
        try:
            tls.sendall(b" ")
        except OSError:
            closed = True
            break
        time.sleep(0.2)
        tls.setblocking(False)
        try:
            if tls.recv(100) == b"":
                closed = True
                break
        except (ssl.SSLWantReadError, BlockingIOError):
            pass
        finally:
            tls.setblocking(True)
    assert closed and time.monotonic() - started < 2.5
    tls.close()
    assert client_for(running).post("/validate", json=review(pod(CLEAN))).json()["response"]["allowed"] is True
