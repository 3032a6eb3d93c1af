"""Error types shared by every part of dockgate.

Anything raised as a :class:`DockgateError` is a problem with the user's input or
environment: the CLI prints its message on one line and exits with code 2.
"""

from __future__ import annotations


class DockgateError(Exception):
    """A clear, one-line, user-facing error (bad input, usage, environment)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # keep it to one line whatever the caller passed
        return " ".join(self.message.split())


class InputError(DockgateError):
    """The input (image, manifest, file) is malformed, hostile or unreadable."""


class UsageError(DockgateError):
    """The command line asks for something impossible or contradictory."""


class LimitExceeded(InputError):
    """A safety bound (size, ratio, count, depth) was hit while reading input."""
