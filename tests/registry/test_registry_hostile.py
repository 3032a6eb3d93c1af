"""A broken or hostile registry (a real HTTP server on loopback answering from a script):
tampered and truncated blobs, oversized manifests, wrong digests, 4xx/5xx, slow answers."""

from __future__ import annotations

import hashlib
import json
import socket
import time

import pytest
from registry_servers import Canned

from dockgate.errors import InputError
from dockgate.registry import OCI_INDEX, OCI_MANIFEST, Credentials, RegistryClient, TransportOptions

GOOD = b"the real layer content" * 100
GOOD_DIGEST = "sha256:" + hashlib.sha256(GOOD).hexdigest()
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": {}, "layers": []}).encode()
MANIFEST_DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()


def _client(server, **options) -> RegistryClient:
    options.setdefault("retries", 0)
    return RegistryClient(server.host, TransportOptions(**options), use_docker_config=False)


def _one_line(caught) -> str:
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400
    return message


def test_tampered_blob_fails_at_the_end_of_the_stream(scripted_server):
    tampered = bytearray(GOOD)
    tampered[500] ^= 1
    scripted_server.routes[("GET", f"/v2/app/blobs/{GOOD_DIGEST}")] = Canned(body=bytes(tampered))
    with _client(scripted_server) as client:
        for size in (len(GOOD), None):
            with client.open_blob("app", GOOD_DIGEST, size) as blob:
                with pytest.raises(InputError) as caught:
                    while blob.read(100):
                        pass
                assert "digest mismatch" in _one_line(caught) and not blob.verified
            with client.open_blob("app", GOOD_DIGEST, size) as blob:
                with pytest.raises(InputError, match="digest mismatch"):
                    list(blob.iter_chunks())
        with pytest.raises(InputError, match="digest mismatch"):
            client.get_blob("app", GOOD_DIGEST)


def test_blob_longer_than_declared_fails_as_soon_as_it_overflows(scripted_server):
    scripted_server.routes[("GET", f"/v2/app/blobs/{GOOD_DIGEST}")] = Canned(body=GOOD + b"extra" * 1000, send_length=False)
    with _client(scripted_server) as client, client.open_blob("app", GOOD_DIGEST, len(GOOD)) as blob:
        with pytest.raises(InputError, match="larger than its declared size"):
            blob.read()


def test_blob_with_a_wrong_content_length_is_refused_before_reading(scripted_server):
    scripted_server.routes[("GET", f"/v2/app/blobs/{GOOD_DIGEST}")] = Canned(body=GOOD[:-1])
    with _client(scripted_server) as client:
        with pytest.raises(InputError, match="registry announces"):
            client.open_blob("app", GOOD_DIGEST, len(GOOD))


def test_truncated_blob(scripted_server):
    scripted_server.routes[("GET", f"/v2/app/blobs/{GOOD_DIGEST}")] = Canned(body=GOOD[:1000], send_length=False)
    with _client(scripted_server) as client, client.open_blob("app", GOOD_DIGEST, len(GOOD)) as blob:
        with pytest.raises(InputError) as caught:
            blob.read()
        assert "truncated" in _one_line(caught)


def test_good_blob_through_a_redirect(scripted_server):
    scripted_server.routes[("GET", f"/v2/app/blobs/{GOOD_DIGEST}")] = Canned(307, headers={"Location": "/storage/blob-1"})
    scripted_server.routes[("GET", "/storage/blob-1")] = Canned(body=GOOD)
    with _client(scripted_server) as client, client.open_blob("app", GOOD_DIGEST, len(GOOD)) as blob:
        assert blob.read() == GOOD and blob.verified


@pytest.mark.parametrize("send_length", [True, False])
def test_oversized_manifest(scripted_server, send_length):
    huge = b'{"schemaVersion":2,"x":"' + b"a" * (5 << 20) + b'"}'
    scripted_server.routes[("GET", "/v2/app/manifests/big")] = Canned(body=huge, headers={"Content-Type": OCI_MANIFEST}, send_length=send_length)
    with _client(scripted_server) as client:
        with pytest.raises(InputError) as caught:
            client.get_manifest("app", "big")
    assert "larger than the 4194304 byte bound" in _one_line(caught)


