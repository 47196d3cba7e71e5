"""The FollowTheMoney export: valid entities, stable ids, nothing the story needs left behind."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbench.errors import WorkbenchError
from workbench.export.ftm import MISSING_EXTRA, Supplier, ftm_entities, ftm_model

model = pytest.importorskip("followthemoney").model


def _export(case_folder: Path, out: Path) -> tuple[dict[str, object], list[dict[str, Any]]]:
    from workbench.services.cases import open_case
    from workbench.services.interchange import export_ftm

    case, _ = open_case(case_folder, read_only=True)
    try:
        counts = export_ftm(case, out)
    finally:
        case.close()
    lines = out.read_text(encoding="utf-8").splitlines()
    return counts, [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def exported(
    sample_case: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, object], list[dict[str, Any]]]:
    return _export(sample_case, tmp_path_factory.mktemp("ftm") / "case.jsonl")


def test_every_entity_is_valid_ftm(
    exported: tuple[dict[str, object], list[dict[str, Any]]],
) -> None:
    _, entities = exported
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    for data in entities:
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.schema.name in {"Company", "EconomicActivity"}
        again = model.get_proxy(data).to_dict()  # cleaning changes nothing: values were valid
        assert again["properties"] == data["properties"]
        for prop, values in data["properties"].items():
            if proxy.schema.properties[prop].type.name == "entity":
                assert set(values) <= ids, prop


def test_counts_and_suppliers(exported: tuple[dict[str, object], list[dict[str, Any]]]) -> None:
    counts, entities = exported
    declarations = [e for e in entities if e["schema"] == "EconomicActivity"]
    companies = [e for e in entities if e["schema"] == "Company"]
    assert counts["declarations"] == len(declarations) == 2650
    assert counts["companies"] == len(companies)
    assert counts["entities"] == len(entities)
    with_aliases = [c for c in companies if c["properties"].get("alias")]
    assert len(with_aliases) >= 2
    byt = next(c for c in companies if "BYT CO LTD" in c["properties"]["name"])
    assert set(byt["properties"]["alias"]) == {"BYT CO., LTD.", "B.Y.T. Co., Ltd"}
    assert byt["properties"]["country"] == ["kr"]
    senders = {s for d in declarations for s in d["properties"].get("sender", [])}
    assert len(senders) >= 5
    assert byt["id"] in senders
    receiver = next(c for c in companies if c["properties"].get("taxNumber") == ["7714464620"])
    assert all(d["properties"]["receiver"] == [receiver["id"]] for d in declarations)


def test_declaration_keeps_what_ftm_lacks(
    exported: tuple[dict[str, object], list[dict[str, Any]]],
) -> None:
    _, entities = exported
    first = next(e for e in entities if e["schema"] == "EconomicActivity")
    props = first["properties"]
    assert props["ccdNumber"] == ["10129060/190118/4022719"]
    assert props["date"] == ["2018-01-19"]
    assert props["vedCode"] == ["8479500000"]
    assert props["originCountry"] == ["kr"]
    assert props["customsAmount"] == ["2418917.18"]
    note = props["description"][0]
    assert "Value basis of the case (Statistical value, USD): 41974.03" in note
    assert "Net weight, kg: 2365.155" in note
    assert "Gross weight, kg: 2507.5" in note
    assert "Quantity: 1 ШТ" in note
    assert "aurus_imports_2018-2021_gcodes.xlsx, sheet 2018, row 5, SHA-256 " in note


def test_ids_are_stable_across_exports(
    sample_case: Path, tmp_path: Path,
    exported: tuple[dict[str, object], list[dict[str, Any]]],
) -> None:
    _, entities = exported
    _, again = _export(sample_case, tmp_path / "again.jsonl")
    assert [e["id"] for e in again] == [e["id"] for e in entities]


def test_rows_without_numbers_and_unknown_spellings() -> None:
    frame = pd.DataFrame({
        "declaration_no": [None, "10702070/140623/3012345"],
        "item_no": pd.array([None, 3], dtype="Int64"),
        "sender": ["ACME LTD", "Acme Ltd."],
        "receiver": ["ООО Ромашка", None],
        "declarant": ["ооо ромашка", None],
        "origin_country": ["XX", "KR"],
        "net_kg": [1.5, None],
        "source_file": ["a.csv", "a.csv"],
        "source_sha256": ["ab" * 32, "ab" * 32],
        "source_sheet": [None, None],
        "source_row": [2, 3],
    })
    entities = list(ftm_entities(frame, [Supplier("Acme", ("Acme Ltd.",))]))
    by_schema: dict[str, list[dict[str, Any]]] = {}
    for e in entities:
        by_schema.setdefault(e["schema"], []).append(e)
    names = sorted(n for c in by_schema["Company"] for n in c["properties"]["name"])
    assert names == ["ACME LTD", "Acme", "ООО Ромашка"]  # the declarant is the receiver
    first, second = by_schema["EconomicActivity"]
    assert "ccdNumber" not in first["properties"]
    assert "Origin country: XX" in first["properties"]["description"][0]
    assert first["properties"]["declarant"] == first["properties"]["receiver"]
    assert second["properties"]["recordId"] == ["10702070/140623/3012345 item 3"]


def test_missing_extra_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "followthemoney", None)
    with pytest.raises(WorkbenchError) as caught:
        ftm_model()
    assert str(caught.value) == MISSING_EXTRA
    assert "pip install 'case-workbench[ftm]'" in MISSING_EXTRA


def test_command_line(
    sample_case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbench.cli import interchange
    from workbench.cli.common import Parser

    parser = Parser(prog="workbench")
    interchange.register(parser.add_subparsers(parser_class=Parser))
    out = tmp_path / "case.jsonl"
    args: argparse.Namespace = parser.parse_args(["export-ftm", str(sample_case), str(out),
                                                  "--json"])
    assert args.run(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["declarations"] == 2650
    assert data["entities"] == len(out.read_text(encoding="utf-8").splitlines())
    assert not [p for p in tmp_path.iterdir() if p.name != "case.jsonl"]  # no temp file left
