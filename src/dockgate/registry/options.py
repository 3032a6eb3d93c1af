"""Command-line options every registry-reaching subcommand shares, and their translation.

Call :func:`add_registry_arguments` on a subparser (``--ca-file``, ``--insecure-http``,
``--registry-timeout``) and :func:`transport_options_from_args` on the parsed namespace.
"""

from __future__ import annotations

import argparse
import os

from dockgate.errors import UsageError
from dockgate.registry.settings import TransportOptions


def add_registry_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("registry")
    group.add_argument("--ca-file", metavar="PEM", default=None, help="trust this CA bundle for registry HTTPS (default: the system CAs)")
    group.add_argument(
        "--insecure-http",
        action="store_true",
        help="talk plain HTTP to the registry (loopback registries need no flag: HTTPS is tried first)",
    )
    group.add_argument("--registry-timeout", type=float, default=60.0, metavar="SECONDS", help="network timeout per registry read (default 60)")


def transport_options_from_args(args: argparse.Namespace) -> TransportOptions:
    ca_file = getattr(args, "ca_file", None)
    if ca_file and not os.path.isfile(ca_file):
        raise UsageError(f"--ca-file {ca_file}: no such file")
    timeout = getattr(args, "registry_timeout", 60.0)
    if not timeout or timeout <= 0:
        raise UsageError("--registry-timeout must be a positive number of seconds")
    return TransportOptions(
        ca_file=ca_file,
        insecure_http=bool(getattr(args, "insecure_http", False)),
        connect_timeout=min(10.0, timeout),
        read_timeout=timeout,
    )
