"""Generate large synthetic customs extracts for the import benchmarks.

The CSV is shaped like a Russian vendor dump (cp1251, ``;``, comma decimals with space thousands,
``dd.mm.yyyy``, numbered Russian headers under a title line); the xlsx like a G-code dump with
real date cells under title lines. Rows are random but realistic in width and variety.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SUPPLIERS = [f"SUPPLIER {i:04d} CO., LTD" for i in range(2000)] + [
    "KYUNGKI INDUSTRIAL CO., LTD", "BYT CO LTD", "ENERTECH INTERNATIONAL INC",
    "INDUSTRIE ILPEA SPA", "RAIN ELECTRONICS CO LIMITED", "ООО \"ПОСТАВЩИК\"",
]
COUNTRIES_RU = ["КОРЕЯ, РЕСПУБЛИКА", "КИТАЙ", "ГОНКОНГ", "ИНДИЯ", "ТУРЦИЯ", "ИТАЛИЯ", "ГЕРМАНИЯ"]
COUNTRIES_A2 = ["KR", "CN", "HK", "IN", "TR", "IT", "DE"]
WORDS = ["ДЕТАЛИ КУЗОВА", "ДАТЧИК", "КОНТРОЛЛЕР ПРОГРАММИРУЕМЫЙ", "ПЕРЕКЛЮЧАТЕЛЬ",
         "ОБОРУДОВАНИЕ СВАРОЧНОЕ", "БАТАРЕЯ АККУМУЛЯТОРНАЯ", "ДЕТАЛИ ПЛАСТМАССОВЫЕ"]

CSV_HEADERS = [
    "ND  Номер  декларации на товары", "32 Номер товара", "072 Дата ДТ",
    "022 Наименование/ФИО отправителя", "16 Страна происхождения", "11 Торгующая страна",
    "33 Код товара по ТН ВЭД РФ", "31 Описание товара", "35 Вес брутто, кг", "38 Вес нетто, кг",
    "22 Валюта контракта", "42 Фактурная стоимость товара", "45 Таможенная стоимость, руб",
    "46 Статистическая стоимость",
]
XLSX_HEADERS = [
    "ND (Номер декларации)", "G32 (Номер товара)", "G072 (Дата регистрации)",
    "G022 (Наименование отправителя)", "G16 (Страна происхождения)", "G11 (Торгующая страна)",
    "G33 (Код товара по ТН ВЭД)", "G312 (Описание товара)", "G35 (Вес брутто, кг)",
    "G38 (Вес нетто, кг)", "G221 (Валюта контракта)", "G42 (Фактурная стоимость)",
    "G45 (Таможенная стоимость, руб.)", "G46 (Статистическая стоимость, USD.)",
]


def synthetic_rows(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` random goods items of ~20,000-item declarations, 2018-2023."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 6 * 365, n)
    dates = pd.Timestamp("2018-01-01") + pd.to_timedelta(np.sort(days), unit="D")
    decl_serial = np.arange(n) // 4
    item = np.arange(n) % 4 + 1
    decl = [
        f"10702070/{d:%d%m%y}/{s:07d}" for d, s in zip(dates, decl_serial, strict=True)
    ]
    country = rng.integers(0, len(COUNTRIES_A2), n)
    stat = np.round(rng.lognormal(7, 1.5, n), 2)
    return pd.DataFrame({
        "decl": decl,
        "item": item,
        "date": dates,
        "sender": np.array(SUPPLIERS, dtype=object)[rng.integers(0, len(SUPPLIERS), n)],
        "origin": country,
        "trading": rng.integers(0, len(COUNTRIES_A2), n),
        "hs": [f"{h:010d}" for h in rng.integers(3_900_000_000, 8_799_999_999, n)],
        "desc": [f"{WORDS[w]} АРТ. {a}" for w, a in
                 zip(rng.integers(0, len(WORDS), n), rng.integers(10000, 99999, n), strict=True)],
        "gross": np.round(rng.lognormal(3, 1, n), 3),
        "net": np.round(rng.lognormal(2.8, 1, n), 3),
        "currency": np.array(["USD", "EUR", "KRW", "CNY"])[rng.integers(0, 4, n)],
        "invoice": np.round(stat * rng.uniform(0.9, 1.1, n), 2),
        "customs": np.round(stat * 75.3, 2),
        "stat": stat,
    })


def _ru_number(values: np.ndarray) -> list[str]:
    return [f"{v:,.2f}".replace(",", " ").replace(".", ",") for v in values]


def write_csv(rows: pd.DataFrame, path: Path) -> None:
    out = pd.DataFrame({
        CSV_HEADERS[0]: rows["decl"],
        CSV_HEADERS[1]: rows["item"],
        CSV_HEADERS[2]: rows["date"].dt.strftime("%d.%m.%Y"),
        CSV_HEADERS[3]: rows["sender"],
        CSV_HEADERS[4]: np.array(COUNTRIES_RU)[rows["origin"]],
        CSV_HEADERS[5]: np.array(COUNTRIES_RU)[rows["trading"]],
        CSV_HEADERS[6]: rows["hs"],
        CSV_HEADERS[7]: rows["desc"],
        CSV_HEADERS[8]: _ru_number(rows["gross"].to_numpy()),
        CSV_HEADERS[9]: _ru_number(rows["net"].to_numpy()),
        CSV_HEADERS[10]: rows["currency"],
        CSV_HEADERS[11]: _ru_number(rows["invoice"].to_numpy()),
        CSV_HEADERS[12]: _ru_number(rows["customs"].to_numpy()),
        CSV_HEADERS[13]: _ru_number(rows["stat"].to_numpy()),
    })
    with path.open("w", encoding="cp1251", newline="") as fh:
        fh.write("Выгрузка ДТ (синтетические данные для замеров)\r\n\r\n")
        out.to_csv(fh, sep=";", index=False, lineterminator="\r\n")


def write_xlsx(rows: pd.DataFrame, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Импорт")
    date_fmt = wb.add_format({"num_format": "dd.mm.yyyy"})
    ws.write_string(0, 0, "Выгрузка таможенных деклараций (синтетические данные)")
    ws.write_string(1, 0, "Период: 01.01.2018-31.12.2023")
    for c, h in enumerate(XLSX_HEADERS):
        ws.write_string(3, c, h)
    cols = [rows[k].to_numpy() for k in
            ("decl", "item", "date", "sender", "origin", "trading", "hs", "desc", "gross",
             "net", "currency", "invoice", "customs", "stat")]
    for i in range(len(rows)):
        r = i + 4
        ws.write_string(r, 0, cols[0][i])
        ws.write_number(r, 1, int(cols[1][i]))
        ws.write_datetime(r, 2, pd.Timestamp(cols[2][i]).to_pydatetime(), date_fmt)
        ws.write_string(r, 3, cols[3][i])
        ws.write_string(r, 4, COUNTRIES_A2[cols[4][i]])
        ws.write_string(r, 5, COUNTRIES_A2[cols[5][i]])
        ws.write_string(r, 6, cols[6][i])
        ws.write_string(r, 7, cols[7][i])
        for c in (8, 9, 11, 12, 13):
            ws.write_number(r, c, float(cols[c][i]))
        ws.write_string(r, 10, cols[10][i])
    wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = synthetic_rows(args.rows)
    write_csv(rows, args.out / f"extract_{args.rows}.csv")
    write_xlsx(rows, args.out / f"extract_{args.rows}.xlsx")


if __name__ == "__main__":
    main()
