"""What every Dockerfile rule sees: the parsed file, its stage model and the run's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dockgate.lint.dockerfile.parse import Instruction, ParsedDockerfile
from dockgate.lint.dockerfile.stages import BuildModel, Stage
from dockgate.lint.engine import Finding, Location, Rule, Selection


@dataclass(frozen=True)
class LintOptions:
    selection: Selection = field(default_factory=Selection)
    allowed_registries: tuple[str, ...] = ()  # empty: any registry
    build_args: tuple[tuple[str, str], ...] = ()
    target: str | None = None


@dataclass
class LintContext:
    parsed: ParsedDockerfile
    model: BuildModel
    options: LintOptions
    dockerignore: Path | None  # the ignore file that applies, if any

    @property
    def path(self) -> str:
        return self.parsed.path

    def finding(self, rule: Rule, instruction: Instruction, message: str, stage: Stage | None = None,
                needle: str | None = None) -> Finding:
        """A finding at ``instruction`` (column of ``needle`` on its first line when given)."""
        column = self.parsed.column_of(instruction.line, needle, instruction.column) if needle else instruction.column
        location = Location(self.path, instruction.line, column, instruction.end_line)
        return Finding(rule, message, location, obj=stage.label if stage else None, field_path=instruction.keyword)
