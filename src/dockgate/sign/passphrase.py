"""Where the private key's passphrase comes from.

``DOCKGATE_PASSWORD`` first, then ``COSIGN_PASSWORD`` (so cosign pipelines keep working); an
empty value means the empty passphrase. Without either, a prompt on the terminal (twice when
creating a key); without a terminal, a clear usage error instead of a hang.
"""

from __future__ import annotations

import getpass
import os
import sys

from dockgate.errors import UsageError

ENV_VARIABLES = ("DOCKGATE_PASSWORD", "COSIGN_PASSWORD")


def read_passphrase(*, confirm: bool) -> bytes:
    """The passphrase as bytes; ``confirm`` asks twice on a terminal (key creation)."""
    for name in ENV_VARIABLES:
        value = os.environ.get(name)
        if value is not None:
            return value.encode("utf-8")
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError("no passphrase: set DOCKGATE_PASSWORD (or COSIGN_PASSWORD), or run on a terminal to be prompted")
    try:
        first = getpass.getpass("Enter password for private key: ")
        if confirm and getpass.getpass("Enter password for private key again: ") != first:
            raise UsageError("the two passwords differ")
    except EOFError:
        raise UsageError("no passphrase entered") from None
    return first.encode("utf-8")
