"""Turn what the user typed into an opened image.

Accepted: ``docker-archive:PATH[:TAG]``, ``oci-archive:PATH[:TAG]``, ``oci:DIR[:TAG]``,
``rootfs:DIR``, ``docker://REF`` / ``registry:REF``, or a bare path whose type is detected
(OCI layout directory, root filesystem directory, OCI archive, docker-archive). Anything that
is not an existing path and looks like ``host[:port]/repo[:tag|@digest]`` is pulled from that
registry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dockgate.errors import InputError, UsageError
from dockgate.image.blobstore import DirStore, TarStore
from dockgate.image.docker_archive import open_docker_archive
from dockgate.image.limits import Limits
from dockgate.image.model import OpenedImage, Platform
from dockgate.image.oci import open_oci

TRANSPORTS = ("docker-archive", "oci-archive", "oci", "rootfs")

if TYPE_CHECKING:
    from dockgate.registry.settings import TransportOptions


@dataclass(frozen=True)
class ImageSpec:
    transport: str | None  # None: detect from the path
    path: str
    tag: str | None = None


def parse_image_spec(text: str) -> ImageSpec:
    if not text:
        raise UsageError("no image given")
    transport = None
    rest = text
    for name in TRANSPORTS:
        if text.startswith(name + ":"):
            transport, rest = name, text[len(name) + 1 :]
            break
    if not rest:
        raise UsageError(f"{text!r}: missing path after the transport")
    if transport == "rootfs" or os.path.exists(rest):
        return ImageSpec(transport, rest)
    # PATH:TAG, where the tag may itself hold a colon (repo:tag)
    head, sep, tail = rest.partition(":")
    while sep:
        if os.path.exists(head):
            return ImageSpec(transport, head, tail)
        more, sep, tail2 = tail.partition(":")
        head, tail = f"{head}:{more}", tail2
    return ImageSpec(transport, rest)


def is_rootfs(spec: ImageSpec) -> bool:
    if spec.transport == "rootfs":
        return True
    return spec.transport is None and os.path.isdir(spec.path) and not os.path.exists(os.path.join(spec.path, "oci-layout"))


def open_image(text: str, platform: Platform | None, limits: Limits, transport: "TransportOptions | None" = None) -> OpenedImage:
    from dockgate.image.registry_source import looks_like_registry_reference, open_registry_image, registry_reference_text

    explicit = registry_reference_text(text)
    if explicit is not None or (not os.path.exists(text) and not text.startswith(TRANSPORTS) and looks_like_registry_reference(text)):
        return open_registry_image(text, explicit if explicit is not None else text, platform, limits, transport)
    spec = parse_image_spec(text)
    path = Path(spec.path)
    if is_rootfs(spec):
        if not path.is_dir():
            raise InputError(f"{spec.path}: no such directory")
        return OpenedImage(reference=text, source_type="rootfs", config={}, layers=[], rootfs_path=str(path))
    if not path.exists():
        raise InputError(f"{spec.path}: no such file or directory")
    if spec.transport == "oci" or (spec.transport is None and path.is_dir()):
        if not path.is_dir():
            raise InputError(f"{spec.path}: oci: expects an OCI layout directory")
        return open_oci(DirStore(path, text), text, "oci-layout", spec.tag, platform, limits)
    store = TarStore(path, text)
    try:
        if spec.transport == "oci-archive":
            return open_oci(store, text, "oci-archive", spec.tag, platform, limits)
        if spec.transport == "docker-archive":
            return open_docker_archive(store, text, spec.tag, limits)
        if store.has("oci-layout") and store.has("index.json"):
            return open_oci(store, text, "oci-archive", spec.tag, platform, limits)
        if store.has("manifest.json"):
            return open_docker_archive(store, text, spec.tag, limits)
    except BaseException:
        store.close()
        raise
    store.close()
    raise InputError(f"{spec.path}: not a container image archive (no index.json/oci-layout or manifest.json inside)")
