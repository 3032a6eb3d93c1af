"""Secrets in an image's config JSON: Env values, Labels and the history's created_by commands.

Everything there ships with the image, so each string is run through the content rules, and
``NAME=value`` pairs (Env, Labels, and ENV/ARG steps in the history) whose name says it holds
a secret (DB_PASSWORD, API_TOKEN...) are reported even when the value is not random-looking.
"""

from __future__ import annotations

import re
from typing import Any

from dockgate.secrets.allowlist import AllowList
from dockgate.secrets.checks import is_placeholder
from dockgate.secrets.model import IN_CONFIG, IN_HISTORY, SECRET, SecretFinding, mask, sha256_hex
from dockgate.secrets.rules import BUILTIN_RULES, SecretRule
from dockgate.secrets.scanner import ContentScanner
from dockgate.severity import Severity

MAX_STRING = 1 << 20
SECRET_NAME = re.compile(
    r"(?i)(?:^|[_.\-])(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRET_KEY|TOKEN|AUTH_TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$"
)
NOT_A_VALUE_NAME = re.compile(r"(?i)_(?:FILE|PATH|DIR|URL_FILE|NAME|USER|ID)$")
_PAIR = re.compile(r"(?<![^\s])([A-Za-z_][A-Za-z0-9_.\-]{0,100})=(\"[^\"]{0,500}\"|'[^']{0,500}'|[^\s\"']{1,500})")

ENV_RULE = SecretRule("env-secret", "Secret in an environment variable or label", Severity.HIGH, r"(?!)")


def _secret_pair(name: str, value: str, allowlist: AllowList) -> bool:
    value = value.strip("'\"")
    if not SECRET_NAME.search(name) or NOT_A_VALUE_NAME.search(name):
        return False
    if not value or is_placeholder(value) or value.startswith("/") or allowlist.value_allowed(value):
        return False
    return "env-secret" not in allowlist.rules


class ConfigScanner:
    def __init__(self, allowlist: AllowList | None = None, rules: tuple[SecretRule, ...] | list[SecretRule] = BUILTIN_RULES) -> None:
        self.allowlist = allowlist if allowlist is not None else AllowList()
        self.content = ContentScanner(rules, self.allowlist)

    def scan(self, config: dict[str, Any]) -> list[SecretFinding]:
        findings: list[SecretFinding] = []
        inner = config.get("config") if isinstance(config.get("config"), dict) else {}
        env = inner.get("Env") if isinstance(inner.get("Env"), list) else []
        for i, item in enumerate(env):
            if isinstance(item, str):
                name, _, value = item.partition("=")
                self._string(findings, IN_CONFIG, f"config.Env[{i}]", item, [(name, value)])
        labels = inner.get("Labels") if isinstance(inner.get("Labels"), dict) else {}
        for key in sorted(labels):
            value = labels[key]
            if isinstance(key, str) and isinstance(value, str):
                self._string(findings, IN_CONFIG, f"config.Labels[{key}]", f"{key}={value}", [(key, value)])
        history = config.get("history") if isinstance(config.get("history"), list) else []
        for i, step in enumerate(history):
            created_by = step.get("created_by") if isinstance(step, dict) else None
            if isinstance(created_by, str):
                self._string(findings, IN_HISTORY, f"history[{i}].created_by", created_by, _assignments(created_by))
        return findings

    def _string(self, findings: list[SecretFinding], location: str, where: str, text: str, pairs: list[tuple[str, str]]) -> None:
        text = text[:MAX_STRING]
        seen: set[str] = set()
        for match in self.content.scan(text.encode("utf-8", "surrogateescape"), ""):
            seen.add(match.value)
            findings.append(_finding(match.rule, location, where, match.value))
        for name, value in pairs:
            value = value.strip("'\"")
            if value not in seen and _secret_pair(name, value, self.allowlist):
                seen.add(value)
                findings.append(_finding(ENV_RULE, location, where, value, f"{name} holds a secret"))


def _assignments(command: str) -> list[tuple[str, str]]:
    """NAME=value pairs of an ENV/ARG step or of a RUN command's inline variables."""
    return [(m.group(1), m.group(2)) for m in _PAIR.finditer(command[:MAX_STRING])]


def _finding(rule: SecretRule, location: str, where: str, value: str, detail: str = "") -> SecretFinding:
    return SecretFinding(rule.id, rule.title, rule.severity, SECRET, location, where, masked=mask(value), sha256=sha256_hex(value), detail=detail)


def scan_image_config(config: dict[str, Any], allowlist: AllowList | None = None) -> list[SecretFinding]:
    """Secrets in an image config JSON (``Inventory.image.config``): Env, Labels, history."""
    return ConfigScanner(allowlist).scan(config)
