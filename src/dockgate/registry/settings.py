"""The user's transport settings for registries (CA file, plain HTTP, timeouts, retries).

Kept apart from :mod:`dockgate.registry.transport` so that carrying settings around (the CLI
builds them for every image command) never imports the HTTP stack.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TransportOptions:
    """User-facing knobs: ``--ca-file``, ``--insecure-http``, timeouts and retry count."""

    ca_file: str | None = None
    insecure_http: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 2  # extra attempts for idempotent requests on connection errors / 502-504
    retry_backoff: float = 0.3  # seconds, doubled per attempt
