"""Dense forms are laid out in labelled rows whose fields are wide enough to read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout


def _chars(widget) -> float:
    return widget.width() / widget.fontMetrics().averageCharWidth()


def test_the_add_filter_popup_is_a_form_of_readable_fields(private_window, qtbot) -> None:
    panel = private_window.shipments
    qtbot.mouseClick(panel.add_filter_button, Qt.MouseButton.LeftButton)
    popup = panel.popup
    assert popup is not None
    qtbot.waitExposed(popup)
    assert isinstance(popup.layout(), QFormLayout)
    for field in (popup.column_box, popup.op_box, popup.value_box):
        assert _chars(field) >= 20, field
    popup.close()


def test_the_search_field_shows_its_hint(private_window) -> None:
    search = private_window.shipments.search
    assert _chars(search) >= 18


def test_the_figure_dialog_fields_are_readable(private_window, qtbot) -> None:
    from workbench.ui.figure_dialog import FigureDialog

    dialog = FigureDialog(private_window.session, private_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert isinstance(dialog.layout(), QFormLayout)
    for field in (dialog.name, dialog.measure, dialog.sentence, dialog.stated):
        assert _chars(field) >= 40, field.objectName()
    assert dialog.sentence.height() >= 4 * dialog.sentence.fontMetrics().lineSpacing()
    dialog.reject()
