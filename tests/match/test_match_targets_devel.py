"""A Go main module built from a working tree, version "(devel)", is unmatched quietly."""

from __future__ import annotations

from pathlib import Path

from dockgate.catalog.package import OSInfo, Package
from dockgate.match import match_packages
from dockgate.vulndb import VulnDatabase
from vulndb.osv_fixtures import affected, build_db_from_records, osv, rng


def test_devel_main_module_is_unmatched_without_a_warning(tmp_path: Path) -> None:
    db = build_db_from_records(tmp_path, [osv("GO-2099-0001", [affected("Go", "example.com/app", rng(("introduced", "0"), ("fixed", "1.0.0"), kind="SEMVER"))])])
    devel = Package(type="go-module", name="example.com/app", version="(devel)", purl="pkg:golang/example.com/app@(devel)", path="/app")
    released = Package(type="go-module", name="example.com/app", version="v0.9.0", purl="pkg:golang/example.com/app@v0.9.0", path="/app2")
    report = match_packages([devel, released], OSInfo(""), VulnDatabase(db))
    assert [u.package.version for u in report.unmatched] == ["(devel)"]
    assert "source tree" in report.unmatched[0].reason
    assert report.warnings == []
    assert [f.id for f in report.findings] == ["GO-2099-0001"]
