"""``workbench --self-test``: prove an install works, headless, without touching the install.

Copies the shipped sample case to a temporary folder, opens it, recomputes its figures, writes
the desk's Excel summary, reads that back with openpyxl and opens the case in the window on Qt's
offscreen platform. One line per step on stdout; the first failure is one sentence on stderr
(exit 2). Nothing is left behind: the temporary folder goes when the test ends.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from workbench import bundled
from workbench.errors import WorkbenchError


class SelfTestFailed(WorkbenchError):
    """A step of the self-test did not do what it should."""


def _check(ok: bool, sentence: str) -> None:
    if not ok:
        raise SelfTestFailed(sentence)


def _copy_sample(work: Path) -> tuple[Path, str]:
    source = bundled.sample_case()
    _check(source is not None, "This install carries no sample case to test with.")
    copy = bundled.copy_sample(work)
    return copy, f"copied the sample case from {source} to a temporary folder"


def _open(copy: Path) -> tuple[tuple[object, object, object], str]:
    from workbench.services.cases import load_shipments, open_case
    from workbench.services.companies import company_book

    case, reports = open_case(copy)
    frame = load_shipments(case)
    _check(len(frame) > 0, "The sample case opened with no shipments in it.")
    return (case, frame, company_book(case, frame)), (
        f"opened it: {len(frame):,} shipments from {len(reports)} spreadsheets")


def _figures(case: object, frame: object, book: object) -> tuple[int, str]:
    from workbench.services.figures import figure_reports

    reports = figure_reports(case, frame, book)  # type: ignore[arg-type]
    _check(bool(reports), "The sample case has no saved figures to recompute.")
    for report in reports:
        _check(math.isfinite(report.value) and report.rows > 0,
               f"The figure '{report.definition.name}' came out empty.")
    total = reports[0]
    return len(reports), (f"computed {len(reports)} figures "
                          f"('{total.definition.name}' is {total.value:,.2f})")


def _summary(case: object, out: Path, figures: int) -> str:
    from openpyxl import load_workbook

    from workbench.services.summary import export_summary

    data = export_summary(case, out)  # type: ignore[arg-type]
    book = load_workbook(out, read_only=True)
    try:
        names = list(book.sheetnames)
        _check(names == list(data["sheets"]),
               "The Excel summary read back has other sheets than were written.")
        _check(len(data["figures"]) == figures,
               "The Excel summary does not carry every figure.")
        first = next(book[names[0]].iter_rows(max_row=1, values_only=True), ())
        _check(any(cell is not None for cell in first), "The Excel summary's first sheet is empty.")
    finally:
        book.close()
    return f"wrote the Excel summary ({len(names)} sheets) and read it back with openpyxl"


def _window(copy: Path, rows: int) -> str:
    names = ("QT_QPA_PLATFORM", "WORKBENCH_CONFIG_DIR", "WORKBENCH_AUTHOR")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["WORKBENCH_CONFIG_DIR"] = str(copy.parent / "settings")  # the real ones stay as
    os.environ["WORKBENCH_AUTHOR"] = "self-test"  # they were; no first-run question to answer
    platform = os.environ["QT_QPA_PLATFORM"]
    try:
        from workbench.ui.selfcheck import rows_in_window

        shown = rows_in_window(copy)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    _check(shown == rows, f"The window showed {shown:,} shipments instead of {rows:,}.")
    return f"opened it in the window on Qt's '{platform}' platform"


def run(out: Callable[[str], None] = print) -> int:
    """Run every step; raises :class:`SelfTestFailed` with one sentence at the first failure."""
    step = 0

    def say(text: str) -> None:
        nonlocal step
        step += 1
        out(f"self-test {step}: {text}")

    with tempfile.TemporaryDirectory(prefix="workbench-self-test-") as tmp:
        work = Path(tmp)
        current = "copying the sample case"
        try:
            copy, line = _copy_sample(work)
            say(line)
            current = "opening the sample case"
            (case, frame, book), line = _open(copy)
            say(line)
            try:
                current = "computing the figures"
                figures, line = _figures(case, frame, book)
                say(line)
                current = "writing the Excel summary"
                say(_summary(case, work / "summary.xlsx", figures))
            finally:
                case.close()  # type: ignore[attr-defined]
            current = "opening the case in the window"
            say(_window(copy, len(frame)))  # type: ignore[arg-type]
        except SelfTestFailed:
            raise
        except Exception as exc:  # the point is to name what broke, whatever it is
            reason = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
            raise SelfTestFailed(f"The self-test failed while {current}: {reason}.") from exc
    out("self-test passed")
    sys.stdout.flush()
    return 0
