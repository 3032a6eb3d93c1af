"""The final stage must not run as root."""

from __future__ import annotations

from typing import Iterator

from dockgate.lint.dockerfile.context import LintContext
from dockgate.lint.dockerfile.images import parse_base
from dockgate.lint.engine import Finding, Rule, register
from dockgate.severity import Severity

ROOT_USER = register(Rule(
    "DG-DF-005", "Final stage runs as root", Severity.HIGH,
    "Without a USER instruction (or with USER root/0) the container's processes run as root: a "
    "compromise of the application becomes root in the container, one kernel bug away from the host.",
    "Add a non-root user and switch to it in the final stage, e.g. USER 65532:65532 (or a named user).",
    family="dockerfile", tags=("user",),
))
RULES = (ROOT_USER,)

_ROOT_NAMES = {"root", "0"}


def run(context: LintContext) -> Iterator[Finding]:
    final = context.model.final
    users = final.chain_instructions("USER")
    if not users:
        base = parse_base(final.external_base or "")
        if base is not None and base.tag and "nonroot" in base.tag:
            return  # e.g. gcr.io/distroless/static:nonroot sets a non-root user itself
        yield context.finding(ROOT_USER, final.from_instruction, f"no USER instruction in the final {final.label}: "
                              "the container runs as the base image's user, which is root for most images", final)
        return
    last = users[-1]
    user = (last.args[0] if last.args else "").split(":", 1)[0].strip().lower()
    if user in _ROOT_NAMES:
        yield context.finding(ROOT_USER, last, f"the final {final.label} switches to USER {last.args[0]} and runs as root", final)
