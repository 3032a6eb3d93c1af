"""SPDX 2.3 JSON: one package for the image, one per found package, CONTAINS relationships."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from datetime import datetime, timezone
from typing import Any

import orjson

from dockgate import __version__
from dockgate.inventory import Inventory

_NAMESPACE = uuid.UUID("5b0d7a6e-0f0c-4a57-9a43-2c1f1de7d0a1")


def _spdx_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    return f"SPDXRef-{prefix}-{digest}"


def _created() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: str) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)


def spdx_document(inventory: Inventory) -> dict[str, Any]:
    image = inventory.image
    digest = image.manifest_digest or image.config_digest or image.reference
    image_id = _spdx_id("Image", digest)
    packages: list[dict[str, Any]] = [
        {
            "name": _text(image.name),
            "SPDXID": image_id,
            "versionInfo": digest,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "primaryPackagePurpose": "CONTAINER",
        }
    ]
    relationships = [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": image_id}]
    for p in inventory.packages:
        spdx_id = _spdx_id("Package", p.type, p.name, p.version, p.path)
        where = f"found at {p.path}" + (f" in layer {p.layer_index} ({p.layer_digest})" if p.layer_index is not None else "")
        entry: dict[str, Any] = {
            "name": _text(p.name),
            "SPDXID": spdx_id,
            "versionInfo": _text(p.version),
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "sourceInfo": _text(where),
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": p.purl}],
        }
        if p.source_name and p.source_name != p.name:
            entry["comment"] = _text(f"source package {p.source_name} {p.source_version or ''}".strip())
        packages.append(entry)
        relationships.append({"spdxElementId": image_id, "relationshipType": "CONTAINS", "relatedSpdxElement": spdx_id})
    name = _text(image.name)
    return {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "documentNamespace": f"https://dockgate.dev/spdx/{re.sub(r'[^A-Za-z0-9._-]', '-', name)}-{uuid.uuid5(_NAMESPACE, digest)}",
        "creationInfo": {"created": _created(), "creators": [f"Tool: dockgate-{__version__}"]},
        "packages": packages,
        "relationships": relationships,
    }


def render_spdx(inventory: Inventory) -> bytes:
    return orjson.dumps(spdx_document(inventory), option=orjson.OPT_INDENT_2) + b"\n"
