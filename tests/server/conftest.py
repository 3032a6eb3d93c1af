"""A real HTTPS webhook on 127.0.0.1 with a throwaway CA, and a client that verifies it."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from webhook_fixtures import POLICY, FixtureScanner, database_info

from dockgate.gate.providers import Providers
from dockgate.policy import parse_policy
from dockgate.server.app import RunningServer, build_server, start_in_thread
from dockgate.server.certs import DevCertificates, make_dev_certificates
from dockgate.server.http import ServerSettings


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> DevCertificates:
    return make_dev_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def client_for(certs: DevCertificates) -> Iterator[Callable[[RunningServer], httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(running: RunningServer) -> httpx.Client:
        context = ssl.create_default_context(cafile=str(certs.ca_cert))
        client = httpx.Client(base_url=running.url.replace("127.0.0.1", "localhost"), verify=context, timeout=10)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def start(certs: DevCertificates, tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    running: list[RunningServer] = []

    def launch(
        policy_text: str = POLICY,
        providers: Providers | None = None,
        cache: Path | None = None,
        failure_mode: str | None = None,
        time_budget: float | None = None,
        **settings: Any,
    ) -> RunningServer:
        policy = parse_policy(policy_text, "policy.yaml")
        if providers is None:
            providers = Providers(vulnerabilities=FixtureScanner(), database=database_info)
        config = ServerSettings(host="127.0.0.1", port=0, cert=certs.cert, key=certs.key, **settings)
        server = build_server(policy, providers, config, cache or tmp_path / "cache.sqlite", failure_mode, time_budget)
        handle = start_in_thread(server)
        running.append(handle)
        return handle

    yield launch
    for handle in running:
        handle.stop()
