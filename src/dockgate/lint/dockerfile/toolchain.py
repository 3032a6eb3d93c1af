"""Build toolchains left in the runtime image (single-stage builds that compile)."""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.lint.dockerfile.context import LintContext
from dockgate.lint.dockerfile.images import parse_base
from dockgate.lint.dockerfile.shellwords import program, simple_commands
from dockgate.lint.engine import Finding, Rule, register
from dockgate.severity import Severity

TOOLCHAIN_IN_RUNTIME = register(Rule(
    "DG-DF-006", "Build toolchain in the runtime image", Severity.MEDIUM,
    "Compiling in the image that ships leaves compilers, package managers, sources and build caches in "
    "production: a much larger attack surface and image, and tools an attacker can use.",
    "Use a multi-stage build: compile in a builder stage, then COPY --from=builder only the artifact "
    "into a minimal runtime image (distroless, alpine, scratch).",
    family="dockerfile", tags=("build",),
))
RULES = (TOOLCHAIN_IN_RUNTIME,)

# Last repository component of images that carry a compiler toolchain.
TOOLCHAIN_IMAGES = {"golang", "rust", "gcc", "maven", "gradle", "buildpack-deps", "sdk", "openjdk", "swift", "haskell", "erlang", "elixir"}
TOOLCHAIN_PACKAGES = {"build-essential", "build-base", "gcc", "g++", "clang", "make", "cmake", "golang", "golang-go", "go", "rustc", "cargo", "default-jdk", "maven", "gradle"}
_JDK_PACKAGE_RE = re.compile(r"^openjdk-?\d*-jdk")


def _compile_step(words: list[str]) -> str | None:
    """A short description when ``words`` compiles something, else None."""
    name = program(words)
    sub = words[1] if len(words) > 1 else ""
    if name == "go" and sub in ("build", "install"):
        return f"go {sub}"
    if name == "cargo" and sub in ("build", "install"):
        return f"cargo {sub}"
    if name == "dotnet" and sub in ("build", "publish"):
        return f"dotnet {sub}"
    if name in ("gcc", "g++", "cc", "c++", "clang", "rustc", "javac", "make", "cmake", "ninja", "swift", "ghc"):
        return name
    if name in ("mvn", "mvnw", "gradle", "gradlew") and any(w in ("package", "install", "verify", "build", "assemble", "bootJar") for w in words[1:]):
        return name
    return None


def _installs_toolchain(words: list[str]) -> str | None:
    name = program(words)
    if (name in ("apt-get", "apt", "yum", "dnf", "microdnf") and "install" in words) or (name == "apk" and "add" in words):
        for word in words[2:]:
            package = re.split(r"[=~<>]", word, maxsplit=1)[0]
            if package in TOOLCHAIN_PACKAGES or _JDK_PACKAGE_RE.match(package):
                return package
    return None


def run(context: LintContext) -> Iterator[Finding]:
    final = context.model.final
    base = parse_base(final.external_base or "")
    base_name = base.repository.rsplit("/", 1)[-1] if base else ""
    toolchain = f"the {base_name} base image" if base_name in TOOLCHAIN_IMAGES else None
    for stage in final.chain():
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                continue
            for words in simple_commands(instruction.text):
                installed = _installs_toolchain(words)
                if installed and toolchain is None:
                    toolchain = f"the {installed} package it installs"
                step = _compile_step(words)
                if step and toolchain:
                    yield context.finding(TOOLCHAIN_IN_RUNTIME, instruction, f"the final {final.label} compiles "
                                          f"({step}) with {toolchain}: the toolchain ships in the runtime image", final, step.split()[0])
                    return
