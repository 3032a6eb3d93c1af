"""CycloneDX 1.6 JSON, built with cyclonedx-python-lib.

The image is the BOM's metadata component (type container); the OS and each package are
components with purls and ``dockgate:*`` properties for layer and path. ``build_bom`` is
shared with ``scan``, which adds a vulnerabilities section to the same Bom.
"""

from __future__ import annotations

import hashlib
import warnings

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from dockgate import __version__
from dockgate.catalog.package import Package
from dockgate.inventory import Inventory


def package_ref(package: Package) -> str:
    """A stable bom-ref: the purl plus a short hash of where the package was found."""
    where = hashlib.sha256(f"{package.type}\0{package.name}\0{package.version}\0{package.path}".encode()).hexdigest()[:12]
    return f"{package.purl}#{where}"


def _component(package: Package) -> Component:
    props = [Property(name="dockgate:package:type", value=package.type), Property(name="dockgate:location:path", value=package.path)]
    if package.layer_index is not None:
        props.append(Property(name="dockgate:layer:index", value=str(package.layer_index)))
    if package.layer_digest:
        props.append(Property(name="dockgate:layer:diffID", value=package.layer_digest))
    if package.source_name:
        props.append(Property(name="dockgate:package:sourceName", value=package.source_name))
    if package.source_version:
        props.append(Property(name="dockgate:package:sourceVersion", value=package.source_version))
    return Component(
        name=package.name,
        version=package.version,
        type=ComponentType.LIBRARY,
        purl=PackageURL.from_string(package.purl),
        bom_ref=package_ref(package),
        properties=props,
    )


def build_bom(inventory: Inventory) -> Bom:
    image = inventory.image
    bom = Bom()
    digest = image.manifest_digest or image.config_digest
    root = Component(
        name=image.name,
        version=digest or "",
        type=ComponentType.CONTAINER,
        bom_ref=f"image:{digest or image.reference}",
        properties=[
            Property(name="dockgate:image:source", value=image.source_type),
            *([Property(name="dockgate:image:configDigest", value=image.config_digest)] if image.config_digest else []),
            *([Property(name="dockgate:image:platform", value=image.platform)] if image.platform else []),
        ],
    )
    bom.metadata.component = root
    bom.metadata.tools.components.add(Component(name="dockgate", version=__version__, type=ComponentType.APPLICATION))
    children = []
    if inventory.os.id:
        os_component = Component(
            name=inventory.os.id,
            version=inventory.os.version_id,
            type=ComponentType.OPERATING_SYSTEM,
            bom_ref=f"os:{inventory.os.id}@{inventory.os.version_id}",
            description=inventory.os.pretty_name or None,
        )
        bom.components.add(os_component)
        children.append(os_component)
    for package in inventory.packages:
        component = _component(package)
        bom.components.add(component)
        children.append(component)
    bom.register_dependency(root, children)
    return bom


def serialize_bom(bom: Bom) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return JsonV1Dot6(bom).output_as_string(indent=2)
