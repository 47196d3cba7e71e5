"""Write ``schema_vN.wbcase`` for the current schema: a small case the tests must keep opening.

Run once per schema version (``python tests/data/make_schema_fixture.py``) and commit the file;
never regenerate an existing version's file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.extracts import sample_items, write_gcode_xlsx
from workbench.services.cases import new_case
from workbench.services.importing import import_file
from workbench.store.schema import SCHEMA_VERSION


def main() -> None:
    target = Path(__file__).parent / f"schema_v{SCHEMA_VERSION}.wbcase"
    if target.exists():
        raise SystemExit(f"{target.name} exists; fixtures of a released schema never change.")
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = write_gcode_xlsx(Path(tmp) / "parts.xlsx", sample_items())
        case = new_case(target, f"Schema {SCHEMA_VERSION} fixture")
        import_file(case, xlsx)
        case.close()
    print(f"wrote {target.name}")


if __name__ == "__main__":
    main()
