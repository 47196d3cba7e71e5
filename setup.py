"""Builds the wheel with the icon and the sample case inside the package (``workbench/_data``).

Everything else about the package is in ``pyproject.toml``. An editable install skips the copy:
the code then finds the files at the top of the checkout (see ``workbench/bundled.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = {"resources": ("workbench.svg", "workbench.png"), "sample_cases/aurus": None}
SKIP = shutil.ignore_patterns("*.wbcase*", "__pycache__", "*.pyc")


class BuildWithData(build_py):
    """``build_py`` plus a copy of the shipped files into ``workbench/_data``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "workbench" / "_data"
        for folder, names in SHIPPED.items():
            source, dest = ROOT / folder, target / folder
            if names is None:
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(source, dest, ignore=SKIP)
                continue
            dest.mkdir(parents=True, exist_ok=True)
            for name in names:
                if (source / name).is_file():
                    shutil.copy2(source / name, dest / name)


setup(cmdclass={"build_py": BuildWithData})
