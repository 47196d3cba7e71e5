"""The desk's Excel summary and CSV tables of a case: gather the data, hand it to the writers.

The writers (:mod:`workbench.export.xlsx_summary`, :mod:`workbench.export.csv_table`) take plain
data only; this module reads the case (settings, shipments, companies, figures, the analyst's
record) and shapes it. Confidential sources are reduced here to the words "confidential source".
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workbench.analysis.filters import Condition, apply
from workbench.analysis.query import run_query
from workbench.analysis.timeline import OTHER, timeline_series
from workbench.errors import WorkbenchError
from workbench.export.charts import timeline_figure
from workbench.export.csv_table import write_csv
from workbench.export.xlsx_summary import (
    SHEET_ROWS,
    FigureEvidence,
    SummaryData,
    Table,
    write_summary,
)
from workbench.ingest.countries import country_label
from workbench.services.cases import case_settings, load_shipments, timeline_markers
from workbench.services.companies import CompanyBook, company_book
from workbench.services.figures import evidence_rows, expand_companies, figure_reports
from workbench.services.notes import annotations, sources
from workbench.services.replies import reply_records
from workbench.store.case import CaseFile

MONEY_COLUMNS = ("stat_value_usd", "customs_value_rub", "invoice_value")
PROVENANCE = ("source_file", "source_sha256", "source_sheet", "source_row")
CONFIDENTIAL = "confidential source"
VALUE_LABELS = {
    "stat_value_usd": ("Statistical value, USD", "$"),
    "customs_value_rub": ("Customs value, RUB", "RUB "),
    "invoice_value": ("Invoice value", ""),
}
VALUE = "Value"
SHIPMENTS = "Shipments"

Progress = Callable[[str, float], None]
Cancelled = Callable[[], bool]


def export_summary(
    case: CaseFile,
    out_path: Path,
    progress: Progress | None = None,
    cancel: Cancelled | None = None,
    *,
    row_limit: int = SHEET_ROWS,
    today: date | None = None,
) -> dict[str, Any]:
    """Write the case's Excel summary to ``out_path`` (atomically); returns what was written."""
    out = _target(out_path, ".xlsx")
    if progress:
        progress("Gathering the figures and totals", 0.0)
    data = gather_summary(case, today=today)
    result = write_summary(data, out, row_limit=row_limit, progress=progress, cancel=cancel)
    return {"title": data.title, "exported_on": data.exported_on.isoformat(), **result}


def export_table_csv(case: CaseFile, out_path: Path,
                     conditions: list[Condition] | None = None) -> dict[str, Any]:
    """Write the shipments meeting ``conditions`` (company=NAME follows merges) as CSV."""
    out = _target(out_path, ".csv")
    frame = load_shipments(case)
    wanted = list(conditions or [])
    if any(c.column == "company" for c in wanted):
        wanted = expand_companies(wanted, company_book(case, frame))
    rows = frame.loc[apply(frame, wanted)] if wanted else frame
    return {"path": out.name, "rows": write_csv(rows, out),
            "where": [c.as_json() for c in conditions or []]}


def _target(path: Path, suffix: str) -> Path:
    out = Path(path)
    if out.suffix.lower() != suffix:
        raise WorkbenchError(f"{out.name} should end in {suffix}.")
    if not out.parent.is_dir():
        raise WorkbenchError(f"The folder for {out.name} does not exist.")
    if out.is_dir():
        raise WorkbenchError(f"{out.name} is a folder, not a file.")
    return out


# -- gathering ---------------------------------------------------------------------------------


def gather_summary(case: CaseFile, *, today: date | None = None, chart: bool = True,
                   frame: pd.DataFrame | None = None) -> SummaryData:
    """Everything the summary shows, as plain data."""
    settings = case_settings(case)
    value = str(settings["value_column"])
    frame = load_shipments(case) if frame is None else frame
    book = company_book(case, frame)
    key_date = _day(settings["key_date"])
    figures = [
        FigureEvidence(
            name=r.definition.name, value=r.value, measure=r.definition.measure,
            value_column=r.definition.value_column, definition=r.described(),
            rows=_evidence(evidence_rows(frame, r), r.definition.value_column),
            stated=r.definition.stated, sentence=r.definition.sentence, drift=list(r.drift),
            stated_range=None if r.stated is None else (r.stated.low, r.stated.high),
        )
        for r in figure_reports(case, frame, book)
    ]
    coverage = (_day(settings["coverage_start"]), _day(settings["coverage_end"]))
    return SummaryData(
        title=str(settings["title"] or ""),
        exported_on=today or date.today(),
        value_column=value,
        coverage=coverage,
        key_date=key_date,
        caveats=[str(c) for c in settings["caveats"]],  # type: ignore[attr-defined]
        figures=figures,
        totals=[
            _by_origin(frame, value),
            _by_supplier(book),
            _by_year(frame, value),
            _around_key_date(frame, value, key_date),
        ],
        record=[_reply_log(case), _annotations(case), _sources(case)],
        timeline_png=_timeline_png(case, frame, value, settings) if chart else None,
        money_columns=MONEY_COLUMNS,
    )


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _evidence(rows: pd.DataFrame, value_column: str) -> pd.DataFrame:
    """The rows behind a figure, without columns empty in all of them; provenance kept."""
    keep = [c for c in rows.columns
            if c in PROVENANCE or c == value_column or rows[c].notna().any()]
    return rows[keep].reset_index(drop=True)


