"""Providers built on the other packages' public APIs: registry client, Kubernetes checks, signatures.

Each function here has the signature of one :mod:`dockgate.gate.providers` protocol.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from dockgate.errors import InputError
from dockgate.gate.providers import DigestResolver, SignatureVerifier
from dockgate.lint.engine import Finding
from dockgate.registry import RegistryClient, TransportOptions, parse_reference

ADMISSION_SOURCE = "<admission>"
# Rules that judge the whole input (is there a NetworkPolicy for these pods, a default deny in
# the namespace?) cannot be judged from the one object an AdmissionReview carries.
WHOLE_INPUT_RULES = ("DG-K8S-011", "DG-K8S-012")


def registry_digest_resolver(options: TransportOptions | None = None) -> DigestResolver:
    """Resolve ``image`` (a tag) to the manifest digest its registry serves now."""

    def resolve(image: str) -> str:
        reference = parse_reference(image)
        with RegistryClient.for_reference(reference, options) as client:  # one per call: the client is thread-unsafe
            return client.resolve(reference)

    return resolve


def resolve_digest(image: str) -> str:
    """:func:`registry_digest_resolver` with default transport options (system CAs)."""
    return registry_digest_resolver()(image)


def pss_version(text: str) -> tuple[int, int] | None:
    """``latest`` -> None; ``v1.30`` -> (1, 30)."""
    match = re.fullmatch(r"v(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def kubernetes_manifest_findings(paths: list[Path], pod_security_level: str, pod_security_version: str) -> list[Finding]:
    """Every Kubernetes rule (Pod Security Standards included) over manifest files and folders."""
    from dockgate.lint.k8s import CheckOptions, check_objects, load_inputs

    loaded = load_inputs([str(p) for p in paths])
    if loaded.errors:
        raise InputError(str(loaded.errors[0]))
    return check_objects(loaded.objects, CheckOptions(pss_level=pod_security_level, pss_version=pss_version(pod_security_version)))


def kubernetes_object_findings(obj: dict[str, Any], pod_security_level: str, pod_security_version: str) -> list[Finding]:
    """The same rules over one object from an AdmissionReview (JSON is YAML)."""
    from dockgate.lint.k8s import CheckOptions, check_objects
    from dockgate.lint.k8s.loader import LoadResult, load_bytes

    from dockgate.lint.engine import Selection

    loaded = LoadResult()
    load_bytes(orjson.dumps(obj), ADMISSION_SOURCE, loaded)
    if loaded.errors:
        raise InputError(str(loaded.errors[0]))
    options = CheckOptions(
        selection=Selection.parse(None, WHOLE_INPUT_RULES),
        pss_level=pod_security_level,
        pss_version=pss_version(pod_security_version),
    )
    return check_objects(loaded.objects, options)


def registry_signature_counter(options: TransportOptions | None = None) -> SignatureVerifier:
    """How many of the policy's keys made a valid cosign signature over the image's manifest."""
    from dockgate.sign.keys import load_public_key
    from dockgate.sign.target import open_target
    from dockgate.sign.verify import verify_entries

    def count(image: str, keys: list[str]) -> int:
        public = [load_public_key(path) for path in keys]
        with open_target(image, options) as target:
            result = verify_entries(image, target.digest, target.signature_entries(), public)
        return len({signature.key for signature in result.verified})

    return count


def count_valid_signatures(image: str, keys: list[str]) -> int:
    """:func:`registry_signature_counter` with default transport options."""
    return registry_signature_counter()(image, keys)


def image_secret_findings(image: str) -> list[Finding]:
    """Secrets and risky files in the image's layers and config, as gate findings."""
    from dockgate.inventory import build_inventory
    from dockgate.lint.engine import Location, Rule
    from dockgate.secrets import SecretScanner, scan_image_config

    scanner = SecretScanner()
    inventory = build_inventory(image, visitors=(scanner,))
    found = [*scanner.findings(), *scan_image_config(inventory.image.config)]
    findings = []
    for secret in found:
        rule = Rule(secret.rule_id, secret.title, secret.severity, secret.detail or secret.title, "remove it from every layer and rotate it", "secret")
        shown = f" ({secret.masked})" if secret.masked else ""
        findings.append(Finding(rule, f"{secret.title} in {secret.where}{shown}", Location(image)))
    return findings
