"""The shipment table, its filter bar and the details panel, on the sample case."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from workbench.analysis.filters import Condition
from workbench.analysis.frame_view import SEARCH_COLUMNS
from workbench.ui.models.shipments_model import ShipmentsModel
from workbench.ui.panels.details import HINT, DetailsPanel
from workbench.ui.panels.shipments import DEFAULT_COLUMNS, ShipmentsPanel
from workbench.ui.session import CaseSession

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),  # the C++ model tester reports by warnings
    pytest.mark.qt_log_ignore("This plugin does not support"),  # the offscreen platform
]


@pytest.fixture
def panel(qtbot: QtBot, session: CaseSession) -> ShipmentsPanel:
    widget = ShipmentsPanel(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    return widget


def _column(model: ShipmentsModel, name: str) -> int:
    return model.columns.index(name)


def _shown(model: ShipmentsModel, row: int, name: str) -> str:
    return model.data(model.index(row, _column(model, name)))


def test_model_passes_the_model_tester(qtmodeltester: ModelTester, session: CaseSession) -> None:
    model = ShipmentsModel(session)
    assert model.rowCount() == len(session.frame) == 2650
    qtmodeltester.check(model)  # Qt's own tester, again on every later change
    # (Each recheck visits every cell; they run on a filtered case to keep the test fast.)
    session.state.set_condition("test", Condition("origin_country", "=", "IT"))
    assert model.rowCount() == (session.frame["origin_country"] == "IT").sum()
    model.sort(_column(model, "stat_value_usd"), Qt.SortOrder.DescendingOrder)
    model.sort(_column(model, "sender"), Qt.SortOrder.AscendingOrder)
    model.sort(-1, Qt.SortOrder.AscendingOrder)
    assert (model.rows == np.sort(model.rows)).all()


def test_model_passes_the_python_model_tester(
    qtmodeltester: ModelTester, session: CaseSession
) -> None:
    """pytest-qt's stricter Python tester visits every cell: on a smaller filter, to stay fast."""
    session.state.set_condition("test", Condition("origin_country", "=", "TR"))
    model = ShipmentsModel(session)
    qtmodeltester.check(model, force_py=True)
    model.sort(_column(model, "date"), Qt.SortOrder.DescendingOrder)
    session.state.set_condition("test", Condition("origin_country", "=", "JP"))


