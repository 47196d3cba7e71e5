"""The Figures panel and the Save-as-figure dialog on the sample case."""

from __future__ import annotations

from PySide6.QtCore import Qt

from workbench.analysis.filters import Condition
from workbench.ui.figure_dialog import FigureDialog
from workbench.ui.panels.figures import FiguresPanel


def _states(panel: FiguresPanel) -> dict[str, str]:
    return {str(panel.model.row_key(r, "name")): str(panel.model.row_key(r, "state"))
            for r in range(panel.model.rowCount())}


def test_the_sample_figures_agree_and_open_their_rows(private_window, qtmodeltester) -> None:
    panel = private_window.panels["figures"]
    assert _states(panel) == {
        "Total imports 2018-2023": "agrees", "Produced in South Korea": "agrees",
        "Imported since the invasion": "agrees",
        "South Korean-produced since the invasion": "agrees",
    }
    qtmodeltester.check(panel.model)
    panel.choose("Produced in South Korea")
    assert "1,140 rows" in panel.message.text()
    panel.show_rows()
    session = private_window.session
    assert len(session.filtered_rows) == 1140
    assert round(session.filtered_total(), 2) == 15_431_906.12
    assert "15,431,906.12" in private_window.status_total.text()


def test_save_a_figure_from_the_filter_then_undo_it(private_window, qtbot) -> None:
    session, panel = private_window.session, private_window.panels["figures"]
    session.state.set_condition("a", Condition("origin_country", "=", "IT"))
    dialog = FigureDialog(session, private_window)
    qtbot.addWidget(dialog)
    dialog.name.setText("Italian parts")
    dialog.stated.setText("almost $1 billion")
    assert "does NOT fit" in dialog.check.text()
    dialog.stated.setText(f"${session.filtered_total() / 1e6:.1f} million")
    assert "fits" in dialog.check.text()
    assert "NOT" not in dialog.check.text()
    dialog.sentence.setPlainText("Parts also came from Italy.")
    dialog.save()
    assert dialog.saved is not None
    assert _states(panel)["Italian parts"] == "agrees"
    session.undo()
    assert "Italian parts" not in _states(panel)


def test_a_bad_name_or_stated_value_says_why(private_window, qtbot) -> None:
    dialog = FigureDialog(private_window.session, private_window)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.message.text() == "A figure needs a name."
    dialog.name.setText("Vague")
    dialog.stated.setText("a lot of money")
    assert dialog.check.text().startswith("No number")
    dialog.save()
    assert dialog.message.text().startswith("No number")
    assert dialog.saved is None


def test_fewer_rows_make_the_figures_drift_in_red(private_window) -> None:
    session, panel = private_window.session, private_window.panels["figures"]
    session.replace_frame(session.frame.iloc[1:].reset_index(drop=True))
    states = _states(panel)
    assert states["Total imports 2018-2023"].startswith("DRIFT: the value moved by -")
    row = [panel.model.row_key(r, "name") for r in range(panel.model.rowCount())].index(
        "Total imports 2018-2023")
    colour = panel.model.data(panel.model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
    assert colour is not None
    assert "drift" in panel.message.text()


def test_a_company_filter_is_saved_as_the_company_so_a_merge_moves_it(private_window,
                                                                       qtbot) -> None:
    from workbench.services import companies as decisions

    session, panel = private_window.session, private_window.panels["figures"]
    book = session.companies
    kyungki = next(c for c in book.companies if c.name.casefold().startswith("kyungki ind"))
    session.state.set_condition("supplier", Condition("sender", "in", sorted(kyungki.aliases)))
    dialog = FigureDialog(session, private_window)
    qtbot.addWidget(dialog)
    dialog.name.setText("Kyungki")
    dialog.save()
    assert dialog.saved.payload["where"] == [
        {"column": "company", "op": "in", "value": sorted(kyungki.aliases)}]
    assert _states(panel)["Kyungki"] == "agrees"
    other = next(c for c in book.companies
                 if c is not kyungki and c.name.casefold().startswith("kyungki"))
    session.decide(decisions.merge, [next(iter(kyungki.aliases)), next(iter(other.aliases))])
    assert _states(panel)["Kyungki"].startswith("DRIFT: the value moved by +")


def test_annotating_a_figure_shows_the_note_with_it(private_window) -> None:
    panel = private_window.panels["figures"]
    panel.choose("Imported since the invasion")
    panel.annotate_selected("Includes goods ordered before the invasion", "check, timing")
    assert "✎ Includes goods ordered before the invasion" in panel.message.text()
    notes = panel.notes_on("Imported since the invasion")
    assert notes[0]["tags"] == ["check", "timing"]
    assert notes[0]["where"] == [{"column": "date", "op": ">=", "value": "2022-02-24"}]
    annotations = private_window.panels["annotations"]
    assert any(annotations.model.row_key(r, "about").startswith(
        "Figure 'Imported since the invasion'") for r in range(annotations.model.rowCount()))
