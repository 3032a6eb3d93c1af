"""The project's motivating Go hello-world Dockerfile, and its hardened multi-stage version."""

from __future__ import annotations

import shutil
from pathlib import Path

from dockgate.lint.dockerfile import lint_file

DATA = Path(__file__).parent / "data"


def test_motivating_example_gets_the_findings_a_reviewer_expects() -> None:
    result = lint_file(DATA / "motivating" / "Dockerfile")
    found = {(f.rule.id, f.location.line) for f in result.findings}
    assert found == {
        ("DG-DF-003", 1),  # golang 1.15 is end of life
        ("DG-DF-002", 1),  # not pinned by digest
        ("DG-DF-005", 1),  # no USER: runs as root
        ("DG-DF-012", 1),  # no HEALTHCHECK
        ("DG-DF-010", 3),  # COPY . . without .dockerignore
        ("DG-DF-006", 4),  # go build in the golang image that ships
    }
    eol = next(f for f in result.findings if f.rule.id == "DG-DF-003")
    assert "golang 1.15" in eol.message and "end of life" in eol.message


def test_hardened_multi_stage_version_passes_clean() -> None:
    result = lint_file(DATA / "hardened" / "Dockerfile")
    assert result.findings == [] and result.warnings == []
    assert result.suppressed == 1  # the documented HEALTHCHECK suppression


def test_hardened_version_without_its_dockerignore_or_suppression_is_flagged(tmp_path: Path) -> None:
    copy = tmp_path / "Dockerfile"
    shutil.copy(DATA / "hardened" / "Dockerfile", copy)
    assert {f.rule.id for f in lint_file(copy).findings} == {"DG-DF-010"}
    copy.write_text(copy.read_text().replace("# dockgate:ignore DG-DF-012 Kubernetes", "# Kubernetes"))
    (tmp_path / "Dockerfile.dockerignore").write_text(".git\n")  # BuildKit's per-Dockerfile ignore file counts too
    assert {f.rule.id for f in lint_file(copy).findings} == {"DG-DF-012"}


def test_gate_entry_point_returns_unsuppressed_findings_and_refuses_bad_input(tmp_path: Path) -> None:
    import pytest

    from dockgate.errors import InputError
    from dockgate.gate.providers import default_providers
    from dockgate.lint.dockerfile import gate_dockerfile_findings

    assert default_providers().dockerfile is gate_dockerfile_findings
    assert len(gate_dockerfile_findings(DATA / "motivating" / "Dockerfile")) == 6
    assert gate_dockerfile_findings(DATA / "hardened" / "Dockerfile") == []
    with pytest.raises(InputError, match="no such file"):
        gate_dockerfile_findings(tmp_path / "Dockerfile")
