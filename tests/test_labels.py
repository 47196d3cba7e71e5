"""The table of labels: every machine name shown to people has words, ready for translation."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbench import labels
from workbench.ingest.columns import CANONICAL_NAMES
from workbench.services.history import _SUMMARIES

LABELS = Path(labels.__file__)
TOOLS = Path(sys.executable).parent


def _tables() -> dict[str, dict[str, str]]:
    return {"Column": labels.COLUMNS, "Event": labels.EVENTS, "Field": labels.FIELDS,
            "Measure": labels.MEASURES}


def test_every_column_and_event_kind_has_words() -> None:
    assert set(CANONICAL_NAMES) <= set(labels.COLUMNS)
    assert set(_SUMMARIES) <= set(labels.EVENTS)
    for table in _tables().values():
        for name, text in table.items():
            assert text.strip(), name
            assert "_" not in text, name
    assert labels.column_label("packing_list_no") == "Packing list no"  # unknown: still words
    assert labels.event_label("figure.saved") == "Figure saved"
    assert labels.lower_label("stat_value_usd") == "statistical value, USD"
    assert labels.lower_label("hs_code") == "HS code"


@pytest.mark.skipif(not (TOOLS / "pyside6-lupdate").exists(), reason="Qt's tools not installed")
def test_qt_tools_extract_every_label_and_a_translation_applies(qapp, tmp_path: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QTranslator

    ts = tmp_path / "workbench_xx.ts"
    done = subprocess.run([str(TOOLS / "pyside6-lupdate"), str(LABELS), "-ts", str(ts)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    tree = ET.parse(ts)
    found = {(c.findtext("name"), m.findtext("source"))
             for c in tree.iter("context") for m in c.iter("message")}
    wanted = {(context, text) for context, table in _tables().items() for text in table.values()}
    assert found == wanted
    # Translate one label, compile it, and see it through the labels the window uses.
    for context in tree.iter("context"):
        for message in context.iter("message"):
            if message.findtext("source") == "Sender (supplier)":
                translation = message.find("translation")
                assert translation is not None
                translation.text = "Отправитель"
                translation.attrib.pop("type", None)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    qm = tmp_path / "workbench_xx.qm"
    done = subprocess.run([str(TOOLS / "pyside6-lrelease"), str(ts), "-qm", str(qm)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    labels.install_translator(QCoreApplication.translate)
    try:
        assert labels.column_label("sender") == "Отправитель"
        assert labels.column_label("receiver") == "Receiver (consignee)"
    finally:
        QCoreApplication.removeTranslator(translator)
        labels.install_translator(lambda _context, text: text)
    assert labels.column_label("sender") == "Sender (supplier)"
