"""Generate ``sample_cases/aurus/journal.jsonl``: the sample's right-of-reply record.

Run from the repository root::

    python sample_cases/make_journal.py

The outcome for each company follows what was published (Reuters, June 2024); the dates,
channels and people are invented, as in ``aurus/notes/03-right-of-reply.md``. Each line is one
event with the columns of the case's events table; the id is the content hash computed by
``workbench.store.events.event_id``, and the clock is derived from the contact date, so the
output is byte-for-byte reproducible.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_cases" / "aurus" / "journal.jsonl"
REPORTER = "sample reporter"
CORRESPONDENT = "sample Hong Kong correspondent"
REPLICA = "aurus-sample"
DEADLINE = "2024-06-07"
EXTENDED = "2024-06-12"
QUESTIONS = (
    "Customs records show your company supplied parts or equipment to Aurus from 2018 to 2023, "
    "including after February 2022. Do you still supply Aurus? Are you aware that Aurus LLC was "
    "sanctioned by the United States in February 2024?"
)
REMINDER = "Reminder of our questions of late May; the deadline is extended to 12 June."

AURUS = "Aurus Motors"
KYUNGKI = "Kyungki Industrial Co"
BYT = "BYT CO LTD"
ENERTECH = "Enertech International Inc"
ILPEA = "Industrie Ilpea Spa"
RAIN = "Rain Electronics"


def request(company: str, day: str, to: str, *, reminder: bool = False) -> tuple[str, dict]:
    payload: dict[str, Any] = {
        "company": company, "channel": "email", "date": day, "to": to, "deadline": DEADLINE,
        "questions": REMINDER if reminder else QUESTIONS,
    }
    if reminder:
        payload["extension_until"] = EXTENDED
    return "reply.request", payload


def attempt(company: str, day: str, channel: str, to: str, outcome: str,
            text: str | None = None) -> tuple[str, dict]:
    payload = {"company": company, "channel": channel, "date": day, "to": to, "outcome": outcome}
    if text:
        payload["text"] = text
    return "reply.attempt", payload


def annotation(day: str, text: str, *, company: str | None = None,
               where: list[dict[str, Any]] | None = None,
               tags: tuple[str, ...] = ()) -> tuple[str, dict, str]:
    """An annotation as ``workbench annotate`` records it, logged on ``day``."""
    payload = {"text": text, "company": company, "where": where or [], "tags": sorted(tags)}
    return "annotation.added", payload, day


def between(column: str, start: str, end: str) -> dict[str, Any]:
    return {"column": column, "op": "between", "value": [start, end]}


def annotations() -> list[tuple[str, dict, str]]:
    """The reporters' annotations: on companies, a date range and a selection of shipments."""
    since_invasion = between("date", "2022-02-24", "2023-12-31")
    return [
        annotation("2024-05-20", "Shipments carried on in the weeks right after the invasion; "
                   "check the March 2022 declarations one by one.",
                   where=[between("date", "2022-02-24", "2022-03-31")], tags=("timeline",)),
        annotation("2024-05-21", "South Korean-made parts after the invasion: the fourth figure "
                   "of the draft.", where=[since_invasion,
                                           {"column": "origin_country", "op": "=",
                                            "value": "KR"}],
                   tags=("key figure",)),
        annotation("2024-05-22", "Listed office in Mong Kok; the company registry shows a "
                   "secretarial firm's address. Possible front.", company=RAIN,
                   tags=("follow up", "shell company")),
        annotation("2024-06-10", "The written statement says no contract since 2021, but the "
                   "records show shipments through 2023. Put the dates to them.",
                   company=KYUNGKI, tags=("contradiction", "follow up")),
    ]


#: The story's four figures as the published text states them: (name, conditions, stated, sentence).
FIGURES = (
    ("Total imports 2018-2023", [between("date", "2018-01-01", "2023-12-31")],
     "at least $34 million",
     "Aurus imported equipment and components worth at least $34 million between 2018 and "
     "2023."),
    ("Produced in South Korea", [{"column": "origin_country", "op": "=", "value": "KR"}],
     "almost $15.5 million", "Almost $15.5 million of it came from South Korea."),
    ("Imported since the invasion", [{"column": "date", "op": ">=", "value": "2022-02-24"}],
     "almost $16 million",
     "Goods worth almost $16 million were imported after February 2022."),
    ("South Korean-produced since the invasion",
     [{"column": "date", "op": ">=", "value": "2022-02-24"},
      {"column": "origin_country", "op": "=", "value": "KR"}],
     "$5 million", "... including $5 million produced in South Korea."),
)


