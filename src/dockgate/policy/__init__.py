"""The policy: one YAML file saying what "safe to deploy" means, enforced by gate and serve."""

from dockgate.policy.load import load_policy, parse_policy
from dockgate.policy.model import Policy

__all__ = ["Policy", "load_policy", "parse_policy"]
