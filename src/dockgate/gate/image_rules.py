"""Policy rules on image references: allowed registries and repositories, digests, no latest."""

from __future__ import annotations

import functools
import re

from dockgate.errors import InputError
from dockgate.gate.model import Reason
from dockgate.gate.references import ImageUse
from dockgate.policy.model import ImagePolicy
from dockgate.registry.reference import Reference, parse_reference
from dockgate.severity import Severity

CHECK = "images"


@functools.lru_cache(maxsize=4096)
def parsed_reference(text: str) -> Reference:
    """``parse_reference`` remembered: the webhook sees the same few references again and again."""
    return parse_reference(text)


@functools.lru_cache(maxsize=256)
def repository_pattern(pattern: str) -> re.Pattern[str]:
    """'*' matches one path component, '**' any number of them."""
    parts = []
    for token in re.split(r"(\*\*|\*)", pattern.lower()):
        if token == "**":
            parts.append(".*")
        elif token == "*":
            parts.append("[^/]*")
        else:
            parts.append(re.escape(token))
    return re.compile("^" + "".join(parts) + "$")


def image_reasons(use: ImageUse, policy: ImagePolicy) -> list[Reason]:
    def reason(rule: str, message: str, ref) -> Reason:  # noqa: ANN001 - PolicyRef
        return Reason(CHECK, rule, f"{use.context}: {message}", Severity.HIGH, ref, use.file, use.line)

    if not use.reference.strip():
        return [reason("image-missing", "no image given", policy.digest_ref)]
    if "$" in use.reference:
        if policy.require_digest or policy.allowed_registries or policy.allowed_repositories:
            return [reason("image-unresolved", f"image {use.reference!r} uses a build argument, so the policy cannot check it", policy.digest_ref)]
        return []
    try:
        ref = parsed_reference(use.reference)
    except InputError as exc:
        return [reason("image-invalid", f"image {use.reference!r} is not a valid reference ({exc})", policy.digest_ref)]
    found: list[Reason] = []
    if policy.forbid_latest and ref.digest is None:
        name_part = use.reference.split("@", 1)[0].rsplit("/", 1)[-1]
        if ref.tag is None or ":" not in name_part:
            found.append(reason("image-no-tag", f"image {use.reference!r} has no tag, so it means whatever :latest is at pull time", policy.latest_ref))
        elif ref.tag == "latest":
            found.append(reason("image-latest", f"image {use.reference!r} uses the moving tag :latest", policy.latest_ref))
    if policy.require_digest and ref.digest is None:
        found.append(reason("image-not-pinned", f"image {use.reference!r} is not pinned by digest (@sha256:...): what was checked may not be what runs", policy.digest_ref))
    registry = ref.registry.lower()
    if policy.allowed_registries and registry not in policy.allowed_registries:
        allowed = ", ".join(policy.allowed_registries)
        found.append(reason("image-registry", f"image {use.reference!r} comes from registry {registry}, not one of the allowed: {allowed}", policy.registries_ref))
    if policy.allowed_repositories:
        full = f"{registry}/{ref.repository}".lower()
        if not any(repository_pattern(p).match(full) for p in policy.allowed_repositories):
            found.append(reason("image-repository", f"repository {full} is not in the allowed repositories", policy.repositories_ref))
    return found
