"""Write real container images (OCI layout, OCI archive, docker-archive) from in-memory files.

Used by the test suite and by ``examples/make_example_image.py``. Layers are real tar
streams, compressed with gzip or zstd or stored plain, described by correct digests,
diff_ids and media types, so every reader path is exercised exactly as with images made
by Docker, BuildKit or skopeo. Whiteouts are just files named ``.wh.NAME`` / ``.wh..wh..opq``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zstandard

MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_INDEX = "application/vnd.oci.image.index.v1+json"
MEDIA_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_MEDIA = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "plain": "application/vnd.oci.image.layer.v1.tar",
}
FIXED_MTIME = 1714564800


@dataclass
class FileSpec:
    path: str  # relative tar name, e.g. "etc/os-release"
    data: bytes = b""
    mode: int = 0o644
    kind: str = "file"  # file, dir, symlink, hardlink
    target: str = ""  # link target


@dataclass
class Layer:
    files: list[FileSpec] = field(default_factory=list)
    compression: str = "gzip"
    created_by: str = "test layer"

    def add(self, path: str, data: bytes | str = b"", mode: int = 0o644) -> "Layer":
        self.files.append(FileSpec(path, data.encode() if isinstance(data, str) else data, mode))
        return self

    def dir(self, path: str, mode: int = 0o755) -> "Layer":
        self.files.append(FileSpec(path, b"", mode, "dir"))
        return self

    def symlink(self, path: str, target: str) -> "Layer":
        self.files.append(FileSpec(path, b"", 0o777, "symlink", target))
        return self

    def hardlink(self, path: str, target: str) -> "Layer":
        self.files.append(FileSpec(path, b"", 0o644, "hardlink", target))
        return self

    def whiteout(self, path: str) -> "Layer":
        parent, _, name = path.rpartition("/")
        return self.add(f"{parent}/.wh.{name}" if parent else f".wh.{name}")

    def opaque(self, directory: str) -> "Layer":
        return self.add(f"{directory.rstrip('/')}/.wh..wh..opq")

    def tar_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for spec in self.files:
                info = tarfile.TarInfo(spec.path)
                info.mtime = FIXED_MTIME
                info.mode = spec.mode
                if spec.kind == "dir":
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                elif spec.kind == "symlink":
                    info.type = tarfile.SYMTYPE
                    info.linkname = spec.target
                    tar.addfile(info)
                elif spec.kind == "hardlink":
                    info.type = tarfile.LNKTYPE
                    info.linkname = spec.target
                    tar.addfile(info)
                else:
                    info.size = len(spec.data)
                    tar.addfile(info, io.BytesIO(spec.data))
        return buffer.getvalue()


def compress(data: bytes, compression: str) -> bytes:
    if compression == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if compression == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    return data


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


@dataclass
class BuiltImage:
    """Blobs and descriptors of one image, ready to be written in any format."""

    blobs: dict[str, bytes]
    manifest: bytes
    manifest_digest: str
    config: bytes
    config_digest: str
    layer_tars: list[bytes]
    layer_blobs: list[bytes]


def build(layers: list[Layer], config_extra: dict[str, Any] | None = None, architecture: str = "amd64", os: str = "linux") -> BuiltImage:
    blobs: dict[str, bytes] = {}
    tars, stored, descriptors, diff_ids, history = [], [], [], [], []
    for layer in layers:
        tar = layer.tar_bytes()
        blob = compress(tar, layer.compression)
        tars.append(tar)
        stored.append(blob)
        blobs[sha256(blob)] = blob
        descriptors.append({"mediaType": LAYER_MEDIA[layer.compression], "digest": sha256(blob), "size": len(blob)})
        diff_ids.append(sha256(tar))
        history.append({"created": "2024-05-01T12:00:00Z", "created_by": layer.created_by})
    config_doc: dict[str, Any] = {
        "architecture": architecture,
        "os": os,
        "created": "2024-05-01T12:00:00Z",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    if config_extra:
        config_doc.update(config_extra)
    config = _json(config_doc)
    blobs[sha256(config)] = config
    manifest = _json(
        {
            "schemaVersion": 2,
            "mediaType": MEDIA_MANIFEST,
            "config": {"mediaType": MEDIA_CONFIG, "digest": sha256(config), "size": len(config)},
            "layers": descriptors,
        }
    )
    blobs[sha256(manifest)] = manifest
    return BuiltImage(blobs, manifest, sha256(manifest), config, sha256(config), tars, stored)


def _platform_of(image: BuiltImage) -> dict[str, str]:
    config = json.loads(image.config)
    return {"os": config["os"], "architecture": config["architecture"]}


def oci_index(images: list[BuiltImage], tag: str | None = "latest", with_platform: bool = False) -> bytes:
    manifests = []
    for image in images:
        desc: dict[str, Any] = {"mediaType": MEDIA_MANIFEST, "digest": image.manifest_digest, "size": len(image.manifest)}
        if tag:
            desc["annotations"] = {"org.opencontainers.image.ref.name": tag}
        if with_platform:
            desc["platform"] = _platform_of(image)
        manifests.append(desc)
    return _json({"schemaVersion": 2, "mediaType": MEDIA_INDEX, "manifests": manifests})


def write_oci_layout(directory: Path, images: list[BuiltImage], tag: str | None = "latest", multi_platform: bool = False) -> Path:
    """An OCI layout; with ``multi_platform`` the top index points at a nested platform index."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    blobs_dir = directory / "blobs" / "sha256"
    blobs_dir.mkdir(parents=True, exist_ok=True)
    for image in images:
        for digest, data in image.blobs.items():
            (blobs_dir / digest.split(":", 1)[1]).write_bytes(data)
    if multi_platform:
        nested = oci_index(images, tag=None, with_platform=True)
        (blobs_dir / sha256(nested).split(":", 1)[1]).write_bytes(nested)
        top = {"schemaVersion": 2, "mediaType": MEDIA_INDEX, "manifests": [{"mediaType": MEDIA_INDEX, "digest": sha256(nested), "size": len(nested), "annotations": {"org.opencontainers.image.ref.name": tag or "latest"}}]}
        (directory / "index.json").write_bytes(_json(top))
    else:
        (directory / "index.json").write_bytes(oci_index(images, tag))
    return directory


