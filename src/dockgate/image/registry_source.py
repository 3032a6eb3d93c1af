"""Images straight from an OCI distribution registry: manifest, config and layer streams.

Layers are streamed from the registry into the same verified single pass as archives; the
registry client checks each blob's digest, the walker checks it again along with the diff_id.
Nothing is written to disk.
"""

from __future__ import annotations

from typing import Any

from dockgate.errors import InputError
from dockgate.image.config import layers_from_manifest, parse_config
from dockgate.image.jsonload import load_json_object
from dockgate.image.limits import Limits
from dockgate.image.model import DEFAULT_PLATFORM, OpenedImage, Platform
from dockgate.registry import RegistryClient, parse_reference
from dockgate.registry.settings import TransportOptions

_REGISTRY_PREFIXES = ("docker://", "registry:")


def registry_reference_text(text: str) -> str | None:
    """The reference part when ``text`` names a registry image explicitly (docker://, registry:)."""
    for prefix in _REGISTRY_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return None


def looks_like_registry_reference(text: str) -> bool:
    """host[:port]/repo[:tag|@digest] with a host that is clearly a registry (has '.' or ':' or is localhost)."""
    if text.startswith(("/", "./", "../", "~")) or "/" not in text:
        return False
    host = text.split("/", 1)[0]
    return "." in host or ":" in host or host == "localhost"


def open_registry_image(text: str, reference_text: str, platform: Platform | None, limits: Limits, transport: TransportOptions | None) -> OpenedImage:
    reference = parse_reference(reference_text)
    client = RegistryClient.for_reference(reference, transport)
    try:
        repo = reference.repository
        pulled = client.get_manifest(repo, reference.identifier, max_bytes=limits.max_manifest_bytes)
        if pulled.is_index:
            pulled = client.get_manifest(repo, _choose_platform(pulled.json(), platform, text), max_bytes=limits.max_manifest_bytes)
            if pulled.is_index:
                raise InputError(f"{text}: nested image indexes are not supported from a registry")
        manifest: dict[str, Any] = load_json_object(pulled.content, f"{text}: manifest", limits.max_manifest_bytes)
        config_desc = manifest.get("config")
        if not isinstance(config_desc, dict) or not isinstance(config_desc.get("digest"), str):
            raise InputError(f"{text}: manifest has no config descriptor")
        config_bytes = client.get_blob(repo, config_desc["digest"], max_bytes=limits.max_manifest_bytes)
        assert config_bytes is not None
        config = parse_config(config_bytes, text, limits)
        layers = layers_from_manifest(manifest, config, text, limits, lambda digest: (lambda: client.open_blob(repo, digest)))
        return OpenedImage(
            reference=text,
            source_type="registry",
            config=config,
            layers=layers,
            manifest_digest=pulled.digest,
            config_digest=config_desc["digest"],
            repo_tags=[str(reference.with_digest(pulled.digest)) if reference.digest else str(reference)],
            closers=[client.close],
        )
    except BaseException:
        client.close()
        raise


def _choose_platform(index: dict[str, Any], platform: Platform | None, what: str) -> str:
    wanted = platform or DEFAULT_PLATFORM
    manifests = index.get("manifests")
    if not isinstance(manifests, list):
        raise InputError(f"{what}: image index without manifests")
    present = []
    for desc in manifests:
        if not isinstance(desc, dict):
            continue
        plat = Platform.from_json(desc.get("platform"))
        if plat is None or plat.os == "unknown":
            continue
        present.append(str(plat))
        if plat.matches(wanted) and isinstance(desc.get("digest"), str):
            return desc["digest"]
    raise InputError(f"{what}: no image for platform {wanted} (platforms present: {', '.join(sorted(set(present))) or 'none'}); choose one with --platform")
