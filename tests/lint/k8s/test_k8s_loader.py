"""Loading inputs: folders, multi-document streams, Lists, JSON, stdin and bad input."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from dockgate.lint.k8s import load_inputs

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: c, image: busybox}]\n"


def test_folders_are_walked_recursively_for_yaml_yml_and_json(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "one.yaml").write_text(POD % "one")
    (tmp_path / "a" / "two.yml").write_text(POD % "two" + "---\n" + POD % "three" + "---\n")
    (tmp_path / "a" / "b" / "four.json").write_text('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "four"}, "spec": {}}')
    (tmp_path / "a" / "README.md").write_text("kind: Pod\n")
    loaded = load_inputs([str(tmp_path)])
    assert sorted(o.name for o in loaded.objects) == ["four", "one", "three", "two"]
    assert loaded.files == 3 and not loaded.diagnostics
    three = next(o for o in loaded.objects if o.name == "three")
    assert three.start_line == 7 and three.location(("spec", "containers", 0, "image")).line == 11


def test_kind_list_items_are_objects_with_their_own_positions(tmp_path: Path) -> None:
    file = tmp_path / "list.yaml"
    file.write_text("apiVersion: v1\nkind: List\nitems:\n  - " + (POD % "a").replace("\n", "\n    ") + "\n  - " + (POD % "b").replace("\n", "\n    "))
    loaded = load_inputs([str(file)])
    assert [o.name for o in loaded.objects] == ["a", "b"]
    assert loaded.objects[1].start_line == 10
    assert loaded.objects[1].location(("metadata", "name")).line == 12


def test_stdin_is_read_with_dash() -> None:
    loaded = load_inputs(["-"], stdin=io.BytesIO((POD % "piped").encode()))
    assert [o.name for o in loaded.objects] == ["piped"]
    assert loaded.objects[0].source.name == "<stdin>"


def test_bad_documents_are_reported_and_the_rest_still_loaded(tmp_path: Path) -> None:
    (tmp_path / "a-broken.yaml").write_text("kind: Pod\nspec: [\n")
    (tmp_path / "b-mixed.yaml").write_text("- just\n- a list\n---\nfoo: bar\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\n" + POD % "ok")
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    (tmp_path / "c-bomb.yaml").write_text(bomb)
    loaded = load_inputs([str(tmp_path), str(tmp_path / "missing.yaml")])
    assert [o.name for o in loaded.objects] == ["ok"]
    messages = [(Path(d.file).name, d.line, d.error, d.message) for d in loaded.diagnostics]
    assert messages[0][:3] == ("a-broken.yaml", 3, True) and "invalid YAML" in messages[0][3]
    assert messages[1][:3] == ("b-mixed.yaml", 1, False) and "not a Kubernetes object" in messages[1][3]
    assert messages[2][:3] == ("b-mixed.yaml", 4, False) and "no apiVersion and kind" in messages[2][3]
    assert messages[3][:3] == ("b-mixed.yaml", 6, False) and "unknown kind Widget" in messages[3][3]
    assert messages[4][0] == "c-bomb.yaml" and messages[4][2] and "YAML bomb" in messages[4][3]
    assert messages[5] == ("missing.yaml", None, True, "no such file or directory")
    assert all("\n" not in str(d) for d in loaded.diagnostics)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    file = tmp_path / "secret.yaml"
    file.write_text(POD % "x")
    file.chmod(0)
    loaded = load_inputs([str(file)])
    assert loaded.errors and "cannot read" in loaded.errors[0].message


def test_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    from dockgate.lint.yaml_safe import Limits

    file = tmp_path / "huge.yaml"
    file.write_bytes(b"# padding\n" * 2000)
    loaded = load_inputs([str(file)], limits=Limits(max_bytes=1000))
    assert loaded.errors and "larger than the 1000-byte limit" in loaded.errors[0].message


def test_dangling_symlink_in_a_folder_is_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(POD % "good")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    loaded = load_inputs([str(tmp_path)])
    assert [o.name for o in loaded.objects] == ["good"]
    assert [(Path(d.file).name, d.error) for d in loaded.diagnostics] == [("gone.yaml", True)]
    assert loaded.diagnostics[0].message.startswith("cannot read:")
