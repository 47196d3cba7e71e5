"""Writing files that survive a crash: fsync, and publishing all at once.

``atomic_target`` writes a temp file beside the target, fsyncs it and ``os.replace``s it, so a
reader (or a crash) sees either the old file or the complete new one, never half of it; on an
error or a cancel the temp file is removed and an existing target is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_target(out: Path) -> Iterator[Path]:
    """Yield a temp path in ``out``'s folder; publish it as ``out`` if the block succeeds."""
    out = Path(out)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.", suffix=".part")
    os.close(fd)
    temp = Path(name)
    try:
        os.chmod(temp, out.stat().st_mode & 0o777 if out.exists() else 0o644)
        yield temp
        fsync_file(temp)
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(out.parent)


def fsync_file(path: Path) -> None:
    with Path(path).open("rb+") as fh:
        os.fsync(fh.fileno())


def fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
