"""Policy loading: template validity, schema errors that name the line, hostile YAML refused."""

from __future__ import annotations

import datetime
import json

import jsonschema
import pytest

from dockgate.cli import main
from dockgate.errors import InputError
from dockgate.policy import load_policy, parse_policy
from dockgate.policy.load import PolicyError
from dockgate.policy.schema import policy_schema
from dockgate.policy.template import POLICY_TEMPLATE
from dockgate.severity import Severity


def test_template_is_valid_and_strict() -> None:
    policy = parse_policy(POLICY_TEMPLATE, "p.yaml")
    assert policy.vulnerabilities.fail_on == {Severity.CRITICAL, Severity.HIGH}
    assert policy.images.require_digest and policy.images.forbid_latest
    assert policy.pod_security.level == "restricted"
    assert policy.admission is not None and policy.admission.failure_mode == "closed"
    # every setting remembers its line in the template
    lines = POLICY_TEMPLATE.splitlines()
    assert lines[policy.images.digest_ref.line - 1].strip() == "requireDigest: true"
    assert lines[policy.vulnerabilities.fail_on_ref.line - 1].strip().startswith("failOn:")


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(policy_schema())


def test_errors_name_the_line() -> None:
    text = POLICY_TEMPLATE.replace("requireDigest: true", "requireDigest: maybe").replace("level: restricted", "level: strict")
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "team.yaml")
    lines = text.splitlines()
    problems = info.value.problems
    assert len(problems) == 2
    for problem in problems:
        where = int(problem.split(":")[1])
        assert "maybe" in lines[where - 1] or "strict" in lines[where - 1]


def test_unknown_key_is_reported_with_its_line() -> None:
    text = "apiVersion: dockgate.dev/v1\nkind: Policy\nimages:\n  requireDigests: true\n"
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "p.yaml")
    assert info.value.problems[0].startswith("p.yaml:3: at images: unknown key(s)")


def test_ignore_entries_need_reason_and_real_expiry() -> None:
    base = "apiVersion: dockgate.dev/v1\nkind: Policy\nvulnerabilities:\n  ignore:\n"
    with pytest.raises(PolicyError) as info:
        parse_policy(base + "    - id: CVE-1\n      expires: 2026-01-01\n", "p.yaml")
    assert "p.yaml:5" in info.value.problems[0] and "reason" in info.value.problems[0]
    with pytest.raises(PolicyError, match=r"p.yaml:7: at vulnerabilities.ignore\[0\].expires: '2026-02-31' is not a 'date'"):
        parse_policy(base + "    - id: CVE-1\n      reason: accepted\n      expires: 2026-02-31\n", "p.yaml")
    policy = parse_policy(base + "    - id: CVE-1\n      reason: accepted\n      expires: 2026-02-28\n", "p.yaml")
    entry = policy.vulnerabilities.ignore[0]
    assert entry.expires == datetime.date(2026, 2, 28) and entry.ref.line == 5
    assert entry.active(datetime.date(2026, 2, 28)) and not entry.active(datetime.date(2026, 3, 1))


def test_required_signatures_need_enough_keys(tmp_path) -> None:
    text = "apiVersion: dockgate.dev/v1\nkind: Policy\nsignatures:\n  required: true\n  keys: [a.pub]\n  minimum: 2\n"
    with pytest.raises(PolicyError, match="p.yaml:4"):
        parse_policy(text, "p.yaml", base_dir=tmp_path)
    ok = parse_policy(text.replace("minimum: 2", "minimum: 1"), "p.yaml", base_dir=tmp_path)
    assert ok.signatures.keys == (str(tmp_path / "a.pub"),)


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("apiVersion: !!python/object:os.system x\n", "tag"),
        ("kind: [\n", "not valid YAML"),
        ("a: 1\n---\nb: 2\n", "exactly one YAML document"),
        ("a: 1\na: 2\n", "duplicate key"),
        ("[" * 100 + "]" * 100, "nesting"),
        ("- 1\n", "a policy is a mapping"),
    ],
)
def test_hostile_or_broken_yaml_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_policy(text, "p.yaml")


def test_load_policy_file_errors(tmp_path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_policy(tmp_path / "missing.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="not UTF-8"):
        load_policy(tmp_path / "bin.yaml")
    with pytest.raises(InputError, match="directory"):
        load_policy(tmp_path)


def test_cli_init_check_schema(tmp_path, capsys) -> None:
    target = tmp_path / "policy.yaml"
    assert main(["policy", "init", "-o", str(target)]) == 0
    assert target.read_text() == POLICY_TEMPLATE
    assert main(["policy", "init", "-o", str(target)]) == 2  # refuses to overwrite
    assert main(["policy", "check", str(target)]) == 0
    assert "valid policy" in capsys.readouterr().out
    assert main(["policy", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == policy_schema()
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: dockgate.dev/v1\nkind: Policy\npodSecurity:\n  level: none\n")
    assert main(["policy", "check", str(bad), "-f", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["errors"][0].startswith(f"{bad}:4: at podSecurity.level")


def test_check_warns_about_expired_ignores(tmp_path, capsys) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "apiVersion: dockgate.dev/v1\nkind: Policy\nvulnerabilities:\n  ignore:\n"
        "    - {id: CVE-OLD, reason: was accepted, expires: 2020-01-01}\n"
        "    - {id: CVE-NEW, reason: accepted, expires: 2999-01-01}\n"
    )
    assert main(["policy", "check", str(policy)]) == 0
    captured = capsys.readouterr()
    assert f"{policy}:5: ignore entry for CVE-OLD expired on 2020-01-01" in captured.err and "CVE-NEW" not in captured.err
    assert main(["policy", "check", str(policy), "-f", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["warnings"]) == 1
