"""Secrets in manifests: literal secret-looking env values, and Secret objects with data."""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.severity import Severity

ENV_LITERAL = register(Rule(
    "DG-K8S-014", "Secret-looking literal value in env", Severity.HIGH,
    "A credential written into the manifest is in version control, in `kubectl get -o yaml` and in every copy of the file.",
    "Store it in a Secret and reference it with env[].valueFrom.secretKeyRef.",
    family="k8s", tags=("secrets",),
))
SECRET_DATA = register(Rule(
    "DG-K8S-015", "Secret object committed with data", Severity.HIGH,
    "A Secret manifest carries its values base64-encoded, not encrypted: committing it publishes the secret.",
    "Keep Secret values out of the repository (sealed-secrets, SOPS, external-secrets, or create them at deploy time).",
    family="k8s", tags=("secrets",),
))
RULES = (ENV_LITERAL, SECRET_DATA)

SECRET_NAME = re.compile(r"(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH|DSN|CONN(ECTION)?_?STR)", re.I)
NOT_SECRET_NAME = re.compile(r"(_FILE|_PATH|_DIR|_URL|_URI|_ENDPOINT|_HOST|_PORT|_NAME|_USER(NAME)?|_TTL|_TIMEOUT|_LENGTH|_EXPIRY|_ENABLED|_HEADER|_TYPE|_MODE)$", re.I)
SECRET_VALUE = re.compile(
    r"(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|xox[abpors]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.|AIza[0-9A-Za-z_-]{35}"
    r"|[a-z]+://[^/\s:@]+:[^/\s@]+@)"
)
PLACEHOLDER = re.compile(r"^(\$\(.*\)|\$\{.*\}|<.*>|changeme|true|false|yes|no|none|null|\*+|/.*)$", re.I)


def looks_secret(name: str, value: str) -> bool:
    if SECRET_VALUE.search(value):
        return True
    if not value or PLACEHOLDER.match(value.strip()):
        return False
    return bool(SECRET_NAME.search(name)) and not NOT_SECRET_NAME.search(name)


def run(context: CheckContext) -> Iterator[Finding]:
    for pod in context.pods:
        for container in pod.containers():
            env = container.body.get("env")
            for index, item in enumerate(env if isinstance(env, list) else []):
                if not isinstance(item, dict) or not isinstance(item.get("value"), str):
                    continue
                name = str(item.get("name") or "")
                if looks_secret(name, item["value"]):
                    yield finding(ENV_LITERAL, pod.obj, container.path + ("env", index, "value"),
                                  f"container {container.name!r} sets {name} to a literal secret-looking value")
    for secret in context.of_kind("Secret"):
        for field in ("data", "stringData"):
            values = secret.body.get(field)
            if isinstance(values, dict) and values:
                keys = ", ".join(sorted(map(str, values))[:5])
                yield finding(SECRET_DATA, secret, (field,), f"Secret {secret.name!r} has {field} ({keys}) in the manifest")
