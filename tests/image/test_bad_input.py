"""Hostile and broken images: one clear line on stderr, exit code 2, nothing written."""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from pathlib import Path

import pytest

from dockgate.cli import main
from dockgate.testing.imagebuilder import Layer, build, sha256, write_oci_archive, write_oci_layout


def run_cli(capsys: pytest.CaptureFixture[str], workdir: Path, *args: str) -> tuple[int, str]:
    before = set(workdir.rglob("*"))
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        code = main(["sbom", *args])
    finally:
        os.chdir(cwd)
    err = capsys.readouterr().err
    assert set(workdir.rglob("*")) == before, "nothing may be written"
    return code, err


def assert_one_line_error(code: int, err: str, fragment: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("dockgate: error: ")
    assert "Traceback" not in err
    assert fragment in lines[0], lines[0]


def raw_tar_layer(entries: list[tarfile.TarInfo], payloads: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info in entries:
            data = (payloads or {}).get(info.name, b"")
            info.size = len(data) if info.type == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def image_with_layer_tar(tmp_path: Path, tar_bytes: bytes, extra_layers: list[Layer] | None = None) -> Path:
    """An OCI layout whose first layer is exactly ``tar_bytes`` (gzip), digests all correct."""
    image = build([Layer(), *(extra_layers or [])])
    blob = gzip.compress(tar_bytes, mtime=0)
    config = json.loads(image.config)
    config["rootfs"]["diff_ids"][0] = sha256(tar_bytes)
    config_bytes = json.dumps(config).encode()
    manifest = json.loads(image.manifest)
    manifest["layers"][0].update(digest=sha256(blob), size=len(blob))
    manifest["config"].update(digest=sha256(config_bytes), size=len(config_bytes))
    manifest_bytes = json.dumps(manifest).encode()
    image.blobs = {k: v for k, v in image.blobs.items() if k not in (image.manifest_digest, image.config_digest, sha256(image.layer_blobs[0]))}
    image.blobs.update({sha256(blob): blob, sha256(config_bytes): config_bytes, sha256(manifest_bytes): manifest_bytes})
    image.manifest, image.manifest_digest = manifest_bytes, sha256(manifest_bytes)
    image.config, image.config_digest = config_bytes, sha256(config_bytes)
    return write_oci_layout(tmp_path / "layout", [image])


@pytest.fixture()
def good_archive(tmp_path: Path) -> Path:
    layer = Layer().dir("etc").add("etc/os-release", "ID=debian\nVERSION_ID=12\n").add("big", os.urandom(200_000))
    return write_oci_archive(tmp_path / "good.tar", [build([layer])])


def test_good_archive_passes(capsys, tmp_path, good_archive) -> None:
    code, err = run_cli(capsys, tmp_path, str(good_archive))
    assert code == 0, err


def test_missing_path(capsys, tmp_path) -> None:
    assert_one_line_error(*run_cli(capsys, tmp_path, str(tmp_path / "nope.tar")), "no such file")


def test_truncated_archive(capsys, tmp_path, good_archive) -> None:
    data = good_archive.read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(data[: len(data) // 2])
    code, err = run_cli(capsys, tmp_path, str(cut))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_non_image_tar(capsys, tmp_path) -> None:
    path = tmp_path / "plain.tar"
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    assert_one_line_error(*run_cli(capsys, tmp_path, str(path)), "not a container image archive")


def test_not_a_tar(capsys, tmp_path) -> None:
    path = tmp_path / "junk.bin"
    path.write_bytes(os.urandom(5000))
    assert_one_line_error(*run_cli(capsys, tmp_path, str(path)), "not a readable tar archive")


def test_missing_config_blob(capsys, tmp_path) -> None:
    image = build([Layer().add("a", "b")])
    layout = write_oci_layout(tmp_path / "layout", [image])
    (layout / "blobs" / "sha256" / image.config_digest.split(":")[1]).unlink()
    assert_one_line_error(*run_cli(capsys, tmp_path, str(layout)), "missing 'blobs/sha256/")


def test_missing_index(capsys, tmp_path) -> None:
    layout = write_oci_layout(tmp_path / "layout", [build([Layer()])])
    (layout / "index.json").unlink()
    assert_one_line_error(*run_cli(capsys, tmp_path, str(layout)), "missing index.json")


def test_layer_digest_mismatch(capsys, tmp_path) -> None:
    image = build([Layer().add("a", "hello world" * 100)])
    layout = write_oci_layout(tmp_path / "layout", [image])
    blob = layout / "blobs" / "sha256" / sha256(image.layer_blobs[0]).split(":")[1]
    data = bytearray(blob.read_bytes())
    data[-12] ^= 0xFF  # inside the gzip trailer region: content still inflates or fails, digest never matches
    blob.write_bytes(bytes(data))
    code, err = run_cli(capsys, tmp_path, str(layout))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_diff_id_mismatch(capsys, tmp_path) -> None:
    tar_bytes = Layer().add("a", "content").tar_bytes()
    layout = image_with_layer_tar(tmp_path, tar_bytes)
    # swap the layer blob for another valid one, keeping the manifest's digest honest
    manifest_digest = json.loads((layout / "index.json").read_text())["manifests"][0]["digest"]
    manifest_path = layout / "blobs" / "sha256" / manifest_digest.split(":")[1]
    manifest = json.loads(manifest_path.read_bytes())
    other = gzip.compress(Layer().add("a", "different").tar_bytes(), mtime=0)
    (layout / "blobs" / "sha256" / sha256(other).split(":")[1]).write_bytes(other)
    manifest["layers"][0].update(digest=sha256(other), size=len(other))
    new_manifest = json.dumps(manifest).encode()
    (layout / "blobs" / "sha256" / sha256(new_manifest).split(":")[1]).write_bytes(new_manifest)
    index = json.loads((layout / "index.json").read_text())
    index["manifests"][0].update(digest=sha256(new_manifest), size=len(new_manifest))
    (layout / "index.json").write_text(json.dumps(index))
    assert_one_line_error(*run_cli(capsys, tmp_path, str(layout)), "the config says")


def test_manifest_digest_mismatch(capsys, tmp_path) -> None:
    image = build([Layer().add("a", "b")])
    layout = write_oci_layout(tmp_path / "layout", [image])
    path = layout / "blobs" / "sha256" / image.manifest_digest.split(":")[1]
    path.write_bytes(path.read_bytes().replace(b'"schemaVersion":2', b'"schemaVersion":2 '))
    assert_one_line_error(*run_cli(capsys, tmp_path, str(layout)), "is ")


@pytest.mark.parametrize(
    ("name", "kind", "target", "fragment"),
    [
        ("../../etc/evil", tarfile.REGTYPE, "", "climbs out of the image root"),
        ("/etc/evil", tarfile.REGTYPE, "", "absolute path"),
        ("etc/escape", tarfile.SYMTYPE, "../../../../etc/shadow", "points outside the image root"),
        ("etc/hard", tarfile.LNKTYPE, "../../outside", "climbs out of the image root"),
    ],
)
def test_hostile_entries(capsys, tmp_path, name, kind, target, fragment) -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    layout = image_with_layer_tar(tmp_path, raw_tar_layer([info], {name: b"x"}))
    assert_one_line_error(*run_cli(capsys, tmp_path, str(layout)), fragment)


def test_symlink_loop_on_os_release(capsys, tmp_path) -> None:
    layer = Layer().dir("etc").symlink("etc/os-release", "os-release2").symlink("etc/os-release2", "os-release")
    layout = write_oci_layout(tmp_path / "layout", [build([layer])])
    assert_one_line_error(*run_cli(capsys, tmp_path, str(layout)), "symlink loop")


def test_gzip_bomb_is_refused(capsys, tmp_path) -> None:
    header = tarfile.TarInfo("zeros")
    header.size = 400 << 20
    head = header.tobuf(format=tarfile.PAX_FORMAT)
    zeros_member = gzip.compress(b"\0" * (1 << 20), compresslevel=9, mtime=0)
    blob = gzip.compress(head, mtime=0) + zeros_member * 400
    image = build([Layer()])
    manifest = json.loads(image.manifest)
    manifest["layers"][0].update(digest=sha256(blob), size=len(blob))
    manifest_bytes = json.dumps(manifest).encode()
    image.blobs[sha256(blob)] = blob
    image.blobs[sha256(manifest_bytes)] = manifest_bytes
    image.manifest, image.manifest_digest = manifest_bytes, sha256(manifest_bytes)
    layout = write_oci_layout(tmp_path / "layout", [image])
    assert_one_line_error(*run_cli(capsys, tmp_path, str(layout)), "decompression bomb")


def test_entry_claiming_a_huge_size(capsys, tmp_path) -> None:
    info = tarfile.TarInfo("huge")
    info.size = 64 << 30
    tar_bytes = info.tobuf(format=tarfile.PAX_FORMAT) + b"\0" * 1024
    layout = image_with_layer_tar(tmp_path, tar_bytes)
    assert_one_line_error(*run_cli(capsys, tmp_path, str(layout)), "beyond the layer bound")


def test_large_wanted_file_is_skipped_with_a_warning(capsys, tmp_path) -> None:
    layer = Layer().add("var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n\n" + "#" * 5000)
    layout = write_oci_layout(tmp_path / "layout", [build([layer])])
    code, err = run_cli(capsys, tmp_path, str(layout), "--max-file-size", "1k", "-f", "json")
    assert code == 0
    assert "over the --max-file-size bound" in err


def test_invalid_platform_is_a_usage_error(capsys, tmp_path, good_archive) -> None:
    assert_one_line_error(*run_cli(capsys, tmp_path, str(good_archive), "--platform", "linux"), "invalid --platform")


def test_output_to_missing_directory(capsys, tmp_path, good_archive) -> None:
    assert_one_line_error(*run_cli(capsys, tmp_path, str(good_archive), "-o", str(tmp_path / "no" / "out.json")), "does not exist")
