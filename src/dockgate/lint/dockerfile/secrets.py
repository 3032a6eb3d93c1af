"""Secrets baked into the image through ENV or ARG (by variable name and by value shape)."""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.lint.dockerfile.context import LintContext
from dockgate.lint.dockerfile.parse import Instruction
from dockgate.lint.dockerfile.stages import Stage
from dockgate.lint.engine import Finding, Rule, register
from dockgate.severity import Severity

SECRET_IN_ENV_ARG = register(Rule(
    "DG-DF-007", "Secret in ENV or ARG", Severity.HIGH,
    "ENV values are stored in the image configuration and ARG values in its history: anyone who can "
    "pull the image can read them.",
    "Pass secrets at build time with RUN --mount=type=secret, and at run time from the orchestrator's "
    "secret store (env from a Secret, mounted files), never in the Dockerfile.",
    family="dockerfile", tags=("secrets",),
))
RULES = (SECRET_IN_ENV_ARG,)

_SECRET_WORDS = {"password", "passwd", "passphrase", "secret", "token", "apikey", "credential", "credentials",
                 "privatekey", "accesskey", "secretkey", "clientsecret", "authtoken"}
_NOT_SECRET_SUFFIXES = {"file", "path", "dir", "url", "uri", "host", "port", "name", "user", "username",
                        "endpoint", "header", "type", "length", "id", "env", "var", "location", "policy"}
_VALUE_SHAPES = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a Stripe secret key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{16,}\b")),
    ("a URL with an embedded password", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@$]+@[^\s/]+", re.I)),
)


def secret_name(name: str) -> bool:
    """API_TOKEN, DB_PASSWORD, aws_secret_access_key: yes; PASSWORD_FILE, TOKEN_URL: no."""
    words = [w for w in re.split(r"[_\-.]+", name.lower()) if w]
    if not words or words[-1] in _NOT_SECRET_SUFFIXES:
        return False
    joined = {words[i] + words[i + 1] for i in range(len(words) - 1)}
    return any(w in _SECRET_WORDS for w in (*words, *joined))


def value_shape(value: str) -> str | None:
    for label, pattern in _VALUE_SHAPES:
        if pattern.search(value):
            return label
    return None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _pairs(instruction: Instruction) -> list[tuple[str, str | None]]:
    if instruction.keyword == "ENV":
        args = instruction.args
        return [(args[i], _unquote(args[i + 1]) if i + 1 < len(args) else "") for i in range(0, len(args), 2)]
    pairs: list[tuple[str, str | None]] = []
    for declaration in instruction.args:
        name, sep, default = declaration.partition("=")
        pairs.append((name, _unquote(default) if sep else None))
    return pairs


def _check(context: LintContext, instruction: Instruction, stage: Stage | None) -> Iterator[Finding]:
    for name, value in _pairs(instruction):
        shape = value_shape(value) if value else None
        if shape:
            yield context.finding(SECRET_IN_ENV_ARG, instruction, f"{instruction.keyword} {name} holds a value that looks like "
                                  f"{shape}", stage, name)
        elif secret_name(name) and (instruction.keyword == "ARG" or (value and not value.startswith("$"))):
            how = "sets a literal value" if instruction.keyword == "ENV" else "is a build argument (recorded in the image history)"
            yield context.finding(SECRET_IN_ENV_ARG, instruction, f"{instruction.keyword} {name} is named like a secret and {how}",
                                  stage, name)


def run(context: LintContext) -> Iterator[Finding]:
    for stage in context.model.stages:
        for instruction in stage.instructions:
            if instruction.keyword in ("ENV", "ARG"):
                yield from _check(context, instruction, stage)
    for instruction in context.parsed.instructions:
        if instruction.keyword == "ARG" and instruction.line < context.model.stages[0].from_instruction.line:
            yield from _check(context, instruction, None)
