"""The gate: run every check the policy asks for and reach one verdict, PASS or FAIL."""

from dockgate.gate.model import CheckResult, Reason, Verdict
from dockgate.gate.run import GateTarget, run_gate

__all__ = ["CheckResult", "GateTarget", "Reason", "Verdict", "run_gate"]
