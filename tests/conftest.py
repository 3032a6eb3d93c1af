"""Shared test fixtures.

``shared_dir`` points at the read-only fixture tree (../shared next to the checkout, or
$DOCKGATE_SHARED). Without it, tests that need it are skipped with a clear reason, unless
DOCKGATE_REQUIRE_SHARED=1 (set by .ci/run), which turns the absence into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shared_paths import REPO_ROOT, SHARED

pytest_plugins = ["registry_fixtures"]  # real registries on loopback (tests/registry_fixtures.py)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if SHARED is None:
        reason = "../shared fixtures are absent (set DOCKGATE_SHARED to their path)"
        if os.environ.get("DOCKGATE_REQUIRE_SHARED") == "1":
            pytest.fail(f"DOCKGATE_REQUIRE_SHARED=1 but {reason}")
        pytest.skip(reason)
    return SHARED


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
