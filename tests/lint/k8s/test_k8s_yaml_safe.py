"""Safe YAML loading: values, positions, and refusal of bombs, deep nesting and huge input."""

from __future__ import annotations

import pytest

from dockgate.errors import InputError, LimitExceeded
from dockgate.lint.yaml_safe import Limits, load_documents

SAMPLE = b"""# leading comment
apiVersion: v1
kind: Pod
metadata:
  name: demo
  labels: &labels {app: demo, tier: "1", enabled: yes, ratio: 1.5, none: ~}
spec:
  containers:
    - name: web
      image: nginx:1.27
      env:
        - {name: A, value: "x"}
    - <<: {name: merged, image: busybox}
      image: alpine
---
- 1
- two
"""


def test_values_follow_yaml_1_1_scalars_and_merge_keys() -> None:
    first, second = load_documents(SAMPLE, "sample.yaml")
    assert first.value["metadata"]["labels"] == {"app": "demo", "tier": "1", "enabled": True, "ratio": 1.5, "none": None}
    assert first.value["spec"]["containers"][1] == {"name": "merged", "image": "alpine"}
    assert second.value == [1, "two"]


def test_positions_are_one_based_and_point_at_keys_and_items() -> None:
    doc = load_documents(SAMPLE, "sample.yaml")[0]
    assert doc.positions[()] == (2, 1)
    assert doc.positions[("kind",)] == (3, 1)
    assert doc.positions[("spec", "containers", 0)] == (9, 7)
    assert doc.positions[("spec", "containers", 0, "image")] == (10, 7)
    assert doc.positions[("spec", "containers", 0, "env", 0, "value")] == (12, 21)
    # a missing field resolves to its nearest existing parent
    assert doc.position(("spec", "containers", 0, "securityContext", "privileged")) == (9, 7)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(LimitExceeded, match="YAML bomb"):
        load_documents("\n".join(lines).encode(), "bomb.yaml")


def test_alias_count_is_bounded() -> None:
    text = "base: &b x\nitems:\n" + "".join("  - *b\n" for _ in range(200))
    with pytest.raises(LimitExceeded, match=r"bomb.yaml:\d+: more than 100 YAML aliases"):
        load_documents(text, "bomb.yaml")
    assert len(load_documents(text, "ok.yaml", Limits(max_aliases=500))[0].value["items"]) == 200


def test_deep_nesting_and_size_are_bounded() -> None:
    with pytest.raises(InputError, match="deep.yaml"):
        load_documents(b"[" * 5000 + b"]" * 5000, "deep.yaml")
    with pytest.raises(LimitExceeded, match="nesting deeper than 10"):
        load_documents(b"a:\n" + b"".join(b"  " * i + b"b:\n" for i in range(1, 20)), "deep.yaml", Limits(max_depth=10))
    with pytest.raises(LimitExceeded, match="larger than the 100-byte limit"):
        load_documents(b"a: b\n" * 100, "big.yaml", Limits(max_bytes=100))


def test_invalid_yaml_names_file_and_line() -> None:
    with pytest.raises(InputError, match=r"^bad.yaml:3: invalid YAML"):
        load_documents(b"a: 1\nb: [1,\nc: d: e\n", "bad.yaml")
    with pytest.raises(InputError, match="not UTF-8"):
        load_documents(b"a: \xff\xfe\n", "bin.yaml")
    with pytest.raises(InputError, match="undefined alias"):
        load_documents(b"a: *nope\n", "alias.yaml")


def test_unsafe_tags_never_build_objects() -> None:
    doc = load_documents(b"a: !!python/object/apply:os.system ['true']\nb: !custom 5\n", "tags.yaml")[0]
    assert doc.value["b"] == "5"
    assert not callable(doc.value["a"])


def test_json_input_is_read_with_positions() -> None:
    doc = load_documents(b'{\n  "kind": "Pod",\n  "spec": {"hostPID": true}\n}\n', "pod.json")[0]
    assert doc.value == {"kind": "Pod", "spec": {"hostPID": True}}
    assert doc.positions[("spec", "hostPID")] == (3, 12)


def test_json_that_yaml_rejects_is_read_as_json() -> None:
    text = b'\n{"kind": "Pod", "metadata": {"name": "\\ud83d\\ude00"}}\n'
    (doc,) = load_documents(text, "emoji.json")
    assert doc.value["metadata"]["name"] == "\U0001F600"
    assert doc.position(("metadata", "name")) == (2, 1)
    with pytest.raises(InputError, match="deep.json"):
        load_documents(b"[" * 300 + b'"\\ud83d\\ude00"' + b"]" * 300, "deep.json")
