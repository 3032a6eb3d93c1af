"""The set of cataloguers a scan runs, in the order their packages are reported."""

from __future__ import annotations

from dockgate.catalog.apk import ApkCataloguer
from dockgate.catalog.base import Cataloguer
from dockgate.catalog.dpkg import DpkgCataloguer
from dockgate.catalog.golang import GoBinaryCataloguer
from dockgate.catalog.npm import NpmCataloguer
from dockgate.catalog.os_release import OSReleaseCataloguer
from dockgate.catalog.python import PythonCataloguer
from dockgate.catalog.rpm import RpmCataloguer


def default_cataloguers() -> list[Cataloguer]:
    return [OSReleaseCataloguer(), DpkgCataloguer(), ApkCataloguer(), RpmCataloguer(), PythonCataloguer(), NpmCataloguer(), GoBinaryCataloguer()]
