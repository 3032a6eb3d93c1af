"""What an opened image is: its manifest, config and the layers to stream, source-independent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable


@dataclass(frozen=True)
class Platform:
    os: str
    architecture: str
    variant: str = ""

    @classmethod
    def parse(cls, text: str) -> "Platform":
        from dockgate.errors import UsageError

        parts = text.strip().split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise UsageError(f"invalid --platform {text!r}: expected os/arch[/variant], e.g. linux/amd64")
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else "")

    @classmethod
    def from_json(cls, data: Any) -> "Platform | None":
        if not isinstance(data, dict):
            return None
        os_, arch = data.get("os"), data.get("architecture")
        if not isinstance(os_, str) or not isinstance(arch, str):
            return None
        variant = data.get("variant")
        return cls(os_, arch, variant if isinstance(variant, str) else "")

    def matches(self, other: "Platform") -> bool:
        if (self.os, self.architecture) != (other.os, other.architecture):
            return False
        if not self.variant or not other.variant:
            return True
        return self.variant == other.variant

    def __str__(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


DEFAULT_PLATFORM = Platform("linux", "amd64")


@dataclass
class LayerRef:
    """One layer to stream: how to open its blob, and what it must hash to."""

    index: int
    diff_id: str  # sha256 of the uncompressed tar, from the image config
    digest: str | None  # digest of the blob as stored (None when the source does not say)
    size: int | None  # stored blob size, when known
    media_type: str | None
    open_blob: Callable[[], BinaryIO]
    created_by: str = ""


@dataclass
class OpenedImage:
    reference: str
    source_type: str  # "oci-archive", "oci-layout", "docker-archive", "rootfs", "registry"
    config: dict[str, Any]
    layers: list[LayerRef]
    manifest_digest: str | None = None
    config_digest: str | None = None
    repo_tags: list[str] = field(default_factory=list)
    rootfs_path: str | None = None  # only for rootfs sources
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def platform(self) -> str:
        cfg = self.config
        parts = [cfg.get("os", ""), cfg.get("architecture", ""), cfg.get("variant", "")]
        return "/".join(p for p in parts if isinstance(p, str) and p)

    def close(self) -> None:
        for close in self.closers:
            close()
        self.closers.clear()
