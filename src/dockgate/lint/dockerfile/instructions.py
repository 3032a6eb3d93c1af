"""Instruction rules: ADD, COPY of the whole context, EXPOSE 22, HEALTHCHECK, exec form."""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.lint.dockerfile.context import LintContext
from dockgate.lint.engine import Finding, Rule, register
from dockgate.severity import Severity

ADD_URL = register(Rule(
    "DG-DF-008", "ADD fetches a remote URL", Severity.MEDIUM,
    "ADD <url> downloads at build time without verifying what it got, and the download is not "
    "reproducible.",
    "Download in a RUN step and verify a checksum (or use ADD --checksum=sha256:...), or vendor the file.",
    family="dockerfile", tags=("add",),
))
ADD_LOCAL = register(Rule(
    "DG-DF-009", "ADD used for plain local files", Severity.LOW,
    "ADD also extracts archives and fetches URLs; for plain files that hidden behaviour only adds surprise.",
    "Use COPY for local files and directories; keep ADD for archives that must be extracted.",
    family="dockerfile", tags=("add",),
))
COPY_CONTEXT_UNFILTERED = register(Rule(
    "DG-DF-010", "Whole build context copied without a .dockerignore", Severity.MEDIUM,
    "COPY . . with no .dockerignore puts everything next to the Dockerfile in the image: .git, .env "
    "files, keys, local build output.",
    "Add a .dockerignore beside the Dockerfile (exclude .git, .env*, secrets, build output) or copy "
    "only the paths the build needs.",
    family="dockerfile", tags=("copy", "secrets"),
))
EXPOSE_SSH = register(Rule(
    "DG-DF-011", "EXPOSE 22 (SSH) in the image", Severity.MEDIUM,
    "Containers should not run an SSH daemon: it is one more service to patch and a door past the "
    "orchestrator's access controls.",
    "Remove EXPOSE 22 and the SSH server; use `docker exec` / `kubectl exec` for debugging.",
    family="dockerfile", tags=("network",),
))
NO_HEALTHCHECK = register(Rule(
    "DG-DF-012", "No HEALTHCHECK in the final stage", Severity.LOW,
    "Without a health check the runtime only knows whether the process exists, not whether it serves.",
    "Add HEALTHCHECK CMD [\"/app\", \"-healthcheck\"] (exec form), or suppress with a reason when the "
    "orchestrator probes the container itself (Kubernetes ignores HEALTHCHECK): the finding is on the "
    "final stage's FROM line, so put the comment above that FROM.",
    family="dockerfile", tags=("runtime",),
))
SHELL_FORM = register(Rule(
    "DG-DF-013", "Shell-form ENTRYPOINT or CMD", Severity.LOW,
    "The shell form wraps the program in /bin/sh -c: the shell is PID 1, SIGTERM never reaches the "
    "application, so stops are not graceful; it also needs a shell in the image.",
    "Use the exec (JSON) form: CMD [\"./app\", \"--flag\"].",
    family="dockerfile", tags=("runtime",),
))
RULES = (ADD_URL, ADD_LOCAL, COPY_CONTEXT_UNFILTERED, EXPOSE_SSH, NO_HEALTHCHECK, SHELL_FORM)

_URL_RE = re.compile(r"^(?:https?|ftp)://", re.I)
_GIT_RE = re.compile(r"^git@|\.git(?:#.*)?$|^git://", re.I)
_ARCHIVE_RE = re.compile(r"\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|tar\.lz4)$", re.I)
_WHOLE_CONTEXT = {".", "./", ".\\", "*", "./*"}


def _ports(text: str) -> range:
    port = text.split("/", 1)[0]
    low, _, high = port.partition("-")
    try:
        return range(int(low), int(high or low) + 1)
    except ValueError:
        return range(0)


def run(context: LintContext) -> Iterator[Finding]:
    final = context.model.final
    in_final = {id(stage) for stage in final.chain()}
    for stage in context.model.stages:
        for instruction in stage.instructions:
            keyword = instruction.keyword
            sources = list(instruction.args[:-1]) if not instruction.heredocs else []
            if keyword == "ADD":
                urls = [s for s in sources if _URL_RE.match(s) and not _GIT_RE.search(s)]
                if urls and instruction.flag("checksum") is None:
                    yield context.finding(ADD_URL, instruction, f"ADD downloads {urls[0]} without a checksum", stage, urls[0])
                local = [s for s in sources if not _URL_RE.match(s) and not _GIT_RE.search(s) and not _ARCHIVE_RE.search(s)]
                if local:
                    yield context.finding(ADD_LOCAL, instruction, f"ADD copies local {local[0]!r}; use COPY", stage)
            if keyword in ("COPY", "ADD") and instruction.flag("from") is None and context.dockerignore is None:
                whole = [s for s in sources if s in _WHOLE_CONTEXT]
                if whole:
                    yield context.finding(COPY_CONTEXT_UNFILTERED, instruction, f"{keyword} {' '.join(instruction.args)} copies the whole build "
                                          "context and there is no .dockerignore beside the Dockerfile", stage)
            if keyword == "EXPOSE":
                for port in instruction.args:
                    if 22 in _ports(port):
                        yield context.finding(EXPOSE_SSH, instruction, f"EXPOSE {port} publishes the SSH port", stage, port)
            if keyword in ("ENTRYPOINT", "CMD") and not instruction.json_form and id(stage) in in_final:
                yield context.finding(SHELL_FORM, instruction, f"{keyword} uses the shell form; use the exec (JSON) form", stage)
    if not final.chain_instructions("HEALTHCHECK"):
        yield context.finding(NO_HEALTHCHECK, final.from_instruction, f"the final {final.label} has no HEALTHCHECK", final)
