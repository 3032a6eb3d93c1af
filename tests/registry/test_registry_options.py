"""CLI option glue for registry access, and the fixture's behaviour when a tool is missing."""

from __future__ import annotations

import argparse

import pytest
from registry_fixtures import require_tool

from dockgate.errors import UsageError
from dockgate.registry.options import add_registry_arguments, transport_options_from_args


def _parse(argv):
    parser = argparse.ArgumentParser()
    add_registry_arguments(parser)
    return transport_options_from_args(parser.parse_args(argv))


def test_defaults_and_flags(tmp_path):
    assert _parse([]).insecure_http is False and _parse([]).ca_file is None
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    options = _parse(["--ca-file", str(ca), "--insecure-http", "--registry-timeout", "2.5"])
    assert (options.ca_file, options.insecure_http, options.read_timeout, options.connect_timeout) == (str(ca), True, 2.5, 2.5)


def test_bad_options(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        _parse(["--ca-file", str(tmp_path / "absent.pem")])
    with pytest.raises(UsageError, match="positive"):
        _parse(["--registry-timeout", "0"])


def test_missing_tool_skips_or_fails_under_ci(monkeypatch):
    monkeypatch.delenv("DOCKGATE_REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require_tool("dockgate-no-such-tool", "no-such-package")
    monkeypatch.setenv("DOCKGATE_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="DOCKGATE_REQUIRE_SHARED=1"):
        require_tool("dockgate-no-such-tool", "no-such-package")
