"""Company name keys, automatic groups and merge suggestions, on made-up names and the sample."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import pytest

from workbench.analysis.names import Resolution, Suggestion, name_key, resolve

SAMPLE = Path(__file__).parent.parent.parent / "sample_cases" / "aurus"

NAMED_SUPPLIERS = {
    "kyungki": {
        "KYUNGKI INDUSTRIAL CO., LTD", "Kyungki Industrial Co", "KYUNGKI IND. CO LTD",
        "КЕНГКИ ИНДАСТРИАЛ КО., ЛТД",
    },
    "byt": {"BYT CO LTD", "BYT CO., LTD.", "B.Y.T. Co., Ltd"},
    "enertech": {
        "ENERTECH INTERNATIONAL INC", "Enertech International, Inc.", "ENERTECH INT'L INC",
    },
    "ilpea": {"INDUSTRIE ILPEA SPA", "Industrie Ilpea S.p.A.", "ILPEA INDUSTRIE SPA"},
    "rain": {
        "RAIN ELECTRONICS CO LIMITED", "Rain Electronics Co., Ltd", "RAIN ELECTRONICS (HK) LTD",
    },
}

# Every key of the sample that more than one spelling shares (all are one company each).
SAMPLE_SHARED_KEYS = {
    "byt": {"BYT CO LTD", "BYT CO., LTD.", "B.Y.T. Co., Ltd"},
    "cheongryu motion": {"CHEONGRYU MOTION CO LTD", "CHEONGRYU MOTION CO., LTD."},
    "enertech international": NAMED_SUPPLIERS["enertech"],
    "geumsan controls": {"GEUMSAN CONTROLS CO LTD", "GEUMSAN CONTROLS CO., LTD"},
    "golden harbour supply chain": {
        "GOLDEN HARBOUR SUPPLY CHAIN LIMITED", "GOLDEN HARBOUR SUPPLY CHAIN LTD",
    },
    "guangzhou yueming trading": {
        "GUANGZHOU YUEMING TRADING CO LTD", "GUANGZHOU YUEMING TRADING CO., LTD",
    },
    "industrie ilpea": {"INDUSTRIE ILPEA SPA", "Industrie Ilpea S.p.A."},
    "kyungki industrial": {"KYUNGKI INDUSTRIAL CO., LTD", "Kyungki Industrial Co"},
    "pune axleform industries": {
        "PUNE AXLEFORM INDUSTRIES PRIVATE LIMITED", "PUNE AXLEFORM INDUSTRIES PVT LTD",
    },
    "qingdao hairun rubber products": {
        "QINGDAO HAIRUN RUBBER PRODUCTS CO LTD", "QINGDAO HAIRUN RUBBER PRODUCTS CO., LTD",
    },
    "rain electronics": NAMED_SUPPLIERS["rain"],
    "torino carrozzeria stampi": {
        "TORINO CARROZZERIA STAMPI S.R.L.", "TORINO CARROZZERIA STAMPI SRL",
    },
}


# -- keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # English and Asian English
        ("KYUNGKI INDUSTRIAL CO., LTD", "kyungki industrial"),
        ("Kyungki Industrial Co", "kyungki industrial"),
        ("RAIN ELECTRONICS CO LIMITED", "rain electronics"),
        ("RAIN ELECTRONICS (HK) LTD", "rain electronics"),
        ("Acme, Inc.", "acme"),
        ("ACME INCORPORATED", "acme"),
        ("Acme Corp.", "acme"),
        ("ACME CORPORATION", "acme"),
        ("ACME LLC", "acme"),
        ("Acme L.L.C.", "acme"),
        ("ACME CO.,LTD.", "acme"),
        ("ACME COMPANY LIMITED", "acme"),
        ("PUNE AXLEFORM INDUSTRIES PVT LTD", "pune axleform industries"),
        ("PUNE AXLEFORM INDUSTRIES PRIVATE LIMITED", "pune axleform industries"),
        ("Acme Pte. Ltd.", "acme"),
        ("Acme Sdn. Bhd.", "acme"),
        # Romance
        ("Industrie Ilpea S.p.A.", "industrie ilpea"),
        ("INDUSTRIE ILPEA SPA", "industrie ilpea"),
        ("TORINO CARROZZERIA STAMPI S.R.L.", "torino carrozzeria stampi"),
        ("Acme SRL", "acme"),
        ("Acme S.A. de C.V.", "acme"),
        # German, Nordic
        ("ALLGAEU LACKIERANLAGEN GMBH", "allgaeu lackieranlagen"),
        ("STUTTGARTER MESSTECHNIK G.M.B.H.", "stuttgarter messtechnik"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Acme AG", "acme"),
        ("Acme A/S", "acme"),
        # Turkish
        ("IZMIR EGELI KABLO SANAYI A.S.", "izmir egeli kablo sanayi"),
        ("ACME A.Ş.", "acme"),
        ("BURSA KARDELEN OTOMOTIV SANAYI VE TICARET A.S.", "bursa kardelen otomotiv"),
        ("KARDELEN OTOMOTIV SAN. VE TIC. A.S.", "kardelen otomotiv"),
        ("KOCAELI DERIPAN DERI SANAYI LTD STI", "kocaeli deripan deri sanayi"),
        # Russian, in Cyrillic and in Latin
        ("ООО «АУРУС»", "aurus"),
        ('ООО "АУРУС"', "aurus"),
        ("АО АУРУС", "aurus"),
        ("ЗАО АУРУС", "aurus"),
        ("ОАО АУРУС", "aurus"),
        ("ПАО АУРУС", "aurus"),
        ("ИП Иванов", "ivanov"),
        ("AURUS LLC", "aurus"),
        ("OOO AURUS", "aurus"),
        ("LLC AURUS", "aurus"),
        # safe abbreviations only
        ("ENERTECH INT'L INC", "enertech international"),
        ("ENERTECH INTL INC", "enertech international"),
        ("Enertech International, Inc.", "enertech international"),
        ("KYUNGKI IND. CO LTD", "kyungki ind"),
        # acronyms, case, whitespace
        ("B.Y.T. Co., Ltd", "byt"),
        ("  byt   co.,ltd ", "byt"),
        # Latin words that are legal forms only in Cyrillic
        ("AO SMITH CORP", "ao smith"),
        ("TOO FACED LLC", "too faced"),
        ("IP SOLUTIONS LTD", "ip solutions"),
        # nothing but a legal form
        ("CO., LTD.", ""),
        ("ООО", ""),
        ("", ""),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_cyrillic_spelling_is_transliterated() -> None:
    assert name_key("КЕНГКИ ИНДАСТРИАЛ КО., ЛТД") == "kengki indastrial"
    assert name_key("ООО «АУРУС»") == name_key("Aurus LLC")
    assert name_key("Тольятти") == "tolyatti"  # the soft sign's apostrophe goes


# -- resolve on made-up names ------------------------------------------------------------------


def _only(result: Resolution) -> Suggestion:
    assert len(result.suggestions) == 1, result.suggestions
    return result.suggestions[0]


def test_identical_keys_only_are_grouped() -> None:
    names = ["KYUNGKI INDUSTRIAL CO., LTD", "Kyungki Industrial Co", "KYUNGKI IND. CO LTD"]
    result = resolve(names)
    assert result.groups == {
        "kyungki ind": ("KYUNGKI IND. CO LTD",),
        "kyungki industrial": ("KYUNGKI INDUSTRIAL CO., LTD", "Kyungki Industrial Co"),
    }
    suggestion = _only(result)
    assert suggestion.keys == ("kyungki ind", "kyungki industrial")
    assert suggestion.reason == "abbreviation ind/industrial"
    assert suggestion.score == 95.0


def test_reason_spaces_or_hyphens() -> None:
    suggestion = _only(resolve(["AUTO-BODY SHOP LLC", "Autobody Shop Inc."]))
    assert suggestion.score == 100.0
    assert suggestion.reason == "one is the other without spaces or hyphens (auto-body/autobody)"
    assert suggestion.names == ("AUTO-BODY SHOP LLC", "Autobody Shop Inc.")


def test_reason_words_in_another_order() -> None:
    suggestion = _only(resolve(["INDUSTRIE ILPEA SPA", "ILPEA INDUSTRIE SPA"]))
    assert suggestion.score == 100.0
    assert suggestion.reason == "same words in another order (ilpea industrie/industrie ilpea)"


def test_reason_transliteration() -> None:
    suggestion = _only(resolve(["KYUNGKI INDUSTRIAL CO., LTD", "КЕНГКИ ИНДАСТРИАЛ КО., ЛТД"]))
    assert suggestion.keys == ("kengki indastrial", "kyungki industrial")
    assert suggestion.reason.startswith(
        "spelling differs by 2 letters (kengki/kyungki) after transliteration"
    )
    assert "indastrial read as industrial" in suggestion.reason
    assert 85 <= suggestion.score < 95


def test_reason_typo() -> None:
    suggestion = _only(resolve(["GOLDEN HARBOUR LIMITED", "Golden Harbor Ltd"]))
    assert suggestion.reason == "spelling differs by 1 letter (harbor/harbour)"
    assert suggestion.score > 95


def test_reason_extra_place_name() -> None:
    suggestion = _only(resolve([
        "BURSA KARDELEN OTOMOTIV SANAYI VE TICARET A.S.", "KARDELEN OTOMOTIV SAN. VE TIC. A.S.",
    ]))
    assert suggestion.reason == "the same name with 'bursa' added"
    assert suggestion.score == 90.0


def test_false_friends_are_not_suggested() -> None:
    names = [
        "SHENZHEN LANXIN ELECTRONIC TECHNOLOGY CO., LTD",
        "SHENZHEN HUAXIN ELECTRONIC TECHNOLOGY CO LTD",
    ]
    assert resolve(names).suggestions == ()
    assert all(s.score < 85 for s in resolve(names, threshold=0).suggestions)
    # only a generic word differs: not the same company on that evidence
    assert resolve(["KYUNGKI INDUSTRIAL CO LTD", "KYUNGKI TRADING CO LTD"]).suggestions == ()
    assert resolve(["GOLDEN AUTO PARTS LTD", "SILVER AUTO PARTS LTD"]).suggestions == ()


def test_suggestion_ids_are_stable() -> None:
    names = [
        "KYUNGKI INDUSTRIAL CO., LTD", "KYUNGKI IND. CO LTD", "КЕНГКИ ИНДАСТРИАЛ КО., ЛТД",
        "INDUSTRIE ILPEA SPA", "ILPEA INDUSTRIE SPA", "AUTO-BODY SHOP", "AUTOBODY SHOP",
    ]
    first = resolve(names)
    shuffled = names[:]
    random.Random(3).shuffle(shuffled)
    assert resolve(shuffled) == first
    for suggestion in first.suggestions:
        digest = hashlib.sha256("|".join(sorted(suggestion.keys)).encode()).hexdigest()
        assert suggestion.id == digest[:8]
        assert list(suggestion.keys) == sorted(suggestion.keys)
        assert list(suggestion.names) == sorted(suggestion.names)
    order = [(-s.score, s.id) for s in first.suggestions]
    assert order == sorted(order)


def test_threshold_and_missing_values() -> None:
    names = ["KYUNGKI INDUSTRIAL CO., LTD", "КЕНГКИ ИНДАСТРИАЛ КО., ЛТД", None, "CO., LTD.", ""]
    assert resolve(names, threshold=99).suggestions == ()  # type: ignore[arg-type]
    groups = resolve(names).groups  # type: ignore[arg-type]
    assert groups[""] == ("", "CO., LTD.")
    assert all(key for s in resolve(names).suggestions for key in s.keys)  # type: ignore[arg-type]


def test_limit_bounds_links_per_key() -> None:
    names = ["ACME HOLDINGS"] + [f"ACME HOLDINGS {chr(97 + i)}" for i in range(15)]
    assert max(len(s.keys) for s in resolve(names, threshold=0, limit=3).suggestions) == 4
    assert max(len(s.keys) for s in resolve(names, threshold=0).suggestions) == 11


# -- the sample case -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_senders(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Distinct senders of the sample case, read through the importer from a fresh copy."""
    from workbench.services.cases import load_shipments, open_case

    folder = tmp_path_factory.mktemp("names") / "aurus"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.wbcase*"))
    case, _ = open_case(folder)
    try:
        frame = load_shipments(case)
    finally:
        case.close()
    return sorted(frame["sender"].dropna().unique().tolist())


