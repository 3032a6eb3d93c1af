"""The Debian comparator against the real ``dpkg --compare-versions`` on this machine.

Versions: every installed package version (``dpkg-query``) plus hand-written tricky ones
(tildes, epochs, revisions, letters vs. symbols, leading zeros). The pairs are judged by dpkg
in one shell loop (not one Python subprocess per pair) and must all agree with our keys.
"""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from dockgate.versions import comparator_for

DPKG = shutil.which("dpkg")
DPKG_QUERY = shutil.which("dpkg-query")

TRICKY = [
    "1.0", "1.0~rc1", "1.0~~", "1.0~", "1.0~rc1~git1", "1.0+b1", "1.0-1", "1.0-1~bpo1",
    "1.0-1+deb12u1", "1.0-0", "1.0a", "1.0A", "1.0.", "1.0.0", "1.00", "1.0+", "1.0-1.1",
    "1:0.1", "1:1.0-1", "2:0", "0:1.0", "10:0.1", "1.0-a", "1.0-A", "1.0-~", "1.0-0~",
    "1.0-1ubuntu1", "1.0-1ubuntu0.1", "1.0-1build1", "0.9+git20230101.abc-2",
    "1:1.2.3:4-1", "2.36-9+deb12u4", "2.36-9+deb12u10", "3.0.11-1~deb12u2", "3.0.11-1",
    "1.1.1w-0+deb11u1", "1.1.1n-0+deb11u5", "7.88.1-10+deb12u5", "9", "10", "009", "1.0-+",
    "1.0-.", "1.0-1.", "1.0-z", "1.0-zz", "1.0-1a", "1.0-1z1",
]


def _installed_versions() -> list[str]:
    output = subprocess.run(
        [DPKG_QUERY, "-W", "-f", "${Version}\\n"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return sorted({line for line in output.splitlines() if line})


def _dpkg_verdicts(pairs: list[tuple[str, str]]) -> list[int]:
    script = (
        'while read -r a b; do '
        'if dpkg --compare-versions "$a" lt "$b"; then echo -1; '
        'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; '
        'else echo 1; fi; done'
    )
    stdin = "".join(f"{a} {b}\n" for a, b in pairs)
    result = subprocess.run(
        ["sh", "-c", script], input=stdin, capture_output=True, text=True, check=True, timeout=300
    )
    return [int(line) for line in result.stdout.split()]


@pytest.mark.slow
@pytest.mark.skipif(DPKG is None or DPKG_QUERY is None, reason="dpkg is not installed on this machine")
def test_debian_comparator_agrees_with_dpkg() -> None:
    debian = comparator_for("Debian:12")
    installed = _installed_versions()
    versions = sorted(set(installed) | set(TRICKY), key=debian.key)
    pairs = [(a, b) for i, a in enumerate(TRICKY) for b in TRICKY[i + 1:]]
    for i, version in enumerate(versions):  # neighbours in our order: the decisive comparisons
        pairs.extend((version, other) for other in versions[i + 1:i + 3])
    rng = random.Random(20261127)
    pairs.extend((rng.choice(versions), rng.choice(versions)) for _ in range(600))
    pairs.extend((b, a) for a, b in pairs[:400])

    verdicts = _dpkg_verdicts(pairs)
    assert len(verdicts) == len(pairs)
    disagreements = [
        (a, b, verdict, debian.compare(a, b))
        for (a, b), verdict in zip(pairs, verdicts)
        if debian.compare(a, b) != verdict
    ]
    assert not disagreements, disagreements[:20]
    assert len(pairs) >= 1500
    assert {-1, 0, 1} <= set(verdicts)
