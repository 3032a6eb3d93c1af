"""Providers built on the other packages' public APIs (registry client today; more as they land).

Each function here has the signature of one :mod:`dockgate.gate.providers` protocol.
"""

from __future__ import annotations

from dockgate.gate.providers import DigestResolver
from dockgate.registry import RegistryClient, TransportOptions, parse_reference


def registry_digest_resolver(options: TransportOptions | None = None) -> DigestResolver:
    """Resolve ``image`` (a tag) to the manifest digest its registry serves now."""

    def resolve(image: str) -> str:
        reference = parse_reference(image)
        with RegistryClient.for_reference(reference, options) as client:  # one per call: the client is thread-unsafe
            return client.resolve(reference)

    return resolve


def resolve_digest(image: str) -> str:
    """:func:`registry_digest_resolver` with default transport options (system CAs)."""
    return registry_digest_resolver()(image)
