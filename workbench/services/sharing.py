"""Sharing a case with another bureau: a snapshot, optionally redacted and encrypted.

The output is one self-contained case file (or a passphrase-protected bundle of one), written
to a temporary name in the target's folder, flushed to disk and renamed over the target, so a
reader never sees half of it and an existing file is replaced only by a complete one.

Redaction builds the copy by allow-list (``store.snapshot.copy_allowed``) into a fresh case
file. What is left out (:func:`plan_redaction`):

1. every version of a note any version of which was saved confidential (the title names the
   note, compared without regard to case or spacing);
2. every ``source.added`` event of a file any of whose events marks it confidential, and the
   file's stored bytes;
3. every other event whose payload text mentions such a note's title or such a source's file
   name, title or SHA-256 (whole words, ignoring case and spacing, so a reply whose
   ``documents`` lists ``sources/<name>`` goes too; over-redaction is preferred to a leak);
4. every event that refers to a left-out event by its id or an id prefix of eight or more
   characters (an undo, which carries the summary of what it undid; a reply that contradicts
   a left-out one), repeated until nothing more is found;
5. stored files that no kept import and no kept source refers to.

``source.purged`` events are kept when they only name a left-out source by id and hash: they
exist to keep a purged source gone after a later merge. The search index is never copied but
rebuilt from what the copy holds, and the copy is vacuumed, so no page holds a left-out byte.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.services.search import NOTE, SOURCE, rebuild_index
from workbench.store import bundle, durable, events, snapshot
from workbench.store.bundle import BUNDLE_SUFFIX
from workbench.store.case import CASE_SUFFIX, CaseFile
from workbench.store.snapshot import SnapshotCancelled

PURGED = "source.purged"
_HEX = re.compile(r"(?<![0-9a-f])[0-9a-f]{8,64}(?![0-9a-f])")

Progress = Callable[[str, float], None]
Cancelled = Callable[[], bool]

__all__ = ["Redaction", "SnapshotCancelled", "plan_redaction", "share_case"]


@dataclass
class Redaction:
    """What a redacted copy leaves out, and why (event id to a short reason)."""

    notes: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    events: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"notes": len(self.notes), "sources": len(self.sources),
                "events": len(self.events)}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_confidential(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


def _strings(value: object) -> Iterator[str]:
    """Every string value inside a payload (keys are the code's own words, not content)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _word_pattern(needles: set[str]) -> re.Pattern[str] | None:
    """One pattern matching any needle as whole words (where it starts/ends with a letter)."""
    parts = []
    for needle in sorted(needles, key=len, reverse=True):
        head = r"(?<!\w)" if re.match(r"\w", needle) else ""
        tail = r"(?!\w)" if re.search(r"\w$", needle) else ""
        parts.append(head + re.escape(needle) + tail)
    return re.compile("|".join(parts)) if parts else None


def _prefixes(ids: set[str]) -> set[str]:
    return {i[:n] for i in ids for n in range(8, len(i) + 1)}


def plan_redaction(log: Sequence[events.Event]) -> Redaction:
    """Decide which events and files a redacted copy leaves out (see the module's rules)."""
    plan = Redaction()
    for e in log:
        if e.kind == NOTE and _is_confidential(e.payload.get("confidential")):
            plan.notes.add(_norm(str(e.payload.get("title", ""))))
        elif e.kind == SOURCE and _is_confidential(e.payload.get("confidential")):
            plan.sources.add(str(e.payload.get("sha256", "")).lower())
    source_words: set[str] = set()
    for e in log:
        if e.kind == NOTE and _norm(str(e.payload.get("title", ""))) in plan.notes:
            plan.events[e.id] = "confidential note"
        elif e.kind == SOURCE and str(e.payload.get("sha256", "")).lower() in plan.sources:
            plan.events[e.id] = "confidential source"
            for key in ("name", "title", "origin"):
                if isinstance(e.payload.get(key), str) and e.payload[key].strip():
                    source_words.add(_norm(e.payload[key]))
    note_pattern = _word_pattern({t for t in plan.notes if t})
    source_pattern = _word_pattern(source_words | plan.sources)
    for e in log:
        if e.id in plan.events:
            continue
        text = "\n".join(_norm(s) for s in _strings(e.payload))
        if note_pattern is not None and note_pattern.search(text):
            plan.events[e.id] = "mentions a confidential note"
        elif source_pattern is not None and source_pattern.search(text):
            plan.events[e.id] = "mentions a confidential source"
    hashes = _prefixes(plan.sources)
    while True:  # references to what is left out, until nothing new is found
        refs = _prefixes(set(plan.events)) | hashes
        found = False
        for e in log:
            if e.id in plan.events or e.kind == PURGED:
                continue
            tokens = {t for s in _strings(e.payload) for t in _HEX.findall(s.lower())}
            if tokens & refs:
                plan.events[e.id] = ("undoes a left-out change" if e.kind == events.UNDO
                                     else "refers to a left-out change")
                found = True
        if not found:
            break
    plan.kinds = {e.id: e.kind for e in log if e.id in plan.events}
    return plan


def _kept_files(log: Sequence[events.Event], plan: Redaction) -> set[str]:
    return {str(e.payload.get("sha256", "")).lower() for e in log
            if e.kind == SOURCE and e.id not in plan.events}


def _check_target(case: CaseFile, out: Path) -> None:
    if out.is_dir():
        raise WorkbenchError(f"{out.name or out} is a folder; give the name of the file to write.")
    if not out.parent.is_dir():
        raise WorkbenchError(f"The folder for {out.name} does not exist.")
    live = case.path.resolve()
    if out.resolve() in {live, *(Path(f"{live}{s}") for s in snapshot.SIDECARS)}:
        raise WorkbenchError("The shared copy cannot replace the case file it is made from.")


def _temp_name(folder: Path, stem: str) -> Path:
    return folder / f".{stem}.{uuid.uuid4().hex[:12]}.part"


def shared_name(out: Path, *, encrypted: bool) -> Path:
    """``out`` with the extension that says what it holds: ``.wbbundle`` for an encrypted copy
    (in place of none or ``.wbcase``), ``.wbcase`` for a plain one (in place of none or
    ``.wbbundle``); any other extension is the reporter's choice and kept."""
    out = Path(out)
    if out.is_dir():
        return out  # refused as it is by the checks that follow
    mine, other = (BUNDLE_SUFFIX, CASE_SUFFIX) if encrypted else (CASE_SUFFIX, BUNDLE_SUFFIX)
    if out.suffix.lower() in ("", other):
        return out.with_suffix(mine) if out.suffix else out.with_name(out.name + mine)
    return out


def share_case(
    case: CaseFile,
    out: Path,
    *,
    redact: bool = False,
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[str, Any]:
    """Write a self-contained copy of ``case`` to ``out`` (redacted, encrypted as asked).

    Returns ``{"path", "redacted": counts or None, "encrypted", "size", "events", "files",
    "left_out": [{"id", "kind", "reason"}], "skipped_tables", "seconds"}``.
    """
    started = time.perf_counter()
    if passphrase is not None and not passphrase:
        raise WorkbenchError("The passphrase is empty; a bundle needs a passphrase.")
    out = shared_name(Path(out), encrypted=passphrase is not None)
    _check_target(case, out)
    report = progress or (lambda _m, _f: None)
    encrypt = passphrase is not None
    weight = 0.7 if encrypt else 1.0
    # An encrypted share never writes plaintext into the target's folder (often a USB stick or
    # a synced folder): the snapshot goes to a private temp folder on the local disk.
    private = Path(tempfile.mkdtemp(prefix="workbench-share-")) if encrypt else None
    plain = (private / "snapshot.wbcase") if private else _temp_name(out.parent, out.name)
    try:
        plan, skipped = _write_snapshot(case, plain, redact, weight, report, cancelled)
        with CaseFile.open(plain, read_only=True) as copy:
            counts = copy.conn.execute(
                "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM files)"
            ).fetchone()
        if encrypt:
            assert passphrase is not None
            report("Encrypting", weight)

            def on_chunk(fraction: float) -> None:
                snapshot.check_cancelled(cancelled)
                report("Encrypting", weight + (1 - weight) * fraction)

            bundle.encrypt_file(plain, out, passphrase, progress=on_chunk)  # atomic itself
        else:
            durable.fsync_file(plain)
            plain.replace(out)
            durable.fsync_folder(out.parent)
    finally:
        # Removing the plaintext is a plain unlink: overwriting it first would not reach the
        # old blocks on an SSD or a journalling file system, so it would only pretend.
        snapshot.remove_with_sidecars([plain])
        if private is not None:
            shutil.rmtree(private, ignore_errors=True)
    report("Done", 1.0)
    return {
        "path": str(out),
        "redacted": plan.counts() if plan is not None else None,
        "encrypted": encrypt,
        "size": out.stat().st_size,
        "events": int(counts[0]),
        "files": int(counts[1]),
        "left_out": [{"id": i, "kind": plan.kinds.get(i, ""), "reason": r}
                     for i, r in plan.events.items()] if plan is not None else [],
        "skipped_tables": skipped,
        "seconds": round(time.perf_counter() - started, 3),
    }


def _write_snapshot(
    case: CaseFile, dest: Path, redact: bool, weight: float, report: Progress,
    cancelled: Cancelled | None,
) -> tuple[Redaction | None, list[str]]:
    """Build the (plain) snapshot at ``dest`` and seal it; the redaction plan if redacted."""
    if not redact:
        report("Copying the case", 0.0)
        snapshot.backup(case.conn, dest, cancelled=cancelled,
                        progress=lambda f: report("Copying the case", weight * 0.9 * f))
        _fresh_replica(dest)
        report("Checking the copy", weight * 0.9)
        snapshot.seal(dest, compact=False)
        return None, []
    report("Deciding what to leave out", 0.0)
    log = events.read(case.conn)
    plan = plan_redaction(log)
    kept_files = _kept_files(log, plan)
    copy = CaseFile.create(dest, title=case.title)  # the store's own schema, a new replica
    try:
        with copy.transaction() as conn:
            skipped = snapshot.copy_allowed(
                case.conn, conn,
                keep_event=lambda eid: eid not in plan.events,
                keep_file=lambda sha: sha.lower() not in plan.sources and (
                    sha.lower() in kept_files or _imported(case, sha)),
                progress=lambda f: report("Copying what may be shared", weight * 0.6 * f),
                cancelled=cancelled,
            )
        snapshot.check_cancelled(cancelled)
        report("Rebuilding the search index", weight * 0.6)
        rebuild_index(copy)
    finally:
        copy.close()
    snapshot.check_cancelled(cancelled)
    report("Compacting and checking the copy", weight * 0.8)
    snapshot.seal(dest, compact=True)
    return plan, skipped


def _imported(case: CaseFile, sha: str) -> bool:
    row = case.conn.execute(
        "SELECT 1 FROM imports JOIN files ON files.id = imports.file_id WHERE files.sha256 = ? "
        "LIMIT 1", (sha,)).fetchone()
    return row is not None


def _fresh_replica(path: Path) -> None:
    """The shared copy is another replica: new events written there get their own id."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'replica_id'", (uuid.uuid4().hex,))
    finally:
        conn.close()


def bundle_case_path(bundle_path: Path) -> Path:
    """Where a bundle opened as a new case goes: beside it, named after it, never over a file."""
    bundle_path = Path(bundle_path)
    target = bundle_path.with_suffix(CASE_SUFFIX)
    number = 2
    while target.exists():
        target = bundle_path.with_name(f"{bundle_path.stem} ({number}){CASE_SUFFIX}")
        number += 1
    return target


def open_bundle_as_case(bundle_path: Path, passphrase: str,
                        progress: Callable[[float], None] | None = None) -> Path:
    """Decrypt a colleague's bundle into a new case file beside it (its own replica); the path.

    The bundle is checked chunk by chunk and the result opened as a case before it is kept, so
    a wrong passphrase, a damaged bundle or a bundle of something else leaves nothing behind.
    """
    bundle_path = Path(bundle_path)
    if not bundle.is_bundle(bundle_path):
        raise WorkbenchError(f"{bundle_path.name} is not an encrypted bundle.")
    target = bundle_case_path(bundle_path)
    temp = _temp_name(target.parent, target.name)
    try:
        bundle.decrypt_file(bundle_path, temp, passphrase, progress=progress)
        CaseFile.open(temp, read_only=True).close()  # a case file inside, or say why
        _fresh_replica(temp)
        durable.fsync_file(temp)
        if target.exists():  # appeared meanwhile: never replace another file
            raise WorkbenchError(f"{target.name} appeared while the bundle was opened; "
                                 "open the bundle again.")
        temp.replace(target)
        durable.fsync_folder(target.parent)
    except WorkbenchError as exc:
        message = str(exc).replace(temp.name, bundle_path.name)
        raise WorkbenchError(message) from None
    finally:
        snapshot.remove_with_sidecars([temp])
    return target
