"""verify against a scripted hostile registry: every failure to check is exit 2, never 0."""

from __future__ import annotations

import pytest

from dockgate.image.digest import digest_of
from dockgate.sign.cosign_layout import build_manifest, signature_tag
from dockgate.sign.signing import signature_layer
from registry.registry_servers import Canned, ScriptedServer

OCI = "application/vnd.oci.image.manifest.v1+json"
IMAGE_MANIFEST = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:' + b"1" * 64 + b'","size":2},"layers":[]}'
IMAGE_DIGEST = digest_of(IMAGE_MANIFEST)


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def _script(server: ScriptedServer, key, *, sig: Canned | None = None, blob: Canned | None = None) -> None:
    layer = signature_layer(key, f"{server.host}/app", IMAGE_DIGEST)
    built = build_manifest([layer])
    head = {"Docker-Content-Digest": IMAGE_DIGEST, "Content-Type": OCI}
    server.routes[("HEAD", "/v2/app/manifests/1.0")] = Canned(200, IMAGE_MANIFEST, head)
    server.routes[("GET", "/v2/app/manifests/1.0")] = Canned(200, IMAGE_MANIFEST, head)
    sig_path = f"/v2/app/manifests/{signature_tag(IMAGE_DIGEST)}"
    server.routes[("GET", sig_path)] = sig or Canned(200, built.manifest, {"Docker-Content-Digest": built.digest, "Content-Type": OCI})
    server.routes[("GET", f"/v2/app/blobs/{layer.digest}")] = blob or Canned(200, layer.blob)


def _verify(run_cli, server, key_pair, *extra: str) -> tuple[int, str, str]:
    code, out, err = run_cli("verify", f"{server.host}/app:1.0", "--key", key_pair.public, "--registry-timeout", "0.4", *extra)
    assert len(err.strip().splitlines()) <= 1 and "Traceback" not in err
    return code, out, err


def test_scripted_registry_can_verify(server, key_pair, run_cli) -> None:
    _script(server, key_pair.key)
    code, _, err = _verify(run_cli, server, key_pair)
    assert code == 0, err


@pytest.mark.parametrize(
    ("canned", "expected", "fragment"),
    [
        (Canned(404, b'{"errors":[]}'), 1, "no signatures found"),
        (Canned(401, b"{}"), 2, "401"),
        (Canned(403, b"{}"), 2, "403"),
        (Canned(500, b"{}"), 2, "500"),
        (Canned(200, b'{"layers":[],"pad":"' + b"x" * (5 << 20) + b'"}', {"Content-Type": OCI}), 2, "bound"),
        (Canned(200, b"not json", {"Content-Type": OCI}), 2, "JSON"),
        (Canned(200, b"{}", {"Content-Type": OCI}, delay=1), 2, "timed out"),
    ],
    ids=["404", "401", "403", "500", "huge", "garbage", "slow"],
)
def test_signature_manifest_failures(server, key_pair, run_cli, canned: Canned, expected: int, fragment: str) -> None:
    _script(server, key_pair.key, sig=canned)
    code, _, err = _verify(run_cli, server, key_pair)
    assert code == expected and fragment.lower() in err.lower(), err


@pytest.mark.parametrize(
    ("canned", "fragment"),
    [
        (Canned(200, b'{"critical":{"identity":{"docker-reference":"evil"}}}'), "digest"),
        (Canned(404, b"{}"), "missing"),
        (Canned(503, b"{}"), "503"),
    ],
    ids=["tampered", "missing", "503"],
)
def test_signature_blob_failures(server, key_pair, run_cli, canned: Canned, fragment: str) -> None:
    _script(server, key_pair.key, blob=canned)
    code, _, err = _verify(run_cli, server, key_pair)
    assert code == 2 and fragment in err, err


def test_unreachable_after_resolution_is_not_valid(server, key_pair, run_cli) -> None:
    _script(server, key_pair.key)
    server.routes.pop(("HEAD", "/v2/app/manifests/1.0"))
    server.routes.pop(("GET", "/v2/app/manifests/1.0"))
    code, _, err = _verify(run_cli, server, key_pair)
    assert code == 2 and ("404" in err or "not found" in err.lower())
