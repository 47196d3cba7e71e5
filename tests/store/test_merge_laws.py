"""The merge laws, checked on generated histories of three offline copies.

Each copy starts from a shared log, then records notes (each naming the versions it
replaces), renames, annotations, undos, sources and purges on a laptop clock skewed by up to
days. Merging is the real ``merge_events`` on real (in-memory) case databases; the state
compared is what the reporter sees: the live annotations, the notes with their conflicts, the
company names with theirs, the sources, and the log itself.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.services import companies, notes
from workbench.services.conflicts import conflicts
from workbench.store import events, merge, schema
from workbench.store.case import CaseFile

DAY = 86_400_000
START = 1_717_200_000_000  # June 2024
TITLES = ("Lead", "Suppliers", "Replies")
SPELLINGS = ("BYT CO LTD", "Rain Electronics")

# One step of a copy's offline work: (what, which title/spelling/event, which text).
STEP = st.tuples(st.sampled_from(["note", "rename", "annotate", "undo", "source", "purge"]),
                 st.integers(0, 5), st.sampled_from(["alpha", "beta", "gamma", "delta"]))
COPY = st.tuples(st.integers(-3 * DAY, 3 * DAY), st.lists(STEP, max_size=6))


def _new_case(name: str) -> CaseFile:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    schema.migrate(conn, 0)
    conn.execute("INSERT INTO meta(key, value) VALUES ('replica_id', ?)", (name,))
    return CaseFile(conn, Path(f"{name}.wbcase"), read_only=False)


def _append(case: CaseFile, clock: int, kind: str, payload: dict[str, Any],
            author: str) -> events.Event:
    with case.transaction() as conn:
        hlc = events.next_hlc(conn, wall_millis=clock)
        return events.append(conn, kind=kind, payload=payload, author=author,
                             replica=case.replica_id, hlc=hlc)


def _work(case: CaseFile, author: str, skew: int, steps: list[tuple[str, int, str]]) -> None:
    """Replay one copy's offline steps through the same payloads the services write."""
    for n, (what, pick, text) in enumerate(steps):
        clock = START + skew + n * 60_000
        if what == "note":
            title = TITLES[pick % len(TITLES)]
            current = notes.note_fields(case).get(title)
            base = sorted(h.id for h in current.heads) if current else []
            _append(case, clock, notes.NOTE, {"title": title, "text": f"{text} by {author}",
                                              "sha256": text, "confidential": False,
                                              "base": base}, author)
        elif what == "rename":
            spelling = SPELLINGS[pick % len(SPELLINGS)]
            current = companies.rename_fields(companies.active_decisions(case)).get(spelling)
            base = sorted(h.id for h in current.heads) if current else []
            _append(case, clock, companies.RENAME, {"name": spelling, "display": text.upper(),
                                                    "key": spelling.lower(), "base": base}, author)
        elif what == "annotate":
            _append(case, clock, notes.ANNOTATION, {"text": f"{text} {n}", "company": None,
                                                    "where": [], "tags": [author]}, author)
        elif what == "undo":
            live = [e for e in events.live(events.read(case.conn))
                    if e.kind in (notes.ANNOTATION, notes.NOTE)]
            if live:
                target = live[pick % len(live)]
                _append(case, clock, events.UNDO, {"event": target.id, "kind": target.kind,
                                                   "summary": "x"}, author)
        elif what == "source":
            _append(case, clock, notes.SOURCE, {"sha256": f"sha-{text}", "name": f"{text}.txt",
                                                "title": text, "confidential": True}, author)
        elif what == "purge":
            found = events.read(case.conn, notes.SOURCE)
            if found:
                target = found[pick % len(found)]
                with case.transaction() as conn:
                    events.append(conn, kind=merge.PURGED,
                                  payload={"event": target.id,
                                           "sha256": target.payload["sha256"]},
                                  author=author, replica=case.replica_id,
                                  hlc=events.next_hlc(conn, wall_millis=clock))
                    merge.apply_purges(conn)


def _merged(*copies: CaseFile) -> CaseFile:
    """A fresh copy that took in ``copies`` in the order given."""
    out = _new_case("merged")
    for other in copies:
        with out.transaction() as conn:
            merge.merge_events(conn, events.read(other.conn), merge.MergeReport())
    return out


