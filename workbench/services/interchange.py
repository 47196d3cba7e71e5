"""Interchange: writing a case in formats other tools load (FollowTheMoney for Aleph)."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.export.ftm import Supplier, ftm_entities, ftm_model
from workbench.services.cases import load_shipments, value_column
from workbench.services.companies import company_book
from workbench.store.case import CaseFile
from workbench.store.durable import atomic_target


def export_ftm(case: CaseFile, out_path: Path) -> dict[str, object]:
    """Write the case as FtM entities, one JSON object a line, published all at once.

    Returns the counts: ``{"path", "entities", "companies", "declarations"}``.
    """
    ftm_model()  # the missing extra is reported before any work is done
    out = Path(out_path)
    if not out.parent.is_dir():
        raise WorkbenchError(f"The folder for {out.name} does not exist.")
    frame = load_shipments(case)
    book = company_book(case, frame)
    suppliers = [Supplier(c.name, tuple(c.aliases)) for c in book.companies]
    counts: dict[str, int] = {}
    try:
        with atomic_target(out) as temp, temp.open("w", encoding="utf-8", newline="\n") as fh:
            for entity in ftm_entities(frame, suppliers, value_column=value_column(case)):
                fh.write(json.dumps(entity, ensure_ascii=False, separators=(",", ":")))
                fh.write("\n")
                counts[entity["schema"]] = counts.get(entity["schema"], 0) + 1
    except OSError as err:
        raise WorkbenchError(f"Could not write {out.name}: {err.strerror or err}.") from err
    return {
        "path": str(out),
        "entities": sum(counts.values()),
        "companies": counts.get("Company", 0),
        "declarations": counts.get("EconomicActivity", 0),
    }