@pytest.fixture(scope="module")
def sample(sample_senders: list[str]) -> Resolution:
    return resolve(sample_senders)


def test_sample_has_every_named_spelling(sample_senders: list[str]) -> None:
    for spellings in NAMED_SUPPLIERS.values():
        assert spellings <= set(sample_senders)


@pytest.mark.parametrize("supplier", ["byt", "enertech", "rain"])
def test_sample_supplier_is_one_company(sample: Resolution, supplier: str) -> None:
    spellings = NAMED_SUPPLIERS[supplier]
    keys = {key for key, names in sample.groups.items() if spellings & set(names)}
    assert len(keys) == 1
    assert set(sample.groups[keys.pop()]) == spellings


@pytest.mark.parametrize(
    ("supplier", "reason"),
    [
        ("kyungki", "spelling differs by 2 letters (kengki/kyungki) after transliteration"),
        ("ilpea", "same words in another order"),
    ],
)
def test_sample_supplier_is_one_suggestion_away(
    sample: Resolution, supplier: str, reason: str
) -> None:
    spellings = NAMED_SUPPLIERS[supplier]
    keys = {key for key, names in sample.groups.items() if spellings & set(names)}
    assert len(keys) > 1
    joining = [s for s in sample.suggestions if keys <= set(s.keys)]
    assert len(joining) == 1
    suggestion = joining[0]
    assert set(suggestion.names) == spellings
    assert reason in suggestion.reason
    assert suggestion.score >= 85


def test_sample_never_merges_two_suppliers_automatically(sample: Resolution) -> None:
    shared = {key: set(names) for key, names in sample.groups.items() if len(names) > 1}
    assert shared == SAMPLE_SHARED_KEYS
    owner = {name: s for s, names in NAMED_SUPPLIERS.items() for name in names}
    for names in sample.groups.values():
        suppliers = {owner.get(name) for name in names}
        assert len(suppliers) == 1, names


def test_sample_suggestions_join_one_supplier_each(sample: Resolution) -> None:
    owner = {name: s for s, names in NAMED_SUPPLIERS.items() for name in names}
    for suggestion in sample.suggestions:
        suppliers = {owner.get(name) for name in suggestion.names}
        assert len(suppliers) == 1, suggestion
    assert {s.keys for s in sample.suggestions} == {
        ("kengki indastrial", "kyungki ind", "kyungki industrial"),
        ("ilpea industrie", "industrie ilpea"),
        ("bursa kardelen otomotiv", "kardelen otomotiv"),
    }
