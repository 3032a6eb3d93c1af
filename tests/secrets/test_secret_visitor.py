"""The LayerVisitor: findings keep their layer, whiteouts and overwrites mark them, risky files."""

from __future__ import annotations

from dockgate.image.visitor import DIRECTORY, REGULAR, SYMLINK, FileEntry
from dockgate.secrets.model import DELETED, OVERWRITTEN, PRESENT, RISKY_FILE, SECRET
from dockgate.secrets.visitor import SecretScanner

AWS = b"AWS_ACCESS_KEY_ID=" + b"AKIA" + b"6BKVDM7I3FMQ233X\n"
KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\n" + b"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" * 4 + b"-----END OPENSSH PRIVATE KEY-----\n"


CONTENT: dict[FileEntry, bytes] = {}


def _file(path: str, layer: int, data: bytes = b"", mode: int = 0o644) -> FileEntry:
    entry = FileEntry(path, REGULAR, len(data), mode, 0, 0, layer)
    CONTENT[entry] = data
    return entry


def _feed(scanner: SecretScanner, entry: FileEntry, data: bytes | None = None) -> None:
    data = CONTENT[entry] if data is None else data
    scanner.on_entry(entry)
    if entry.kind == REGULAR and scanner.wants(entry):
        scanner.on_file(entry, data)


def test_finding_deleted_by_later_whiteout_is_still_reported() -> None:
    s = SecretScanner()
    _feed(s, _file("/root/.ssh/id_ed25519", 1, KEY, 0o600))
    s.on_whiteout(2, "/root/.ssh/id_ed25519", False)
    [finding] = s.findings()
    assert (finding.rule_id, finding.status, finding.layer_index, finding.removed_in_layer) == ("private-key", DELETED, 1, 2)
    assert "deleted in layer 2, still present in layer 1" in finding.where


def test_opaque_whiteout_of_parent_and_directory_whiteout() -> None:
    s = SecretScanner()
    _feed(s, _file("/app/conf/.env", 0, AWS))
    _feed(s, _file("/srv/x/.env", 0, AWS))
    s.on_whiteout(1, "/app/conf", True)  # opaque: everything below /app/conf
    s.on_whiteout(3, "/srv", False)  # the whole directory
    by_path = {f.path: f for f in s.findings()}
    assert (by_path["/app/conf/.env"].status, by_path["/app/conf/.env"].removed_in_layer) == (DELETED, 1)
    assert (by_path["/srv/x/.env"].status, by_path["/srv/x/.env"].removed_in_layer) == (DELETED, 3)


def test_overwrite_keeps_old_finding_and_new_content_is_scanned() -> None:
    s = SecretScanner()
    _feed(s, _file("/app/.env", 0, AWS))
    _feed(s, _file("/app/.env", 2, b"nothing here\n"))
    [finding] = s.findings()
    assert (finding.status, finding.layer_index, finding.removed_in_layer) == (OVERWRITTEN, 0, 2)
    assert "overwritten in layer 2, still present in layer 0" in finding.where
    s2 = SecretScanner()
    _feed(s2, _file("/app/.env", 0, AWS))
    _feed(s2, _file("/app/.env", 1, AWS))
    statuses = sorted((f.layer_index, f.status) for f in s2.findings())
    assert statuses == [(0, OVERWRITTEN), (1, PRESENT)]


def test_parent_replaced_by_symlink_marks_children() -> None:
    s = SecretScanner()
    _feed(s, _file("/opt/app/.env", 0, AWS))
    s.on_entry(FileEntry("/opt/app", SYMLINK, 0, 0o777, 0, 0, 1, "/srv"))
    [finding] = s.findings()
    assert finding.status == OVERWRITTEN and finding.removed_in_layer == 1


def test_whiteout_before_a_readd_in_same_or_later_layer_does_not_touch_new_content() -> None:
    s = SecretScanner()
    _feed(s, _file("/a/.env", 0, AWS))
    s.on_whiteout(1, "/a/.env", False)
    _feed(s, _file("/a/.env", 1, AWS))
    statuses = sorted((f.layer_index, f.status) for f in s.findings())
    assert statuses == [(0, DELETED), (1, PRESENT)]


def test_binary_large_and_package_fixture_files_are_not_read() -> None:
    s = SecretScanner(max_file_size=1000)
    assert not s.wants(_file("/big.env", 0, b"x" * 1001))
    assert s.skipped_large == ["/big.env"]
    assert not s.wants(_file("/usr/lib/libfoo.so.1", 0, b"x"))
    assert not s.wants(_file("/usr/local/lib/python3.11/site-packages/pkg/tests/keys.py", 0, b"x"))
    assert not s.wants(_file("/app/node_modules/jws/test/data.js", 0, b"x"))
    assert s.wants(_file("/app/node_modules/jws/index.js", 0, b"x"))
    _feed(s, _file("/bin.dat", 0, b"\x7fELF\x00\x00" + AWS))
    assert s.findings() == []


def _risky(s: SecretScanner) -> dict[str, str]:
    return {f.path: f.rule_id for f in s.findings() if f.category == RISKY_FILE}


