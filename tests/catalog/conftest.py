"""Helpers for cataloguer tests: inventory a small image built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.inventory import Inventory, build_inventory
from dockgate.testing.imagebuilder import Layer, build, write_oci_layout


@pytest.fixture()
def inventory_of(tmp_path: Path):
    counter = iter(range(1000))

    def make(*layers: Layer) -> Inventory:
        layout = write_oci_layout(tmp_path / f"img{next(counter)}", [build(list(layers))])
        return build_inventory(str(layout))

    return make
