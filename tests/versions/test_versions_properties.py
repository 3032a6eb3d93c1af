"""Property tests: every comparator is a total order consistent with its keys, agrees with
an independent pairwise reference where one exists, and answers garbage with VersionError only."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.version import Version

from dockgate.versions import VersionError, comparator_for
from dockgate.versions.maven import compare_tokens_directly, maven_tokens, padding_sign
from dockgate.versions.rubygems import canonical_segments

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ECOSYSTEMS = ["Debian", "Alpine", "Red Hat", "PyPI", "npm", "SEMVER", "Go", "Maven", "RubyGems"]

digits = st.integers(min_value=0, max_value=300).map(str)

# --- generators of valid versions -------------------------------------------------------

dpkg_upstream = st.builds(lambda head, tail: head + tail, digits,
                          st.text(alphabet="0123456789.+~abzAZ", max_size=8))
dpkg_versions = st.builds(
    lambda epoch, upstream, revision: (f"{epoch}:" if epoch is not None else "") + upstream
    + (f"-{revision}" if revision else ""),
    st.none() | st.integers(0, 3), dpkg_upstream, st.text(alphabet="0123456789.+~abz", max_size=5),
)

apk_versions = st.builds(
    lambda first, dotted, letter, suffixes, commit, revision: first
    + "".join("." + part for part in dotted) + letter
    + "".join(f"_{name}{number}" for name, number in suffixes)
    + (f"~{commit}" if commit else "") + (f"-r{revision}" if revision is not None else ""),
    digits,
    st.lists(st.sampled_from(["0", "00", "01", "1", "2", "10", "010", "9"]), max_size=3),
    st.sampled_from(["", "", "a", "b", "z", "p1", "p2", "a1.2", "p1b"]),  # incl. apk-tools 2.x "p1" forms
    st.lists(st.tuples(st.sampled_from(["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"]),
                       st.sampled_from(["", "1", "2", "10"])), max_size=2),
    st.sampled_from(["", "", "abc", "0f", "123"]),
    st.none() | st.integers(0, 12),
)

rpm_part = st.text(alphabet="0123456789.abzAZ~^_+", min_size=1, max_size=8).filter(lambda s: s != "-")
rpm_versions = st.builds(
    lambda epoch, version, release: (f"{epoch}:" if epoch is not None else "") + version
    + (f"-{release}" if release else ""),
    st.none() | st.integers(0, 3), rpm_part, st.none() | rpm_part,
)

pypi_versions = st.builds(
    lambda epoch, release, pre, post, dev, local: (f"{epoch}!" if epoch else "")
    + ".".join(map(str, release)) + (f"{pre[0]}{pre[1]}" if pre else "")
    + (f".post{post}" if post is not None else "") + (f".dev{dev}" if dev is not None else "")
    + (f"+{local}" if local else ""),
    st.integers(0, 2), st.lists(st.integers(0, 12), min_size=1, max_size=4),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 3)),
    st.none() | st.integers(0, 3), st.none() | st.integers(0, 3),
    st.sampled_from(["", "", "abc", "1", "1.abc", "abc.1", "2.0"]),
)

identifier = st.sampled_from(["0", "1", "2", "11", "alpha", "beta", "rc", "a-b", "x1"])
semver_versions = st.builds(
    lambda major, minor, patch, pre, build: f"{major}.{minor}.{patch}"
    + (("-" + ".".join(pre)) if pre else "") + (("+" + ".".join(build)) if build else ""),
    st.integers(0, 3), st.integers(0, 3), st.integers(0, 3),
    st.lists(identifier, max_size=3), st.lists(st.sampled_from(["b1", "sha", "001"]), max_size=2),
)
go_versions = st.one_of(
    semver_versions.map(lambda v: "v" + v),
    st.builds(lambda base, stamp, rev: f"v{base}-{stamp}-{rev}",
              st.sampled_from(["0.0.0", "1.2.4-0", "1.2.4-pre.0"]),
              st.sampled_from(["20191109021931", "20200101000000", "20231231235959"]),
              st.sampled_from(["daa7c04131f5", "abcdefabcdef"])),
    st.builds(lambda minor, patch, pre: f"go1.{minor}" + (f".{patch}" if patch is not None else "") + pre,
              st.integers(15, 23), st.none() | st.integers(0, 9),
              st.sampled_from(["", "", "rc1", "rc2", "beta1"])),
)
maven_versions = st.lists(
    st.sampled_from(["1", "0", "2", "10", "01", "a", "b", "m", "alpha", "beta", "milestone", "rc", "cr",
                     "snapshot", "ga", "final", "release", "sp", "foo", "x", "", "SNAPSHOT", "RC"]),
    min_size=1, max_size=6,
).flatmap(lambda parts: st.lists(st.sampled_from([".", "-", ""]), min_size=len(parts) - 1,
                                 max_size=len(parts) - 1).map(
    lambda seps: parts[0] + "".join(sep + part for sep, part in zip(seps, parts[1:]))
)).filter(bool)

rubygems_versions = st.builds(
    lambda head, parts, pre: head + "".join("." + part for part in parts) + (("-" + ".".join(pre)) if pre else ""),
    st.sampled_from(["0", "1", "2", "10"]),
    st.lists(st.sampled_from(["0", "00", "1", "2", "10", "a", "b", "rc", "pre", "a1", "b2", "A", "1a"]), max_size=4),
    st.lists(st.sampled_from(["0", "1", "alpha", "beta", "rc1", "x-y"]), max_size=2),
)

VALID = {
    "Debian": dpkg_versions, "Alpine": apk_versions, "Red Hat": rpm_versions, "PyPI": pypi_versions,
    "npm": semver_versions, "SEMVER": semver_versions, "Go": go_versions, "Maven": maven_versions,
    "RubyGems": rubygems_versions,
}


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _check_total_order(ecosystem: str, a: str, b: str, c: str) -> None:
    comparator = comparator_for(ecosystem)
    ka, kb, kc = comparator.key(a), comparator.key(b), comparator.key(c)
    assert comparator.compare(a, a) == 0
    assert comparator.compare(a, b) == -comparator.compare(b, a)
    assert comparator.compare(a, b) == (ka > kb) - (ka < kb)
    if comparator.compare(a, b) <= 0 and comparator.compare(b, c) <= 0:
        assert comparator.compare(a, c) <= 0
    assert comparator.key(a) == ka  # stable (cached) keys
    sa, sb = comparator.sort_key(a), comparator.sort_key(b)
    assert (sa > sb) - (sa < sb) == (ka > kb) - (ka < kb)  # the stored string form keeps the order


def _property(ecosystem: str):
    strategy = VALID[ecosystem]

    @FAST
    @given(strategy, strategy, strategy)
    def check(a: str, b: str, c: str) -> None:
        _check_total_order(ecosystem, a, b, c)

    return check


test_debian_total_order = _property("Debian")
test_alpine_total_order = _property("Alpine")
test_rpm_total_order = _property("Red Hat")
test_pypi_total_order = _property("PyPI")
test_npm_total_order = _property("npm")
test_semver_total_order = _property("SEMVER")
test_go_total_order = _property("Go")
test_maven_total_order = _property("Maven")
test_rubygems_total_order = _property("RubyGems")


# --- agreement with independent pairwise references ---------------------------------------

def _dpkg_order(char: str) -> int:
    if char.isdigit():
        return 0
    if char.isalpha():
        return ord(char)
    if char == "~":
        return -1
    return ord(char) + 256


def _verrevcmp(a: str, b: str) -> int:
    """dpkg's verrevcmp, walked character by character as deb-version(7) describes it."""
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _dpkg_order(a[i]) if i < len(a) else 0
            bc = _dpkg_order(b[j]) if j < len(b) else 0
            if ac != bc:
                return _sign(ac - bc)
            i, j = i + 1, j + 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        first_diff = 0
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i, j = i + 1, j + 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return _sign(first_diff)
    return 0


