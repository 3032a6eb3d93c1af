"""Reusable pytest fixtures: real registries (Debian's ``docker-registry``) on 127.0.0.1.

Registered for the whole suite by ``pytest_plugins = ["registry_fixtures"]`` in tests/conftest.py.

- ``plain_registry``: plain HTTP, no auth.
- ``tls_registry``: HTTPS with a test CA (``.ca_file``) and htpasswd Basic auth (bcrypt;
  ``.username`` / ``.password``).
- ``registry_app_image``: ../shared/images/app-bookworm.oci.tar pushed with skopeo into
  ``plain_registry`` as ``app:1.0`` (``.reference``, ``.manifest_digest``).
- ``start_registry(...)``: start another one (e.g. with token auth) from a test's own fixture.

Each registry starts once per session on a random free port with a temporary storage
directory, and is stopped at the end. Without the binaries (a machine without apt) the tests
are skipped with the reason; with DOCKGATE_REQUIRE_SHARED=1 (CI, where
scripts/ci-system-deps.sh installs them) their absence is a failure.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REGISTRY_BINARY = "docker-registry"
READY_TIMEOUT_SECONDS = 20


def require_tool(name: str, package: str) -> str:
    """The tool's path; skip (or fail under DOCKGATE_REQUIRE_SHARED=1) when it is absent."""
    path = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
    if path:
        return path
    reason = f"{name} is not installed (apt-get install {package}; scripts/ci-system-deps.sh does it)"
    if os.environ.get("DOCKGATE_REQUIRE_SHARED") == "1":
        pytest.fail(f"DOCKGATE_REQUIRE_SHARED=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class TestPKI:
    """A test CA and a server certificate for 127.0.0.1 / localhost, as PEM files."""

    ca_file: Path
    cert_file: Path
    key_file: Path
    ca_key: ec.EllipticCurvePrivateKey = field(repr=False)
    ca_cert: x509.Certificate = field(repr=False)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_test_pki(directory: Path) -> TestPKI:
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("dockgate test CA"))
        .issuer_name(_name("dockgate test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pki = TestPKI(directory / "ca.pem", directory / "server.pem", directory / "server.key", ca_key, ca_cert)
    pki.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(
        server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return pki


def make_htpasswd(path: Path, username: str, password: str) -> Path:
    """A bcrypt htpasswd file (the only hash the registry accepts), made by ``htpasswd -B``."""
    htpasswd = require_tool("htpasswd", "apache2-utils")
    done = subprocess.run([htpasswd, "-nbB", username, password], capture_output=True, check=True, timeout=30)
    path.write_bytes(done.stdout.strip() + b"\n")
    return path


@dataclass
class RunningRegistry:
    host: str  # 127.0.0.1:PORT
    scheme: str
    storage: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    log_file: Path
    ca_file: Path | None = None
    username: str | None = None
    password: str | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _wait_ready(registry: RunningRegistry) -> bool:
    verify: Any = ssl.create_default_context(cafile=str(registry.ca_file)) if registry.ca_file else False
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if registry.process.poll() is not None:
            return False
        try:
            status = httpx.get(registry.url + "/v2/", verify=verify, timeout=2, trust_env=False).status_code
            if status in (200, 401):
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    return False


def start_registry(
    workdir: Path,
    *,
    pki: TestPKI | None = None,
    htpasswd: Path | None = None,
    auth: dict[str, Any] | None = None,
) -> RunningRegistry:
    """Start ``docker-registry serve`` on 127.0.0.1 with a random port; wait until it answers.

    ``auth`` is the registry's own ``auth:`` section (e.g. ``{"token": {...}}``); ``htpasswd``
    is a shortcut for Basic auth. Retries with another port if the chosen one was taken.
    """
    binary = require_tool(REGISTRY_BINARY, "docker-registry")
    workdir.mkdir(parents=True, exist_ok=True)
    storage = workdir / "storage"
    storage.mkdir(exist_ok=True)
    last_log = ""
    for attempt in range(3):
        port = free_port()
        http_section: dict[str, Any] = {"addr": f"127.0.0.1:{port}", "secret": "dockgate-test-secret", "headers": {"X-Content-Type-Options": ["nosniff"]}}
        if pki:
            http_section["tls"] = {"certificate": str(pki.cert_file), "key": str(pki.key_file)}
        config: dict[str, Any] = {
            "version": 0.1,
            "log": {"level": "warn", "accesslog": {"disabled": True}},
            "storage": {"filesystem": {"rootdirectory": str(storage)}, "delete": {"enabled": True}},
            "http": http_section,
        }
        if htpasswd:
            config["auth"] = {"htpasswd": {"realm": "dockgate-test", "path": str(htpasswd)}}
        if auth:
            config["auth"] = auth
        config_file = workdir / f"config-{attempt}.yml"
        config_file.write_text(yaml.safe_dump(config))
        log_file = workdir / f"registry-{attempt}.log"
        with open(log_file, "wb") as log:
            process = subprocess.Popen([binary, "serve", str(config_file)], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        registry = RunningRegistry(f"127.0.0.1:{port}", "https" if pki else "http", storage, process, log_file, pki.ca_file if pki else None)
        if _wait_ready(registry):
            return registry
        registry.stop()
        last_log = log_file.read_text(errors="replace")[-2000:]
    pytest.fail(f"docker-registry did not start; last log:\n{last_log}")


@pytest.fixture(scope="session")
def plain_registry(tmp_path_factory: pytest.TempPathFactory):
    registry = start_registry(tmp_path_factory.mktemp("registry-plain"))
    yield registry
    registry.stop()


@pytest.fixture(scope="session")
def tls_registry(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("registry-tls")
    pki = make_test_pki(workdir / "pki")
    username, password = "dockgate", "s3cret-" + os.urandom(6).hex()
    htpasswd = make_htpasswd(workdir / "htpasswd", username, password)
    registry = start_registry(workdir, pki=pki, htpasswd=htpasswd)
    registry.username, registry.password = username, password
    yield registry
    registry.stop()


@dataclass(frozen=True)
class PushedImage:
    registry: RunningRegistry
    repository: str
    tag: str
    manifest_digest: str

    @property
    def reference(self) -> str:
        """``127.0.0.1:PORT/app:1.0``"""
        return f"{self.registry.host}/{self.repository}:{self.tag}"


def _skopeo_tls_args(registry: RunningRegistry, workdir: Path, side: str) -> list[str]:
    """``--{side}-cert-dir``/``--{side}-tls-verify=false`` and ``--{side}-creds`` for a test registry."""
    if registry.ca_file:
        cert_dir = workdir / f"certs-{registry.host.replace(':', '_')}"
        cert_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(registry.ca_file, cert_dir / "ca.crt")
        args = [f"--{side}-cert-dir", str(cert_dir)]
    else:
        args = [f"--{side}-tls-verify=false"]
    if registry.username:
        args += [f"--{side}-creds", f"{registry.username}:{registry.password}"]
    return args


def skopeo_copy(
    source: str, registry: RunningRegistry, repository: str, tag: str, workdir: Path, source_registry: RunningRegistry | None = None
) -> PushedImage:
    """``skopeo copy SOURCE docker://HOST/REPO:TAG`` (plain or with the test CA and creds);
    ``source_registry`` when SOURCE is ``docker://`` in one of the test registries."""
    skopeo = require_tool("skopeo", "skopeo")
    workdir.mkdir(parents=True, exist_ok=True)
    policy = workdir / "policy.json"
    policy.write_text(json.dumps({"default": [{"type": "insecureAcceptAnything"}]}))
    digest_file = workdir / f"{repository.replace('/', '_')}-{tag}.digest"
    command = [skopeo, "--policy", str(policy), "copy", "--quiet", "--digestfile", str(digest_file)]
    command += _skopeo_tls_args(registry, workdir, "dest")
    if source_registry is not None:
        command += _skopeo_tls_args(source_registry, workdir, "src")
    command += [source, f"docker://{registry.host}/{repository}:{tag}"]
    env = {**os.environ, "HOME": str(workdir)}  # no user auth files or containers.conf leak in
    done = subprocess.run(command, capture_output=True, timeout=300, env=env)
    if done.returncode != 0:
        pytest.fail(f"skopeo copy failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return PushedImage(registry, repository, tag, digest_file.read_text().strip())


@pytest.fixture(scope="session")
def registry_app_image(plain_registry: RunningRegistry, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> PushedImage:
    archive = shared_dir / "images" / "app-bookworm.oci.tar"
    return skopeo_copy(f"oci-archive:{archive}", plain_registry, "app", "1.0", tmp_path_factory.mktemp("skopeo"))


@pytest.fixture(scope="session")
def tls_registry_app_image(tls_registry: RunningRegistry, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> PushedImage:
    """The same image in ``tls_registry`` (HTTPS, test CA, Basic auth) as ``app:1.0``."""
    archive = shared_dir / "images" / "app-bookworm.oci.tar"
    return skopeo_copy(f"oci-archive:{archive}", tls_registry, "app", "1.0", tmp_path_factory.mktemp("skopeo-tls"))


def skopeo_inspect(reference: str, registry: RunningRegistry, workdir: Path, raw: bool = False) -> dict[str, Any]:
    """``skopeo inspect [--raw] docker://REFERENCE`` as JSON: another tool's view of what is stored."""
    skopeo = require_tool("skopeo", "skopeo")
    command = [skopeo, "inspect"] + (["--raw"] if raw else [])
    if registry.ca_file:
        cert_dir = workdir / "inspect-certs"
        cert_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(registry.ca_file, cert_dir / "ca.crt")
        command += ["--cert-dir", str(cert_dir)]
    else:
        command += ["--tls-verify=false"]
    if registry.username:
        command += ["--creds", f"{registry.username}:{registry.password}"]
    done = subprocess.run(command + [f"docker://{reference}"], capture_output=True, timeout=120, env={**os.environ, "HOME": str(workdir)})
    if done.returncode != 0:
        raise AssertionError(f"skopeo inspect {reference} failed: {done.stderr.decode(errors='replace')[-1000:]}")
    return json.loads(done.stdout)
