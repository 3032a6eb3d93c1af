"""Reference parsing: Docker's defaulting rules, digests, ports, and clear errors."""

from __future__ import annotations

import pytest

from dockgate.errors import InputError
from dockgate.registry.reference import host_without_port, parse_reference
from dockgate.registry.transport import TransportOptions, candidate_schemes, is_loopback_host

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    "text, registry, repository, tag, digest, api_host",
    [
        ("alpine", "docker.io", "library/alpine", "latest", None, "registry-1.docker.io"),
        ("alpine:3.19", "docker.io", "library/alpine", "3.19", None, "registry-1.docker.io"),
        ("bitnami/redis:7", "docker.io", "bitnami/redis", "7", None, "registry-1.docker.io"),
        ("docker.io/alpine", "docker.io", "library/alpine", "latest", None, "registry-1.docker.io"),
        ("index.docker.io/library/alpine:1", "docker.io", "library/alpine", "1", None, "registry-1.docker.io"),
        ("ghcr.io/org/team/app:v1.2.3", "ghcr.io", "org/team/app", "v1.2.3", None, "ghcr.io"),
        ("localhost/app", "localhost", "app", "latest", None, "localhost"),
        ("localhost:5000/app:1.0", "localhost:5000", "app", "1.0", None, "localhost:5000"),
        ("127.0.0.1:43211/app:1.0", "127.0.0.1:43211", "app", "1.0", None, "127.0.0.1:43211"),
        (f"127.0.0.1:5000/app@{DIGEST}", "127.0.0.1:5000", "app", None, DIGEST, "127.0.0.1:5000"),
        (f"reg.example.com/a/b:t@{DIGEST}", "reg.example.com", "a/b", "t", DIGEST, "reg.example.com"),
        ("[::1]:5000/app:x", "[::1]:5000", "app", "x", None, "[::1]:5000"),
        ("docker://quay.io/a_b/c-d__e.f:tag_1", "quay.io", "a_b/c-d__e.f", "tag_1", None, "quay.io"),
    ],
)
def test_parse(text, registry, repository, tag, digest, api_host):
    ref = parse_reference(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest, ref.api_host) == (registry, repository, tag, digest, api_host)
    assert ref.identifier == (digest or tag)
    assert parse_reference(str(ref)) == ref  # round trip


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "empty"),
        ("Alpine", "lowercase"),
        ("reg.io/App:1", "lowercase"),
        ("alpine:", "invalid tag"),
        ("alpine:-bad", "invalid tag"),
        ("alpine@sha256:abc", "invalid digest"),
        ("alpine@md5:" + "a" * 32, "invalid digest"),
        ("reg.io/", "repository"),
        ("reg.io//x", "invalid repository component"),
        ("reg.io:99999/x", "invalid port"),
        ("re_g.io:5000/x", "invalid registry host"),
        ("reg.io/" + "a" * 300, "longer than"),
        ("a..b/c", "invalid registry host"),
    ],
)
def test_bad_references_give_one_line_errors(text, fragment):
    with pytest.raises(InputError) as caught:
        parse_reference(text)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_with_digest_and_tag():
    ref = parse_reference("reg.io/app:1")
    assert str(ref.with_digest(DIGEST)) == f"reg.io/app:1@{DIGEST}"
    assert str(ref.with_tag("sha256-abc.sig")) == "reg.io/app:sha256-abc.sig"
    with pytest.raises(InputError):
        ref.with_tag("bad tag")


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("localhost", True),
        ("localhost:5000", True),
        ("registry.localhost:80", True),
        ("127.0.0.1:5000", True),
        ("127.9.8.7", True),
        ("[::1]:5000", True),
        ("10.0.0.1:5000", False),
        ("ghcr.io", False),
        ("localhost.example.com", False),
        ("127.1:5000", False),  # not a literal address: only names and literals count, not resolution
    ],
)
def test_loopback_and_scheme_policy(host, loopback):
    assert is_loopback_host(host) is loopback
    assert candidate_schemes(host, TransportOptions()) == (("https", "http") if loopback else ("https",))
    assert candidate_schemes(host, TransportOptions(insecure_http=True)) == ("http",)


def test_host_without_port():
    assert host_without_port("[::1]:5000") == "::1"
    assert host_without_port("a.b:1") == "a.b"
    assert host_without_port("a.b") == "a.b"
