"""No machine name reaches the reporter: the figure dialog, the Details panel, the table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from workbench.analysis.filters import Condition
from workbench.ui.figure_dialog import FigureDialog

INTERNAL = ("stat_value_usd", "origin_country", "figure.saved", "reply.response")


def _plain(texts: list[str]) -> None:
    for text in texts:
        for name in INTERNAL:
            assert name not in text, (name, text)


def test_figure_dialog_speaks_in_words(private_window, qtbot) -> None:
    session = private_window.session
    session.state.set_condition("a", Condition("origin_country", "=", "KR"))
    dialog = FigureDialog(session, private_window)
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.findChildren(QLabel)]
    assert any("origin country is KR" in t and "statistical value, USD" in t for t in texts)
    _plain(texts)


def test_details_and_table_headers_use_labels(private_window) -> None:
    panel = private_window.shipments
    panel.table.selectRow(0)
    details = private_window.panels["details"]
    form = details.form
    shown = [form.itemAt(i).widget().text() for i in range(form.count())
             if isinstance(form.itemAt(i).widget(), QLabel)]
    assert "Statistical value, USD" in shown
    _plain(shown)
    model = panel.model
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal))
               for c in range(model.columnCount())]
    assert "Origin country" in headers
    assert not any("_" in h for h in headers)