def test_cells_are_formatted_for_reading(session: CaseSession) -> None:
    model = ShipmentsModel(session)
    frame = session.frame
    row = int(np.flatnonzero((frame["origin_country"] == "KR").to_numpy(dtype=bool))[0])
    value = frame["stat_value_usd"].iloc[row]
    assert _shown(model, row, "stat_value_usd") == f"{value:,.2f}"
    assert _shown(model, row, "date") == frame["date"].iloc[row].strftime("%Y-%m-%d")
    assert _shown(model, row, "origin_country") == "KR"
    country = model.index(row, _column(model, "origin_country"))
    assert model.data(country, Qt.ItemDataRole.ToolTipRole) == "South Korea (KR)"
    weight = model.index(row, _column(model, "net_kg"))
    assert model.data(weight, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    net = _shown(model, row, "net_kg")
    assert float(net.replace(",", "")) == pytest.approx(frame["net_kg"].iloc[row], abs=5e-4)
    assert len(net.partition(".")[2]) <= 3
    blank = int(np.flatnonzero(frame["sender_country"].isna().to_numpy())[0])
    assert _shown(model, blank, "sender_country") == ""
    section = _column(model, "stat_value_usd")
    assert model.headerData(section, Qt.Orientation.Horizontal) == "Statistical value, USD"
    assert model.headerData(section, Qt.Orientation.Horizontal, model.COLUMN_ROLE) == (
        "stat_value_usd"
    )


def test_sorting_by_value_and_by_date(panel: ShipmentsPanel) -> None:
    model, frame = panel.model, panel.session.frame
    model.sort(_column(model, "stat_value_usd"), Qt.SortOrder.DescendingOrder)
    values = frame["stat_value_usd"].to_numpy()[model.rows]
    assert values[0] == frame["stat_value_usd"].max()
    assert (np.diff(values[~np.isnan(values)]) <= 0).all()
    assert model.rowCount() == len(frame)
    # A header click sorts too, through the model.
    panel.table.sortByColumn(_column(model, "date"), Qt.SortOrder.AscendingOrder)
    dates = frame["date"].iloc[model.rows]
    assert dates.iloc[0] == frame["date"].min()
    assert dates.is_monotonic_increasing


@pytest.mark.parametrize("name", ["stat_value_usd", "date", "sender", "item_no", "net_kg"])
def test_sorting_matches_a_stable_pandas_sort(session: CaseSession, name: str) -> None:
    """Blanks last in both directions; ties keep frame order (reversed when descending)."""
    model, frame = ShipmentsModel(session), session.frame
    session.state.set_condition("test", Condition("origin_country", "!=", "CN"))
    passing = frame.iloc[session.view.filtered]
    for ascending in (True, False):
        order = Qt.SortOrder.AscendingOrder if ascending else Qt.SortOrder.DescendingOrder
        model.sort(_column(model, name), order)
        values = passing[name]
        if ascending:
            expected = values.sort_values(kind="stable", na_position="last")
        else:
            present = values.dropna()
            expected = pd.concat([present.sort_values(kind="stable")[::-1], values[values.isna()]])
        assert (model.rows == expected.index.to_numpy()).all()


def test_sorting_keeps_the_selected_shipment_selected(panel: ShipmentsPanel) -> None:
    model = panel.model
    panel.table.selectRow(10)
    chosen = panel.session.state.selected_rows
    assert chosen == (model.frame_row(10),)
    model.sort(_column(model, "stat_value_usd"), Qt.SortOrder.DescendingOrder)
    assert tuple(panel.selected_positions().tolist()) == chosen
    assert panel.session.state.selected_rows == chosen


def test_add_filter_popup_makes_a_chip_and_filters(qtbot: QtBot, panel: ShipmentsPanel) -> None:
    state, frame = panel.session.state, panel.session.frame
    popup = panel.open_add_filter()
    popup.choose("origin_country", "=", "")
    assert popup.value_box.findData("KR") >= 0  # the case's countries are offered
    popup.value_box.setCurrentIndex(popup.value_box.findData("KR"))
    qtbot.keyClick(popup.value_edit, Qt.Key.Key_Return)
    expected = int((frame["origin_country"] == "KR").sum())
    assert panel.model.rowCount() == expected
    (key, chip), = panel.chips.items()
    assert key.startswith("bar:")
    assert chip.text() == "Origin country is KR"
    assert state.keyed_conditions[key] == Condition("origin_country", "=", "KR")
    assert panel.clear_link.isVisibleTo(panel)

    qtbot.mouseClick(chip.close_button, Qt.MouseButton.LeftButton)
    assert panel.chips == {}
    assert panel.model.rowCount() == len(frame)
    assert not panel.clear_link.isVisibleTo(panel)


def test_add_filter_popup_refuses_a_bad_value(qtbot: QtBot, panel: ShipmentsPanel) -> None:
    popup = panel.open_add_filter()
    popup.choose("date", ">=", "last spring")
    qtbot.keyClick(popup.value_edit, Qt.Key.Key_Return)
    assert popup.isVisible()
    assert "date" in popup.error.text()
    assert panel.session.state.conditions == []


def test_add_filter_popup_is_empty_needs_no_value(qtbot: QtBot, panel: ShipmentsPanel) -> None:
    frame = panel.session.frame
    popup = panel.open_add_filter()
    popup.choose("trademark", "empty", "")
    assert popup.value_edit.placeholderText() == "No value needed"
    qtbot.keyClick(popup.value_edit, Qt.Key.Key_Return)
    (key, chip), = panel.chips.items()
    assert chip.text() == "Trademark is empty"
    assert panel.session.state.keyed_conditions[key] == Condition("trademark", "empty", "")
    expected = int(frame["trademark"].isna().sum())
    assert 0 < expected < len(frame)
    assert panel.model.rowCount() == expected


def test_conditions_set_elsewhere_show_as_chips(panel: ShipmentsPanel) -> None:
    state, frame = panel.session.state, panel.session.frame
    state.set_condition("timeline", Condition("date", "between", ["2022-02-24", "2023-12-31"]))
    key = panel.add_condition(Condition("origin_country", "=", "KR"))
    assert list(panel.chips) == ["timeline", key]
    assert panel.chips["timeline"].text() == "Date between 2022-02-24 and 2023-12-31"
    dates, origin = frame["date"], frame["origin_country"]
    expected = (dates >= "2022-02-24") & (dates <= "2023-12-31") & (origin == "KR")
    assert panel.model.rowCount() == int(expected.sum())

    panel.clear_filters()
    assert panel.chips == {}
    assert state.conditions == []
    assert panel.model.rowCount() == len(frame)


def test_quick_search_matches_every_spelling(qtbot: QtBot, panel: ShipmentsPanel) -> None:
    frame = panel.session.frame
    expected = np.zeros(len(frame), dtype=bool)
    for name in SEARCH_COLUMNS:
        text = frame[name].astype("string").str.lower()
        expected |= text.str.contains("kyungki", regex=False).fillna(False).to_numpy(dtype=bool)
    panel.focus_search()
    qtbot.keyClicks(panel.search, "KyungKi")
    qtbot.waitUntil(lambda: panel.model.rowCount() == int(expected.sum()), timeout=2000)
    senders = set(frame["sender"].iloc[panel.model.rows].dropna())
    assert len({s for s in senders if "kyungki" in s.lower()}) >= 3  # the spellings
    assert panel.clear_link.isVisibleTo(panel)

    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    assert panel.search.text() == ""
    assert panel.session.state.search == ""
    assert panel.model.rowCount() == len(frame)


def test_selection_reaches_details_with_provenance(qtbot: QtBot, panel: ShipmentsPanel) -> None:
    session = panel.session
    details = DetailsPanel(session)
    qtbot.addWidget(details)
    assert details.hint.text() == HINT
    assert not details.hint.isHidden()
    model = panel.model
    model.sort(_column(model, "stat_value_usd"), Qt.SortOrder.DescendingOrder)

    panel.table.selectRow(0)
    position = model.frame_row(0)
    assert session.state.selected_rows == (position,)
    row = session.frame.iloc[position]
    text = details.provenance.text()
    assert row["source_file"] in text
    assert f"row {row['source_row']}" in text
    assert row["source_sha256"][:12] in text
    assert details.fields()["sender"] == row["sender"]
    assert details.hint.isHidden()

    selection = panel.table.selectionModel()
    selection.select(
        model.index(4, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert len(session.state.selected_rows) == 2
    total = session.frame["stat_value_usd"].iloc[list(session.state.selected_rows)].sum()
    assert "2 shipments" in details.provenance.text()
    assert f"{total:,.2f}" in details.provenance.text()

    session.state.select_rows((), source=None)
    assert not details.hint.isHidden()
    assert panel.table.selectionModel().selectedRows() == []


def test_selection_from_another_panel_is_shown(panel: ShipmentsPanel) -> None:
    frame = panel.session.frame
    wanted = tuple(int(p) for p in np.flatnonzero((frame["origin_country"] == "IT").to_numpy()))
    panel.session.state.select_rows(wanted, source=object())
    assert tuple(panel.selected_positions().tolist()) == wanted
    assert len(panel.table.selectionModel().selectedRows()) == len(wanted)


def test_column_chooser_hides_and_shows_columns(panel: ShipmentsPanel) -> None:
    model, table = panel.model, panel.table
    assert panel.visible_columns() == list(DEFAULT_COLUMNS)
    assert table.isColumnHidden(_column(model, "receiver"))
    action = next(a for a in panel.columns_menu.actions() if a.data() == "hs_code")
    action.trigger()
    assert table.isColumnHidden(_column(model, "hs_code"))
    assert "hs_code" not in panel.visible_columns()
    # Hidden columns stay hidden when the filter resets the model.
    panel.session.state.set_search("kyungki")
    assert table.isColumnHidden(_column(model, "hs_code"))
    action.trigger()
    assert not table.isColumnHidden(_column(model, "hs_code"))


def test_new_data_keeps_the_table_working(panel: ShipmentsPanel) -> None:
    session = panel.session
    panel.add_condition(Condition("origin_country", "=", "KR"))
    half = session.frame.iloc[: len(session.frame) // 2].reset_index(drop=True)
    session.replace_frame(half)
    expected = int((half["origin_country"] == "KR").sum())
    assert panel.model.rowCount() == expected
    assert len(panel.chips) == 1
    assert panel.visible_columns() == list(DEFAULT_COLUMNS)
    position = int(panel.model.rows[0])
    assert panel.model.data(panel.model.index(0, _column(panel.model, "source_row"))) == str(
        half["source_row"].iloc[position]
    )


def test_select_all_stays_fast_to_paint(panel: ShipmentsPanel) -> None:
    """Qt asks a header's selection model whether whole columns are selected, row by row, on
    every paint; the table's header has an empty selection model of its own."""
    table = panel.table
    assert table.horizontalHeader().selectionModel() is not table.selectionModel()
    table.selectAll()
    assert len(panel.session.state.selected_rows) == len(panel.session.frame)
    assert not table.horizontalHeader().selectionModel().hasSelection()
