"""The HTTPS webhook server: standard-library threads and TLS, strict bounds on every request.

The TLS handshake runs in the connection's own thread (never in the accept loop), every socket
has a read timeout, bodies need a Content-Length under ``max_body``, and connections past
``max_connections`` are closed at once. Routes: POST /validate, POST /mutate (when enabled),
GET /healthz, /readyz, /metrics, and /noop (answers without judging: the load benchmark's
baseline).
"""

from __future__ import annotations

import logging
import socket
import ssl
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST

from dockgate.server.admission import ReviewError, parse_review, response_body
from dockgate.server.engine import AdmissionEngine

log = logging.getLogger("dockgate.server")
MAX_BODY = 3 << 20  # Kubernetes' own request size limit
DRAIN_BYTES = 8 << 20
DRAIN_SECONDS = 1.0


@dataclass
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8443
    cert: Path | None = None
    key: Path | None = None
    max_body: int = MAX_BODY
    client_timeout: float = 10.0
    max_connections: int = 512
    enable_mutate: bool = False


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    return context


class WebhookServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, settings: ServerSettings, engine: AdmissionEngine) -> None:
        self.settings = settings
        self.engine = engine
        self.ssl_context = tls_context(settings.cert, settings.key) if settings.cert and settings.key else None
        self.ready = threading.Event()
        self._slots = threading.BoundedSemaphore(settings.max_connections)
        super().__init__((settings.host, settings.port), WebhookHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{host}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.metrics_error("overload")
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        request.settimeout(self.settings.client_timeout)
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is None:
            self.RequestHandlerClass(request, client_address, self)
            return
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError) as exc:
            log.debug("tls handshake failed", extra={"client": client_address[0], "error": str(exc)})
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, ssl.SSLError)):
            log.debug("client connection ended", extra={"client": client_address[0], "error": type(error).__name__})
            return
        log.exception("connection error", extra={"client": client_address[0]})

    def metrics_error(self, kind: str) -> None:
        self.engine.metrics.errors.labels(kind).inc()

    def serve_until_shutdown(self) -> None:
        self.ready.set()
        try:
            self.serve_forever(poll_interval=0.2)
        finally:
            self.ready.clear()


class WebhookHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: WebhookServer
    server_version = "dockgate"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug(format % args, extra={"client": self.client_address[0]})

    # --- plumbing -----------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str = "application/json", close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)
        if close:
            self._drain()

    def _drain(self) -> None:
        """Read and drop what the client is still sending (bounded), so it sees our answer
        instead of a connection reset."""
        limit, until = DRAIN_BYTES, time.monotonic() + DRAIN_SECONDS
        try:
            self.connection.settimeout(DRAIN_SECONDS)
            while limit > 0 and time.monotonic() < until:
                chunk = self.rfile.read1(min(65536, limit))
                if not chunk:
                    break
                limit -= len(chunk)
        except (OSError, ValueError):
            pass

    def _error(self, status: int, message: str, close: bool = False) -> None:
        self._send(status, orjson.dumps({"error": message}), close=close)

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding"):
            self.server.metrics_error("chunked")
            self._error(411, "chunked bodies are not accepted; send Content-Length", close=True)
            return None
        length_text = self.headers.get("Content-Length")
        try:
            length = int(length_text) if length_text is not None else -1
        except ValueError:
            length = -1
        if length < 0:
            self.server.metrics_error("no-length")
            self._error(411, "a valid Content-Length is required", close=True)
            return None
        if length > self.server.settings.max_body:
            self.server.metrics_error("too-large")
            self._error(413, f"body larger than {self.server.settings.max_body} bytes", close=True)
            return None
        body = self._read_within(length, time.monotonic() + self.server.settings.client_timeout)
        if body is None:
            self.server.metrics_error("slow-client")
            self.close_connection = True
        return body

    def _read_within(self, length: int, deadline: float) -> bytes | None:
        """The body, or None when the client sends less than it announced or too slowly (a
        per-read timeout alone would let a client trickle bytes forever)."""
        parts: list[bytes] = []
        remaining = length
        while remaining > 0:
            if time.monotonic() > deadline:
                return None
            chunk = self.rfile.read1(min(remaining, 65536))
            if not chunk:
                return None
            parts.append(chunk)
            remaining -= len(chunk)
        return b"".join(parts)

    # --- routes -------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            self._send(200, b'{"status":"ok"}')
        elif path == "/readyz":
            ready = self.server.ready.is_set()
            self._send(200 if ready else 503, orjson.dumps({"ready": ready}))
        elif path == "/metrics":
            self._send(200, self.server.engine.metrics.exposition(), CONTENT_TYPE_LATEST)
        elif path == "/noop":
            self._send(200, b'{"ok":true}')
        else:
            self._error(404, "not found")

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        started = time.monotonic()
        path = self.path.split("?", 1)[0]
        body = self._read_body()
        if body is None:
            return
        if path not in ("/validate", "/mutate", "/noop") or (path == "/mutate" and not self.server.settings.enable_mutate):
            self._error(404, "not found")
            return
        if path == "/noop":
            self._send(200, b'{"ok":true}')
            self.server.engine.metrics.latency.labels("noop").observe(time.monotonic() - started)
            return
        self._admit(path, body, started)

    def _admit(self, path: str, body: bytes, started: float) -> None:
        engine = self.server.engine
        endpoint = path.lstrip("/")
        try:
            request = parse_review(body)
        except ReviewError as exc:
            engine.metrics.errors.labels("bad-request").inc()
            log.warning("rejected request", extra={"endpoint": endpoint, "error": str(exc)[:300]})
            self._error(exc.status, str(exc)[:500])
            engine.metrics.latency.labels(endpoint).observe(time.monotonic() - started)
            return
        deadline = started + engine.time_budget
        try:
            decision = engine.mutate(request, deadline) if endpoint == "mutate" else engine.validate(request, deadline)
        except Exception as exc:  # a bug or a provider failure: answer per failure mode, never crash
            log.exception("decision failed", extra={"uid": request.uid})
            decision = engine._undecided("error", f"internal error: {type(exc).__name__}")
        reply = response_body(request.uid, decision.allowed, decision.message(request.subject), decision.warnings, decision.patch or None)
        self._send(200, reply)
        elapsed = time.monotonic() - started
        engine.metrics.latency.labels(endpoint).observe(elapsed)
        result = "allowed" if decision.allowed else "denied"
        engine.metrics.decisions.labels(result, decision.label, str(request.dry_run).lower()).inc()
        log.info(
            "admission",
            extra={
                "endpoint": endpoint,
                "uid": request.uid,
                "subject": request.subject,
                "operation": request.operation,
                "dry_run": request.dry_run,
                "allowed": decision.allowed,
                "reason": decision.label,
                "reasons": [r.message for r in decision.reasons[:8]],
                "duration_ms": round(elapsed * 1000, 2),
            },
        )
