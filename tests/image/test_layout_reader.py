"""The bounded, no-symlink reader of OCI layout directories (shared by scanning and signing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dockgate.errors import InputError, LimitExceeded
from dockgate.image.blobstore import DirStore, read_regular_file


def test_read_regular_file_bounds_and_refusals(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"12345")
    assert read_regular_file(data, 5, "data") == b"12345"
    assert read_regular_file(tmp_path / "absent", 5, "absent") is None
    with pytest.raises(LimitExceeded, match="data is 5 bytes, larger than the 4-byte bound"):
        read_regular_file(data, 4, "data")
    os.mkfifo(tmp_path / "fifo")  # must be refused, never opened (opening would block)
    with pytest.raises(InputError, match="fifo is not a regular file"):
        read_regular_file(tmp_path / "fifo", 5, "fifo")
    (tmp_path / "link").symlink_to(data)
    with pytest.raises(InputError, match="link is a symlink"):
        read_regular_file(tmp_path / "link", 5, "link")
    assert read_regular_file(tmp_path / "link", 5, "link", follow_symlinks=True) == b"12345"


def test_dir_store_names_the_symlinked_component(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "sha256").mkdir(parents=True)
    (outside / "sha256" / "abc").write_bytes(b"x")
    root = tmp_path / "layout"
    root.mkdir()
    (root / "blobs").symlink_to(outside)
    store = DirStore(root, "layout")
    assert store.has("blobs/sha256/abc")  # it is there, but it is not read
    for action in (lambda: store.read("blobs/sha256/abc", 10), lambda: store.writable_path("blobs/sha256/new")):
        with pytest.raises(InputError, match="layout: 'blobs' is a symlink; refusing to follow it"):
            action()


def test_dir_store_writable_path(tmp_path: Path) -> None:
    store = DirStore(tmp_path, "layout")
    assert store.writable_path("blobs/sha256/new") == tmp_path / "blobs" / "sha256" / "new"
    (tmp_path / "index.json").write_text("{}")
    assert store.writable_path("index.json") == tmp_path / "index.json"
    for name in ("../escape", "a/../../escape"):
        with pytest.raises(InputError, match="escapes the layout directory"):
            store.writable_path(name)
    (tmp_path / "dir").mkdir()
    with pytest.raises(InputError, match="'dir' is not a regular file"):
        store.writable_path("dir")