def test_manifest_digest_checks(scripted_server):
    other = "sha256:" + "4" * 64
    scripted_server.routes[("GET", "/v2/app/manifests/lying")] = Canned(body=MANIFEST, headers={"Content-Type": OCI_MANIFEST, "Docker-Content-Digest": other})
    scripted_server.routes[("GET", f"/v2/app/manifests/{other}")] = Canned(body=MANIFEST, headers={"Content-Type": OCI_MANIFEST})
    scripted_server.routes[("GET", "/v2/app/manifests/honest")] = Canned(body=MANIFEST, headers={"Content-Type": OCI_MANIFEST, "Docker-Content-Digest": MANIFEST_DIGEST})
    with _client(scripted_server) as client:
        with pytest.raises(InputError, match="manifest digest mismatch"):
            client.get_manifest("app", "lying")
        with pytest.raises(InputError, match="manifest digest mismatch"):
            client.get_manifest("app", other)
        assert client.get_manifest("app", "honest").digest == MANIFEST_DIGEST


@pytest.mark.parametrize(
    "body, content_type, fragment",
    [
        (b"<html>hello</html>", "text/html", "not valid JSON"),
        (b"[1,2]", OCI_MANIFEST, "not a JSON object"),
        (b'{"schemaVersion":1,"name":"x"}', "application/vnd.docker.distribution.manifest.v1+prettyjws", "schema 1"),
        (b'{"schemaVersion":2}', "application/x-evil", "unsupported manifest media type"),
    ],
)
def test_malformed_manifests(scripted_server, body, content_type, fragment):
    scripted_server.routes[("GET", "/v2/app/manifests/bad")] = Canned(body=body, headers={"Content-Type": content_type})
    with _client(scripted_server) as client:
        with pytest.raises(InputError) as caught:
            client.get_manifest("app", "bad")
    assert fragment in _one_line(caught)


@pytest.mark.parametrize(
    "status, fragment",
    [
        (500, "500 server error"),
        (502, "502 server error"),
        (403, "403 access denied"),
        (429, "429 too many requests"),
        (401, "401 unauthorized"),
        (418, "418 unexpected status"),
    ],
)
def test_http_errors_are_one_line(scripted_server, status, fragment):
    body = b'{"errors":[{"code":"DENIED","message":"multi\\nline\\nmessage"}]}'
    scripted_server.routes[("GET", "/v2/app/manifests/x")] = Canned(status, body)
    with _client(scripted_server) as client:
        with pytest.raises(InputError) as caught:
            client.get_manifest("app", "x")
    message = _one_line(caught)
    assert fragment in message and scripted_server.host in message and "app:x" in message
    if status != 401:
        assert "[DENIED: multi line message]" in message


def test_transient_503_is_retried(scripted_server):
    scripted_server.routes[("GET", "/v2/app/manifests/flaky")] = [
        Canned(503),
        Canned(body=MANIFEST, headers={"Content-Type": OCI_MANIFEST}),
    ]
    with _client(scripted_server, retries=2, retry_backoff=0.01) as client:
        assert client.get_manifest("app", "flaky").digest == MANIFEST_DIGEST
    gets = [r for r in scripted_server.requests if r[1] == "/v2/app/manifests/flaky"]
    assert len(gets) == 2


def test_slow_registry_times_out_quickly(scripted_server):
    scripted_server.routes[("GET", "/v2/app/manifests/slow")] = Canned(body=MANIFEST, delay=3)
    started = time.monotonic()
    with _client(scripted_server, read_timeout=0.3, insecure_http=True) as client:
        with pytest.raises(InputError) as caught:
            client.get_manifest("app", "slow")
    assert "timed out (read timeout 0.3s)" in _one_line(caught)
    assert time.monotonic() - started < 2.5


def test_unreachable_registry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nobody listens
    with RegistryClient(f"127.0.0.1:{port}", TransportOptions(retries=1, retry_backoff=0.01), use_docker_config=False) as client:
        with pytest.raises(InputError) as caught:
            client.ping()
    assert "cannot reach registry" in _one_line(caught)


