"""Secrets and risky files in images, image configs and plain directories.

For ``dockgate scan``: pass a :class:`SecretScanner` among the visitors of
``build_inventory``, then combine ``scanner.findings()`` with
``scan_image_config(inventory.image.config)`` (or call :func:`scan_inventory_secrets`).
"""

from dockgate.secrets.allowlist import AllowList, load_allowlist
from dockgate.secrets.config_scan import scan_image_config
from dockgate.secrets.model import SecretFinding, attach_layer_digests
from dockgate.secrets.scanner import ContentScanner
from dockgate.secrets.visitor import SecretScanner

__all__ = [
    "AllowList",
    "ContentScanner",
    "SecretFinding",
    "SecretScanner",
    "attach_layer_digests",
    "load_allowlist",
    "scan_image_config",
]
