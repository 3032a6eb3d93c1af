"""Signatures at admission, against a real registry: a signed image is allowed, an unsigned one denied."""

from __future__ import annotations

from pathlib import Path

import pytest
from registry_fixtures import skopeo_copy
from webhook_fixtures import pod, review

from dockgate.gate.adapters import registry_signature_counter
from dockgate.gate.providers import Providers
from dockgate.registry import TransportOptions
from dockgate.sign.keys import generate_private_key, public_key_pem
from dockgate.sign.signing import signature_layer
from dockgate.sign.target import open_target

POLICY = """\
apiVersion: dockgate.dev/v1
kind: Policy
vulnerabilities: {failOn: []}
images: {requireDigest: true}
signatures: {required: true, keys: [KEYS], minimum: 1}
rules: {kubernetes: {enabled: false}}
admission: {failureMode: closed, timeBudgetSeconds: 5}
"""


@pytest.fixture(scope="module")
def signed_and_unsigned(plain_registry, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    archive = f"oci-archive:{shared_dir / 'images' / 'app-bookworm.oci.tar'}"
    workdir = tmp_path_factory.mktemp("gate-signing")
    signed = skopeo_copy(archive, plain_registry, "gate/signed", "1.0", workdir / "a")
    unsigned = skopeo_copy(archive, plain_registry, "gate/unsigned", "1.0", workdir / "b")
    key = generate_private_key()
    public = workdir / "team.pub"
    public.write_bytes(public_key_pem(key))
    reference = f"{plain_registry.host}/gate/signed@{signed.manifest_digest}"
    with open_target(reference, TransportOptions()) as target:
        target.add_signature(signature_layer(key, f"{plain_registry.host}/gate/signed", target.digest))
    other = workdir / "other.pub"
    other.write_bytes(public_key_pem(generate_private_key()))
    return reference, f"{plain_registry.host}/gate/unsigned@{unsigned.manifest_digest}", public, other


def test_signed_image_allowed_unsigned_denied(start, client_for, signed_and_unsigned) -> None:
    signed, unsigned, public, _ = signed_and_unsigned
    providers = Providers(signatures=registry_signature_counter(TransportOptions(connect_timeout=2, read_timeout=2)))
    client = client_for(start(POLICY.replace("KEYS", str(public)), providers=providers))
    assert client.post("/validate", json=review(pod(signed))).json()["response"] == {"uid": "uid-1", "allowed": True}
    denied = client.post("/validate", json=review(pod(unsigned))).json()["response"]
    assert denied["allowed"] is False
    message = denied["status"]["message"]
    assert "has 0 valid signature(s) from the policy's keys, 1 required" in message and "policy.yaml:5 signatures.required" in message


def test_signature_by_another_key_does_not_count(start, client_for, signed_and_unsigned) -> None:
    signed, _, _, other = signed_and_unsigned
    providers = Providers(signatures=registry_signature_counter(TransportOptions(connect_timeout=2, read_timeout=2)))
    client = client_for(start(POLICY.replace("KEYS", str(other)), providers=providers))
    assert client.post("/validate", json=review(pod(signed))).json()["response"]["allowed"] is False


def test_gate_cli_checks_signatures_in_the_registry(tmp_path: Path, signed_and_unsigned, capsys) -> None:
    from dockgate.cli import main

    signed, unsigned, public, _ = signed_and_unsigned
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("KEYS", str(public)).replace("rules: {kubernetes: {enabled: false}}", "rules: {secrets: {enabled: false}}"))
    assert main(["gate", "--policy", str(policy), "--image", signed]) == 0
    assert capsys.readouterr().out.startswith("dockgate gate: PASS")
    assert main(["gate", "--policy", str(policy), "--image", unsigned]) == 1
    assert "0 valid signature(s) from the policy's keys, 1 required" in capsys.readouterr().out