def _split_dpkg(version: str) -> tuple[int, str, str]:
    epoch, _, rest = version.rpartition(":") if ":" in version.split("-")[0] else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(epoch or 0), upstream, revision


@FAST
@given(dpkg_versions, dpkg_versions)
def test_debian_keys_agree_with_pairwise_verrevcmp(a: str, b: str) -> None:
    ea, ua, ra = _split_dpkg(a)
    eb, ub, rb = _split_dpkg(b)
    expected = _sign(ea - eb) or _verrevcmp(ua, ub) or _verrevcmp(ra, rb)
    assert comparator_for("Debian").compare(a, b) == expected


@FAST
@given(pypi_versions, pypi_versions)
def test_pypi_keys_agree_with_packaging(a: str, b: str) -> None:
    expected = (Version(a) > Version(b)) - (Version(a) < Version(b))
    assert comparator_for("PyPI").compare(a, b) == expected


def _tail_sign(tokens: list[tuple[str, str]], start: int) -> int:
    return next((sign for sign in map(padding_sign, tokens[start:]) if sign), 0)


@FAST
@given(maven_versions, maven_versions)
def test_maven_keys_agree_with_token_by_token_comparison(a: str, b: str) -> None:
    """Agreement with the literal reading, except where that reading is not transitive:
    first differing tokens with different prefixes whose tails fall on opposite sides of the
    padding. There the order follows the tails (e.g. 1-alpha < 1 < 1.a)."""
    left, right = maven_tokens(a), maven_tokens(b)
    differ = next((i for i, (x, y) in enumerate(zip(left, right)) if x != y), None)
    expected = compare_tokens_directly(a, b)
    if differ is not None and differ > 0 and left[differ][0] != right[differ][0]:
        left_tail, right_tail = _tail_sign(left, differ), _tail_sign(right, differ)
        if left_tail != right_tail:
            expected = _sign(left_tail - right_tail)
    assert comparator_for("Maven").compare(a, b) == expected


