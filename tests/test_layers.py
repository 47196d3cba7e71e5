"""The layers of the package: Qt only under workbench/ui, dependencies pointing down."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "workbench"
QT_ALLOWED = {"ui"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_qt_below_the_ui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in QT_ALLOWED or rel.name in ("app.py", "__main__.py"):
            continue
        qt = {n for n in _imports(path) if n.split(".")[0] in ("PySide6", "shiboken6")}
        qt |= {n for n in _imports(path) if "backend_qt" in n}
        if qt:
            offenders.append(f"{rel}: {sorted(qt)}")
    assert offenders == []


def test_import_contracts_hold() -> None:
    """import-linter checks the layer order declared in pyproject.toml."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        capture_output=True, text=True, cwd=PACKAGE.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
