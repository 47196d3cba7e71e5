"""Workbooks read in a child process: a hostile file kills only the child, never the app.

Every workbook is written here in ``tmp_path``. The slow and greedy children come from test
hooks that only the child module reads (``WORKBENCH_SANDBOX_TEST_SLEEP`` / ``_ALLOCATE``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import fastexcel
import openpyxl
import pyarrow as pa
import pytest

from workbench.errors import ImportRefused
from workbench.ingest import sandbox
from workbench.ingest.package import SheetKind
from workbench.ingest.sandbox import ReadCancelled, read_sheets_isolated
from workbench.ingest.sandbox_child import ALLOCATE_HOOK, SLEEP_HOOK

MiB = 1024**2


def assert_one_sentence(message: str, name: str) -> None:
    assert message.endswith("."), message
    assert name in message, message
    assert "\n" not in message, message
    assert "Traceback" not in message, message
    assert "/" not in message.replace(name, ""), message  # no machine path
    assert len(message) < 300, message


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The directory ``tempfile`` hands out, so a test can see what the sandbox leaves."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Pids of the child processes the sandbox starts."""
    pids: list[int] = []
    real = subprocess.Popen

    def recording(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        proc = real(*args, **kwargs)  # type: ignore[call-overload]
        pids.append(proc.pid)
        return proc

    monkeypatch.setattr(sandbox.subprocess, "Popen", recording)
    return pids


def assert_gone(pids: list[int]) -> None:
    assert pids
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)  # nothing left in its process group either


def small_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Импорт 2023"
    first["A1"] = "Выгрузка деклараций"
    first["A2"] = "за январь 2023 г."
    first.append([])
    first.append(["Номер ДТ", "Дата", "Отправитель", "Стоимость"])
    first.append(["10702070/030123/0001234", dt.date(2023, 1, 3), "ООО «Ромашка»", 1234.5])
    first.append(["10702070/040123/0000007", dt.datetime(2023, 1, 4, 13, 30), "Zeta GmbH", 7])
    second = book.create_sheet("2024")
    second.append(["Declaration", "Date"])
    second.append(["0001", "2024-02-29"])
    book.create_sheet("Empty")
    book.save(path)
    return path


def hostile_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = 1
    sheet["XFD1048576"] = 2
    book.save(path)
    return path


def test_sheets_come_back_in_order_as_an_in_process_read_gives_them(
    tmp_path: Path, scratch: Path
) -> None:
    path = small_workbook(tmp_path / "extract.xlsx")
    sheets = read_sheets_isolated(path, timeout=30)
    assert [sheet.name for sheet in sheets] == ["Импорт 2023", "2024", "Empty"]
    assert {sheet.kind for sheet in sheets} == {SheetKind.WORKSHEET}
    assert all(sheet.error is None for sheet in sheets)
    reader = fastexcel.read_excel(path.read_bytes())
    tables = []
    for sheet in sheets:
        table = sheet.table
        assert isinstance(table, pa.Table)
        expected = reader.load_sheet(sheet.name, header_row=None, dtypes="string").to_arrow()
        assert table.column_names == expected.schema.names
        assert table.to_pylist() == expected.to_pylist()
        tables.append(table)
    first = tables[0]
    assert first.column_names[0] == "__UNNAMED__0"
    assert first.column(0).to_pylist()[:2] == ["Выгрузка деклараций", "за январь 2023 г."]
    assert "ООО «Ромашка»" in first.column(2).to_pylist()
    assert all(pa.types.is_string(t) or pa.types.is_large_string(t) for t in first.schema.types)
    assert tables[2].num_rows == 0
    assert list(scratch.iterdir()) == []


def _aborts_in_process(path: Path) -> bool:
    """Whether reading ``path`` in-process kills the interpreter (tried in a throwaway one)."""
    code = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, resource.RLIM_INFINITY))
        import fastexcel
        reader = fastexcel.read_excel(open(sys.argv[1], "rb").read())
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None, dtypes="string").to_arrow()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, timeout=60, check=False
    )
    return done.returncode < 0


def test_a_workbook_that_aborts_the_reader_is_refused_and_we_survive(
    tmp_path: Path, scratch: Path
) -> None:
    path = hostile_workbook(tmp_path / "hostile.xlsx")
    if _aborts_in_process(path):
        with pytest.raises(ImportRefused) as caught:
            read_sheets_isolated(path, timeout=30, memory_bytes=2 * 1024**3)
        assert_one_sentence(str(caught.value), "hostile.xlsx")
        # The reader asked for hundreds of gigabytes for a file of a few kilobytes.
        assert "far more memory than its size explains" in str(caught.value)
        assert "damaged" not in str(caught.value)
    else:  # a fixed reader: a result or a clean refusal are both fine
        try:
            sheets = read_sheets_isolated(path, timeout=30, memory_bytes=2 * 1024**3)
        except ImportRefused as exc:
            assert_one_sentence(str(exc), "hostile.xlsx")
        else:
            assert [sheet.name for sheet in sheets] == ["Sheet"]
    assert list(scratch.iterdir()) == []


