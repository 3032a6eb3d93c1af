"""RUN rules: piping downloads to a shell, package installs, upgrades, sudo, chmod 777."""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.lint.dockerfile.context import LintContext
from dockgate.lint.dockerfile.parse import Instruction
from dockgate.lint.dockerfile.shellwords import program, simple_commands
from dockgate.lint.dockerfile.stages import Stage
from dockgate.lint.engine import Finding, Rule, register
from dockgate.severity import Severity

PIPE_TO_SHELL = register(Rule(
    "DG-DF-014", "Download piped into a shell (curl | sh)", Severity.HIGH,
    "Running a script straight from the network executes whatever the server (or anyone on the path) "
    "returns at build time, unverified and unreproducible.",
    "Download to a file, verify its checksum or signature, then run it; better, install a pinned package.",
    family="dockerfile", tags=("supply-chain",),
))
UNPINNED_PACKAGES = register(Rule(
    "DG-DF-015", "Packages installed without version pinning", Severity.LOW,
    "apt-get/apk/pip installs without versions pull whatever is newest at build time: two builds of "
    "the same Dockerfile differ.",
    "Pin versions (apt-get install curl=8.5.0-2, apk add curl=8.5.0-r0, pip install requests==2.32.3) "
    "or install from a lock/requirements file with pins.",
    family="dockerfile", tags=("packages",),
))
PACKAGE_CACHE = register(Rule(
    "DG-DF-016", "Package manager cache left in the image", Severity.LOW,
    "Package indexes and download caches left in a layer bloat the image and ship stale metadata.",
    "In the same RUN: apt-get ... && rm -rf /var/lib/apt/lists/*; apk add --no-cache; pip install "
    "--no-cache-dir (or use RUN --mount=type=cache).",
    family="dockerfile", tags=("packages",),
))
DIST_UPGRADE = register(Rule(
    "DG-DF-017", "apt-get upgrade / dist-upgrade in the Dockerfile", Severity.LOW,
    "Upgrading every package in a build makes the image depend on the day it was built and can pull in "
    "unexpected major changes; fixes belong in a newer base image.",
    "Use a newer (pinned) base image; upgrade only the specific packages you need, pinned.",
    family="dockerfile", tags=("packages",),
))
SUDO = register(Rule(
    "DG-DF-018", "sudo used or installed", Severity.MEDIUM,
    "Build steps already run as the current USER; sudo adds an unpredictable privilege escalation path "
    "and TTY/signal surprises in the runtime image.",
    "Run privileged steps before switching USER (or use gosu/su-exec at startup if truly needed).",
    family="dockerfile", tags=("user",),
))
WORLD_WRITABLE = register(Rule(
    "DG-DF-019", "chmod 777 (world-writable files)", Severity.MEDIUM,
    "World-writable files and directories let any process in the container replace code or data.",
    "Grant the least permissions needed (e.g. chown the app user and chmod 755/644).",
    family="dockerfile", tags=("permissions",),
))
RULES = (PIPE_TO_SHELL, UNPINNED_PACKAGES, PACKAGE_CACHE, DIST_UPGRADE, SUDO, WORLD_WRITABLE)

_SHELLS = r"(?:ba|da|z|k|a|fi)?sh"
# A script interpreter reading the program from stdin (``| python3``, ``| perl -``), not ``| python -c ...``.
_STDIN_INTERPRETERS = r"(?:python[0-9.]*|perl|ruby|node)(?:\s+-)?\s*(?:$|[;&|)\n])"
_PIPE_TO_SHELL_RE = re.compile(
    r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:/\S*/)?"
    rf"(?:(?:{_SHELLS})\b|{_STDIN_INTERPRETERS})"
    rf"|\b(?:{_SHELLS})\s+(?:-\S+\s+)*(?:-c\s+)?[\"']?(?:\$\(|<\(|`)\s*(?:curl|wget)\b",
    re.M,
)
_UPGRADE_RE = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*(?:dist-upgrade|full-upgrade|upgrade)\b")
_CHMOD_777_RE = re.compile(r"^(?:0?777|[augo]*a[augo]*\+rwx|ugo\+rwx|o\+rwx)$")
_APT_LISTS_CLEAN_RE = re.compile(r"\brm\s+(?:-\S+\s+)+[\"']?/var/lib/apt/lists")
_APK_CACHE_CLEAN_RE = re.compile(r"\brm\s+(?:-\S+\s+)+[\"']?/var/cache/apk")
_PIP_OPTIONS_WITH_VALUE = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
                           "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
                           "--platform", "--python-version", "--implementation", "--abi", "--trusted-host", "--src"}
_APK_OPTIONS_WITH_VALUE = {"-t", "--virtual", "-X", "--repository", "--root", "-p", "--arch", "--keys-dir"}
_APT_OPTIONS_WITH_VALUE = {"-o", "-t", "--target-release", "-c", "--config-file"}


def _packages(words: list[str], start: int, options_with_value: set[str]) -> list[str]:
    packages: list[str] = []
    skip = False
    for word in words[start:]:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in options_with_value
        else:
            packages.append(word)
    return packages


