"""OCI distribution registry client: references, auth, transport policy, pull and push.

Typical use::

    ref = parse_reference("127.0.0.1:5000/app:1.0")
    with RegistryClient.for_reference(ref, TransportOptions(ca_file=...)) as client:
        manifest = client.get_manifest(ref.repository, ref.identifier)
        with client.open_blob(ref.repository, layer_digest, layer_size) as blob:
            ...  # read(); verified when the end is reached
"""

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
from dockgate.registry.transport import TransportOptions, is_loopback_host

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
