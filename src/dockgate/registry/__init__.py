"""OCI distribution registry client: references, auth, transport policy, pull and push.

Typical use::

    ref = parse_reference("127.0.0.1:5000/app:1.0")
    with RegistryClient.for_reference(ref, TransportOptions(ca_file=...)) as client:
        manifest = client.get_manifest(ref.repository, ref.identifier)
        with client.open_blob(ref.repository, layer_digest, layer_size) as blob:
            ...  # read(); verified when the end is reached
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names, for type checkers and readers
    from dockgate.registry.auth import Credentials, load_docker_credentials
    from dockgate.registry.blobstream import BlobStream
    from dockgate.registry.client import RegistryClient, referrers_tag
    from dockgate.registry.descriptor import (
        DOCKER_MANIFEST,
        DOCKER_MANIFEST_LIST,
        MANIFEST_MEDIA_TYPES,
        OCI_INDEX,
        OCI_MANIFEST,
        Descriptor,
        PulledManifest,
    )
    from dockgate.registry.reference import Reference, parse_reference
    from dockgate.registry.settings import TransportOptions
    from dockgate.registry.transport import is_loopback_host

# Names resolved on first use (PEP 562), so that importing a light submodule such as
# dockgate.registry.settings does not import the HTTP client stack.
_WHERE = {
    "Credentials": "auth",
    "load_docker_credentials": "auth",
    "BlobStream": "blobstream",
    "RegistryClient": "client",
    "referrers_tag": "client",
    "DOCKER_MANIFEST": "descriptor",
    "DOCKER_MANIFEST_LIST": "descriptor",
    "MANIFEST_MEDIA_TYPES": "descriptor",
    "OCI_INDEX": "descriptor",
    "OCI_MANIFEST": "descriptor",
    "Descriptor": "descriptor",
    "PulledManifest": "descriptor",
    "Reference": "reference",
    "parse_reference": "reference",
    "TransportOptions": "settings",
    "is_loopback_host": "transport",
}

__all__ = [
    "BlobStream",
    "Credentials",
    "DOCKER_MANIFEST",
    "DOCKER_MANIFEST_LIST",
    "Descriptor",
    "MANIFEST_MEDIA_TYPES",
    "OCI_INDEX",
    "OCI_MANIFEST",
    "PulledManifest",
    "Reference",
    "RegistryClient",
    "TransportOptions",
    "is_loopback_host",
    "load_docker_credentials",
    "parse_reference",
    "referrers_tag",
]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'dockgate.registry' has no attribute {name!r}")
    return getattr(importlib.import_module(f"dockgate.registry.{module}"), name)