def _pip_words(words: list[str]) -> list[str] | None:
    """The words from ``install`` on, for pip / pip3 / python -m pip; else None."""
    name = program(words)
    if re.fullmatch(r"pip[0-9.]*", name):
        rest = words[1:]
    elif re.fullmatch(r"python[0-9.]*", name) and words[1:3] == ["-m", "pip"]:
        rest = words[3:]
    else:
        return None
    return rest if rest[:1] == ["install"] else None


def _package_steps(words: list[str]) -> tuple[str, list[str]] | None:
    """(manager, unpinned packages) when ``words`` installs packages."""
    name = program(words)
    if name in ("apt-get", "apt") and "install" in words:
        packages = _packages(words, words.index("install") + 1, _APT_OPTIONS_WITH_VALUE)
        return "apt", [p for p in packages if "=" not in p and not p.endswith(".deb") and "/" not in p]
    if name == "apk" and "add" in words:
        packages = _packages(words, words.index("add") + 1, _APK_OPTIONS_WITH_VALUE)
        return "apk", [p for p in packages if not re.search(r"[=~<>]", p) and not p.endswith(".apk")]
    pip = _pip_words(words)
    if pip is not None:
        if any(w in ("-r", "--requirement") or w.startswith("--requirement=") for w in pip):
            return "pip", []
        packages = _packages(pip, 1, _PIP_OPTIONS_WITH_VALUE)
        local = re.compile(r"^(?:\.|/|~)|\.(?:whl|tar\.gz|zip)$|://|\s@\s|@")
        return "pip", [p for p in packages if "==" not in p and not local.search(p)]
    return None


def _has_cache_mount(instruction: Instruction) -> bool:
    return any(f.startswith("--mount=") and "type=cache" in f for f in instruction.flags)


def _pip_cache_disabled(stage: Stage) -> bool:
    for instruction in stage.chain_instructions("ENV"):
        names = instruction.args[0::2]
        if "PIP_NO_CACHE_DIR" in names:
            return True
    return False


def _cache_left(manager: str, words: list[str], text: str, stage: Stage) -> str | None:
    if manager == "apt" and not _APT_LISTS_CLEAN_RE.search(text):
        return "apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN"
    if manager == "apk" and "--no-cache" not in words and not _APK_CACHE_CLEAN_RE.search(text):
        return "apk add without --no-cache"
    if manager == "pip" and "--no-cache-dir" not in words and not _pip_cache_disabled(stage):
        return "pip install without --no-cache-dir"
    return None


def _check_run(context: LintContext, instruction: Instruction, stage: Stage, in_final: bool) -> Iterator[Finding]:
    text = instruction.text
    if _PIPE_TO_SHELL_RE.search(text):
        yield context.finding(PIPE_TO_SHELL, instruction, "RUN pipes a download straight into an interpreter", stage)
    if _UPGRADE_RE.search(text):
        yield context.finding(DIST_UPGRADE, instruction, "RUN upgrades all distribution packages", stage)
    reported: set[str] = set()
    for words in simple_commands(text):
        step = _package_steps(words)
        if step is not None:
            manager, unpinned = step
            if unpinned and "unpinned" not in reported:
                reported.add("unpinned")
                more = f" (and {len(unpinned) - 1} more)" if len(unpinned) > 1 else ""
                yield context.finding(UNPINNED_PACKAGES, instruction, f"{manager} installs {unpinned[0]}{more} without a version", stage)
            cache = _cache_left(manager, words, text, stage) if in_final and not _has_cache_mount(instruction) else None
            if cache and manager not in reported:
                reported.add(manager)
                yield context.finding(PACKAGE_CACHE, instruction, cache, stage)
            installs_sudo = any(re.split(r"[=~<>]", w, maxsplit=1)[0] == "sudo" for w in words[1:])
            if installs_sudo and manager in ("apt", "apk") and "sudo" not in reported:
                reported.add("sudo")
                yield context.finding(SUDO, instruction, "RUN installs sudo", stage)
        if program(words) == "chmod" and any(_CHMOD_777_RE.match(w) for w in words[1:]) and "chmod" not in reported:
            reported.add("chmod")
            yield context.finding(WORLD_WRITABLE, instruction, "RUN makes files world-writable (chmod 777)", stage, "chmod")
    if re.search(r"(?:^|[\s;&|(])sudo\s", text) and "sudo" not in reported:
        yield context.finding(SUDO, instruction, "RUN uses sudo", stage, "sudo")


def run(context: LintContext) -> Iterator[Finding]:
    in_final = {id(stage) for stage in context.model.final.chain()}
    for stage in context.model.stages:
        for instruction in stage.instructions:
            if instruction.keyword == "RUN":
                yield from _check_run(context, instruction, stage, id(stage) in in_final)
            elif instruction.keyword in ("COPY", "ADD") and _CHMOD_777_RE.match(instruction.flag("chmod") or ""):
                yield context.finding(WORLD_WRITABLE, instruction, f"{instruction.keyword} --chmod={instruction.flag('chmod')} "
                                      "makes files world-writable", stage, "--chmod")
