"""``dockgate serve`` as a real process: dev certificates, readiness, JSON logs, SIGTERM; and its usage errors."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from webhook_fixtures import pod, review

from dockgate.cli import main
from dockgate.server.certs import make_dev_certificates

POLICY = """\
apiVersion: dockgate.dev/v1
kind: Policy
vulnerabilities: {failOn: []}
rules: {kubernetes: {enabled: false}}
"""


def test_dev_certificates_chain_and_names(tmp_path: Path) -> None:
    certs = make_dev_certificates(tmp_path)
    ca = x509.load_pem_x509_certificate(certs.ca_cert.read_bytes())
    leaf = x509.load_pem_x509_certificate(certs.cert.read_bytes())
    leaf.verify_directly_issued_by(ca)
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "dockgate.dockgate-system.svc" in names.get_values_for_type(x509.DNSName)
    assert certs.key.stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_serve_process_end_to_end(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "dockgate", "serve", "--policy", str(policy), "--dev-certs", "--listen", "127.0.0.1:0"],
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        announce = json.loads(process.stderr.readline())
        assert announce["event"] == "listening" and announce["failure_mode"] == "closed"
        url = announce["url"].replace("127.0.0.1", "localhost")
        context = ssl.create_default_context(cafile=announce["ca_cert"])
        with httpx.Client(base_url=url, verify=context, timeout=5) as client:
            assert client.get("/readyz").json() == {"ready": True}
            allowed = client.post("/validate", json=review(pod("registry.example.com/a@sha256:" + "a" * 64))).json()["response"]
            assert allowed["allowed"] is True
            denied = client.post("/validate", json=review(pod("nginx"), uid="u2")).json()["response"]
            assert denied["allowed"] is False
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        logs = [json.loads(line) for line in process.stderr.read().splitlines() if line.strip()]
        admissions = [entry for entry in logs if entry["msg"] == "admission"]
        assert [(a["uid"], a["allowed"]) for a in admissions] == [("uid-1", True), ("u2", False)]
        assert all(a["level"] == "info" and "duration_ms" in a for a in admissions)
        assert (tmp_path / "cache/dockgate/admission.sqlite").exists()
        assert not Path(announce["ca_cert"]).parent.exists()  # the throwaway certificates went with the server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_usage_errors(tmp_path: Path, capsys) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    assert main(["serve", "--policy", str(policy)]) == 2
    assert "serve needs TLS" in capsys.readouterr().err
    assert main(["serve", "--policy", str(policy), "--tls-cert", str(tmp_path / "no.crt"), "--tls-key", str(tmp_path / "no.key")]) == 2
    assert "TLS file not found" in capsys.readouterr().err
    assert main(["serve", "--policy", str(policy), "--dev-certs", str(tmp_path / "c"), "--listen", "nonsense"]) == 2
    assert "HOST:PORT" in capsys.readouterr().err
    started = time.monotonic()
    bad = tmp_path / "bad.crt"
    bad.write_text("not a certificate")
    assert main(["serve", "--policy", str(policy), "--tls-cert", str(bad), "--tls-key", str(bad), "--listen", "127.0.0.1:0"]) == 2
    assert "cannot load TLS certificate/key" in capsys.readouterr().err
    assert time.monotonic() - started < 5
