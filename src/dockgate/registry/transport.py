"""How dockgate talks HTTP to a registry: TLS policy, timeouts, retries, and error wording.

HTTPS is the default, verified against the system CAs or ``ca_file``. Plain HTTP is used only
for loopback hosts (``localhost``, ``127.0.0.0/8``, ``::1``: tried after HTTPS, when the peer does
not speak TLS at all) or when the user passes ``--insecure-http``. Proxies are taken from the
usual environment variables, never for loopback hosts. Every network or HTTP failure becomes a
one-line :class:`InputError`.
"""

from __future__ import annotations

import ipaddress
import json
import ssl

import httpx

from dockgate.errors import InputError
from dockgate.registry.reference import host_without_port
from dockgate.registry.settings import TransportOptions


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` (and ``*.localhost``) and loopback IP literals, with or without port."""
    bare = host_without_port(host).lower()
    if bare == "localhost" or bare.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def candidate_schemes(host: str, options: TransportOptions) -> tuple[str, ...]:
    """Schemes to try in order: ``http`` only with the flag, ``https`` then ``http`` on loopback."""
    if options.insecure_http:
        return ("http",)
    if is_loopback_host(host):
        return ("https", "http")
    return ("https",)


def make_ssl_context(options: TransportOptions) -> ssl.SSLContext:
    if options.ca_file:
        try:
            return ssl.create_default_context(cafile=options.ca_file)
        except FileNotFoundError:
            raise InputError(f"--ca-file {options.ca_file}: no such file") from None
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise InputError(f"--ca-file {options.ca_file}: not a readable PEM CA bundle ({exc})") from None
    context = ssl.create_default_context()
    if not context.cert_store_stats().get("x509_ca"):
        import certifi  # httpx's own dependency: a fallback where the system store is empty

        context.load_verify_locations(cafile=certifi.where())
    return context


def make_http_client(options: TransportOptions, host: str) -> httpx.Client:
    """An HTTP client for one registry host. Proxies come from HTTPS_PROXY/HTTP_PROXY/NO_PROXY,
    except for loopback registries, which are always reached directly."""
    timeout = httpx.Timeout(options.read_timeout, connect=options.connect_timeout)
    return httpx.Client(
        verify=make_ssl_context(options), timeout=timeout, follow_redirects=True, trust_env=not is_loopback_host(host)
    )


def is_not_tls_peer(exc: BaseException) -> bool:
    """The TLS handshake failed because the peer speaks plain HTTP (not a certificate problem)."""
    text = str(exc).lower()
    if "certificate" in text or "hostname" in text:
        return False
    return "wrong version number" in text or "record layer failure" in text or "packet length too long" in text or "unexpected eof" in text or "http request" in text


def network_error(exc: httpx.HTTPError, host: str, what: str, options: TransportOptions) -> InputError:
    """A one-line message for a failure below HTTP (DNS, refused, TLS, timeout)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        kind = "connect" if isinstance(exc, httpx.ConnectTimeout) else "read"
        limit = options.connect_timeout if kind == "connect" else options.read_timeout
        return InputError(f"{what}: registry {host} timed out ({kind} timeout {limit:g}s)")
    lowered = text.lower()
    if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
        hint = " (pass --ca-file for a private CA)" if "certificate" in lowered else ""
        if is_not_tls_peer(exc):
            hint = " (the registry speaks plain HTTP; it is only used for loopback hosts or with --insecure-http)"
        return InputError(f"{what}: TLS connection to registry {host} failed: {text[:200]}{hint}")
    if isinstance(exc, httpx.ConnectError):
        return InputError(f"{what}: cannot reach registry {host}: {text[:200]}")
    return InputError(f"{what}: request to registry {host} failed: {text[:200]}")


_STATUS_WORDS = {
    400: "bad request",
    401: "unauthorized (missing or wrong credentials)",
    403: "access denied",
    404: "not found",
    405: "operation not supported by this registry",
    413: "payload too large",
    416: "upload range rejected",
    429: "too many requests (rate limited)",
}


def registry_error_detail(body: bytes) -> str:
    """The first ``errors[].code: message`` of a registry error body, if there is one."""
    try:
        data = json.loads(body[:65536]) if body else None
    except ValueError:
        return ""
    if isinstance(data, dict) and isinstance(data.get("errors"), list) and data["errors"]:
        first = data["errors"][0]
        if isinstance(first, dict):
            parts = [p for p in (first.get("code"), first.get("message")) if isinstance(p, str) and p]
            return " ".join(": ".join(parts).split())[:200]
    return ""


def status_error(status: int, body: bytes, host: str, what: str, hint: str = "") -> InputError:
    words = _STATUS_WORDS.get(status) or ("server error" if status >= 500 else "unexpected status")
    if hint:
        words = f"{words.split(' (')[0]} ({hint})"
    detail = registry_error_detail(body)
    suffix = f" [{detail}]" if detail else ""
    return InputError(f"{what}: registry {host} answered {status} {words}{suffix}")


def read_bounded(response: httpx.Response, limit: int) -> bytes | None:
    """Read a streamed response body, at most ``limit`` bytes; None when it is longer."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