def test_setuid_not_shipped_by_dpkg_is_reported_packaged_one_is_not() -> None:
    s = SecretScanner()
    _feed(s, _file("/usr/bin/su", 0, b"\x7fELF\x00", 0o4755))
    _feed(s, _file("/usr/local/bin/helper", 1, b"\x7fELF\x00", 0o4755))
    _feed(s, _file("/usr/bin/wall", 0, b"\x7fELF\x00", 0o2755))
    _feed(s, _file("/var/lib/dpkg/info/login.list", 0, b"/.\n/bin\n/bin/su\n"))  # merged-/usr alias
    _feed(s, _file("/var/lib/dpkg/info/bsdutils.list", 0, b"/usr/bin/wall\n"))
    _feed(s, _file("/usr/local/bin/gone", 0, b"x", 0o4755))
    s.on_whiteout(1, "/usr/local/bin/gone", False)
    _feed(s, _file("/usr/local/bin/fixed", 0, b"x", 0o4755))
    _feed(s, _file("/usr/local/bin/fixed", 1, b"x", 0o755))
    _feed(s, _file("/usr/local/bin/not-exec", 0, b"x", 0o4644))
    assert _risky(s) == {"/usr/local/bin/helper": "setid-executable"}
    [f] = [f for f in s.findings() if f.category == RISKY_FILE]
    assert f.layer_index == 1 and "not shipped" in f.detail


def test_world_writable_and_temp_dirs() -> None:
    s = SecretScanner()
    s.on_entry(FileEntry("/tmp", DIRECTORY, 0, 0o1777, 0, 0, 0))
    s.on_entry(FileEntry("/var/tmp/cache", DIRECTORY, 0, 0o777, 0, 0, 0))
    s.on_entry(FileEntry("/run/lock", DIRECTORY, 0, 0o1777, 0, 0, 0))
    s.on_entry(FileEntry("/srv/uploads", DIRECTORY, 0, 0o777, 0, 0, 0))
    _feed(s, _file("/etc/app.conf", 0, b"a=1\n", 0o666))
    s.on_entry(FileEntry("/usr/bin/awk", SYMLINK, 0, 0o777, 0, 0, 0, "mawk"))
    assert _risky(s) == {"/srv/uploads": "world-writable", "/etc/app.conf": "world-writable"}


def test_private_key_permissions() -> None:
    s = SecretScanner()
    _feed(s, _file("/root/.ssh/id_ed25519", 0, KEY, 0o644))
    _feed(s, _file("/home/a/.ssh/id_ed25519", 0, KEY, 0o600))
    assert _risky(s) == {"/root/.ssh/id_ed25519": "private-key-permissions"}
    assert [f.category for f in s.findings()].count(SECRET) == 2  # the key itself, in both files


def test_risky_checks_can_be_switched_off() -> None:
    s = SecretScanner(check_risky_files=False)
    _feed(s, _file("/usr/local/bin/helper", 0, b"x", 0o4755))
    assert s.findings() == []


def test_system_trees_are_skipped_but_language_packages_inside_them_are_read() -> None:
    from dockgate.secrets.allowlist import AllowList

    s = SecretScanner()
    assert not s.wants(_file("/usr/share/misc/x.txt", 0, b"x"))
    assert not s.wants(_file("/usr/lib/python3.11/os.py", 0, b"x"))
    assert not s.wants(_file("/usr/include/stdio.h", 0, b"x"))
    assert s.wants(_file("/usr/lib/python3/dist-packages/pkg/config.py", 0, b"x"))
    assert s.wants(_file("/usr/lib/node_modules/npm/index.js", 0, b"x"))
    assert s.wants(_file("/usr/local/share/app/.env", 0, b"x"))
    assert s.wants(_file("/var/lib/dpkg/info/login.list", 0, b"x"))  # risky-file checks read dpkg lists
    everything = SecretScanner(AllowList(system_paths=()))
    assert everything.wants(_file("/usr/share/misc/x.txt", 0, b"x"))


def test_large_executables_and_dpkg_checksums_are_not_read() -> None:
    s = SecretScanner()
    big = FileEntry("/usr/local/bin/app", REGULAR, 6 << 20, 0o755, 0, 0, 1)
    assert not s.wants(big)
    assert s.wants(FileEntry("/usr/local/bin/entrypoint.sh", REGULAR, 4096, 0o755, 0, 0, 1))
    assert s.wants(FileEntry("/srv/data.json", REGULAR, 6 << 20, 0o644, 0, 0, 1))
    assert not s.wants(_file("/var/lib/dpkg/info/bash.md5sums", 0, b"x"))


def test_apk_database_counts_as_package_file_lists() -> None:
    s = SecretScanner()
    _feed(s, _file("/bin/bbsuid", 0, b"\x7fELF\x00", 0o4755))
    _feed(s, _file("/usr/local/bin/helper", 1, b"\x7fELF\x00", 0o4755))
    _feed(s, _file("/lib/apk/db/installed", 0, b"P:busybox-suid\nV:1.36\nF:bin\nR:bbsuid\n\nP:other\nF:usr/lib\nR:x.so\n"))
    assert _risky(s) == {"/usr/local/bin/helper": "setid-executable"}


def test_setid_without_any_package_lists_is_reported_with_a_note() -> None:
    s = SecretScanner()
    _feed(s, _file("/usr/bin/su", 0, b"\x7fELF\x00", 0o4755))
    [f] = s.findings()
    assert f.rule_id == "setid-executable" and "no package file lists" in f.detail
