"""Commands for taking in a colleague's work: merge, conflicts, resolve, purge."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import Parser, emit, progress


def cmd_merge(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case, resolve_case_path
    from workbench.services.merging import merge_case, undo_last_merge
    from workbench.store.bundle import passphrase_from_env_or_prompt

    if args.undo:
        restored = undo_last_merge(resolve_case_path(Path(args.case)))
        emit({"restored": restored.name}, args.json,
             lambda: f"Put the case back as it was before its last merge ({restored.name}).")
        return 0
    if not args.other:
        from workbench.cli.common import UsageError

        raise UsageError("Name the copy to merge (a case file, bundle or journal.jsonl).")
    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        data = merge_case(case, Path(args.other), passphrase=passphrase_from_env_or_prompt)
    finally:
        case.close()

    def text() -> str:
        lines = [f"Merged {data['merged']}: {data['events']} new changes, {data['imports']} "
                 f"imports with {data['shipments']:,} new shipments, {data['files']} files."]
        if data["purged"] or data["skipped_purged"]:
            lines.append(f"Purged sources kept out: {data['purged'] + data['skipped_purged']}.")
        for c in data["conflicts"]:  # type: ignore[attr-defined]
            lines.append(f"CONFLICT in {c['kind']} '{c['key']}':")
            lines.extend(f"    {v['id'][:12]} {v['author']} {v['time']}: {v['value'][:100]}"
                         for v in c["values"])
        lines.append(f"Snapshot taken before the merge: {data['snapshot']} "
                     "(undo with 'workbench merge CASE --undo').")
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.conflicts import conflicts

    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        found = conflicts(case)
    finally:
        case.close()

    def text() -> str:
        if not found:
            return "No conflicts."
        lines = []
        for c in found:
            lines.append(f"{c['kind']} '{c['key']}':")
            lines.extend(f"    {v['id'][:12]} {v['author']} {v['time']}: {v['value'][:100]}"
                         for v in c["values"])
        lines.append("Keep one with 'workbench resolve CASE --keep ID'.")
        return "\n".join(lines)

    emit({"conflicts": found}, args.json, text)
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.conflicts import resolve
    from workbench.services.history import event_json

    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        data = event_json(resolve(case, args.keep))
    finally:
        case.close()
    emit(data, args.json, lambda: f"Kept {args.keep[:12]}: {data['summary']}.")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.notes import purge_source

    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        done = purge_source(case, args.source)
    finally:
        case.close()
    emit({"purged": done.payload["event"], "id": done.id}, args.json,
         lambda: "Purged the source and its file; merging older copies will not bring it back.")
    return 0


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("merge", help="take in a colleague's copy: case file, bundle or journal")
    p.add_argument("case", metavar="CASE")
    p.add_argument("other", metavar="OTHER", nargs="?")
    p.add_argument("--undo", action="store_true", help="put back the case before its last merge")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_merge)

    p = sub.add_parser("conflicts", help="fields two copies changed from the same version")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_conflicts)

    p = sub.add_parser("resolve", help="keep one value of a conflict")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--keep", required=True, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_resolve)

    p = sub.add_parser("purge", help="remove a source and its file for good, in every copy")
    p.add_argument("case", metavar="CASE")
    p.add_argument("source", metavar="ID", help="the source's id (first 8+ characters)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_purge)
