"""Merge a colleague's copy (a case file, an encrypted bundle, or a ``journal.jsonl``).

Before anything is written the case is snapshotted beside itself (``.snapshots/``), so the
last merge can be undone; the merge itself is one transaction, so a crash leaves the case as
it was before or as it is after, never in between.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.ingest.dedupe import find_duplicates
from workbench.services.conflicts import conflicts
from workbench.services.journal import read_journal
from workbench.services.overlap import copies_for_merge
from workbench.services.search import index_pending
from workbench.store import merge, snapshot
from workbench.store.case import CaseFile
from workbench.store.durable import atomic_target

SNAPSHOTS = ".snapshots"
KEEP_SNAPSHOTS = 5
Passphrase = Callable[[], str]
Step = Callable[[str, float], None]  # what is being done, fraction of the whole
Cancelled = Callable[[], bool]


class MergeCancelled(WorkbenchError):
    """The reporter stopped the merge; the case is as it was."""


def snapshot_dir(case_path: Path) -> Path:
    return Path(case_path).parent / SNAPSHOTS


def take_snapshot(case: CaseFile, label: str) -> Path:
    """A consistent copy of the open case (SQLite's backup), written atomically."""
    folder = snapshot_dir(case.path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{case.path.stem}.{label}.{stamp}.wbcase"
    with atomic_target(target) as temp:
        snapshot.backup(case.conn, temp)
        copy = sqlite3.connect(temp)
        try:
            copy.execute("PRAGMA journal_mode = DELETE")  # one file, nothing beside it
        finally:
            copy.close()
    for old in sorted(folder.glob(f"{case.path.stem}.{label}.*.wbcase"))[:-KEEP_SNAPSHOTS]:
        old.unlink(missing_ok=True)
    return target


def _is_journal(path: Path) -> bool:
    if path.suffix.lower() in (".jsonl", ".json"):
        return True
    with path.open("rb") as fh:
        return fh.read(1) == b"{"


def clear_leftovers(case_path: Path) -> None:
    """Remove what a killed merge or snapshot left (partial snapshots, private copies)."""
    folder = snapshot_dir(case_path)
    if not folder.is_dir():
        return
    for part in folder.glob("*.part"):
        part.unlink(missing_ok=True)
    for work in folder.glob("merge-*"):
        shutil.rmtree(work, ignore_errors=True)


def merge_case(case: CaseFile, other: Path, *, passphrase: Passphrase | None = None,
               step: Step | None = None, cancelled: Cancelled | None = None,
               ) -> dict[str, Any]:
    """Add what ``other`` holds and this case lacks; report counts and open conflicts.

    The other copy is read from a private work folder beside the case's snapshots (never the
    system's temporary folder: a decrypted bundle must not outlive a crash somewhere shared),
    and the snapshot is dropped again if the merge is refused.
    """
    other = Path(other)
    if not other.is_file():
        raise WorkbenchError(f"{other.name or other} does not exist or is not a file.")
    if other.resolve() == case.path.resolve():
        raise WorkbenchError("A case cannot be merged with itself.")
    clear_leftovers(case.path)
    folder = snapshot_dir(case.path)
    folder.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="merge-", dir=folder))
    try:
        say = _stepper(step, cancelled)
        say("Reading the other copy", 0.0)
        report, snapshot = _merge_from(case, other, _plain_copy(other, work, passphrase), say)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"merged": other.name, **report.as_json(), "snapshot": snapshot.name,
            "conflicts": conflicts(case)}


def _stepper(step: Step | None, cancelled: Cancelled | None) -> Step:
    """Report a step, after checking the reporter has not cancelled (a check point)."""

    def say(message: str, fraction: float) -> None:
        if cancelled is not None and cancelled():
            raise MergeCancelled("Merge cancelled; nothing was changed.")
        if step is not None:
            step(message, fraction)

    return say


