"""Base image references in FROM: registry, official-image name, tag and digest."""

from __future__ import annotations

from dataclasses import dataclass

from dockgate.errors import InputError
from dockgate.registry.reference import DOCKER_HUB, parse_reference


@dataclass(frozen=True)
class BaseImage:
    written: str
    registry: str  # "docker.io" for Docker Hub
    repository: str  # "library/golang"
    tag: str | None  # as written; None when the reference names no tag
    digest: str | None

    @property
    def official_name(self) -> str | None:
        """``golang`` for Docker Hub's official images (``library/golang``), else None."""
        if self.registry == DOCKER_HUB and self.repository.startswith("library/"):
            return self.repository.split("/", 1)[1]
        return None

    @property
    def floating(self) -> bool:
        """No tag, or ``latest``, and no digest: the content changes under the same name."""
        return self.digest is None and (self.tag is None or self.tag == "latest")


def parse_base(reference: str) -> BaseImage | None:
    """None for ``scratch`` and for references that are not valid image names."""
    if reference.strip().lower() == "scratch":
        return None
    try:
        parsed = parse_reference(reference)
    except InputError:
        return None
    name_part = reference.split("@", 1)[0].rsplit("/", 1)[-1]
    tag = parsed.tag if ":" in name_part else None
    return BaseImage(reference, parsed.registry.lower(), parsed.repository, tag, parsed.digest)
