"""Safety bounds for reading hostile images. Every reader takes a :class:`Limits`."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1 << 20
GiB = 1 << 30


@dataclass(frozen=True)
class Limits:
    max_manifest_bytes: int = 4 * MiB  # manifests, indexes, image configs, manifest.json
    max_layer_bytes: int = 16 * GiB  # uncompressed size of one layer
    max_ratio: int = 200  # uncompressed / compressed, checked once past ratio_floor
    ratio_floor: int = 256 * MiB  # layers smaller than this uncompressed are never ratio-checked
    max_file_size: int = 512 * MiB  # largest single file whose content is read
    max_entries_per_layer: int = 2_000_000
    max_layers: int = 512
    max_symlink_hops: int = 40
    max_path_length: int = 4096

    def with_file_size(self, max_file_size: int | None) -> "Limits":
        if max_file_size is None:
            return self
        return Limits(**{**self.__dict__, "max_file_size": max_file_size})


DEFAULT_LIMITS = Limits()
