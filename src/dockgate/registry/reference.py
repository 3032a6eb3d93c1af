"""Image references as people type them: ``[registry/]repo[:tag][@sha256:...]``.

The rules follow Docker's: the first path component is a registry when it holds a ``.`` or a
``:`` or is ``localhost``; otherwise the registry is Docker Hub (``docker.io``, served by
``registry-1.docker.io``) and one-component names live under ``library/``. Without tag or
digest the tag is ``latest``. A ``docker://`` prefix (skopeo's transport name) is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockgate.errors import InputError
from dockgate.image.digest import parse_digest

DOCKER_HUB = "docker.io"
DOCKER_HUB_API_HOST = "registry-1.docker.io"
DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/"
_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io"}

_COMPONENT_RE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_HOST_RE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class Reference:
    """A parsed reference. ``registry`` is as written (``docker.io`` for Hub); ``tag`` and
    ``digest`` may both be set (the digest then wins when pulling)."""

    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def api_host(self) -> str:
        """``host[:port]`` the HTTP API lives at."""
        return DOCKER_HUB_API_HOST if self.registry == DOCKER_HUB else self.registry

    @property
    def identifier(self) -> str:
        """What to put after ``/manifests/``: the digest when known, else the tag."""
        return self.digest or self.tag or "latest"

    def with_digest(self, digest: str) -> "Reference":
        return Reference(self.registry, self.repository, self.tag, parse_digest(digest, str(self)))

    def with_tag(self, tag: str) -> "Reference":
        if not _TAG_RE.match(tag):
            raise InputError(f"invalid tag {tag!r}")
        return Reference(self.registry, self.repository, tag, None)

    @property
    def name(self) -> str:
        """``registry/repository`` without tag or digest."""
        return f"{self.registry}/{self.repository}"

    def __str__(self) -> str:
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def _is_registry_component(component: str) -> bool:
    return "." in component or ":" in component or component == "localhost"


def parse_reference(text: str) -> Reference:
    """Parse ``text``; raise a one-line InputError naming what is wrong."""
    original = text
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty image reference")
    text = text.strip()
    if text.startswith("docker://"):
        text = text[len("docker://") :]
    digest = None
    if "@" in text:
        text, _, digest_text = text.partition("@")
        digest = parse_digest(digest_text, f"image reference {original!r}")
    tag = None
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > slash:
        text, tag = text[:colon], text[colon + 1 :]
        if not _TAG_RE.match(tag):
            raise InputError(f"image reference {original!r}: invalid tag {tag!r}")
    first, sep, rest = text.partition("/")
    if sep and _is_registry_component(first):
        registry, repository = first, rest
        if not _HOST_RE.match(registry):
            raise InputError(f"image reference {original!r}: invalid registry host {registry!r}")
        port = registry.rpartition(":")[2] if registry.rfind(":") > registry.rfind("]") else None
        if port is not None and not 0 < int(port) < 65536:
            raise InputError(f"image reference {original!r}: invalid port {port}")
        if registry.lower() in _HUB_ALIASES:
            registry = DOCKER_HUB
    else:
        registry, repository = DOCKER_HUB, text
    if registry == DOCKER_HUB and "/" not in repository:
        repository = f"library/{repository}"
    if not repository:
        raise InputError(f"image reference {original!r}: missing repository name")
    for component in repository.split("/"):
        if not _COMPONENT_RE.match(component):
            hint = " (repository names must be lowercase)" if component.lower() != component else ""
            raise InputError(f"image reference {original!r}: invalid repository component {component!r}{hint}")
    if len(repository) > MAX_NAME_LENGTH:
        raise InputError(f"image reference {original!r}: repository name longer than {MAX_NAME_LENGTH} characters")
    if tag is None and digest is None:
        tag = "latest"
    return Reference(registry, repository, tag, digest)


def host_without_port(host: str) -> str:
    """``127.0.0.1:5000`` → ``127.0.0.1``; ``[::1]:5000`` → ``::1``."""
    if host.startswith("["):
        return host[1 : host.index("]")]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def check_repository(repository: str) -> str:
    """``repository`` when it is a valid repository path (never ``..``, ``/`` games or spaces)."""
    components = repository.split("/") if isinstance(repository, str) and repository else [""]
    if len(repository or "") > MAX_NAME_LENGTH or not all(_COMPONENT_RE.match(c) for c in components):
        raise InputError(f"invalid repository name {str(repository)[:100]!r}")
    return repository


def check_tag_or_digest(reference: str) -> str:
    """``reference`` when it is a valid tag or digest (what may follow ``/manifests/``)."""
    if isinstance(reference, str) and reference.startswith(("sha256:", "sha512:")):
        return parse_digest(reference, "manifest reference")
    if not isinstance(reference, str) or not _TAG_RE.match(reference):
        raise InputError(f"invalid tag {str(reference)[:100]!r}")
    return reference
