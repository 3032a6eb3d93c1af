"""The Bearer token flow against a real registry (``auth: token``) and a real token server."""

from __future__ import annotations

import json

import pytest

from dockgate.errors import InputError
from dockgate.registry import Credentials, RegistryClient
from dockgate.registry.descriptor import OCI_MANIFEST


def test_bearer_flow_push_pull_with_scoped_tokens(token_registry):
    registry, server = token_registry
    with RegistryClient(registry.host, credentials=Credentials(server.username, server.password), use_docker_config=False) as client:
        layer = client.push_blob("tok/app", b"token-layer")
        config = client.push_blob("tok/app", b"{}")
        manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config.to_json(), "layers": [layer.to_json()]}).encode()
        digest = client.push_manifest("tok/app", "v1", manifest, OCI_MANIFEST)
        assert client.get_manifest("tok/app", "v1").digest == digest
        assert client.get_blob("tok/app", layer.digest) == b"token-layer"
        assert client.list_tags("tok/app") == ["v1"]
        issued = len(server.issued)
        client.get_manifest("tok/app", digest)  # cached tokens: no new ones
        assert len(server.issued) == issued
    scopes = {json.dumps(claims["access"], sort_keys=True) for claims in server.issued}
    assert json.dumps([{"actions": ["pull", "push"], "name": "tok/app", "type": "repository"}], sort_keys=True) in scopes
    assert json.dumps([{"actions": ["pull"], "name": "tok/app", "type": "repository"}], sort_keys=True) in scopes


def test_bearer_flow_mount_asks_for_both_repositories(token_registry):
    registry, server = token_registry
    with RegistryClient(registry.host, credentials=Credentials(server.username, server.password), use_docker_config=False) as client:
        pushed = client.push_blob("tok/source", b"shared-layer")
        assert client.mount_blob("tok/target", pushed.digest, "tok/source") is True
        assert client.get_blob("tok/target", pushed.digest) == b"shared-layer"


def test_token_server_refusing_credentials_is_one_line(token_registry):
    registry, server = token_registry
    refused = server.refused
    with RegistryClient(registry.host, credentials=Credentials(server.username, "nope"), use_docker_config=False) as client:
        with pytest.raises(InputError) as caught:
            client.get_manifest("tok/app", "v1")
    assert "token server" in str(caught.value) and "refused" in str(caught.value) and "\n" not in str(caught.value)
    assert server.refused == refused + 1


def test_anonymous_against_token_registry_is_refused(token_registry):
    registry, _ = token_registry
    with RegistryClient(registry.host, use_docker_config=False) as client:
        with pytest.raises(InputError, match="token server .* refused"):
            client.list_tags("tok/app")


def test_merge_scopes():
    from dockgate.registry.auth import merge_scopes

    assert merge_scopes(["repository:a:push,pull", "repository:a:pull", "", "repository:b/c:pull"]) == ["repository:a:pull,push", "repository:b/c:pull"]
    assert merge_scopes(["registry:catalog:*"]) == ["registry:catalog:*"]