def test_referrers_api_when_the_registry_offers_it(scripted_server):
    subject = "sha256:" + "5" * 64
    index = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": "sha256:" + "6" * 64, "size": 10, "artifactType": "application/vnd.a"},
            {"mediaType": OCI_MANIFEST, "digest": "sha256:" + "7" * 64, "size": 11, "artifactType": "application/vnd.b", "annotations": {"k": "v"}},
        ],
    }
    scripted_server.routes[("GET", f"/v2/app/referrers/{subject}")] = Canned(body=json.dumps(index).encode(), headers={"Content-Type": OCI_INDEX})
    with _client(scripted_server) as client:
        found = client.referrers("app", subject)
        assert [d.digest for d in found] == ["sha256:" + "6" * 64, "sha256:" + "7" * 64]
        assert found[1].annotations == {"k": "v"}
        assert [d.artifact_type for d in client.referrers("app", subject, "application/vnd.b")] == ["application/vnd.b"]
    assert not any("sha256-" in r[1] for r in scripted_server.requests)  # no fallback needed


def test_malformed_referrers_index(scripted_server):
    subject = "sha256:" + "5" * 64
    bad = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [{"mediaType": OCI_MANIFEST, "digest": "nope", "size": 1}]}
    scripted_server.routes[("GET", f"/v2/app/referrers/{subject}")] = Canned(body=json.dumps(bad).encode(), headers={"Content-Type": OCI_INDEX})
    with _client(scripted_server) as client:
        with pytest.raises(InputError, match="invalid digest"):
            client.referrers("app", subject)


def test_token_realm_over_plain_http_on_another_host_is_refused(scripted_server):
    challenge = 'Bearer realm="http://auth.example.com/token",service="x"'
    scripted_server.routes[("GET", "/v2/app/tags/list")] = Canned(401, headers={"WWW-Authenticate": challenge})
    with RegistryClient(scripted_server.host, TransportOptions(retries=0), Credentials("u", "p"), use_docker_config=False) as client:
        with pytest.raises(InputError, match="plain-HTTP .* refused"):
            client.list_tags("app")


@pytest.mark.parametrize(
    "token_answer, fragment",
    [
        (Canned(body=b"not json"), "did not answer with JSON"),
        (Canned(body=b'{"token": ""}'), "without a usable token"),
        (Canned(body=b'{"token": "a\\r\\nInjected: 1"}'), "without a usable token"),
        (Canned(body=b'{"token":"' + b"x" * (2 << 20) + b'"}'), "larger than"),
        (Canned(500), "answered 500"),
    ],
)
def test_bad_token_server_answers(scripted_server, token_answer, fragment):
    challenge = f'Bearer realm="http://{scripted_server.host}/token",service="svc",scope="repository:app:pull"'
    scripted_server.routes[("GET", "/v2/app/tags/list")] = Canned(401, headers={"WWW-Authenticate": challenge})
    scripted_server.routes[("GET", "/token")] = token_answer
    with _client(scripted_server) as client:
        with pytest.raises(InputError) as caught:
            client.list_tags("app")
    assert fragment in _one_line(caught)


def test_bearer_token_is_sent_and_credentials_stay_off_the_registry(scripted_server):
    challenge = f'Bearer realm="http://{scripted_server.host}/token",service="svc",scope="repository:app:pull"'
    scripted_server.routes[("GET", "/v2/app/tags/list")] = [
        Canned(401, headers={"WWW-Authenticate": challenge}),
        Canned(body=b'{"name":"app","tags":["1"]}'),
    ]
    scripted_server.routes[("GET", "/token")] = Canned(body=b'{"access_token":"tkn-123"}')
    with RegistryClient(scripted_server.host, TransportOptions(retries=0), Credentials("user", "pw"), use_docker_config=False) as client:
        assert client.list_tags("app") == ["1"]
    token_request = next(r for r in scripted_server.requests if r[1].startswith("/token"))
    assert "service=svc" in token_request[1] and "scope=repository%3Aapp%3Apull" in token_request[1]
    assert token_request[2]["Authorization"] == Credentials("user", "pw").basic_header()
    registry_requests = [r for r in scripted_server.requests if r[1].startswith("/v2/")]
    assert registry_requests[-1][2]["Authorization"] == "Bearer tkn-123"
    assert all("Basic" not in r[2].get("Authorization", "") for r in registry_requests)