def _into(target: CaseFile, other: CaseFile) -> CaseFile:
    with target.transaction() as conn:
        merge.merge_events(conn, events.read(other.conn), merge.MergeReport())
    return target


def _state(case: CaseFile) -> dict[str, Any]:
    """What a reporter sees, independent of the order things arrived in."""
    book = companies.rename_fields(companies.active_decisions(case))
    return {
        "log": sorted(e.id for e in events.read(case.conn)),
        "annotations": sorted(a["id"] for a in notes.annotations(case)),
        "notes": [(n["title"], n["id"], [c["id"] for c in n["conflict"]])
                  for n in notes.notes(case)],
        "names": sorted((k, [h.id for h in f.heads]) for k, f in book.items()),
        "sources": sorted(s["sha256"] for s in notes.sources(case)),
        "conflicts": conflicts(case),
    }


def _copies(shared: list[tuple[str, int, str]], work: list[tuple[int, list]]) -> list[CaseFile]:
    base = _new_case("base")
    _work(base, "desk", 0, shared)
    made = []
    for i, (skew, steps) in enumerate(work):
        copy = _merged(base)
        copy.conn.execute("UPDATE meta SET value = ? WHERE key = 'replica_id'", (f"r{i}",))
        _work(copy, f"reporter{i}", skew + DAY, steps)
        made.append(copy)
    return made


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shared=st.lists(STEP, max_size=4), work=st.lists(COPY, min_size=3, max_size=3))
def test_merging_is_commutative_associative_and_idempotent(shared, work) -> None:
    a, b, c = _copies(shared, work)
    ab, ba = _merged(a, b), _merged(b, a)
    assert _state(ab) == _state(ba)  # commutative
    assert _state(_merged(_merged(a, b), c)) == _state(_merged(a, _merged(b, c)))  # associative
    assert _state(_into(_merged(a, b), b)) == _state(ab)  # idempotent
    assert _state(_merged(a, a)) == _state(_merged(a))

    # Three copies merged in any order reach the same state.
    orders = [(a, b, c), (c, a, b), (b, c, a), (c, b, a)]
    states = [_state(_merged(*order)) for order in orders]
    assert all(s == states[0] for s in states)

    # No event lost: everything either side wrote is there, unless a purge removed it.
    union = {e.id for copy in (a, b, c) for e in events.read(copy.conn)}
    purged, _ = merge.purges(e for copy in (a, b, c) for e in events.read(copy.conn))
    assert set(states[0]["log"]) == union - purged


@settings(max_examples=100, deadline=None)
@given(skew=st.integers(-5 * DAY, 5 * DAY), text_a=st.text(min_size=1, max_size=20),
       text_b=st.text(min_size=1, max_size=20))
def test_concurrent_edits_of_one_note_are_a_conflict_whatever_the_clocks(skew, text_a,
                                                                          text_b) -> None:
    base = _new_case("base")
    _work(base, "desk", 0, [("note", 0, "alpha")])
    a, b = _merged(base), _merged(base)
    for copy, text, when in ((a, text_a, START + DAY), (b, text_b, START + DAY + skew)):
        current = notes.note_fields(copy)["Lead"]
        _append(copy, when, notes.NOTE, {"title": "Lead", "text": text, "sha256": "",
                                         "confidential": False,
                                         "base": [h.id for h in current.heads]}, "x")
    found = conflicts(_merged(a, b))
    if text_a == text_b:
        assert found == []  # the same change made twice is no conflict
    else:
        [conflict] = found
        assert sorted(v["value"] for v in conflict["values"]) == sorted([text_a, text_b])


def test_a_purged_source_stays_purged_when_an_older_copy_comes_back() -> None:
    old = _new_case("old")
    _work(old, "anna", 0, [("source", 0, "alpha"), ("annotate", 0, "beta")])
    purged = _merged(old)
    _work(purged, "anna", DAY, [("purge", 0, "alpha")])
    assert notes.sources(purged) == []
    again = _into(purged, old)
    assert notes.sources(again) == []
    assert _state(_merged(old, purged)) == _state(_merged(purged, old))
    assert notes.sources(_merged(old, purged)) == []
