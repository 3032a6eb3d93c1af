"""Registry authentication: anonymous, Basic, and the Bearer token flow.

Credentials come from the caller or from Docker's ``config.json`` (``$DOCKER_CONFIG`` or
``~/.docker``): inline ``auths`` entries, or a credential helper (``credHelpers`` per
registry, ``credsStore`` for all) run as ``docker-credential-<name> get``. They are looked up
lazily, only when a registry asks for them.

A 401 carries ``WWW-Authenticate``. ``Basic`` means: send the credentials on every request.
``Bearer realm=...,service=...,scope=...`` means: ask the token server at ``realm`` for a token
(with Basic credentials when there are any, or an OAuth2 refresh-token grant for an identity
token), then send ``Authorization: Bearer <token>``. Tokens are cached per scope. Credentials
are never sent over plain HTTP to a non-loopback token server.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from dockgate.errors import InputError
from dockgate.registry.reference import DOCKER_HUB, DOCKER_HUB_CONFIG_KEY
from dockgate.registry.transport import TransportOptions, is_loopback_host, network_error, read_bounded

MAX_TOKEN_RESPONSE_BYTES = 1 << 20
MAX_CONFIG_BYTES = 4 << 20
HELPER_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Credentials:
    """A username and password, or an identity (refresh) token."""

    username: str = ""
    password: str = ""
    identity_token: str = ""

    def basic_header(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def __repr__(self) -> str:  # never print secrets in tracebacks or logs
        return f"Credentials(username={self.username!r}, password=***, identity_token={'***' if self.identity_token else ''!r})"


def docker_config_path() -> Path:
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def _config_keys(registry: str) -> set[str]:
    if registry == DOCKER_HUB:
        return {DOCKER_HUB_CONFIG_KEY, "index.docker.io", "docker.io", "registry-1.docker.io"}
    return {registry}


def _normalise_config_key(key: str) -> str:
    if "://" in key:
        key = urlsplit(key).netloc or key
    return key.split("/", 1)[0]


def _helper_server_url(registry: str) -> str:
    return DOCKER_HUB_CONFIG_KEY if registry == DOCKER_HUB else registry


def run_credential_helper(helper: str, registry: str) -> Credentials | None:
    """Ask ``docker-credential-<helper> get`` for ``registry``; None when it has no entry."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", helper):
        raise InputError(f"docker config: invalid credential helper name {helper!r}")
    program = f"docker-credential-{helper}"
    path = shutil.which(program)
    if path is None:
        raise InputError(f"docker config names credential helper {program!r}, which is not installed (not on PATH)")
    try:
        done = subprocess.run(
            [path, "get"],
            input=_helper_server_url(registry).encode(),
            capture_output=True,
            timeout=HELPER_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(f"credential helper {program} did not answer within {HELPER_TIMEOUT_SECONDS}s") from None
    except OSError as exc:
        raise InputError(f"credential helper {program} cannot run: {exc.strerror}") from None
    output = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        message = " ".join((output or done.stderr.decode("utf-8", "replace")).split())[:200]
        if "credentials not found" in message.lower():
            return None
        raise InputError(f"credential helper {program} failed for {registry}: {message or f'exit {done.returncode}'}")
    try:
        data = json.loads(output)
        username, secret = data.get("Username", ""), data.get("Secret", "")
    except (ValueError, AttributeError):
        raise InputError(f"credential helper {program} printed something that is not its JSON answer") from None
    if not isinstance(username, str) or not isinstance(secret, str):
        raise InputError(f"credential helper {program} answered with non-string Username/Secret")
    if username == "<token>":
        return Credentials(identity_token=secret)
    return Credentials(username, secret)


def _inline_credentials(entry: object, registry: str) -> Credentials | None:
    if not isinstance(entry, dict):
        return None
    identity = entry.get("identitytoken") if isinstance(entry.get("identitytoken"), str) else ""
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            decoded = base64.b64decode(auth, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise InputError(f"docker config: the 'auth' entry for {registry} is not base64 of user:password") from None
        username, sep, password = decoded.partition(":")
        if not sep:
            raise InputError(f"docker config: the 'auth' entry for {registry} is not base64 of user:password")
        return Credentials(username, password, identity)
    username, password = entry.get("username"), entry.get("password")
    if isinstance(username, str) and isinstance(password, str) and username:
        return Credentials(username, password, identity)
    if identity:
        return Credentials(identity_token=identity)
    return None


def load_docker_credentials(registry: str, config_path: Path | None = None) -> Credentials | None:
    """Credentials for ``registry`` (as in a Reference: ``docker.io``, ``host:port``) or None."""
    path = config_path or docker_config_path()
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise InputError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes")
    try:
        config = json.loads(raw)
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(config, dict):
        raise InputError(f"{path}: not a JSON object")
    keys = _config_keys(registry)
    helpers = config.get("credHelpers")
    if isinstance(helpers, dict):
        for key, helper in helpers.items():
            if _normalise_config_key(key) in keys or key in keys:
                if isinstance(helper, str) and helper:
                    return run_credential_helper(helper, registry)
    auths = config.get("auths")
    if isinstance(auths, dict):
        for key, entry in auths.items():
            if key in keys or _normalise_config_key(key) in keys:
                found = _inline_credentials(entry, registry)
                if found is not None:
                    return found
    store = config.get("credsStore")
    if isinstance(store, str) and store:
        return run_credential_helper(store, registry)
    return None


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lowercase: "basic" or "bearer"
    params: dict[str, str]


_CHALLENGE_PARAM_RE = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?')


def parse_www_authenticate(header: str) -> Challenge | None:
    """Parse one ``WWW-Authenticate`` value (registries send one challenge)."""
    header = header.strip()
    match = re.match(r"([A-Za-z]+)(?:\s+|$)", header)
    if not match:
        return None
    params: dict[str, str] = {}
    position = match.end()
    while position < len(header):
        item = _CHALLENGE_PARAM_RE.match(header, position)
        if not item or item.end() == position:
            break
        value = item.group(2) if item.group(2) is not None else item.group(3)
        params[item.group(1).lower()] = re.sub(r"\\(.)", r"\1", value or "")
        position = item.end()
    return Challenge(match.group(1).lower(), params)


def merge_scopes(scopes: list[str]) -> list[str]:
    """``repository:a:push,pull`` + ``repository:a:pull`` → ``repository:a:pull,push`` (order kept)."""
    merged: dict[str, set[str]] = {}
    for scope in scopes:
        if not scope:
            continue
        resource, sep, actions = scope.rpartition(":")
        if not sep or not resource:
            resource, actions = scope, ""
        merged.setdefault(resource, set()).update(a for a in actions.split(",") if a)
    return [f"{resource}:{','.join(sorted(actions))}" if actions else resource for resource, actions in merged.items()]


@dataclass
class Authenticator:
    """Per-registry authentication state for one client."""

    host: str
    registry: str  # key for credential lookup (``docker.io`` for Hub)
    options: TransportOptions
    credentials: Credentials | None = None
    use_docker_config: bool = True
    _looked_up: bool = False
    _basic: bool = False
    _tokens: dict[str, str] = field(default_factory=dict)

    def _creds(self) -> Credentials | None:
        if self.credentials is None and self.use_docker_config and not self._looked_up:
            self._looked_up = True
            self.credentials = load_docker_credentials(self.registry)
        return self.credentials

    def unauthorized_hint(self) -> str:
        """Why a 401 stands: credentials were sent and refused, or there were none."""
        if self.credentials is not None:
            return "credentials refused"
        return f"no credentials found for {self.registry}: docker login, or add it to {docker_config_path()}"

    def header_for(self, scope: str) -> str | None:
        """The Authorization header to send proactively, if any is known."""
        if self._basic and self.credentials is not None:
            return self.credentials.basic_header()
        return self._tokens.get(scope)

    def answer_challenge(self, header: str | None, scope: str, http: httpx.Client, what: str) -> bool:
        """React to a 401: learn how to authenticate. False when nothing more can be tried."""
        challenge = parse_www_authenticate(header or "")
        if challenge is None:
            return False
        if challenge.scheme == "basic":
            if self._basic:
                return False  # the credentials were already sent and refused
            creds = self._creds()
            if creds is None or not creds.username:
                return False
            self._basic = True
            return True
        if challenge.scheme == "bearer":
            # a fresh token, also when a cached one was refused (it may have expired); the
            # caller retries a request only once, so a refused fresh token ends in an error
            self._tokens[scope] = "Bearer " + self._fetch_token(challenge, scope, http, what)
            return True
        return False

    def _fetch_token(self, challenge: Challenge, scope: str, http: httpx.Client, what: str) -> str:
        realm = challenge.params.get("realm", "")
        parts = urlsplit(realm)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"{what}: registry {self.host} announced an invalid token realm {realm[:100]!r}")
        if parts.scheme == "http" and not (is_loopback_host(parts.netloc) or self.options.insecure_http):
            raise InputError(f"{what}: registry {self.host} wants a token from plain-HTTP {realm[:100]!r}; refused (use --insecure-http to allow)")
        scopes = merge_scopes(challenge.params.get("scope", "").split(" ") + scope.split(" "))
        service = challenge.params.get("service")
        creds = self._creds()
        try:
            if creds is not None and creds.identity_token:
                form = {"grant_type": "refresh_token", "refresh_token": creds.identity_token, "client_id": "dockgate", "scope": " ".join(scopes)}
                if service:
                    form["service"] = service
                request = http.build_request("POST", realm, data=form)
            else:
                params: list[tuple[str, str]] = [("scope", s) for s in scopes]
                if service:
                    params.insert(0, ("service", service))
                headers = {"Authorization": creds.basic_header()} if creds is not None and creds.username else {}
                request = http.build_request("GET", realm, params=params, headers=headers)
            response = http.send(request, stream=True)
            try:
                status = response.status_code
                body = read_bounded(response, MAX_TOKEN_RESPONSE_BYTES) if status == 200 else b""
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise network_error(exc, parts.netloc, f"{what}: token server", self.options) from None
        if status in (401, 403):
            raise InputError(f"{what}: token server {parts.netloc} refused the credentials ({status})")
        if status != 200:
            raise InputError(f"{what}: token server {parts.netloc} answered {status}")
        if body is None:
            raise InputError(f"{what}: token server {parts.netloc} sent an answer larger than {MAX_TOKEN_RESPONSE_BYTES} bytes")
        try:
            data = json.loads(body)
        except ValueError:
            raise InputError(f"{what}: token server {parts.netloc} did not answer with JSON") from None
        token = data.get("token") or data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token or any(c in token for c in "\r\n "):
            raise InputError(f"{what}: token server {parts.netloc} answered without a usable token")
        return token
