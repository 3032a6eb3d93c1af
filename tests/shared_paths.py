"""Where the read-only shared fixture tree is (../shared or $DOCKGATE_SHARED), importable by tests."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def find_shared() -> Path | None:
    configured = os.environ.get("DOCKGATE_SHARED")
    candidates = [Path(configured)] if configured else [REPO_ROOT.parent / "shared"]
    for candidate in candidates:
        if (candidate / "images").is_dir() or (candidate / "osv-mirror").is_dir():
            return candidate.resolve()
    return None


SHARED = find_shared()
