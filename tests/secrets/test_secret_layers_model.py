"""Property test: the visitor's deleted/overwritten bookkeeping agrees with a naive model of
the layer stack, over random sequences of writes, whiteouts (plain and opaque) and replacements."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dockgate.image.visitor import DIRECTORY, REGULAR, SYMLINK, FileEntry
from dockgate.secrets.model import DELETED, OVERWRITTEN, PRESENT
from dockgate.secrets.visitor import SecretScanner

SECRET_LINE = b"AWS_ACCESS_KEY_ID=" + b"AKIA" + b"6BKVDM7I3FMQ233X\n"
PATHS = ["/a/x", "/a/y", "/a/b/z", "/c"]
DIRS = ["/a", "/a/b"]

operation = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(PATHS), st.booleans()),  # file, with or without the secret
    st.tuples(st.just("whiteout"), st.sampled_from(PATHS + DIRS), st.just(False)),
    st.tuples(st.just("opaque"), st.sampled_from(DIRS), st.just(False)),
    st.tuples(st.just("symlink"), st.sampled_from(PATHS + DIRS), st.just(False)),
)


def _under(path: str, root: str, include_root: bool) -> bool:
    return path.startswith(root + "/") or (include_root and path == root)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(operation, max_size=5), min_size=1, max_size=5))
def test_statuses_match_a_naive_layer_model(layers: list[list[tuple[str, str, bool]]]) -> None:
    scanner = SecretScanner(check_risky_files=False)
    written: list[tuple[str, int]] = []  # (path, layer) of every file written with the secret
    removals: list[tuple[int, str, str, bool]] = []  # (layer, path, kind, include_root)
    for layer, operations in enumerate(layers):
        for op, path, with_secret in operations:
            if op == "write":
                # a file below a path needs its parents as directories in this layer
                parent = path.rsplit("/", 1)[0]
                while parent:
                    scanner.on_entry(FileEntry(parent, DIRECTORY, 0, 0o755, 0, 0, layer))
                    parent = parent.rsplit("/", 1)[0]
                data = SECRET_LINE if with_secret else b"plain\n"
                entry = FileEntry(path, REGULAR, len(data), 0o644, 0, 0, layer)
                scanner.on_entry(entry)
                if scanner.wants(entry):
                    scanner.on_file(entry, data)
                removals.append((layer, path, OVERWRITTEN, True))
                if with_secret:
                    written.append((path, layer))
            elif op == "symlink":
                scanner.on_entry(FileEntry(path, SYMLINK, 0, 0o777, 0, 0, layer, "/elsewhere"))
                removals.append((layer, path, OVERWRITTEN, True))
                removals.append((layer, path, OVERWRITTEN, False))
            else:
                scanner.on_whiteout(layer, path, op == "opaque")
                removals.append((layer, path, DELETED, op != "opaque"))
    expected = []
    for path, layer in written:
        status, removed = PRESENT, None
        for removal_layer, root, kind, include_root in removals:  # in order: the first later removal wins
            if removal_layer > layer and (path == root and include_root or _under(path, root, include_root)):
                status, removed = kind, removal_layer
                break
        expected.append((path, layer, status, removed))
    got = [(f.path, f.layer_index, f.status, f.removed_in_layer) for f in scanner.findings()]
    assert sorted(got) == sorted(expected)
