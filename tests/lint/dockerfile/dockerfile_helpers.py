"""Helpers for the Dockerfile lint tests: write a Dockerfile into a real folder and check it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from dockgate.lint.dockerfile import LintOptions, lint_file
from dockgate.lint.dockerfile.runner import FileResult
from dockgate.lint.engine import Selection

DIGEST = "sha256:" + "a1" * 32


def write_dockerfile(folder: Path, text: str, dockerignore: bool = False, name: str = "Dockerfile") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    if dockerignore:
        (folder / ".dockerignore").write_text(".git\n.env\n")
    return path


def lint_text(folder: Path, text: str, select: str | None = None, ignore: str | None = None, dockerignore: bool = False,
              allowed: tuple[str, ...] = (), build_args: tuple[tuple[str, str], ...] = (), target: str | None = None) -> FileResult:
    path = write_dockerfile(folder, text, dockerignore)
    return lint_file(path, LintOptions(Selection.parse(select, ignore), allowed, build_args, target))


def ids(result: FileResult) -> list[str]:
    return sorted({f.rule.id for f in result.findings})