def _by_origin(frame: pd.DataFrame, value: str) -> Table:
    result = run_query(frame, [], value=value, group_by="origin_country")
    counts = frame["origin_country"].astype("string").fillna("(blank)").value_counts()
    table = pd.DataFrame({
        "Country code": list(result.groups),
        "Country": [k if k == "(blank)" else country_label(k) for k in result.groups],
        SHIPMENTS: [int(counts.get(k, 0)) for k in result.groups],
        VALUE: list(result.groups.values()),
    })
    return Table("By origin country", table, money=(VALUE,), counts=(SHIPMENTS,),
                 total_of=VALUE, note=f"Sum of {value} per country of origin (origin_country).")


def _by_supplier(book: CompanyBook) -> Table:
    companies = book.companies
    table = pd.DataFrame({
        "Company": [c.name for c in companies],
        "Spellings in the data": [
            "\n".join(f"{s} ({n:,} shipments)" for s, n in
                      sorted(c.aliases.items(), key=lambda kv: (-kv[1], kv[0])))
            for c in companies],
        "Spellings": [len(c.aliases) for c in companies],
        SHIPMENTS: [c.shipments for c in companies],
        VALUE: [c.total for c in companies],
        "First shipment": pd.to_datetime([c.first for c in companies], errors="coerce"),
        "Last shipment": pd.to_datetime([c.last for c in companies], errors="coerce"),
        "Right of reply": [c.reply_status for c in companies],
    })
    return Table("By supplier", table, money=(VALUE,), counts=(SHIPMENTS,), total_of=VALUE,
                 wrap=("Spellings in the data",),
                 note="Companies as resolved in the case, with every spelling found in the data.")


def _by_year(frame: pd.DataFrame, value: str) -> Table:
    result = run_query(frame, [], value=value, group_by="year")
    years = frame["date"].dt.year.astype("Int64").astype("string").fillna("(blank)")
    counts = years.value_counts()
    keys = sorted(result.groups, key=lambda k: (k == "(blank)", k))
    table = pd.DataFrame({
        "Year": keys,
        SHIPMENTS: [int(counts.get(k, 0)) for k in keys],
        VALUE: [result.groups[k] for k in keys],
    })
    return Table("By year", table, money=(VALUE,), counts=(SHIPMENTS,), total_of=VALUE,
                 note=f"Sum of {value} per calendar year of the shipment date.")


def _around_key_date(frame: pd.DataFrame, value: str, key: date | None) -> Table:
    days = frame["date"].to_numpy(dtype="datetime64[D]")
    weights = np.nan_to_num(frame[value].to_numpy(dtype="float64", na_value=np.nan))
    dated = ~np.isnat(days)
    if key is None:
        periods = [("All dated shipments (no key date set for this case)", dated)]
    else:
        cut = np.datetime64(key, "D")
        periods = [(f"Before {key.isoformat()}", dated & (days < cut)),
                   (f"From {key.isoformat()} on", dated & (days >= cut))]
    if (~dated).any():
        periods.append(("No date", ~dated))
    table = pd.DataFrame({
        "Period": [p for p, _ in periods],
        SHIPMENTS: [int(m.sum()) for _, m in periods],
        VALUE: [float(weights[m].sum()) for _, m in periods],
    })
    note = (f"Sum of {value} before and after the key date {key.isoformat()}." if key
            else "No key date is set for this case.")
    return Table("Before and after key date", table, money=(VALUE,), counts=(SHIPMENTS,),
                 total_of=VALUE, note=note)


_REPLY_COLUMNS = ("Company", "Status", "Wording for print", "Entry", "Date", "Channel",
                  "To or from", "Deadline", "Outcome", "Text")


