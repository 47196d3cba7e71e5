"""Render ``resources/workbench.png`` (256 px) from ``resources/workbench.svg``.

The PNG is for what cannot read SVG: PyInstaller's Windows and macOS icons and older desktops.
Run from the repository root after changing the SVG: ``python packaging/make_icon.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SIZE = 256


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (QPainter needs the application)
    renderer = QSvgRenderer(str(ROOT / "resources" / "workbench.svg"))
    if not renderer.isValid():
        print("resources/workbench.svg could not be read as SVG.", file=sys.stderr)
        return 2
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    out = ROOT / "resources" / "workbench.png"
    if not image.save(str(out)):
        print(f"{out.name} could not be written.", file=sys.stderr)
        return 2
    print(f"Wrote {out.relative_to(ROOT)} ({SIZE}x{SIZE}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