def _merge_from(case: CaseFile, other: Path, source: Path | None, say: Step,
                ) -> tuple[merge.MergeReport, Path]:
    report = merge.MergeReport()
    if source is None:
        try:
            incoming = read_journal(other)
        except WorkbenchError as exc:
            raise merge.MergeError(str(exc)) from None
        src = None
    else:
        src = merge.open_untrusted(source, other.name)
    try:
        if src is not None:
            incoming = merge.verified_events(src, other.name)
        say("Taking a snapshot of this case", 0.2)
        snapshot = take_snapshot(case, "before-merge")
        try:
            with case.transaction() as conn:
                say("Adding the changes", 0.4)
                merge.merge_events(conn, incoming, report)
                if src is not None:
                    say("Adding files and shipments", 0.5)
                    merge.merge_source_files(conn, src, report)
                    merge.merge_imports(conn, src, report, find_duplicates, copies_for_merge)
                say("Indexing the new changes", 0.9)
                merge.note_merge(conn, other.name)
                index_pending(conn)
        except BaseException:
            snapshot.unlink(missing_ok=True)  # nothing was merged: nothing to undo
            raise
    finally:
        if src is not None:
            src.close()
    return report, snapshot


def _plain_copy(other: Path, tmp: Path, passphrase: Passphrase | None) -> Path | None:
    """The other copy as a case file to read (decrypted if a bundle); None for a journal."""
    from workbench.store import bundle

    if bundle.is_bundle(other):
        if passphrase is None:
            raise WorkbenchError(f"{other.name} is encrypted; give its passphrase.")
        plain = tmp / "other.wbcase"
        bundle.decrypt_file(other, plain, passphrase())
        return plain
    if _is_journal(other):
        return None
    plain = tmp / "other.wbcase"  # read a private copy: the original may be open elsewhere
    shutil.copyfile(other, plain)
    wal = other.with_name(other.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, Path(str(plain) + "-wal"))
    return plain


def undo_last_merge(case_path: Path) -> Path:
    """Put back the case as it was before its latest merge (the case must be closed)."""
    case_path = Path(case_path)
    taken = sorted(snapshot_dir(case_path).glob(f"{case_path.stem}.before-merge.*.wbcase"))
    if not taken:
        raise WorkbenchError("There is no merge to undo for this case.")
    latest = taken[-1]
    CaseFile.open(latest, read_only=True).close()  # a sound case file, or say why
    with atomic_target(case_path) as temp:
        shutil.copyfile(latest, temp)
        for leftover in ("-wal", "-shm"):  # a stale log must never meet the restored file
            Path(str(case_path) + leftover).unlink(missing_ok=True)
    latest.unlink()
    return latest


def last_snapshot(case_path: Path) -> Path | None:
    """The newest snapshot of ``case_path`` (a case file or folder) that opens as a case."""
    from workbench.services.cases import resolve_case_path

    case_path = resolve_case_path(Path(case_path))
    folder = snapshot_dir(case_path)
    taken = folder.glob(f"{case_path.stem}.*.wbcase")  # <stem>.<label>.<UTC stamp>.wbcase
    for candidate in sorted(taken, key=lambda p: p.stem.rsplit(".", 1)[-1], reverse=True):
        try:
            CaseFile.open(candidate, read_only=True).close()
        except WorkbenchError:
            continue
        return candidate
    return None


def restore_last_snapshot(case_path: Path) -> Path:
    """Put the newest sound snapshot in place of a damaged case file; the damaged file is kept
    beside it as ``<name>.damaged`` (renamed, never deleted). Returns where it was kept."""
    from workbench.services.cases import resolve_case_path

    case_path = resolve_case_path(Path(case_path))
    latest = last_snapshot(case_path)
    if latest is None:
        raise WorkbenchError(f"There is no snapshot of {case_path.name} to open.")
    kept = case_path.with_name(case_path.name + ".damaged")
    number = 2
    while kept.exists():
        kept = case_path.with_name(f"{case_path.name}.damaged-{number}")
        number += 1
    for leftover in ("", "-wal", "-shm"):  # the damaged file's log goes with it, untouched
        old = Path(str(case_path) + leftover)
        if old.exists():
            old.replace(Path(str(kept) + leftover))
    with atomic_target(case_path) as temp:
        shutil.copyfile(latest, temp)
    return kept
