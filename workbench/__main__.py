"""``python -m workbench`` and the ``workbench`` console script."""

from __future__ import annotations

from workbench.app import exit_process
from workbench.app import main as _main


def main() -> None:
    exit_process(_main())


if __name__ == "__main__":
    main()
