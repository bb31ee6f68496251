"""A supplier's SBOM into the portfolio, judged like one of our own scans.

The document (CycloneDX JSON or SPDX, told apart by content) becomes an Inventory; each
component's declared licence is its concluded licence; the components are matched against
the store's advisories and the policy is evaluated; the result is ingested with kind
``cyclonedx`` or ``spdx`` and its vulnerabilities are tracked for the project (SLA due
dates), in one transaction (ospo.service.judged_ingest). Ingest is idempotent by the
document's content, so the same SBOM uploaded twice is stored once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from ospo.model import ParseError, ScanResult
from ospo.sbom.read import read_sbom
from ospo.scan.assess import result_from_inventory
from ospo.service.judged_ingest import ingest_judged
from ospo.service.reevaluate import ServicePolicy
from ospo.store import Store
from ospo.store.ingest import IngestOutcome

MAX_COMPONENTS = 200_000


@dataclass(frozen=True)
class SbomImport:
    outcome: IngestOutcome
    kind: str  # cyclonedx or spdx
    result: ScanResult  # as stored


def sbom_kind(text: str) -> str:
    """``cyclonedx`` or ``spdx``, from the document itself (read_sbom has already accepted it)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            return "spdx"
        if isinstance(data, dict) and data.get("bomFormat") == "CycloneDX":
            return "cyclonedx"
    return "spdx"


def import_sbom(
    store: Store,
    text: str,
    label: str,
    project: str,
    policy: ServicePolicy,
    *,
    product: str | None = None,
    release: str | None = None,
    distribution: str = "distributed",
    actor: str = "system",
    today: dt.date | None = None,
) -> SbomImport:
    """Read, judge and store one SBOM; ParseError (naming `label`) when it is not one we read.

    ValueError comes from ingest (e.g. a release without a product).
    """
    inventory = read_sbom(label, text)
    if len(inventory.components) > MAX_COMPONENTS:
        raise ParseError(label, f"{len(inventory.components)} components: more than {MAX_COMPONENTS}")
    kind = sbom_kind(text)
    done = ingest_judged(
        store,
        result_from_inventory(inventory, distribution),
        project,
        policy,
        product=product,
        release=release,
        kind=kind,
        actor=actor,
        today=today,
    )
    return SbomImport(done.outcome, kind, done.result)
