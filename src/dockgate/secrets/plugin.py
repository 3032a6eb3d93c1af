"""The secret scanner plugged into ``dockgate scan`` (``--scanners ...,secret``).

``register()`` adds it to ``dockgate.scan.plugins``; the scan then passes ``plugin.visitor``
to ``build_inventory`` (same single layer pass as the cataloguers) and calls
``plugin.findings(inventory)``: file findings plus the image config's (Env, Labels,
history), with each file finding's layer digest filled in. SBOM targets have no files or
config, so they yield nothing.
"""

from __future__ import annotations

from typing import Any

from dockgate.secrets.allowlist import AllowList
from dockgate.secrets.config_scan import scan_image_config
from dockgate.secrets.model import SecretFinding, attach_layer_digests
from dockgate.secrets.visitor import DEFAULT_MAX_FILE_SIZE, SecretScanner


class SecretPlugin:
    def __init__(self, allowlist: AllowList | None = None, max_file_size: int = DEFAULT_MAX_FILE_SIZE, check_risky_files: bool = True) -> None:
        self.allowlist = allowlist if allowlist is not None else AllowList()
        self.visitor = SecretScanner(self.allowlist, max_file_size=max_file_size, check_risky_files=check_risky_files)

    def findings(self, inventory: Any) -> list[SecretFinding]:
        image = getattr(inventory, "image", None)
        config = getattr(image, "config", None)
        if image is None or not isinstance(config, dict):
            return []
        findings = self.visitor.findings() + scan_image_config(config, self.allowlist)
        attach_layer_digests(findings, [layer.diff_id for layer in getattr(image, "layers", [])])
        return findings


def register() -> None:
    """Make ``dockgate scan --scanners secret`` use this scanner."""
    from dockgate.scan.plugins import register_scanner

    register_scanner("secret", SecretPlugin)


IMAGE_PREFIXES = ("docker-archive:", "oci-archive:", "oci:")


def is_image_reference(text: str) -> bool:
    return text.startswith(IMAGE_PREFIXES)


def scan_image(reference: str, plugin: SecretPlugin, platform: str | None = None) -> tuple[list[SecretFinding], list[str]]:
    """Secrets of an image (files of every layer, config, history) in one pass; findings and warnings."""
    from dockgate.inventory import build_inventory

    inventory = build_inventory(reference, platform=platform, visitors=[plugin.visitor])
    return plugin.findings(inventory), list(inventory.warnings)
