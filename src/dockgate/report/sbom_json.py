"""dockgate's own JSON inventory format (``--format json``): image, OS, packages, warnings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import orjson

from dockgate import __version__
from dockgate.inventory import Inventory

SCHEMA = "dockgate.sbom/v1"


def inventory_document(inventory: Inventory) -> dict[str, Any]:
    image = inventory.image
    return {
        "schema": SCHEMA,
        "tool": {"name": "dockgate", "version": __version__},
        "image": {
            "reference": image.reference,
            "source": image.source_type,
            "manifest_digest": image.manifest_digest,
            "config_digest": image.config_digest,
            "platform": image.platform,
            "repo_tags": image.repo_tags,
            "layers": [asdict(layer) for layer in image.layers],
        },
        "os": asdict(inventory.os),
        "packages": [
            {
                "type": p.type,
                "name": p.name,
                "version": p.version,
                "purl": p.purl,
                "path": p.path,
                "layer_index": p.layer_index,
                "layer_digest": p.layer_digest,
                "source_name": p.source_name,
                "source_version": p.source_version,
                "arch": p.arch,
                "licenses": list(p.licenses),
                "metadata": p.metadata,
            }
            for p in inventory.packages
        ],
        "warnings": inventory.warnings,
    }


def render_json(inventory: Inventory) -> bytes:
    return orjson.dumps(inventory_document(inventory), option=orjson.OPT_INDENT_2) + b"\n"
