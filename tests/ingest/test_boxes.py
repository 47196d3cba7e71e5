"""The declaration's boxes: a G-code names its field whatever words follow it."""

from __future__ import annotations

import pytest

from workbench.ingest.boxes import BOXES, BY_CODE
from workbench.ingest.columns import BY_NAME, Kind, box_kind
from workbench.ingest.mapping import plan_mapping

#: The boxes the story needs, as the issue lists them: G-code -> column.
STORY_BOXES = {
    "G011": "direction", "G022": "sender", "G0231": "sender_country",
    "G081": "receiver_tax_id", "G082": "receiver", "G142": "declarant",
    "G11": "trading_country", "G15": "departure_country", "G15A": "departure_country",
    "G16": "origin_country", "G34": "origin_country", "G17": "destination_country",
    "G17A": "destination_country", "G221": "invoice_currency", "G23": "exchange_rate",
    "G31_1": "description", "G31_11": "manufacturer", "G31_12": "trademark", "G32": "item_no",
    "G33": "hs_code", "G35": "gross_kg", "G38": "net_kg", "G41": "quantity",
    "G42": "invoice_value", "G45": "customs_value_rub", "G46": "stat_value_usd",
    "GD1": "release_date", "G072": "date",
}
WORDS = ["", " (Код страны происхождения)", " Наименование", " — что угодно", "_RU", " (USD)"]


@pytest.mark.parametrize("code", sorted(STORY_BOXES))
@pytest.mark.parametrize("words", WORDS)
def test_a_g_code_is_read_by_its_code_alone(code: str, words: str) -> None:
    plan = plan_mapping([code + words])
    assert [a.canonical for a in plan.assignments] == [STORY_BOXES[code]]


def test_boxes_kept_as_extras_are_never_a_story_column() -> None:
    for header in ("G023 (Адрес отправителя)", "G021 ИНН отправителя", "G083 Адрес получателя",
                   "G202 Условия поставки", "G25 Вид транспорта"):
        assert plan_mapping([header]).assignments == []


def test_the_table_names_box_subfield_kind_and_russian_name() -> None:
    box = BY_CODE["31_11"]
    assert (box.box, box.subfield, box_kind(box), box.russian) == (
        "31", "11", Kind.TEXT, "Фирма-изготовитель")
    assert (BY_CODE["15a"].box, BY_CODE["15a"].subfield) == ("15", "a")
    assert (BY_CODE["0231"].box, BY_CODE["0231"].subfield) == ("2", "31")
    assert box_kind(BY_CODE["46"]) is Kind.NUMBER
    assert all(b.canonical == "" or b.canonical in BY_NAME for b in BOXES)
    assert len({b.code for b in BOXES}) == len(BOXES)
