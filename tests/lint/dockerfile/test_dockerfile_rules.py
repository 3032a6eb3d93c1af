"""Every Dockerfile rule: a true positive and near misses that must stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockerfile_helpers import DIGEST, ids, lint_text

OK_BASE = f"alpine:3.20@{DIGEST}"

# (rule id, Dockerfile that must trigger it, Dockerfiles that must not)
CASES: list[tuple[str, str, list[str]]] = [
    ("DG-DF-001", "FROM ubuntu\n", [f"FROM ubuntu:24.04\n", f"FROM ubuntu@{DIGEST}\n", "FROM scratch\n"]),
    ("DG-DF-001", "FROM ubuntu:latest\n", [f"FROM ubuntu:latest@{DIGEST}\n"]),
    ("DG-DF-001", "ARG BASE\nFROM ${BASE}\n", ["ARG BASE=alpine:3.20\nFROM ${BASE}\n"]),
    ("DG-DF-002", "FROM alpine:3.20\n", [f"FROM {OK_BASE}\n", f"FROM {OK_BASE} AS b\nFROM b\n", "FROM scratch\n"]),
    ("DG-DF-003", "FROM golang:1.15\n", ["FROM golang:1.26\n", "FROM golang:1\n", "FROM example.com/golang:1.15\n"]),
    ("DG-DF-003", "FROM python:3.11-slim-buster\n", ["FROM python:3.11-slim-bookworm\n"]),
    ("DG-DF-003", "FROM node:18-alpine\n", ["FROM node:22-alpine\n"]),
    ("DG-DF-003", "FROM debian:stretch\n", ["FROM debian:bookworm\n", "FROM debian:12\n"]),
    ("DG-DF-003", "FROM ubuntu:18.04\n", ["FROM ubuntu:24.04\n", "FROM ubuntu:jammy\n"]),
    ("DG-DF-003", "FROM alpine:3.12.1\n", ["FROM alpine:3.23\n"]),
    ("DG-DF-005", "FROM alpine:3.20\nRUN true\n", ["FROM alpine:3.20\nUSER 10001\n"]),
    ("DG-DF-005", "FROM alpine:3.20\nUSER app\nUSER root\n", ["FROM alpine:3.20\nUSER root\nRUN true\nUSER app:app\n"]),
    ("DG-DF-005", "FROM alpine:3.20\nUSER 0:0\n", ["FROM alpine:3.20\nUSER 1000:0\n", "FROM gcr.io/distroless/static:nonroot\n"]),
    ("DG-DF-005", "FROM alpine:3.20 AS base\nUSER app\nFROM alpine:3.20\n", ["FROM alpine:3.20 AS base\nUSER app\nFROM base\n"]),
    ("DG-DF-006", "FROM golang:1.23\nCOPY main.go .\nRUN go build -o /app .\n",
     ["FROM golang:1.23 AS b\nCOPY main.go .\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=b /app /app\n",
      "FROM golang:1.23\nRUN go version\n", "FROM python:3.12\nRUN pip install --no-cache-dir x==1\n"]),
    ("DG-DF-006", "FROM debian:12\nRUN apt-get install -y gcc=4:12.2.0-3 && gcc -o /app main.c\n",
     ["FROM debian:12\nRUN apt-get install -y curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n"]),
    ("DG-DF-007", "FROM alpine:3.20\nENV DB_PASSWORD=hunter2\n",
     ["FROM alpine:3.20\nENV DB_PASSWORD_FILE=/run/secrets/db\n", "FROM alpine:3.20\nENV TOKEN_URL=https://auth.example.com\n",
      "FROM alpine:3.20\nENV PASSWORD_LENGTH 12\n", "FROM alpine:3.20\nENV API_TOKEN=\n"]),
    ("DG-DF-007", "FROM alpine:3.20\nARG GITHUB_TOKEN\n", ["FROM alpine:3.20\nARG GITHUB_USER\n"]),
    ("DG-DF-007", "ARG NPM_AUTH_TOKEN=x\nFROM alpine:3.20\n", ["ARG NODE_VERSION=22\nFROM alpine:3.20\n"]),
    ("DG-DF-007", "FROM alpine:3.20\nENV MY_SETTING=AKIAABCDEFGHIJKLMNOP\n", ["FROM alpine:3.20\nENV MY_SETTING=AKIA-not-a-key\n"]),
    ("DG-DF-007", "FROM alpine:3.20\nENV DATABASE_URL=postgres://app:s3cret@db:5432/app\n",
     ["FROM alpine:3.20\nENV DATABASE_URL=postgres://db:5432/app\n"]),
    ("DG-DF-008", "FROM alpine:3.20\nADD https://example.com/tool.tar.gz /opt/\n",
     [f"FROM alpine:3.20\nADD --checksum=sha256:{'ab' * 32} https://example.com/tool.tar.gz /opt/\n",
      "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.14.0 /src\n"]),
    ("DG-DF-009", "FROM alpine:3.20\nADD app.py /app/\n", ["FROM alpine:3.20\nADD rootfs.tar.gz /\n", "FROM alpine:3.20\nCOPY app.py /app/\n"]),
    ("DG-DF-010", "FROM alpine:3.20\nCOPY . .\n",
     ["FROM alpine:3.20\nCOPY src/ /src/\n", "FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --from=b . .\n"]),
    ("DG-DF-011", "FROM alpine:3.20\nEXPOSE 8080 22/tcp\n", ["FROM alpine:3.20\nEXPOSE 2222 220\n"]),
    ("DG-DF-011", "FROM alpine:3.20\nEXPOSE 20-25\n", ["FROM alpine:3.20\nEXPOSE 8000-8080\n"]),
    ("DG-DF-012", "FROM alpine:3.20\n",
     ['FROM alpine:3.20\nHEALTHCHECK CMD ["wget", "-qO-", "http://localhost:8080/health"]\n', "FROM alpine:3.20\nHEALTHCHECK NONE\n",
      'FROM alpine:3.20 AS base\nHEALTHCHECK CMD ["true"]\nFROM base\n']),
    ("DG-DF-013", "FROM alpine:3.20\nCMD ./app --port 8080\n",
     ['FROM alpine:3.20\nCMD ["./app", "--port", "8080"]\n', "FROM alpine:3.20 AS b\nCMD make\nFROM alpine:3.20\n"]),
    ("DG-DF-013", "FROM alpine:3.20\nENTRYPOINT /app\n", ['FROM alpine:3.20\nENTRYPOINT ["/app"]\n']),
    ("DG-DF-014", "FROM alpine:3.20\nRUN curl -fsSL https://get.example.com | sh\n",
     ["FROM alpine:3.20\nRUN curl -fsSLo /tmp/i.sh https://get.example.com && sha256sum -c i.sha256 && sh /tmp/i.sh\n"]),
    ("DG-DF-014", "FROM alpine:3.20\nRUN wget -O- https://x.example/i | sudo bash -s -- -y\n",
     ["FROM alpine:3.20\nRUN wget -O- https://x.example/data.json | jq .\n",
      "FROM alpine:3.20\nRUN curl -s https://x.example/v.json | python3 -c 'import json,sys; print(json.load(sys.stdin))'\n",
      "FROM alpine:3.20\nRUN curl -fsSL https://x.example/SHA256SUMS | sha256sum -c\n"]),
    ("DG-DF-014", "FROM alpine:3.20\nRUN curl -sSL https://install.python-poetry.org | python3 -\n",
     ["FROM alpine:3.20\nRUN curl -sSLo get.py https://install.python-poetry.org && python3 get.py\n"]),
    ("DG-DF-014", 'FROM alpine:3.20\nRUN sh -c "$(curl -fsSL https://x.example/install.sh)"\n', ['FROM alpine:3.20\nRUN sh -c "echo $(date)"\n']),
    ("DG-DF-015", "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
     ["FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n"]),
    ("DG-DF-015", "FROM alpine:3.20\nRUN apk add --no-cache curl\n", ["FROM alpine:3.20\nRUN apk add --no-cache --virtual .deps curl=8.9.1-r0\n"]),
    ("DG-DF-015", "FROM python:3.12\nRUN pip install --no-cache-dir flask\n",
     ["FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.3\n", "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n",
      "FROM python:3.12\nRUN python -m pip install --no-cache-dir .\n"]),
    ("DG-DF-016", "FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1-10\n",
     ["FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n",
      "FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y curl=7.88.1-10\n",
      "FROM debian:12 AS b\nRUN apt-get update && apt-get install -y curl=7.88.1-10\nFROM debian:12\n"]),
    ("DG-DF-016", "FROM alpine:3.20\nRUN apk add curl=8.9.1-r0\n", ["FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n"]),
    ("DG-DF-016", "FROM python:3.12\nRUN pip3 install flask==3.0.3\n",
     ["FROM python:3.12\nRUN pip3 install --no-cache-dir flask==3.0.3\n", "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.3\n"]),
    ("DG-DF-017", "FROM debian:12\nRUN apt-get update && apt-get -y dist-upgrade\n",
     ["FROM debian:12\nRUN apt-get update && apt-get install -y --only-upgrade openssl=3.0.15-1\n"]),
    ("DG-DF-017", "FROM debian:12\nRUN apt upgrade -y\n", ["FROM debian:12\nRUN echo upgrade\n"]),
    ("DG-DF-018", "FROM debian:12\nRUN sudo mkdir /data\n", ["FROM debian:12\nRUN mkdir /data\n", "FROM debian:12\nLABEL note=sudoers\n"]),
    ("DG-DF-018", "FROM alpine:3.20\nRUN apk add --no-cache sudo=1.9.15-r0\n", ["FROM alpine:3.20\nRUN apk add --no-cache su-exec=0.2-r3\n"]),
    ("DG-DF-019", "FROM alpine:3.20\nRUN mkdir /data && chmod -R 777 /data\n", ["FROM alpine:3.20\nRUN chmod 755 /data\n", "FROM alpine:3.20\nRUN chmod 1777 /tmp\n"]),
    ("DG-DF-019", "FROM alpine:3.20\nCOPY --chmod=0777 run.sh /run.sh\n", ["FROM alpine:3.20\nCOPY --chmod=0755 run.sh /run.sh\n"]),
]


@pytest.mark.parametrize(("rule_id", "positive", "negatives"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_and_near_misses_stay_quiet(rule_id: str, positive: str, negatives: list[str], tmp_path: Path) -> None:
    hit = lint_text(tmp_path / "hit", positive, select=rule_id)
    assert ids(hit) == [rule_id], positive
    for index, negative in enumerate(negatives):
        assert ids(lint_text(tmp_path / f"miss{index}", negative, select=rule_id)) == [], negative


def test_every_rule_has_a_case() -> None:
    from dockgate.lint.dockerfile import all_dockerfile_rules

    assert {rule.id for rule in all_dockerfile_rules()} == {case[0] for case in CASES} | {"DG-DF-004"}


def test_registry_allow_list(tmp_path: Path) -> None:
    text = f"FROM ghcr.io/acme/base:1@{DIGEST} AS a\nFROM alpine:3.20@{DIGEST}\nFROM registry.example.com:5000/team/x:1@{DIGEST}\n"
    assert ids(lint_text(tmp_path / "any", text, select="DG-DF-004")) == []
    result = lint_text(tmp_path / "some", text, select="DG-DF-004", allowed=("docker.io", "ghcr.io/acme"))
    assert [(f.location.line, "registry.example.com:5000" in f.message) for f in result.findings] == [(3, True)]
    result = lint_text(tmp_path / "other", text, select="DG-DF-004", allowed=("GHCR.IO", "registry.example.com:5000/team"))
    assert [f.location.line for f in result.findings] == [2]


def test_eol_finding_quotes_the_data_date_and_points_at_the_image(tmp_path: Path) -> None:
    from dockgate.lint.dockerfile.eol import compiled_date

    result = lint_text(tmp_path, "FROM   golang:1.15 AS build\n", select="DG-DF-003")
    (finding,) = result.findings
    assert f"compiled {compiled_date()}" in finding.message and "2021-08-16" in finding.message
    assert (finding.location.line, finding.location.column) == (1, 8)


def test_build_arg_in_from_is_substituted(tmp_path: Path) -> None:
    text = "ARG GO=1.26\nFROM golang:${GO}\n"
    assert ids(lint_text(tmp_path / "a", text, select="DG-DF-003")) == []
    assert ids(lint_text(tmp_path / "b", text, select="DG-DF-003", build_args=(("GO", "1.15"),))) == ["DG-DF-003"]


def test_secret_messages_never_repeat_the_value(tmp_path: Path) -> None:
    result = lint_text(tmp_path, "FROM alpine:3.20\nENV API_KEY=zx81-very-secret\nENV X=ghp_" + "a" * 36 + "\n", select="DG-DF-007")
    assert len(result.findings) == 2
    assert all("zx81" not in f.message and "ghp_" not in f.message for f in result.findings)


def test_target_changes_the_final_stage(tmp_path: Path) -> None:
    text = "FROM alpine:3.20 AS dev\nFROM alpine:3.20 AS prod\nUSER 1000\n"
    assert ids(lint_text(tmp_path / "a", text, select="DG-DF-005")) == []
    assert ids(lint_text(tmp_path / "b", text, select="DG-DF-005", target="dev")) == ["DG-DF-005"]