def test_an_exception_in_the_child_becomes_the_usual_sentence(
    tmp_path: Path, scratch: Path
) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("just some notes, not a workbook\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        read_sheets_isolated(path, timeout=30)
    assert str(caught.value) == (
        "notes.xlsx is not a spreadsheet or text table that can be read; "
        "it can be kept with the case as a source instead."
    )
    with pytest.raises(ImportRefused) as caught:
        read_sheets_isolated(tmp_path / "gone.xlsx", timeout=30)
    assert "cannot be found" in str(caught.value)
    assert list(scratch.iterdir()) == []


def test_a_read_that_takes_too_long_is_stopped(
    tmp_path: Path, scratch: Path, started: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small_workbook(tmp_path / "slow.xlsx")
    monkeypatch.setenv(SLEEP_HOOK, "60")
    began = time.monotonic()
    with pytest.raises(ImportRefused) as caught:
        read_sheets_isolated(path, timeout=1.0)
    assert time.monotonic() - began < 1.0 + 2.0
    assert str(caught.value).startswith("slow.xlsx took longer than 1 s to read and was stopped;")
    assert_gone(started)
    assert list(scratch.iterdir()) == []


def test_a_read_that_wants_too_much_memory_is_refused(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small_workbook(tmp_path / "greedy.xlsx")
    monkeypatch.setenv(ALLOCATE_HOOK, str(1536 * MiB))
    with pytest.raises(ImportRefused) as caught:
        read_sheets_isolated(path, timeout=30, memory_bytes=1024 * MiB)
    assert_one_sentence(str(caught.value), "greedy.xlsx")
    assert "memory" in str(caught.value)
    # With a higher cap the same allocation passes, so it was the cap that refused the read.
    assert len(read_sheets_isolated(path, timeout=30, memory_bytes=4096 * MiB)) == 3
    assert list(scratch.iterdir()) == []


def test_cancel_kills_the_child(
    tmp_path: Path, scratch: Path, started: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small_workbook(tmp_path / "cancelled.xlsx")
    monkeypatch.setenv(SLEEP_HOOK, "60")
    began = time.monotonic()
    with pytest.raises(ReadCancelled) as caught:
        read_sheets_isolated(path, timeout=30, cancel=lambda: time.monotonic() - began > 0.2)
    assert time.monotonic() - began < 2.0
    assert str(caught.value) == "The import was cancelled; the case is unchanged."
    assert_gone(started)
    assert list(scratch.iterdir()) == []


def test_a_sheet_the_reader_fails_on_comes_back_with_its_error(
    tmp_path: Path, scratch: Path
) -> None:
    from tests.ingest.test_true_refusals import _string_beyond_the_table, panics_in_process
    from tests.xlsb import write_xlsb

    path = write_xlsb(
        tmp_path / "mixed.xlsb",
        {"Bad": [["Declaration"], ["1"]], "Good": [["Declaration"], ["2"]]},
        charts=["Chart"],
        damage={"xl/worksheets/sheet1.bin": _string_beyond_the_table},
    )
    sheets = read_sheets_isolated(path, timeout=30)
    assert [(s.name, s.kind) for s in sheets] == [
        ("Bad", SheetKind.WORKSHEET), ("Good", SheetKind.WORKSHEET), ("Chart", SheetKind.CHART)
    ]
    bad, good, chart = sheets
    assert good.table is not None
    assert good.table.column(0).to_pylist() == ["Declaration", "2"]
    assert chart.table is None  # a chart sheet is not opened
    assert chart.error is None
    if panics_in_process(path):
        assert bad.table is None
        assert type(bad.error).__name__ == "PanicException"
        assert "index out of bounds" in str(bad.error)
    assert list(scratch.iterdir()) == []


def test_what_the_child_prints_stays_below_the_level_printed_by_default(
    tmp_path: Path, scratch: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="workbench.ingest.sandbox")
    path = hostile_workbook(tmp_path / "hostile.xlsx")
    with contextlib.suppress(ImportRefused):
        read_sheets_isolated(path, timeout=30, memory_bytes=2 * 1024**3)
    records = [r for r in caplog.records if r.name == "workbench.ingest.sandbox"]
    if _aborts_in_process(path):
        assert records  # the failure is in the log for whoever asks for it...
    # ...but nothing at WARNING, which the last-resort handler would print on stderr, and
    # the reader's multi-line report only at DEBUG.
    assert all(r.levelno < logging.WARNING for r in records)
    assert all("\n" not in r.getMessage() for r in records if r.levelno > logging.DEBUG)
