"""OpenVEX documents: statements ``not_affected`` and ``fixed`` suppress a finding.

A statement names a vulnerability (``name`` and ``aliases``) and products; a product is
matched by purl (qualifiers and version ignored when the statement omits them) or by
``subcomponents``. A statement with no products applies to every package. The justification
(or impact statement) is kept with the suppressed finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


from dockgate.image.jsonload import read_json_file
from dockgate.errors import InputError

MAX_VEX_BYTES = 64 << 20
SUPPRESSING = frozenset({"not_affected", "fixed"})
STATUSES = frozenset({"not_affected", "affected", "fixed", "under_investigation"})


@dataclass(frozen=True)
class VexStatement:
    vulnerability: frozenset[str]  # upper-cased id and aliases
    products: tuple[str, ...]  # purls (or other ids) named by the statement; empty = all
    status: str
    justification: str
    source: str


def _purl_base(purl: str) -> str:
    return purl.split("?", 1)[0].split("#", 1)[0]


def _ids(product: Any) -> list[str]:
    if isinstance(product, str):
        return [product]
    if not isinstance(product, dict):
        return []
    found = [product["@id"]] if isinstance(product.get("@id"), str) else []
    identifiers = product.get("identifiers")
    if isinstance(identifiers, dict) and isinstance(identifiers.get("purl"), str):
        found.append(identifiers["purl"])
    for sub in product.get("subcomponents") or []:
        found.extend(_ids(sub))
    return found


def load_vex(path: Path) -> list[VexStatement]:
    document = read_json_file(path, "VEX document", MAX_VEX_BYTES)
    if not isinstance(document, dict) or not str(document.get("@context", "")).startswith("https://openvex.dev/ns"):
        raise InputError(f"{path}: not an OpenVEX document (@context https://openvex.dev/ns...)")
    statements = document.get("statements")
    if not isinstance(statements, list):
        raise InputError(f"{path}: OpenVEX document has no statements list")
    parsed = []
    for number, statement in enumerate(statements, 1):
        where = f"{path} statement {number}"
        if not isinstance(statement, dict):
            raise InputError(f"{where}: must be an object")
        vulnerability = statement.get("vulnerability")
        names: list[str] = []
        if isinstance(vulnerability, str):
            names = [vulnerability]
        elif isinstance(vulnerability, dict):
            names = [v for v in [vulnerability.get("name"), vulnerability.get("@id"), *(vulnerability.get("aliases") or [])] if isinstance(v, str)]
        if not names:
            raise InputError(f"{where}: vulnerability name is missing")
        status = statement.get("status")
        if status not in STATUSES:
            raise InputError(f"{where}: status must be one of {', '.join(sorted(STATUSES))}")
        products: list[str] = []
        for product in statement.get("products") or []:
            products.extend(_ids(product))
        justification = statement.get("justification") or statement.get("impact_statement") or statement.get("status_notes") or ""
        parsed.append(
            VexStatement(frozenset(n.upper() for n in names), tuple(products), status, str(justification), str(path))
        )
    return parsed


def vex_suppression(statements: list[VexStatement], identifiers: frozenset[str], purl: str) -> VexStatement | None:
    """The last statement about this vulnerability and package, if it suppresses the finding."""
    wanted = {i.upper() for i in identifiers}
    base = _purl_base(purl)
    chosen = None
    for statement in statements:
        if not statement.vulnerability & wanted:
            continue
        if statement.products and not any(p == purl or _purl_base(p) == base or _purl_base(p) == base.rsplit("@", 1)[0] for p in statement.products):
            continue
        chosen = statement
    return chosen if chosen is not None and chosen.status in SUPPRESSING else None
