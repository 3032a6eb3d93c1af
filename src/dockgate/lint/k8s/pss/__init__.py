"""Pod Security Standards (baseline, restricted) with Pod Security admission's versioned semantics."""

from dockgate.lint.k8s.pss.standards import BASELINE, CHECKS, LEVELS, NEWEST, RESTRICTED, evaluate, parse_level, parse_version

__all__ = ["BASELINE", "CHECKS", "LEVELS", "NEWEST", "RESTRICTED", "evaluate", "parse_level", "parse_version"]
