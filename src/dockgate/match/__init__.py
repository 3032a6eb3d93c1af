"""Matching packages to OSV advisories with exact OSV range semantics.

Public API: :func:`match_packages` (packages + OS -> :class:`MatchReport`), the model
(:class:`VulnFinding`, :class:`Unmatched`), :func:`lookups_for` and :func:`assess`.
"""

from dockgate.match.matcher import match_packages
from dockgate.match.model import MatchReport, Unmatched, VulnFinding
from dockgate.vulndb.severity import Assessment, assess
from dockgate.match.targets import Lookup, NotMatchable, lookups_for

__all__ = ["Assessment", "Lookup", "MatchReport", "NotMatchable", "Unmatched", "VulnFinding", "assess", "lookups_for", "match_packages"]
