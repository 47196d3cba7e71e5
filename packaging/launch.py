"""The frozen app's entry: the ``workbench`` command, or the workbook reader's child process."""

from __future__ import annotations

import sys


def _main() -> None:
    if sys.argv[1:2] == ["-c"]:  # checked before any import, so the window starts fast
        from workbench.ingest.sandbox import run_as_frozen_child

        status = run_as_frozen_child(sys.argv)
        if status is not None:
            sys.exit(status)
    from workbench.__main__ import main

    main()


if __name__ == "__main__":
    _main()