def figures() -> list[tuple[str, dict, str]]:
    """The figures with the values they had when saved, computed from the sample's own rows."""
    import shutil
    import tempfile

    from workbench.analysis.filters import Condition
    from workbench.services.cases import load_shipments, open_case
    from workbench.services.figures import figure_payload

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "aurus"
        shutil.copytree(OUT.parent, folder, ignore=shutil.ignore_patterns("journal.jsonl"))
        case, _ = open_case(folder)
        try:
            frame = load_shipments(case)
            made = [figure_payload(case, frame, name, [Condition.from_json(c) for c in where],
                                   stated=stated, sentence=sentence)
                    for name, where, stated, sentence in FIGURES]
        finally:
            case.close()
    for payload in made:  # first versions: as in the published journal, which predates bases
        payload.pop("base", None)
    return [("figure.saved", payload, "2024-06-14") for payload in made]


def plan() -> list[tuple[str, dict]]:
    """Every contact in the order the reporter logged it (ids of Kyungki's answers filled later)."""
    follow = "follow-up email"
    return [
        request(AURUS, "2024-05-27", "press office (press address on the company website)"),
        request(AURUS, "2024-05-27", "chief executive's office (general enquiries address)"),
        *(request(c, "2024-05-29", "address on the company website")
          for c in (KYUNGKI, BYT, ENERTECH, ILPEA, RAIN)),
        attempt(RAIN, "2024-05-29", "email", "address found online", "bounced"),
        attempt(RAIN, "2024-05-29", "phone", "listed number", "number not in service"),
        attempt(AURUS, "2024-06-03", "phone", "Moscow switchboard", "passed on",
                "Told the questions had been passed on."),
        attempt(BYT, "2024-06-03", "email", "address on the company website", "sent", follow),
        attempt(BYT, "2024-06-03", "phone", "Changwon office", "left message",
                "No answer at first; message left."),
        attempt(ENERTECH, "2024-06-03", "email", "address on the company website", "sent", follow),
        attempt(ENERTECH, "2024-06-03", "phone", "reception", "message taken",
                "Reception took a message for the sales department."),
        attempt(ILPEA, "2024-06-03", "phone", "head office switchboard", "left message"),
        attempt(RAIN, "2024-06-03", "email", "address found online", "bounced"),
        attempt(RAIN, "2024-06-03", "phone", "listed number", "number not in service"),
        ("reply.response", {
            "company": KYUNGKI, "channel": "phone", "date": "2024-06-05",
            "who": "a representative", "on_record": True,
            "text": "Kyungki continues to supply Aurus and is not concerned about sanctions.",
            "documents": []}),
        attempt(RAIN, "2024-06-06", "visit", "office address listed online, Mong Kok, Kowloon",
                "office not found",
                "No trace of the company on that floor or in the building's directory; the "
                "management office had no record of it."),
        ("reply.response", {
            "company": KYUNGKI, "channel": "email", "date": "2024-06-10",
            "who": "Kyungki Industrial Co", "on_record": True, "statement": True,
            "text": "Kyungki has signed no contract with Aurus or with Russian suppliers since "
                    "2021 and has taken part in no project in Russia since 2022.",
            "documents": ["sources/kyungki_statement.txt"], "contradicts": "<phone answer>"}),
        *(request(c, "2024-06-10", "address on the company website", reminder=True)
          for c in (AURUS, BYT, ENERTECH, ILPEA)),
        ("reply.response", {
            "company": KYUNGKI, "channel": "phone", "date": "2024-06-11",
            "who": "a representative", "on_record": True,
            "text": "Asked about the difference from the phone answer, referred us to the "
                    "written statement.",
            "documents": [], "refers_to": "<statement>"}),
        attempt(AURUS, "2024-06-12", "phone", "Moscow switchboard", "no answer"),
    ]


def hlc_for(day: str, minute: int) -> str:
    from workbench.store.events import format_hlc

    start = datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)
    return format_hlc(int(start.timestamp() * 1000) + minute * 60_000, 0)


def build() -> list[dict[str, Any]]:
    """The journal's lines as objects, ids computed and references filled in."""
    from workbench.store.events import event_id

    rows: list[dict[str, Any]] = []
    minute_of: dict[str, int] = {}
    ids: dict[str, str] = {}
    entries: list[tuple[str, dict, str]] = [(k, p, p["date"]) for k, p in plan()]
    entries += annotations() + figures()
    entries.sort(key=lambda entry: entry[2])  # stable: same-day entries keep their order
    for kind, payload, day in entries:
        minute_of[day] = minute_of.get(day, -1) + 1
        if payload.get("contradicts") == "<phone answer>":
            payload["contradicts"] = ids["phone answer"]
        if payload.get("refers_to") == "<statement>":
            payload["refers_to"] = ids["statement"]
        author = CORRESPONDENT if payload.get("channel") == "visit" else REPORTER
        hlc = hlc_for(day, minute_of[day])
        eid = event_id(hlc, author, REPLICA, kind, payload)
        if kind == "reply.response" and payload["company"] == KYUNGKI:
            ids.setdefault("phone answer", eid)
            if payload.get("statement"):
                ids["statement"] = eid
        rows.append({"id": eid, "hlc": hlc, "author": author, "replica": REPLICA, "kind": kind,
                     "payload": payload})
    return rows


def main() -> None:
    from workbench.store.events import canonical_json

    lines = [canonical_json(row) for row in build()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} events to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
