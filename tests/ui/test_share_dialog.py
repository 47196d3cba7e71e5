"""The Share case dialog: fields, validation, a share on a worker thread, the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.services.cases import open_case, resolve_case_path
from workbench.services.notes import save_note
from workbench.store import bundle
from workbench.ui.share_dialog import ShareDialog, share_from_window, suggested_output


@pytest.fixture
def case_path(sample_case: Path, tmp_path: Path) -> Path:
    own = tmp_path / "aurus"
    shutil.copytree(sample_case, own)
    case, _ = open_case(own)
    try:
        save_note(case, "Source meeting", "CANARY-NOTE-7731", confidential=True)
    finally:
        case.close()
    return resolve_case_path(own)


@pytest.fixture
def dialog(qtbot, case_path: Path, tmp_path: Path) -> ShareDialog:
    d = ShareDialog(case_path, tmp_path / "shared.wbcase")
    qtbot.addWidget(d)
    return d


def test_fields_are_checked_before_anything_runs(dialog: ShareDialog, tmp_path: Path) -> None:
    dialog.path_edit.setText("")
    assert not dialog.start()
    assert "Choose" in dialog.message.text()
    dialog.path_edit.setText(str(tmp_path / "missing" / "x.wbcase"))
    assert not dialog.start()
    assert "does not exist" in dialog.message.text()
    dialog.path_edit.setText(str(tmp_path / "shared.wbcase"))
    assert not dialog.passphrase.isEnabled()
    dialog.encrypt_box.setChecked(True)
    assert dialog.passphrase.isEnabled()
    assert not dialog.start()
    assert "Type a passphrase" in dialog.message.text()
    dialog.passphrase.setText("one")
    dialog.confirm.setText("two")
    assert not dialog.start()
    assert "do not match" in dialog.message.text()
    assert dialog.worker is None


def test_redacted_encrypted_share_reports_what_was_left_out(
    qtbot, dialog: ShareDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle, "_KDF_PARAMS", bundle.KdfParams(1024, 1, 1))
    assert dialog.redact_box.isChecked()
    dialog.encrypt_box.setChecked(True)
    dialog.passphrase.setText("s3cret words")
    dialog.confirm.setText("s3cret words")
    with qtbot.waitSignal(dialog.shared, timeout=10000) as blocker:
        dialog.accept()
        assert dialog.running
    result = blocker.args[0]
    assert result["redacted"]["notes"] == 1
    assert result["encrypted"]
    assert "Left out 1 confidential note, 0 confidential sources" in dialog.message.text()
    assert dialog.passphrase.text() == ""
    out = tmp_path / "shared.wbbundle"  # ticking Encrypt gave the name its extension
    assert dialog.path_edit.text() == str(out)
    assert bundle.is_bundle(out)
    assert b"CANARY-NOTE-7731" not in out.read_bytes()
    dialog.accept()  # now "Close"
    assert dialog.result() == dialog.DialogCode.Accepted


def test_plain_share_and_cancel(qtbot, dialog: ShareDialog, tmp_path: Path) -> None:
    dialog.redact_box.setChecked(False)
    with qtbot.waitSignal(dialog.shared, timeout=10000):
        dialog.start()
    assert "Nothing was left out" in dialog.message.text()

    other = ShareDialog(dialog.case_path, tmp_path / "second.wbcase")
    qtbot.addWidget(other)
    assert other.start()
    assert other.worker is not None
    other.worker.cancel()
    qtbot.waitUntil(lambda: not other.running, timeout=10000)
    qtbot.waitUntil(lambda: other.share_button.isEnabled(), timeout=10000)
    text = other.message.text()
    assert "Cancelled" in text or "Left out" in text  # a fast share may finish first


def test_share_from_window_opens_without_blocking(qtbot, session) -> None:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    share_from_window(window, session)
    dialog = window.findChild(ShareDialog, "share.dialog")
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.path_edit.text().endswith("(shared).wbcase")
    dialog.reject()


def test_suggested_output_sits_beside_a_case_folder(case_path: Path) -> None:
    out = suggested_output(case_path, "Aurus: imports")
    assert out.parent == case_path.parent.parent
    assert out.name == "Aurus imports (shared).wbcase"
