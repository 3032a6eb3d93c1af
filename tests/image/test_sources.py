"""Every image format, layout and compression reads to the same merged filesystem."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.errors import InputError
from dockgate.image.limits import DEFAULT_LIMITS
from dockgate.image.model import Platform
from dockgate.image.source import open_image, parse_image_spec
from dockgate.image.walk import walk_layers
from dockgate.progress import _Silent
from dockgate.testing.imagebuilder import Layer, build, write_docker_archive, write_oci_archive, write_oci_layout


class Collect:
    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.files: dict[str, bytes] = {}
        self.whiteouts: list[tuple[int, str, bool]] = []

    def on_entry(self, entry) -> None:
        pass

    def wants(self, entry) -> bool:
        return entry.path in self.wanted

    def on_file(self, entry, data: bytes) -> None:
        self.files[entry.path] = data

    def on_whiteout(self, layer_index: int, path: str, opaque: bool) -> None:
        self.whiteouts.append((layer_index, path, opaque))


def two_layers(compression: str) -> list[Layer]:
    base = Layer(compression=compression).dir("etc").add("etc/os-release", 'ID=debian\nVERSION_ID="12"\n').add("etc/secret", "old")
    top = Layer(compression=compression).add("app/hello.txt", "hi").whiteout("etc/secret")
    return [base, top]


def read(ref: str, wanted: set[str]):
    image = open_image(ref, None, DEFAULT_LIMITS)
    collector = Collect(wanted)
    result = walk_layers(image, [collector], DEFAULT_LIMITS, _Silent())
    image.close()
    return image, collector, result


@pytest.mark.parametrize("compression", ["gzip", "zstd", "plain"])
@pytest.mark.parametrize("fmt", ["oci-dir", "oci-archive", "docker-classic", "docker-oci"])
def test_formats_and_compressions(tmp_path: Path, fmt: str, compression: str) -> None:
    image = build(two_layers(compression))
    if fmt == "oci-dir":
        ref = str(write_oci_layout(tmp_path / "layout", [image]))
    elif fmt == "oci-archive":
        ref = str(write_oci_archive(tmp_path / "img.tar", [image]))
    else:
        ref = str(write_docker_archive(tmp_path / "img.tar", image, oci_inside=fmt == "docker-oci"))
    opened, collector, result = read(ref, {"/etc/os-release", "/app/hello.txt", "/etc/secret"})
    assert collector.files["/app/hello.txt"] == b"hi"
    assert collector.files["/etc/secret"] == b"old"  # read from layer 0 although deleted later
    assert collector.whiteouts == [(1, "/etc/secret", False)]
    assert result.index.get("/etc/secret") is None
    assert result.index.layer_of("/app/hello.txt") == 1
    assert opened.config_digest == image.config_digest


def test_explicit_transports_and_tags(tmp_path: Path) -> None:
    image = build(two_layers("gzip"))
    archive = write_oci_archive(tmp_path / "img.tar", [image], tag="v1")
    opened = open_image(f"oci-archive:{archive}:v1", None, DEFAULT_LIMITS)
    assert opened.manifest_digest == image.manifest_digest
    with pytest.raises(InputError, match="no image tagged 'v2'"):
        open_image(f"oci-archive:{archive}:v2", None, DEFAULT_LIMITS)
    docker = write_docker_archive(tmp_path / "d.tar", image, repo_tag="docker.io/library/app:1.0")
    assert open_image(f"docker-archive:{docker}:app:1.0", None, DEFAULT_LIMITS).repo_tags == ["docker.io/library/app:1.0"]
    with pytest.raises(InputError):
        open_image(f"docker-archive:{docker}:other:2", None, DEFAULT_LIMITS)


def test_parse_spec_keeps_colons_in_tags(tmp_path: Path) -> None:
    archive = tmp_path / "x.tar"
    archive.write_bytes(b"")
    spec = parse_image_spec(f"docker-archive:{archive}:repo:tag")
    assert (spec.transport, spec.path, spec.tag) == ("docker-archive", str(archive), "repo:tag")


def test_multi_platform_index(tmp_path: Path) -> None:
    amd = build([Layer().add("arch", "amd64")], architecture="amd64")
    arm = build([Layer().add("arch", "arm64")], architecture="arm64")
    layout = write_oci_layout(tmp_path / "multi", [amd, arm], multi_platform=True)
    assert open_image(str(layout), None, DEFAULT_LIMITS).manifest_digest == amd.manifest_digest
    assert open_image(str(layout), Platform.parse("linux/arm64"), DEFAULT_LIMITS).manifest_digest == arm.manifest_digest
    with pytest.raises(InputError, match=r"platforms present: linux/amd64, linux/arm64"):
        open_image(str(layout), Platform.parse("linux/s390x"), DEFAULT_LIMITS)


def test_opaque_whiteout_and_dir_replacement(tmp_path: Path) -> None:
    base = Layer().dir("data").add("data/a", "1").add("data/b", "2").dir("swap").add("swap/x", "x")
    top = Layer().dir("data").opaque("data").add("data/c", "3").add("swap", "now a file")
    layout = write_oci_layout(tmp_path / "l", [build([base, top])])
    _, collector, result = read(str(layout), {"/data/a", "/data/b", "/data/c", "/swap", "/swap/x"})
    paths = set(result.index.paths())
    assert {"/data", "/data/c", "/swap"} <= paths
    assert "/data/a" not in paths and "/data/b" not in paths and "/swap/x" not in paths
    assert (1, "/data", True) in collector.whiteouts


def test_whiteout_in_same_layer_does_not_hide_that_layer(tmp_path: Path) -> None:
    base = Layer().add("f", "old")
    top = Layer().add("f", "new").whiteout("f")
    layout = write_oci_layout(tmp_path / "l", [build([base, top])])
    _, collector, result = read(str(layout), {"/f"})
    assert result.index.layer_of("/f") == 1


def test_symlinks_resolve_inside_the_image(tmp_path: Path) -> None:
    layer = (
        Layer()
        .dir("usr/lib")
        .add("usr/lib/os-release", "ID=debian\n")
        .dir("etc")
        .symlink("etc/os-release", "../usr/lib/os-release")
        .symlink("lib", "usr/lib")
        .symlink("etc/abs", "/usr/lib/os-release")
        .symlink("loop1", "loop2")
        .symlink("loop2", "loop1")
        .hardlink("usr/lib/hard", "usr/lib/os-release")
    )
    layout = write_oci_layout(tmp_path / "l", [build([layer])])
    _, _, result = read(str(layout), {"/usr/lib/os-release"})
    index = result.index
    assert index.resolve("/etc/os-release") == "/usr/lib/os-release"
    assert index.resolve("/lib/os-release") == "/usr/lib/os-release"
    assert index.resolve("/etc/abs") == "/usr/lib/os-release"
    assert index.resolve("/usr/lib/hard") == "/usr/lib/os-release"
    assert index.resolve("/nope") is None
    with pytest.raises(InputError, match="symlink loop"):
        index.resolve("/loop1")


def test_rootfs_directory(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text("ID=alpine\nVERSION_ID=3.19.1\n")
    (root / "etc" / "link").symlink_to("/etc/passwd")  # must never be read from the host
    opened = open_image(f"rootfs:{root}", None, DEFAULT_LIMITS)
    assert opened.source_type == "rootfs"
    from dockgate.image.rootfs import walk_rootfs

    collector = Collect({"/etc/os-release", "/etc/link"})
    result = walk_rootfs(str(root), [collector], DEFAULT_LIMITS)
    assert collector.files == {"/etc/os-release": b"ID=alpine\nVERSION_ID=3.19.1\n"}
    assert result.index.get("/etc/link") == (0, "symlink", "/etc/passwd")
