"""Fixtures for the registry client tests: a scriptable HTTP server and a real token server
in front of a real ``docker-registry`` configured with ``auth: token`` (see registry_servers.py).
"""

from __future__ import annotations

import os

import pytest
from registry_servers import ScriptedServer, TokenServer

from registry_fixtures import start_registry


@pytest.fixture
def scripted_server():
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def token_registry(tmp_path_factory: pytest.TempPathFactory):
    """A real registry with ``auth: token`` and its real token server; yields (registry, server)."""
    workdir = tmp_path_factory.mktemp("registry-token")
    server = TokenServer(workdir, "tokenuser", "tok-" + os.urandom(6).hex(), "dockgate-test-registry", "dockgate-test-issuer")
    auth = {"token": {"realm": server.realm, "service": server.service, "issuer": server.issuer, "rootcertbundle": str(server.root_bundle)}}
    registry = start_registry(workdir, auth=auth)
    yield registry, server
    registry.stop()
    server.close()
