"""Annotations in the window: the panel, its form, the table's badges, the timeline, the profile."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt

from workbench.analysis.filters import Condition, apply
from workbench.ui.panels.annotations import KEY, AnnotationsPanel
from workbench.ui.panels.suppliers import KEY as SUPPLIER_KEY


def _badges(window) -> np.ndarray:
    """Annotation count of every row of the shipments table, in frame order."""
    model = window.centralWidget().model
    counts = np.zeros(len(window.session.frame), dtype=int)
    for row in range(model.rowCount()):
        counts[model.frame_row(row)] = model.annotation_count(row)
    return counts


def test_the_samples_annotations_load_and_mark_their_rows(session, qtbot, qtmodeltester) -> None:
    panel = AnnotationsPanel(session)
    qtbot.addWidget(panel)
    assert len(panel.texts()) == 4
    abouts = [panel.model.row_key(r, "about") for r in range(panel.model.rowCount())]
    assert "Company KYUNGKI INDUSTRIAL CO., LTD" in abouts
    assert "Company RAIN ELECTRONICS CO LIMITED" in abouts
    assert any("origin country is KR" in a for a in abouts)
    qtmodeltester.check(panel.model)

    panel.search.setText("follow up")
    assert len(panel.texts()) == 2  # a tag with a space in it
    panel.search.setText("weeks invasion")
    assert panel.texts() == ["Shipments carried on in the weeks right after the invasion; "
                             "check the March 2022 declarations one by one."]
    panel.table.setCurrentIndex(panel.model.index(0, 1))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # Enter shows the annotated rows
    expected = apply(session.frame, [Condition("date", "between", ["2022-02-24", "2022-03-31"])])
    assert session.state.keyed_conditions[KEY].column == "date"
    assert np.array_equal(session.view.filtered, np.flatnonzero(expected))

    counts = panel.layer.counts()
    frame = session.frame
    korea = apply(frame, [Condition("date", "between", ["2022-02-24", "2023-12-31"]),
                          Condition("origin_country", "=", "KR")])
    assert np.all(counts[korea & ~expected] >= 1)
    assert counts.max() >= 2


def test_an_annotation_on_selected_rows_shows_everywhere_and_undoes(private_window,
                                                                     qtbot) -> None:
    window = private_window
    session = window.session
    panel = window.panels["annotations"]
    shipments = window.centralWidget()
    model = shipments.model
    before = _badges(window)

    # Select three rows of the table, as a reporter would.
    selection = QItemSelection(model.index(3, 0), model.index(5, model.columnCount() - 1))
    shipments.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    chosen = [model.frame_row(r) for r in (3, 4, 5)]
    assert sorted(session.state.selected_rows) == sorted(chosen)

    panel.open_form("selection")
    panel.text.setPlainText("Same broker on all three lines")
    panel.tags.setText("broker,  follow up , ")
    panel.text.setFocus()
    qtbot.keyClick(panel.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.texts()[0] == "Same broker on all three lines", panel.message.text()
    assert panel.model.row_key(0, "tags") == "broker, follow up"
    assert panel.model.row_key(0, "about").startswith("3 shipments")

    after = _badges(window)
    assert np.flatnonzero(after - before).tolist() == sorted(chosen)
    view_row = int(model.view_rows([chosen[0]])[0])
    index = model.index(view_row, model.marker_section)
    assert model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert "Same broker" in model.data(index, Qt.ItemDataRole.ToolTipRole)

    # A company annotation, about the company the profile shows.
    profile = window.panels["profile"]
    profile.show_company("BYT CO LTD")
    assert SUPPLIER_KEY in session.state.keyed_conditions
    panel.open_form("company")
    assert panel.company.text() == "BYT CO LTD"
    panel.text.setPlainText("Registered at a mass-registration address")
    panel.record()
    assert panel.texts()[0] == "Registered at a mass-registration address"
    assert profile.notes.rowCount() == 1
    assert profile.notes.item(0, 0).text() == "Registered at a mass-registration address"

    session.undo()
    assert "Registered at a mass-registration address" not in panel.texts()
    assert profile.notes.rowCount() == 0
    session.undo()  # the filter step that chose the company
    assert SUPPLIER_KEY not in session.state.keyed_conditions
    assert "Same broker on all three lines" in panel.texts()
    session.undo()
    assert "Same broker on all three lines" not in panel.texts()
    assert np.array_equal(_badges(window), before)


def test_the_timeline_brackets_dated_annotations(private_window) -> None:
    timeline = private_window.panels["timeline"]
    figure: Figure = timeline.figure
    labels = [t.get_text() for t in figure.axes[0].texts if t.get_gid() == "annotation-label"]
    assert len(labels) == 2  # the sample's two annotations with a date range
    assert any(label.startswith("Shipments carried on") for label in labels)


def test_remove_takes_an_annotation_back_and_undo_restores_it(private_window) -> None:
    panel = private_window.panels["annotations"]
    before = panel.texts()
    panel.table.selectRow(0)
    removed = before[0]
    panel.remove_selected()
    assert removed not in panel.texts()
    assert panel.message.text() == "Removed; Edit > Undo brings it back."
    private_window.session.undo()
    assert panel.texts() == before
