"""The self-test's window step: open a case in the real main window and count what it shows."""

from __future__ import annotations

from pathlib import Path

from workbench.ui.app import application


def rows_in_window(path: Path) -> int:
    """Open ``path`` in a main window (never shown), return the shipments its table holds."""
    from workbench.ui.main_window import MainWindow

    app = application()
    window = MainWindow()
    try:
        if not window.open_case(path) or window.shipments is None:
            return 0
        app.processEvents()
        return window.shipments.table.model().rowCount()
    finally:
        window.close_case()
        window.deleteLater()
        app.processEvents()