def test_maven_non_transitive_literal_reading_is_resolved_by_tails() -> None:
    maven = comparator_for("Maven")
    assert maven.compare("1-alpha", "1") == -1
    assert maven.compare("1", "1.a") == -1
    assert compare_tokens_directly("1.a", "1-alpha") == -1  # the cycle in the literal reading
    assert maven.compare("1-alpha", "1.a") == -1  # the key keeps the order transitive


# --- garbage in, VersionError out ---------------------------------------------------------

def _key_or_version_error(ecosystem: str, text: str) -> None:
    comparator = comparator_for(ecosystem)
    try:
        key = comparator.key(text)
    except VersionError as error:
        message = str(error)
        assert "\n" not in message and comparator.name in message
        return
    assert key == key  # a usable key came back


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(ECOSYSTEMS), st.text(max_size=40))
def test_fuzzed_text_only_raises_version_error(ecosystem: str, text: str) -> None:
    _key_or_version_error(ecosystem, text)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(ECOSYSTEMS), st.text(alphabet="0123456789.-_~^+:=vgorcalphbetp ", max_size=24))
def test_fuzzed_version_like_text_only_raises_version_error(ecosystem: str, text: str) -> None:
    _key_or_version_error(ecosystem, text)


def _rpmvercmp(a: str, b: str) -> int:
    """rpm's rpmvercmp, walked segment by segment as rpm's documentation describes it."""
    if a == b:
        return 0
    i = j = 0

    def alnum(text: str, k: int) -> bool:
        return k < len(text) and text[k].isascii() and text[k].isalnum()

    while i < len(a) or j < len(b):
        while i < len(a) and not alnum(a, i) and a[i] not in "~^":
            i += 1
        while j < len(b) and not alnum(b, j) and b[j] not in "~^":
            j += 1
        ca, cb = a[i:i + 1], b[j:j + 1]
        if ca == "~" or cb == "~":
            if ca != "~":
                return 1
            if cb != "~":
                return -1
            i, j = i + 1, j + 1
            continue
        if ca == "^" or cb == "^":
            if not ca:
                return -1
            if not cb:
                return 1
            if ca != "^":
                return 1
            if cb != "^":
                return -1
            i, j = i + 1, j + 1
            continue
        if not (ca and cb):
            break
        numeric = ca.isdigit()
        kind = str.isdigit if numeric else str.isalpha
        si, sj = i, j
        while i < len(a) and a[i].isascii() and kind(a[i]):
            i += 1
        while j < len(b) and b[j].isascii() and kind(b[j]):
            j += 1
        seg_a, seg_b = a[si:i], b[sj:j]
        if not seg_b:
            return 1 if numeric else -1
        if numeric:
            seg_a, seg_b = seg_a.lstrip("0"), seg_b.lstrip("0")
            if len(seg_a) != len(seg_b):
                return 1 if len(seg_a) > len(seg_b) else -1
        if seg_a != seg_b:
            return 1 if seg_a > seg_b else -1
    if i >= len(a) and j >= len(b):
        return 0
    return 1 if i < len(a) else -1


