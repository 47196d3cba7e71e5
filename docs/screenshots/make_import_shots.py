"""Screenshots of the import dialog on a workbook without its origin column, from the app itself.

Run from the repository root on a screen (or under ``xvfb-run -s "-screen 0 1366x768x24"``):
``python docs/screenshots/make_import_shots.py``. Writes ``import-missing-origin.png`` (the
preview: missing key columns in red, confidence marks, the value total) and
``import-report-warning.png`` (the report page after the import) beside this script.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.extracts import sample_items  # noqa: E402
from tests.no_origin import write_no_origin_xlsx  # noqa: E402
from workbench.services.cases import new_case  # noqa: E402
from workbench.ui.import_dialog import ImportDialog  # noqa: E402

OUT = Path(__file__).resolve().parent


def wait_until(app: QApplication, done: object, seconds: float = 60) -> None:
    """Run the event loop until ``done()`` is true (or the time is up)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if done() else None)  # type: ignore[operator]
    timer.start(50)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        case_path = Path(folder) / "case.wbcase"
        new_case(case_path, "Aurus").close()
        workbook = write_no_origin_xlsx(Path(folder) / "aurus_2022_no_origin.xlsx",
                                        sample_items())
        dialog = ImportDialog(case_path, [workbook])
        dialog.resize(1180, 720)
        dialog.show()
        wait_until(app, lambda: not dialog.previewing)
        app.processEvents()
        dialog.grab().save(str(OUT / "import-missing-origin.png"))
        dialog.import_button.click()
        wait_until(app, lambda: dialog.pages.currentIndex() == 1 and not dialog.running)
        app.processEvents()
        dialog.grab().save(str(OUT / "import-report-warning.png"))
        dialog.close()
    print(f"wrote {OUT / 'import-missing-origin.png'} and {OUT / 'import-report-warning.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
