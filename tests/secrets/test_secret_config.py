"""Secrets in the image config: Env, Labels, history created_by."""

from __future__ import annotations

from dockgate.secrets.allowlist import AllowList
from dockgate.secrets.config_scan import scan_image_config
from dockgate.secrets.model import IN_CONFIG, IN_HISTORY, sha256_hex


def _config(env: list[str] | None = None, labels: dict | None = None, history: list[str] | None = None) -> dict:
    return {
        "config": {"Env": env or [], "Labels": labels or {}},
        "history": [{"created_by": c} for c in history or []],
    }


def test_env_secret_by_name_even_when_not_random() -> None:
    findings = scan_image_config(_config(env=["PATH=/usr/bin", "DB_PASSWORD=hunter2x", "PGPASSWORD=s3cr3t-Value"]))
    assert [(f.path, f.location) for f in findings] == [("config.Env[1]", IN_CONFIG), ("config.Env[2]", IN_CONFIG)]
    assert findings[0].sha256 == sha256_hex("hunter2x")
    assert "hunter2x" not in repr(findings[0].to_dict())


def test_env_near_misses() -> None:
    env = [
        "PASSWORD_FILE=/run/secrets/db",
        "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
        "TOKEN_URL=https://auth.example.net/token",
        "DB_PASSWORD=",
        "API_TOKEN=${API_TOKEN}",
        "PYTHONDONTWRITEBYTECODE=1",
        "SECRET_KEY=changeme",
    ]
    assert scan_image_config(_config(env=env)) == []


def test_labels_and_content_rules_in_env() -> None:
    findings = scan_image_config(_config(env=["GH=" + "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"], labels={"ci.token": "hunter22", "title": "app"}))
    assert sorted((f.rule_id, f.path) for f in findings) == [("env-secret", "config.Labels[ci.token]"), ("github-token", "config.Env[0]")]


def test_history_commands() -> None:
    history = [
        "ENV DB_PASSWORD=_usI%wGazJE3UWI_1DC-",
        'RUN /bin/sh -c echo "machine example.com login ci password 6slqk16e3k9OrKX078" > /root/.netrc && rm /root/.netrc # buildkit',
        "ARG NPM_TOKEN=npm_a8Kd93LmQz7Rt2Vx5Nc1Bw4Ye6Ps0Hj3Gf9U",
        "RUN /bin/sh -c apt-get update && apt-get install -y curl",
        "ENV PATH=/usr/local/bin:/usr/bin",
        "/bin/sh -c #(nop) ADD file:aefa24aff2fb096028eca1c8ff024dfeabc67379ec8293a50c405f1309d7ac0a in / ",
    ]
    findings = scan_image_config(_config(history=history))
    assert [(f.path, f.location) for f in findings] == [
        ("history[0].created_by", IN_HISTORY),
        ("history[1].created_by", IN_HISTORY),
        ("history[2].created_by", IN_HISTORY),
    ]
    assert findings[1].sha256 == sha256_hex("6slqk16e3k9OrKX078")
    assert findings[2].rule_id == "npm-token"  # one finding per value: the specific rule wins


def test_build_args_recorded_in_run_steps() -> None:
    findings = scan_image_config(_config(history=["RUN |2 DB_PASSWORD=hunter22 VERSION=1.2 /bin/sh -c make install # buildkit"]))
    assert [(f.rule_id, f.path, f.sha256) for f in findings] == [("env-secret", "history[0].created_by", sha256_hex("hunter22"))]


def test_allowlist_applies_to_config() -> None:
    allow = AllowList(values=frozenset({"hunter2x"}))
    assert scan_image_config(_config(env=["DB_PASSWORD=hunter2x"]), allow) == []


def test_malformed_config_shapes_do_not_crash() -> None:
    for config in ({}, {"config": None}, {"config": {"Env": "x", "Labels": []}}, {"history": "x"}, {"history": [None, 3, {"created_by": 5}]}):
        assert scan_image_config(config) == []
    huge = "x" * (3 << 20)
    assert scan_image_config(_config(env=["A=" + huge], history=[huge])) == []
