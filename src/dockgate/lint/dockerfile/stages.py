"""The stage model of a (multi-stage) Dockerfile.

Each ``FROM`` opens a stage. A stage is based either on an external image (its reference
after substituting the global ``ARG`` defaults and any ``--build-arg`` values) or on an
earlier stage by name (``FROM build AS test``). The final stage is the last one, or the
``--target`` stage. :meth:`Stage.chain` walks from the external base up to the stage, so
inherited settings (USER, HEALTHCHECK, CMD) are seen through ``FROM stage`` chains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dockgate.errors import UsageError
from dockgate.lint.dockerfile.parse import Instruction, ParsedDockerfile

_VARIABLE_RE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass
class Stage:
    index: int
    name: str | None  # the AS name, lower case
    base_written: str  # the FROM argument as written
    base: str | None  # after ARG substitution; None when a variable stays unresolved
    from_instruction: Instruction
    parent: "Stage | None" = None  # the earlier stage this one is built FROM
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"stage {self.name}" if self.name else f"stage {self.index}"

    @property
    def external_base(self) -> str | None:
        """The image at the root of the FROM chain (``scratch`` included); None if unresolved."""
        root = self.chain()[0]
        return root.base

    def chain(self) -> list["Stage"]:
        """Stages from the one based on an external image up to this one."""
        stages: list[Stage] = []
        current: Stage | None = self
        while current is not None and current not in stages:
            stages.append(current)
            current = current.parent
        return stages[::-1]

    def chain_instructions(self, keyword: str) -> list[Instruction]:
        return [i for stage in self.chain() for i in stage.instructions if i.keyword == keyword]


@dataclass
class BuildModel:
    stages: list[Stage]
    final: Stage
    global_args: dict[str, str | None]

    def stages_in_final_image(self) -> list[Stage]:
        return self.final.chain()


def substitute(text: str, values: dict[str, str | None]) -> str | None:
    """Expand ``$X``, ``${X}``, ``${X:-default}``, ``${X:+alternative}``; None if a variable
    without a value is used without a default."""
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(4)
        operator, word = match.group(2), match.group(3) or ""
        value = values.get(name)
        if operator in (":-", "-"):
            return value if value else word
        if operator in (":+", "+"):
            return word if value else ""
        if value is None:
            unresolved = True
            return ""
        return value

    result = _VARIABLE_RE.sub(replace, text)
    return None if unresolved else result


def build_model(parsed: ParsedDockerfile, build_args: dict[str, str] | None = None, target: str | None = None) -> BuildModel:
    build_args = build_args or {}
    global_args: dict[str, str | None] = {}
    stages: list[Stage] = []
    by_name: dict[str, Stage] = {}
    current: Stage | None = None
    for item in parsed.instructions:
        if item.keyword == "FROM":
            written = item.args[0]
            resolved = substitute(written, global_args)
            name = item.args[2].lower() if len(item.args) == 3 else None
            parent = by_name.get(resolved.lower()) if resolved else None
            current = Stage(len(stages), name, written, resolved, item, parent)
            stages.append(current)
            if name:
                by_name[name] = current
        elif current is None:  # global ARG before the first FROM
            if item.keyword == "ARG":
                for declaration in item.args:
                    key, sep, default = declaration.partition("=")
                    global_args[key] = build_args.get(key, default if sep else None)
        else:
            current.instructions.append(item)
    final = stages[-1]
    if target is not None:
        final = by_name.get(target.lower()) or _missing_target(target, by_name)
    return BuildModel(stages, final, global_args)


def _missing_target(target: str, by_name: dict[str, Stage]) -> Stage:
    known = ", ".join(sorted(by_name)) or "none"
    raise UsageError(f"--target {target!r}: no stage of that name (stages: {known})")
