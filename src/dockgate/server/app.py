"""Assemble a webhook server from a policy, providers and settings (used by ``serve`` and tests)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from dockgate.gate.providers import Providers
from dockgate.policy.model import Policy
from dockgate.server.cache import VerdictCache
from dockgate.server.engine import AdmissionEngine
from dockgate.server.http import ServerSettings, WebhookServer
from dockgate.server.metrics import WebhookMetrics


def default_cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dockgate" / "admission.sqlite"


@dataclass
class RunningServer:
    server: WebhookServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.server.engine.close()
        self.server.engine.cache.close()


def build_server(
    policy: Policy,
    providers: Providers,
    settings: ServerSettings,
    cache_path: Path | None = None,
    failure_mode: str | None = None,
    time_budget: float | None = None,
) -> WebhookServer:
    cache = VerdictCache(cache_path or default_cache_path())
    engine = AdmissionEngine(policy, providers, cache, WebhookMetrics(), failure_mode, time_budget)
    engine.refresh_database_age()  # so /metrics shows the data's age before the first admission
    return WebhookServer(settings, engine)


def start_in_thread(server: WebhookServer) -> RunningServer:
    thread = threading.Thread(target=server.serve_until_shutdown, name="dockgate-webhook", daemon=True)
    thread.start()
    server.ready.wait(5)
    return RunningServer(server, thread)
