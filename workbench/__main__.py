"""``python -m workbench`` and the ``workbench`` console script."""

from __future__ import annotations

import sys

from workbench.app import main as _main


def main() -> None:
    sys.exit(_main())


if __name__ == "__main__":
    main()
