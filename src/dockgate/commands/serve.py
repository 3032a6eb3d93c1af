"""``dockgate serve``: run the HTTPS admission webhook until interrupted or sent SIGTERM."""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import ssl
import sys
import tempfile
import threading
from pathlib import Path

from dockgate.errors import UsageError
from dockgate.gate.providers import default_providers
from dockgate.policy import Policy, load_policy


def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--listen wants HOST:PORT, got {text!r}")
    return host.strip("[]") or "0.0.0.0", int(port)


def run_serve(args: argparse.Namespace) -> int:
    from dockgate.server.certs import make_dev_certificates

    policy = load_policy(args.policy)
    host, port = _listen(args.listen)
    if args.time_budget is not None and not 0 < args.time_budget <= 30:
        raise UsageError("--time-budget must be between 0 and 30 seconds")
    ca_path = None
    throwaway: Path | None = None
    if args.dev_certs is not None:
        if args.tls_cert or args.tls_key:
            raise UsageError("--dev-certs and --tls-cert/--tls-key exclude each other")
        if not args.dev_certs:
            throwaway = Path(tempfile.mkdtemp(prefix="dockgate-certs-"))
        directory = Path(args.dev_certs) if args.dev_certs else throwaway
        certs = make_dev_certificates(directory)
        cert, key, ca_path = certs.cert, certs.key, certs.ca_cert
    elif args.tls_cert and args.tls_key:
        cert, key = Path(args.tls_cert), Path(args.tls_key)
        for path in (cert, key):
            if not path.is_file():
                raise UsageError(f"TLS file not found: {path}")
    else:
        raise UsageError("serve needs TLS: give --tls-cert and --tls-key, or --dev-certs for local use")
    try:
        return _serve(args, policy, host, port, cert, key, ca_path)
    finally:
        if throwaway is not None:
            shutil.rmtree(throwaway, ignore_errors=True)  # --dev-certs without DIR: gone with the server


def _serve(args: argparse.Namespace, policy: Policy, host: str, port: int, cert: Path, key: Path, ca_path: Path | None) -> int:
    from dockgate.gate.adapters import registry_digest_resolver, registry_signature_counter
    from dockgate.registry.options import transport_options_from_args
    from dockgate.server.app import build_server
    from dockgate.server.http import ServerSettings
    from dockgate.server.logs import configure_json_logging

    providers = default_providers()
    transport = transport_options_from_args(args)
    providers.resolver = registry_digest_resolver(transport)
    providers.signatures = registry_signature_counter(transport)
    settings = ServerSettings(host=host, port=port, cert=cert, key=key, enable_mutate=args.enable_mutate)
    try:
        server = build_server(policy, providers, settings, Path(args.cache) if args.cache else None, args.failure_mode, args.time_budget)
    except ssl.SSLError as exc:
        raise UsageError(f"cannot load TLS certificate/key: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.listen}: {exc.strerror or exc}") from None
    configure_json_logging()
    announce = {"event": "listening", "url": server.url, "policy": str(args.policy), "failure_mode": server.engine.failure_mode}
    if ca_path is not None:
        announce["ca_cert"] = str(ca_path)
    print(json.dumps(announce), file=sys.stderr, flush=True)
    stop = threading.Event()

    def _terminate(signum: int, frame: object) -> None:
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _terminate)
    try:
        server.serve_until_shutdown()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.engine.close()
        server.engine.cache.close()
    return 0
