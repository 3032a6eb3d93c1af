"""The passphrase prompt on a real terminal (a pseudo-terminal), as a user would see it."""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pytest

from dockgate.sign.keys import load_private_key

pty = pytest.importorskip("pty")


def _read_until(fd: int, marker: bytes, timeout: float = 20.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {marker!r} on the terminal; saw {seen!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _run_on_terminal(argv: list[str], answers: list[bytes], tmp_path: Path) -> tuple[int, bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKGATE_PASSWORD", "COSIGN_PASSWORD")}
    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is its controlling terminal
        try:
            os.chdir(tmp_path)
            os.execve(sys.executable, [sys.executable, "-m", "dockgate", *argv], env)
        finally:
            os._exit(127)  # never return into pytest in the child
    transcript = b""
    try:
        for answer in answers:
            transcript += _read_until(fd, b"password for private key")
            os.write(fd, answer + b"\n")
        _, status = os.waitpid(pid, 0)
        try:
            while True:
                ready, _, _ = select.select([fd], [], [], 0.2)
                if not ready:
                    break
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                transcript += chunk
        except OSError:
            pass
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), transcript


def test_keygen_prompts_twice_on_a_terminal(tmp_path: Path) -> None:
    code, transcript = _run_on_terminal(["keygen"], [b"typed secret", b"typed secret"], tmp_path)
    assert code == 0, transcript
    assert b"typed secret" not in transcript  # not echoed
    key = load_private_key(tmp_path / "cosign.key", b"typed secret")
    assert key.curve.name == "secp256r1"


def test_keygen_mismatched_passwords(tmp_path: Path) -> None:
    code, transcript = _run_on_terminal(["keygen"], [b"one", b"two"], tmp_path)
    assert code == 2 and b"differ" in transcript
    assert not (tmp_path / "cosign.key").exists()
