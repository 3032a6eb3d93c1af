"""Real HTTP servers on 127.0.0.1 for the registry client tests.

``ScriptedServer`` answers from a table of canned responses (tampered blobs, oversized
manifests, 5xx, slow answers): what a hostile or broken registry would send. ``TokenServer``
issues registry JWTs (ES256, ``x5c`` header) the way a real token service does.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print the client's resets (closing a stream early
    is normal for the client under test)."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - socketserver API
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Canned:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the headers
    send_length: bool = True


class ScriptedServer:
    """``routes[(method, path)] = Canned(...)``; anything else is 404. Records requests."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Canned | list[Canned]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = urlsplit(self.path).path
                server.requests.append((self.command, self.path, dict(self.headers)))
                entry = server.routes.get((self.command, path)) or Canned(404, b'{"errors":[{"code":"NOT_FOUND","message":"no route"}]}')
                canned = entry.pop(0) if isinstance(entry, list) and len(entry) > 1 else entry[0] if isinstance(entry, list) else entry
                if canned.delay:
                    time.sleep(canned.delay)
                self.send_response(canned.status)
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                if canned.send_length:
                    self.send_header("Content-Length", str(len(canned.body)))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(canned.body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                if not canned.send_length:
                    self.close_connection = True

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        self.httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TokenServer:
    """Issues registry JWTs (ES256, ``x5c`` header) for ``username``/``password`` via Basic."""

    def __init__(self, workdir: Path, username: str, password: str, service: str, issuer: str) -> None:
        self.username, self.password, self.service, self.issuer = username, password, service, issuer
        now = datetime.datetime.now(datetime.timezone.utc)
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dockgate test token signer")])
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.root_bundle = workdir / "token-root.pem"
        self.root_bundle.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self.issued: list[dict] = []
        self.refused = 0
        token_server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                expected = "Basic " + base64.b64encode(f"{token_server.username}:{token_server.password}".encode()).decode()
                if parts.path != "/token" or self.headers.get("Authorization") != expected:
                    token_server.refused += 1
                    body = b'{"details":"bad credentials"}'
                    self.send_response(401)
                else:
                    body = json.dumps({"token": token_server.issue(query.get("scope", []))}).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.realm = f"http://127.0.0.1:{self.httpd.server_address[1]}/token"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def issue(self, scopes: list[str]) -> str:
        access = []
        for scope in " ".join(scopes).split():
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            access.append({"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]})
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.username,
            "aud": self.service,
            "exp": now + 300,
            "nbf": now - 10,
            "iat": now,
            "jti": os.urandom(8).hex(),
            "access": access,
        }
        self.issued.append(claims)
        header = {"typ": "JWT", "alg": "ES256", "x5c": [base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()]}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}".encode()
        r, s = decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return signing_input.decode() + "." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
