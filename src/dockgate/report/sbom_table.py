"""The human-readable inventory table (``--format table``)."""

from __future__ import annotations

from rich.table import Table

from dockgate.inventory import Inventory
from dockgate.report.table import render_tables


def render_sbom_table(inventory: Inventory, output: str | None) -> str:
    image = inventory.image
    os_name = inventory.os.pretty_name or inventory.os.id or "unknown"
    digest = image.manifest_digest or image.config_digest or "-"
    header = f"{image.name} ({image.source_type}, {image.platform or 'unknown platform'}) {digest}\nOS: {os_name}; {len(inventory.packages)} packages"
    table = Table(show_edge=False, header_style="bold")
    for column in ("TYPE", "NAME", "VERSION", "SOURCE", "LAYER", "PATH"):
        table.add_column(column, overflow="fold")
    for p in inventory.packages:
        source = ""
        if p.source_name and (p.source_name != p.name or (p.source_version and p.source_version != p.version)):
            source = f"{p.source_name} {p.source_version or ''}".strip()
        layer = "-" if p.layer_index is None else str(p.layer_index)
        table.add_row(p.type, p.name, p.version, source, layer, p.path)
    parts: list[Table | str] = [header, table]
    parts.extend(f"warning: {w}" for w in inventory.warnings)
    return render_tables(parts, output)
