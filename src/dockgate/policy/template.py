"""The commented starting policy ``dockgate policy init`` writes: strict defaults, every key explained."""

from __future__ import annotations

POLICY_TEMPLATE = """\
# dockgate policy: what "safe to deploy" means for this team.
# Enforced in CI by `dockgate gate --policy THIS_FILE` and at the cluster door by `dockgate serve`.
# Check it with `dockgate policy check THIS_FILE`; the full schema: `dockgate policy schema`.
apiVersion: dockgate.dev/v1
kind: Policy
name: default

vulnerabilities:
  # Severities that fail the gate (low, medium, high, critical, unknown).
  failOn: [critical, high]
  # Count vulnerabilities that have no fixed version yet? false: only fixable ones fail,
  # so every failure is something the team can act on today.
  countUnfixed: false
  # Refuse to judge with vulnerability data older than this (hours).
  maxDatabaseAgeHours: 24
  # Accepted risks: every entry needs a reason and an expiry date (YYYY-MM-DD).
  ignore: []
  # - id: CVE-2023-0000
  #   reason: "not reachable: we never parse untrusted TIFF files"
  #   expires: 2026-12-31

images:
  # Registries images may come from (docker.io is Docker Hub). Empty list: any registry.
  allowedRegistries: []
  # Repository patterns, e.g. registry.example.com/team/* ('*' one component, '**' any).
  allowedRepositories: []
  # Every image reference must carry @sha256:...: what was checked is what runs.
  requireDigest: true
  # Refuse references with no tag or the tag "latest".
  forbidLatest: true

signatures:
  # Require cosign-compatible signatures made by these public keys (paths relative to this file).
  required: false
  keys: []
  minimum: 1

podSecurity:
  # Kubernetes Pod Security Standard every workload must meet, and its version.
  level: restricted
  version: latest

rules:
  # Which config and secret checks run, and the lowest severity that fails the gate.
  dockerfile:
    enabled: true
    failOn: medium
    disable: []
  kubernetes:
    enabled: true
    failOn: medium
    disable: []
  secrets:
    enabled: true
    failOn: low
    disable: []

admission:
  # When the webhook cannot decide in time: closed (deny) or open (allow with a warning).
  failureMode: closed
  # Seconds the webhook may spend on one request (keep below the webhook's timeoutSeconds).
  timeBudgetSeconds: 8
  # Checks or rule ids that only warn at admission instead of denying.
  auditOnly: []
"""