def test_anonymous_bearer_flow_sends_no_credentials(scripted_server):
    challenge = f'Bearer realm="http://{scripted_server.host}/token",service="svc",scope="repository:app:pull"'
    scripted_server.routes[("GET", "/v2/app/tags/list")] = [
        Canned(401, headers={"WWW-Authenticate": challenge}),
        Canned(body=b'{"name":"app","tags":["x"]}'),
    ]
    scripted_server.routes[("GET", "/token")] = Canned(body=b'{"token":"anon"}')
    with _client(scripted_server) as client:
        assert client.list_tags("app") == ["x"]
    token_request = next(r for r in scripted_server.requests if r[1].startswith("/token"))
    assert "Authorization" not in token_request[2]


def test_identity_token_uses_the_refresh_grant(scripted_server):
    challenge = f'Bearer realm="http://{scripted_server.host}/token",service="svc",scope="repository:app:pull"'
    scripted_server.routes[("GET", "/v2/app/tags/list")] = [
        Canned(401, headers={"WWW-Authenticate": challenge}),
        Canned(body=b'{"name":"app","tags":[]}'),
    ]
    scripted_server.routes[("POST", "/token")] = Canned(body=b'{"access_token":"from-refresh"}')
    with RegistryClient(scripted_server.host, TransportOptions(retries=0), Credentials(identity_token="rt"), use_docker_config=False) as client:
        assert client.list_tags("app") == []
    assert any(r[0] == "POST" and r[1] == "/token" for r in scripted_server.requests)


def test_tag_list_pagination_and_malformed_pages(scripted_server):
    scripted_server.routes[("GET", "/v2/app/tags/list")] = Canned(body=b'{"tags":["a","b"]}', headers={"Link": '</v2/app/tags/page2?last=b&n=2>; rel="next"'})
    scripted_server.routes[("GET", "/v2/app/tags/page2")] = Canned(body=b'{"tags":["c"]}')
    scripted_server.routes[("GET", "/v2/bad/tags/list")] = Canned(body=b'{"tags":[1,2]}')
    with _client(scripted_server) as client:
        assert client.list_tags("app", page_size=2) == ["a", "b", "c"]
        with pytest.raises(InputError, match="malformed tag list"):
            client.list_tags("bad")


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda c: c.get_manifest("../etc", "1"), "invalid repository name"),
        (lambda c: c.get_manifest("app", "../../x"), "invalid tag"),
        (lambda c: c.head_manifest("App", "1"), "invalid repository name"),
        (lambda c: c.push_manifest("app", "bad tag", b"{}", OCI_MANIFEST), "invalid tag"),
        (lambda c: c.open_blob("app", "sha256:zz"), "invalid digest"),
        (lambda c: c.list_tags("a//b"), "invalid repository name"),
        (lambda c: c.mount_blob("app", GOOD_DIGEST, "x/../y"), "invalid repository name"),
    ],
)
def test_caller_supplied_names_are_validated_before_any_request(scripted_server, call, fragment):
    with _client(scripted_server) as client:
        with pytest.raises(InputError, match=fragment):
            call(client)
    assert scripted_server.requests == []


def test_location_with_another_scheme_is_refused(scripted_server):
    scripted_server.routes[("POST", "/v2/app/blobs/uploads/")] = Canned(202, headers={"Location": "ftp://elsewhere/upload"})
    scripted_server.routes[("HEAD", f"/v2/app/blobs/{GOOD_DIGEST}")] = Canned(404)
    with _client(scripted_server) as client:
        with pytest.raises(InputError, match="refused"):
            client.push_blob("app", GOOD)


def test_proxy_from_the_environment_is_used_for_remote_registries(scripted_server, monkeypatch):
    # the scripted server plays an HTTP proxy: it receives absolute-form requests and answers them
    scripted_server.routes[("GET", "/v2/app/tags/list")] = Canned(body=b'{"tags":["via-proxy"]}')
    monkeypatch.setenv("HTTP_PROXY", f"http://{scripted_server.host}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with RegistryClient("registry.example.invalid:5000", TransportOptions(insecure_http=True, retries=0), use_docker_config=False) as client:
        assert client.list_tags("app") == ["via-proxy"]
    assert scripted_server.requests[-1][1] == "http://registry.example.invalid:5000/v2/app/tags/list"


def test_loopback_registries_never_go_through_a_proxy(scripted_server, monkeypatch):
    scripted_server.routes[("GET", "/v2/app/tags/list")] = Canned(body=b'{"tags":["direct"]}')
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    with _client(scripted_server) as client:
        assert client.list_tags("app") == ["direct"]