def _reply_log(case: CaseFile) -> Table:
    lines: list[dict[str, Any]] = []
    for record in reply_records(case):
        r = record.as_json()
        flags = [f for f, on in (("overdue", r["overdue"]),
                                 ("answers contradict each other", r["contradiction"])) if on]
        lines.append({"Company": r["name"], "Status": r["status"],
                      "Wording for print": r["wording"] or "", "Entry": "status",
                      "Date": r["last_contact"], "Deadline": r["deadline"],
                      "Outcome": "; ".join(flags)})
        entries = [("request", e) for e in r["requests"]] + \
                  [("attempt", e) for e in r["attempts"]] + \
                  [(str(e.get("kind") or "reply"), e) for e in r["replies"]]
        entries.sort(key=lambda kv: (str(kv[1].get("date") or ""), str(kv[1].get("time") or "")))
        for kind, e in entries:
            outcome = e.get("outcome")
            if kind in ("reply", "declined"):
                outcome = "; ".join(
                    [w for w, on in (("late", e.get("late")), ("contradicts an earlier answer",
                                                               e.get("contradicts")),
                                     ("not on the record", e.get("on_record") is False)) if on])
            lines.append({
                "Company": r["name"], "Status": r["status"], "Entry": kind,
                "Date": e.get("date"), "Channel": e.get("channel"),
                "To or from": e.get("to") or e.get("who"),
                "Deadline": e.get("extension_until") or e.get("deadline"),
                "Outcome": outcome,
                "Text": e.get("questions") or e.get("text"),
            })
    table = pd.DataFrame(lines, columns=list(_REPLY_COLUMNS))
    for column in ("Date", "Deadline"):
        table[column] = pd.to_datetime(table[column], errors="coerce", format="ISO8601")
    for column in table.columns.drop(["Date", "Deadline"]):
        table[column] = table[column].astype("string")
    return Table("Right of reply", table, wrap=("Wording for print", "Text"),
                 note="Right of reply: the printable wording per company, then every request, "
                      "attempt and reply.")


def _hlc_day(hlc: object) -> datetime | None:
    try:
        millis = int(str(hlc).split(".", 1)[0])
    except ValueError:
        return None
    return datetime.fromtimestamp(millis / 1000, tz=UTC).replace(tzinfo=None)


def _annotations(case: CaseFile) -> Table:
    rows = []
    for a in annotations(case):
        about = [f"company {a['company']}"] if a.get("company") else []
        about += [f"figure '{a['figure']}'"] if a.get("figure") else []
        about += [Condition.from_json(c).describe() for c in a.get("where") or []]
        rows.append({"Annotation": a.get("text"), "About": "; ".join(about),
                     "Tags": ", ".join(a.get("tags") or []), "Author": a.get("author"),
                     "Date": _hlc_day(a.get("hlc"))})
    table = pd.DataFrame(rows, columns=["Annotation", "About", "Tags", "Author", "Date"])
    table["Date"] = pd.to_datetime(table["Date"])
    for column in ("Annotation", "About", "Tags", "Author"):
        table[column] = table[column].astype("string")
    return Table("Annotations", table, wrap=("Annotation", "About"))


_SOURCE_COLUMNS = ("Source", "File", "SHA-256", "Type", "Companies", "Obtained on",
                   "Reliability")


def _sources(case: CaseFile) -> Table:
    rows = []
    for s in sources(case):
        if s.get("confidential"):
            rows.append({"Source": CONFIDENTIAL})  # nothing else: no title, file or hash
            continue
        rows.append({"Source": s.get("title"), "File": s.get("name"), "SHA-256": s.get("sha256"),
                     "Type": s.get("type"), "Companies": ", ".join(s.get("companies") or []),
                     "Obtained on": s.get("obtained_on"), "Reliability": s.get("reliability")})
    table = pd.DataFrame(rows, columns=list(_SOURCE_COLUMNS))
    table["Obtained on"] = pd.to_datetime(table["Obtained on"], errors="coerce", format="ISO8601")
    for column in table.columns.drop("Obtained on"):
        table[column] = table[column].astype("string")
    return Table("Sources", table,
                 note="Sources of the case; confidential ones are listed only as "
                      f"'{CONFIDENTIAL}'.")


def _timeline_png(case: CaseFile, frame: pd.DataFrame, value: str,
                  settings: dict[str, object]) -> bytes | None:
    """The timeline chart of the whole case, by country of origin, as PNG bytes."""
    if not len(frame) or value not in frame or "origin_country" not in frame:
        return None
    dates = frame["date"].dropna()
    span_days = (dates.max() - dates.min()).days if len(dates) else 0
    series = timeline_series(frame, np.arange(len(frame)), value=value,
                             period="M" if span_days <= 3 * 366 else "Q",
                             stack_by="origin_country")
    attrs = dict(series.attrs)
    series = series.rename(columns=lambda k: k if k == OTHER else country_label(str(k)))
    series.attrs.update(attrs)
    label, currency = VALUE_LABELS.get(value, (value, ""))
    coverage = (settings["coverage_start"], settings["coverage_end"])
    figure = timeline_figure(
        series, markers=timeline_markers(case),
        coverage=coverage if any(coverage) else None,  # type: ignore[arg-type]
        key_date=settings["key_date"],  # type: ignore[arg-type]
        title=str(settings["title"] or ""), value_label=label, currency=currency,
        legend_title="Country of origin", figure=Figure(figsize=(11.0, 5.0)),
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, facecolor="white")
    return buffer.getvalue()
