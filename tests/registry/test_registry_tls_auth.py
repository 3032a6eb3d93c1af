"""HTTPS with a test CA and htpasswd Basic auth against a real registry; Docker config creds."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from dockgate.errors import InputError
from dockgate.registry import Credentials, RegistryClient, TransportOptions, load_docker_credentials
from dockgate.registry.auth import parse_www_authenticate
from dockgate.registry.descriptor import OCI_MANIFEST


def _options(registry, **extra) -> TransportOptions:
    return TransportOptions(ca_file=str(registry.ca_file), **extra)


def _roundtrip(client: RegistryClient, repository: str) -> None:
    blob = client.push_blob(repository, b"tls-layer-" + os.urandom(8))
    config = client.push_blob(repository, b"{}")
    manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config.to_json(), "layers": [blob.to_json()]}).encode()
    digest = client.push_manifest(repository, "t1", manifest, OCI_MANIFEST)
    assert client.get_manifest(repository, "t1").digest == digest
    assert client.list_tags(repository) == ["t1"]


def test_basic_auth_over_tls_with_the_test_ca(tls_registry):
    credentials = Credentials(tls_registry.username, tls_registry.password)
    with RegistryClient(tls_registry.host, _options(tls_registry), credentials, use_docker_config=False) as client:
        _roundtrip(client, "tls/app")
        assert client.base_url.startswith("https://")


def test_wrong_password_is_a_clear_401(tls_registry):
    credentials = Credentials(tls_registry.username, "Xyzzy-Wrong-9")
    with RegistryClient(tls_registry.host, _options(tls_registry), credentials, use_docker_config=False) as client:
        with pytest.raises(InputError) as caught:
            client.list_tags("tls/app")
    message = str(caught.value)
    assert "401" in message and "credentials" in message and "\n" not in message
    assert "refused" in message
    assert "Xyzzy" not in message  # the password is never echoed


def test_no_credentials_is_a_clear_401(tls_registry):
    with RegistryClient(tls_registry.host, _options(tls_registry), use_docker_config=False) as client:
        with pytest.raises(InputError, match="401.*no credentials found"):
            client.get_manifest("tls/app", "t1")


def test_unknown_ca_is_a_certificate_error_not_a_fallback_to_http(tls_registry):
    credentials = Credentials(tls_registry.username, tls_registry.password)
    with RegistryClient(tls_registry.host, TransportOptions(retries=0), credentials, use_docker_config=False) as client:
        with pytest.raises(InputError) as caught:
            client.ping()
    assert "certificate" in str(caught.value).lower() and "--ca-file" in str(caught.value)


def test_missing_or_bad_ca_file(tmp_path, tls_registry):
    with pytest.raises(InputError, match="no such file"):
        RegistryClient(tls_registry.host, TransportOptions(ca_file=str(tmp_path / "absent.pem")))
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(InputError, match="CA bundle"):
        RegistryClient(tls_registry.host, TransportOptions(ca_file=str(garbage)))


def _write_config(directory, config) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config))


def test_credentials_from_docker_config_auths(tls_registry, tmp_path, monkeypatch):
    auth = base64.b64encode(f"{tls_registry.username}:{tls_registry.password}".encode()).decode()
    _write_config(tmp_path / "docker", {"auths": {f"https://{tls_registry.host}": {"auth": auth}}})
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    with RegistryClient(tls_registry.host, _options(tls_registry)) as client:
        _roundtrip(client, "tls/from-config")


def _install_helper(bin_dir, name: str, registry_host: str, username: str, secret: str) -> None:
    """A real credential helper program (shell script) that answers the Docker helper protocol."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    helper = bin_dir / f"docker-credential-{name}"
    helper.write_text(
        "#!/bin/sh\n"
        '[ "$1" = get ] || exit 1\n'
        "read server\n"
        f'if [ "$server" = "{registry_host}" ]; then\n'
        f"  printf '%s' '{json.dumps({'ServerURL': registry_host, 'Username': username, 'Secret': secret})}'\n"
        "else\n"
        "  echo 'credentials not found in native keychain'; exit 1\n"
        "fi\n"
    )
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize("style", ["credHelpers", "credsStore"])
def test_credentials_from_a_credential_helper(tls_registry, tmp_path, monkeypatch, style):
    _install_helper(tmp_path / "bin", "dgtest", tls_registry.host, tls_registry.username, tls_registry.password)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    config = {"credHelpers": {tls_registry.host: "dgtest"}} if style == "credHelpers" else {"credsStore": "dgtest"}
    _write_config(tmp_path / "docker", config)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    assert load_docker_credentials(tls_registry.host) == Credentials(tls_registry.username, tls_registry.password)
    assert load_docker_credentials("other.example.com:1") is None  # helper: "credentials not found"
    with RegistryClient(tls_registry.host, _options(tls_registry)) as client:
        _roundtrip(client, f"tls/helper-{style.lower()}")


def test_docker_config_parsing(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps(
            {
                "auths": {
                    "https://index.docker.io/v1/": {"auth": base64.b64encode(b"hubuser:hub:pass").decode()},
                    "reg.example.com:5000": {"username": "u", "password": "p"},
                    "https://tok.example.com/v2/": {"identitytoken": "refresh-me"},
                }
            }
        )
    )
    assert load_docker_credentials("docker.io", path) == Credentials("hubuser", "hub:pass")
    assert load_docker_credentials("reg.example.com:5000", path) == Credentials("u", "p")
    assert load_docker_credentials("tok.example.com", path) == Credentials(identity_token="refresh-me")
    assert load_docker_credentials("reg.example.com", path) is None
    assert load_docker_credentials("x.io", tmp_path / "absent.json") is None
    assert "hub:pass" not in repr(load_docker_credentials("docker.io", path))


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a JSON object"),
        ('{"auths": {"x.io": {"auth": "%%%"}}}', "not base64"),
        ('{"auths": {"x.io": {"auth": "bm9jb2xvbg=="}}}', "not base64 of user:password"),
        ('{"credsStore": "does-not-exist-anywhere"}', "not installed"),
        ('{"credsStore": "../evil"}', "invalid credential helper"),
    ],
)
def test_bad_docker_config_is_a_one_line_error(tmp_path, content, fragment):
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        load_docker_credentials("x.io", path)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_failing_credential_helper(tmp_path, monkeypatch):
    helper = tmp_path / "docker-credential-broken"
    helper.write_text("#!/bin/sh\necho 'keychain locked' >&2\nexit 3\n")
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    path = tmp_path / "config.json"
    path.write_text('{"credsStore": "broken"}')
    with pytest.raises(InputError, match="keychain locked"):
        load_docker_credentials("x.io", path)


@pytest.mark.parametrize(
    "header, scheme, params",
    [
        ('Bearer realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull,push"', "bearer", {"realm": "https://auth.io/token", "service": "registry.io", "scope": "repository:a/b:pull,push"}),
        ('Basic realm="Registry Realm"', "basic", {"realm": "Registry Realm"}),
        ("Bearer realm=https://x/t, service=s", "bearer", {"realm": "https://x/t", "service": "s"}),
        ('bearer realm="a\\"b"', "bearer", {"realm": 'a"b'}),
        ("Basic", "basic", {}),
    ],
)
def test_parse_www_authenticate(header, scheme, params):
    challenge = parse_www_authenticate(header)
    assert challenge is not None and challenge.scheme == scheme and challenge.params == params


def test_parse_www_authenticate_garbage():
    assert parse_www_authenticate("") is None
    assert parse_www_authenticate("!!!") is None
