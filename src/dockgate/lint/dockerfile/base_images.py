"""Base image rules: floating tags, digests, end-of-life versions, registry allow-list."""

from __future__ import annotations

from typing import Iterator

from dockgate.lint.dockerfile.context import LintContext
from dockgate.lint.dockerfile.eol import find_eol
from dockgate.lint.dockerfile.images import parse_base
from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.registry_allow import RegistryAllowList
from dockgate.severity import Severity

FLOATING_TAG = register(Rule(
    "DG-DF-001", "Base image without a tag or with the latest tag", Severity.MEDIUM,
    "FROM without a tag means :latest, which moves with every push: builds stop being reproducible "
    "and can silently pick up a new major version.",
    "Name an explicit version (FROM python:3.12-slim), better pinned by digest.",
    family="dockerfile", tags=("images",),
))
NOT_PINNED = register(Rule(
    "DG-DF-002", "Base image not pinned by digest", Severity.LOW,
    "Tags are mutable: the registry can serve different content under the same tag, so what was "
    "reviewed and scanned may not be what is built.",
    "Pin by digest and let a bot update it: FROM golang:1.23@sha256:<digest>.",
    family="dockerfile", tags=("images",),
))
END_OF_LIFE = register(Rule(
    "DG-DF-003", "Base image version is end of life", Severity.HIGH,
    "An end-of-life language runtime or distribution gets no security fixes: every new vulnerability "
    "in it stays open forever.",
    "Move to a supported version of the image (see the project's release policy).",
    family="dockerfile", tags=("images", "eol"),
))
REGISTRY_NOT_ALLOWED = register(Rule(
    "DG-DF-004", "Base image from a registry outside the allow-list", Severity.HIGH,
    "Images from unvetted registries bypass the organisation's mirroring, scanning and provenance controls.",
    "Pull the base image through an allowed registry (mirror it there), or extend --allowed-registries.",
    family="dockerfile", tags=("images", "registry"),
))
RULES = (FLOATING_TAG, NOT_PINNED, END_OF_LIFE, REGISTRY_NOT_ALLOWED)


def run(context: LintContext) -> Iterator[Finding]:
    allow = RegistryAllowList.parse(context.options.allowed_registries)
    for stage in context.model.stages:
        if stage.parent is not None:
            continue  # built on an earlier stage: that stage's FROM is checked
        at = stage.from_instruction
        if stage.base is None:
            yield context.finding(FLOATING_TAG, at, f"base image {stage.base_written!r} depends on a build argument "
                                  "without a default, so the image is chosen at build time", stage, stage.base_written)
            continue
        base = parse_base(stage.base)
        if base is None:
            continue  # scratch, or not an image name Docker would accept
        needle = stage.base_written
        shown = stage.base if stage.base == stage.base_written else f"{stage.base_written} (= {stage.base})"
        if base.floating:
            what = "has no tag (means :latest)" if base.tag is None else "uses the moving tag :latest"
            yield context.finding(FLOATING_TAG, at, f"base image {shown} {what}", stage, needle)
        if base.digest is None:
            yield context.finding(NOT_PINNED, at, f"base image {shown} is not pinned by digest (@sha256:...)", stage, needle)
        for match in find_eol(base):
            yield context.finding(END_OF_LIFE, at, f"base image {shown}: {match.describe()}", stage, needle)
        if not allow.allows(base.registry, base.repository):
            allowed = ", ".join(allow.entries)
            yield context.finding(REGISTRY_NOT_ALLOWED, at, f"base image {shown} comes from {base.registry}, "
                                  f"not an allowed registry ({allowed})", stage, needle)
