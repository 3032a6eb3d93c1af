"""One call from an image reference to its inventory: open, stream every layer once, catalogue.

``build_inventory`` is what ``sbom``, ``scan`` and the admission server call. Extra
visitors (the secret scanner, for instance) ride along on the same single pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from dockgate.catalog.base import FinalView
from dockgate.catalog.os_release import OSReleaseCataloguer
from dockgate.catalog.package import OSInfo, Package
from dockgate.catalog.registry import default_cataloguers
from dockgate.catalog.visitor import CatalogVisitor
from dockgate.image.fsindex import FsIndex
from dockgate.image.limits import DEFAULT_LIMITS, Limits
from dockgate.image.model import OpenedImage, Platform
from dockgate.image.rootfs import walk_rootfs
from dockgate.image.source import open_image
from dockgate.image.visitor import LayerVisitor
from dockgate.image.walk import walk_layers
from dockgate.progress import progress

if TYPE_CHECKING:
    from dockgate.registry.settings import TransportOptions


@dataclass
class LayerInfo:
    index: int
    diff_id: str
    digest: str | None
    size: int | None
    media_type: str | None
    created_by: str
    entries: int


@dataclass
class ImageInfo:
    reference: str
    source_type: str
    manifest_digest: str | None
    config_digest: str | None
    config: dict[str, Any]
    layers: list[LayerInfo]
    repo_tags: list[str]
    platform: str

    @property
    def name(self) -> str:
        return self.repo_tags[0] if self.repo_tags else self.reference


@dataclass
class Inventory:
    image: ImageInfo
    os: OSInfo
    packages: list[Package]
    warnings: list[str] = field(default_factory=list)
    index: FsIndex | None = None  # the merged filesystem (paths -> last writer), for later checks


def build_inventory(
    image: str,
    platform: str | None = None,
    visitors: Sequence[LayerVisitor] = (),
    max_file_size: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    transport: TransportOptions | None = None,
) -> Inventory:
    """Inventory ``image``; ``transport`` sets CA, plain-HTTP and timeouts for registry images."""
    limits = limits.with_file_size(max_file_size)
    opened = open_image(image, Platform.parse(platform) if platform else None, limits, transport)
    try:
        return inventory_of(opened, visitors, limits)
    finally:
        opened.close()


def inventory_of(opened: OpenedImage, visitors: Sequence[LayerVisitor], limits: Limits) -> Inventory:
    cataloguers = default_cataloguers()
    catalog = CatalogVisitor(cataloguers)
    all_visitors = [catalog, *visitors]
    if opened.rootfs_path is not None:
        walked = walk_rootfs(opened.rootfs_path, all_visitors, limits)
    else:
        total = sum(layer.size or 0 for layer in opened.layers)
        with progress("reading layers", total or None) as bar:
            walked = walk_layers(opened, all_visitors, limits, bar)
    view = FinalView(
        index=walked.index,
        os=OSInfo(""),
        layer_digests=[layer.diff_id for layer in opened.layers],
        parsed=catalog.parsed,
        is_rootfs=opened.rootfs_path is not None,
    )
    os_cataloguer = next(c for c in cataloguers if isinstance(c, OSReleaseCataloguer))
    view.os = os_cataloguer.detect(view)
    packages: list[Package] = []
    for cataloguer in cataloguers:
        packages.extend(cataloguer.packages(view))
    packages.sort(key=lambda p: (p.type, p.name.lower(), p.version, p.path))
    layers = [
        LayerInfo(l.index, l.diff_id, l.digest, l.size, l.media_type, l.created_by, walked.entries_per_layer[l.index])
        for l in opened.layers
    ]
    info = ImageInfo(
        reference=opened.reference,
        source_type=opened.source_type,
        manifest_digest=opened.manifest_digest,
        config_digest=opened.config_digest,
        config=opened.config,
        layers=layers,
        repo_tags=list(opened.repo_tags),
        platform=opened.platform,
    )
    return Inventory(image=info, os=view.os, packages=packages, warnings=walked.warnings + catalog.warnings + view.warnings, index=walked.index)