def _tar_add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = FIXED_MTIME
    tar.addfile(info, io.BytesIO(data))


def write_oci_archive(path: Path, images: list[BuiltImage], tag: str | None = "latest", multi_platform: bool = False) -> Path:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        layout = write_oci_layout(Path(tmp) / "layout", images, tag, multi_platform)
        with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
            for file in sorted(layout.rglob("*")):
                if file.is_file():
                    _tar_add(tar, str(file.relative_to(layout)), file.read_bytes())
    return path


def write_docker_archive(path: Path, image: BuiltImage, repo_tag: str = "example:latest", oci_inside: bool = False) -> Path:
    """``docker save`` layout: classic (<id>.json + <diff_id>/layer.tar) or the newer OCI-inside one."""
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        config_hex = image.config_digest.split(":", 1)[1]
        if oci_inside:
            layer_names = []
            for blob in image.layer_blobs:
                name = f"blobs/sha256/{sha256(blob).split(':', 1)[1]}"
                _tar_add(tar, name, blob)
                layer_names.append(name)
            config_name = f"blobs/sha256/{config_hex}"
            _tar_add(tar, config_name, image.config)
            _tar_add(tar, f"blobs/sha256/{image.manifest_digest.split(':', 1)[1]}", image.manifest)
            _tar_add(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
            _tar_add(tar, "index.json", oci_index([image], repo_tag))
        else:
            layer_names = []
            for tar_bytes in image.layer_tars:
                layer_id = sha256(tar_bytes).split(":", 1)[1]
                name = f"{layer_id}/layer.tar"
                _tar_add(tar, name, tar_bytes)
                layer_names.append(name)
            config_name = f"{config_hex}.json"
            _tar_add(tar, config_name, image.config)
        manifest = [{"Config": config_name, "RepoTags": [repo_tag], "Layers": layer_names}]
        _tar_add(tar, "manifest.json", _json(manifest))
    return path
