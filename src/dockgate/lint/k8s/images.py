"""Image references: a tag that never moves (not ``latest``, not missing), ideally a digest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.severity import Severity

FLOATING = register(Rule(
    "DG-K8S-005", "Image without a tag or with the latest tag", Severity.MEDIUM,
    "An image with no tag means :latest; what runs changes with every push and rollbacks are impossible.",
    "Use an explicit version tag, better an immutable digest: image: registry/app:1.4.2@sha256:...",
    family="k8s", tags=("images",),
))
NO_DIGEST = register(Rule(
    "DG-K8S-006", "Image not pinned by digest", Severity.LOW,
    "Tags are mutable: the registry can serve different content under the same tag.",
    "Pin the image by digest (image: registry/app:1.4.2@sha256:...).",
    family="k8s", tags=("images",),
))
RULES = (FLOATING, NO_DIGEST)


@dataclass(frozen=True)
class ImageRef:
    name: str
    tag: str | None
    digest: str | None


def parse_image(reference: str) -> ImageRef:
    """Split 'registry:5000/app:1.2@sha256:..' into name, tag and digest."""
    rest, _, digest = reference.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return ImageRef(rest[:colon], rest[colon + 1:] or None, digest or None)
    return ImageRef(rest, None, digest or None)


def run(context: CheckContext) -> Iterator[Finding]:
    for pod in context.pods:
        for container in pod.containers():
            image = container.body.get("image")
            if not isinstance(image, str) or not image.strip():
                continue
            ref = parse_image(image.strip())
            path = container.path + ("image",)
            if ref.digest:
                continue
            if ref.tag is None or ref.tag == "latest":
                problem = "has no tag (so it means :latest)" if ref.tag is None else "uses the latest tag"
                yield finding(FLOATING, pod.obj, path, f"container {container.name!r} image {image!r} {problem}")
            else:
                yield finding(NO_DIGEST, pod.obj, path, f"container {container.name!r} image {image!r} is not pinned by digest")
