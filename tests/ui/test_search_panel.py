"""Search everything from the window: ranked hits with snippets, and a jump to each place."""

from __future__ import annotations

from workbench.ui.actions import ActionId


def _search(window, qtbot, text: str):
    panel = window.panels["search"]
    panel.box.setText(text)
    worker = panel.run_search()
    with qtbot.waitSignal(worker.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: not panel._workers)
    return panel


def test_hits_from_every_kind_jump_to_their_place(private_window, qtbot) -> None:
    window = private_window
    window.actions[ActionId.VIEW_SEARCH_ALL].trigger()
    assert window.panels["search"].box.hasFocus() or not window.isActiveWindow()

    panel = _search(window, qtbot, "Mong Kok")  # an annotation and the visit's attempt
    kinds = [h.kind for h in panel.hits]
    assert "annotation" in kinds
    assert "[Mong]" in panel.hits[0].snippet
    annotation = next(h for h in panel.hits if h.kind == "annotation")
    window.jump_to(annotation)
    annotations = window.panels["annotations"]
    assert annotations.table.selectionModel().selectedRows()
    assert "RAIN ELECTRONICS" in annotations.message.text()

    panel = _search(window, qtbot, "statement")  # Kyungki's statement, a source file
    source = next(h for h in panel.hits if h.kind == "source")
    window.jump_to(source)
    assert window.panels["notes"].current_entry() == ("source", source.title)

    panel = _search(window, qtbot, "Lead figures defend")
    note = next(h for h in panel.hits if h.kind == "note")
    window.jump_to(note)
    assert window.panels["notes"].current_entry() == ("note", note.title)

    panel = _search(window, qtbot, "ENERTECH")
    company = next(h for h in panel.hits if h.kind == "company")
    window.jump_to(company)
    assert window.panels["profile"].company is not None

    panel = _search(window, qtbot, "statement")
    reply = next(h for h in panel.hits if h.kind.startswith("reply."))
    window.jump_to(reply)
    assert window.panels["replies"].selected_company() == reply.title


def test_nothing_found_and_bad_input_say_so(private_window, qtbot) -> None:
    panel = _search(private_window, qtbot, "zzyzxquux")
    assert panel.count.text() == "Nothing found"
    panel = _search(private_window, qtbot, "!!!")
    assert panel.count.text() == "Give at least one word to search for."
