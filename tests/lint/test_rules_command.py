"""``dockgate rules``: every rule of every family, as a table or JSON, filterable."""

from __future__ import annotations

import json

import pytest

from dockgate.cli import main
from dockgate.lint.families import FAMILY_MODULES, all_family_rules


def _rules(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, str]]:
    assert main(["rules", "-f", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_lists_every_family_with_full_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    rules = _rules(capsys)
    families = {r["family"] for r in rules}
    assert {"dockerfile", "k8s", "pss"} <= families
    assert len({r["id"] for r in rules}) == len(rules)
    assert sum(r["family"] == "dockerfile" for r in rules) == 19
    for rule in rules:
        assert rule["title"] and rule["rationale"] and rule["fix"], rule["id"]
        assert rule["severity"] in {"low", "medium", "high", "critical"}
    eol = next(r for r in rules if r["id"] == "DG-DF-003")
    assert eol["severity"] == "high" and "eol" in eol["tags"]


def test_select_ignore_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert {r["family"] for r in _rules(capsys, "--select", "dockerfile")} == {"dockerfile"}
    assert [r["id"] for r in _rules(capsys, "--select", "DG-DF-01", "--ignore", "DG-DF-011,DG-DF-012")] == [
        f"DG-DF-0{n}" for n in (10, 13, 14, 15, 16, 17, 18, 19)]
    assert main(["rules", "--select", "DG-DF-003"]) == 0
    out = capsys.readouterr().out
    assert "DG-DF-003" in out and "end of life" in out and "1 rule(s)" in out


def test_registry_hook_names_each_family_and_reports_missing_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from dockgate.lint import families

    assert [label for label, _, _ in FAMILY_MODULES] == ["dockerfile", "k8s"]
    monkeypatch.setattr(families, "FAMILY_MODULES", (*FAMILY_MODULES, ("future", "dockgate.lint.not_written_yet", "rules")))
    found = all_family_rules()
    assert found.missing and found.missing[0].startswith("future (ModuleNotFoundError")
    assert any(r.family == "dockerfile" for r in found.rules) and any(r.family == "k8s" for r in found.rules)
