"""The stage model: final stage, FROM-stage chains, ARG substitution in FROM, --target."""

from __future__ import annotations

import pytest

from dockgate.errors import UsageError
from dockgate.lint.dockerfile.parse import parse_text
from dockgate.lint.dockerfile.stages import build_model, substitute

MULTI = """\
ARG GO_VERSION=1.23
ARG RUNTIME
FROM golang:${GO_VERSION}-alpine AS build
RUN go build -o /app .
FROM build AS test
USER 1000
RUN go test ./...
FROM ${RUNTIME:-gcr.io/distroless/static:nonroot} AS runtime
COPY --from=build /app /app
FROM runtime
"""


def test_stages_bases_and_chains() -> None:
    model = build_model(parse_text(MULTI, "Dockerfile"))
    build, test, runtime, last = model.stages
    assert build.base == "golang:1.23-alpine" and build.parent is None
    assert test.parent is build and test.external_base == "golang:1.23-alpine"
    assert [s.index for s in test.chain()] == [0, 1]
    assert runtime.base == "gcr.io/distroless/static:nonroot" and runtime.parent is None
    assert model.final is last and last.parent is runtime and last.label == "stage 3"
    assert test.chain_instructions("USER")[0].args == ("1000",)
    assert model.global_args == {"GO_VERSION": "1.23", "RUNTIME": None}


def test_build_args_and_target() -> None:
    model = build_model(parse_text(MULTI, "Dockerfile"), {"GO_VERSION": "1.15", "RUNTIME": "alpine:3.20"}, target="TEST")
    assert model.stages[0].base == "golang:1.15-alpine"
    assert model.stages[2].base == "alpine:3.20"
    assert model.final.name == "test"
    with pytest.raises(UsageError, match="no stage of that name"):
        build_model(parse_text(MULTI, "Dockerfile"), target="nope")


def test_substitution_forms() -> None:
    values = {"A": "x", "EMPTY": "", "NONE": None}
    assert substitute("$A/${A}", values) == "x/x"
    assert substitute("${EMPTY:-d}|${A:-d}|${A:+alt}|${EMPTY:+alt}", values) == "d|x|alt|"
    assert substitute("img:${NONE}", values) is None
    assert substitute("img:${UNDECLARED}", values) is None
    assert substitute("plain", values) == "plain"