@FAST
@given(rpm_part, rpm_part)
def test_rpm_keys_agree_with_pairwise_rpmvercmp(a: str, b: str) -> None:
    assert comparator_for("Red Hat").compare(a, b) == _rpmvercmp(a, b)


def _gem_spaceship(a: str, b: str) -> int:
    """Gem::Version#<=>: canonical segments compared pairwise, the shorter padded with 0."""
    left, right = canonical_segments(a), canonical_segments(b)
    for i in range(max(len(left), len(right))):
        x = left[i] if i < len(left) else 0
        y = right[i] if i < len(right) else 0
        if x == y:
            continue
        if isinstance(x, str) and not isinstance(y, str):
            return -1
        if isinstance(y, str) and not isinstance(x, str):
            return 1
        return -1 if x < y else 1
    return 0


@FAST
@given(rubygems_versions, rubygems_versions)
def test_rubygems_keys_agree_with_pairwise_spaceship(a: str, b: str) -> None:
    assert comparator_for("RubyGems").compare(a, b) == _gem_spaceship(a, b)


_APK_SUFFIXES = {"alpha": 1, "beta": 2, "pre": 3, "rc": 4, "cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10}
INITIAL, DIGIT, LETTER, SUFFIX, SUFFIX_NO, HASH, REVISION, END = range(8)


def _apk_tokens(version: str) -> list[tuple[int, str]]:
    """Scan an (already valid) apk version character by character into (kind, text) tokens."""
    tokens: list[tuple[int, str]] = []
    i = 0

    def run(chars: str) -> str:
        nonlocal i
        start = i
        while i < len(version) and version[i] in chars:
            i += 1
        return version[start:i]

    tokens.append((INITIAL, run("0123456789")))
    while i < len(version):
        char = version[i]
        if char == ".":
            i += 1
            tokens.append((DIGIT, run("0123456789")))
        elif char.isdigit():
            tokens.append((DIGIT, run("0123456789")))
        elif char.islower():
            tokens.append((LETTER, char))
            i += 1
        elif char == "_":
            i += 1
            tokens.append((SUFFIX, run("abcdefghijklmnopqrstuvwxyz")))
            if i < len(version) and version[i].isdigit():
                tokens.append((SUFFIX_NO, run("0123456789")))
        elif char == "~":
            i += 1
            tokens.append((HASH, run("0123456789abcdef")))
        elif char == "-":
            i += 2
            tokens.append((REVISION, run("0123456789")))
    tokens.append((END, ""))
    return tokens


def _apk_pairwise(a: str, b: str) -> int:
    """apk-tools' comparison: pairwise tokens, then the rule for the first kind mismatch."""
    for (kind_a, text_a), (kind_b, text_b) in zip(_apk_tokens(a), _apk_tokens(b)):
        if kind_a != kind_b:
            if kind_a == SUFFIX and _APK_SUFFIXES[text_a] < 5:
                return -1
            if kind_b == SUFFIX and _APK_SUFFIXES[text_b] < 5:
                return 1
            return -1 if kind_a > kind_b else 1
        if kind_a == END:
            return 0
        if kind_a == DIGIT and (text_a.startswith("0") or text_b.startswith("0")) or kind_a == HASH:
            x, y = text_a, text_b
        elif kind_a == SUFFIX:
            x, y = _APK_SUFFIXES[text_a], _APK_SUFFIXES[text_b]
        elif kind_a == LETTER:
            x, y = ord(text_a), ord(text_b)
        else:
            x, y = int(text_a), int(text_b)
        if x != y:
            return -1 if x < y else 1
    return 0


@FAST
@given(apk_versions, apk_versions)
def test_alpine_keys_agree_with_pairwise_apk_comparison(a: str, b: str) -> None:
    assert comparator_for("Alpine").compare(a, b) == _apk_pairwise(a, b)
