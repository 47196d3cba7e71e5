"""Sources in the Notes panel: added with their metadata, opened, purged for good."""

from __future__ import annotations

from pathlib import Path

from workbench.analysis.filters import Condition
from workbench.services.notes import sources
from workbench.store import files
from workbench.store.case import CaseFile


def test_add_open_and_purge_a_source(private_window, tmp_path: Path, qtbot) -> None:
    window, panel = private_window, private_window.panels["notes"]
    window.session.state.set_condition("t", Condition("origin_country", "=", "IT"))
    document = tmp_path / "ilpea_invoice.txt"
    document.write_text("Invoice 4471 for PLASTIC TRIM, shipped via Genoa.", encoding="utf-8")

    dialog = panel.add_source(document)
    qtbot.addWidget(dialog)
    dialog.title.setText("Ilpea invoice")
    dialog.companies.setText("Industrie Ilpea Spa")
    dialog.reliability.setCurrentText("probably true")
    dialog.link.setChecked(True)
    dialog.save()  # kept on a worker thread
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10_000)
    assert dialog.saved is not None
    payload = dialog.saved.payload
    assert payload["where"] == [{"column": "origin_country", "op": "=", "value": "IT"}]
    assert (payload["companies"], payload["reliability"]) == (["Industrie Ilpea Spa"],
                                                              "probably true")
    assert panel.current_entry() == ("source", "Ilpea invoice")
    assert "Invoice 4471" in panel.editor.toPlainText()

    opened: list[Path] = []
    path = panel.open_source(viewer=lambda p: opened.append(p) or True)
    assert opened == [path]
    assert path.read_bytes() == document.read_bytes()

    sha = payload["sha256"]
    panel.purge_source(confirm=False)
    assert "Ilpea invoice" not in panel.titles("source")
    case = CaseFile.open(window.session.summary.path, read_only=True)
    try:
        assert sha not in {s["sha256"] for s in sources(case)}
        assert files.find(case.conn, sha) is None
    finally:
        case.close()
    assert window.session.undo_label != "source.purged"  # a purge is not on the undo stack


def test_a_file_already_kept_is_refused_in_the_dialog(private_window, sample_case: Path,
                                                      qtbot) -> None:
    panel = private_window.panels["notes"]
    dialog = panel.add_source(sample_case / "sources" / "kyungki_statement.txt")
    qtbot.addWidget(dialog)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10_000)
    assert dialog.message.text() == "kyungki_statement.txt is already a source of this case."
    assert dialog.saved is None
