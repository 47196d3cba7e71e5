"""Name resolution benchmark: ``resolve()`` on 100,000 distinct synthetic company names.

The names are generated deterministically: companies of one or two invented syllable words,
often a trade word ("industrial", "auto parts") and a city, and a legal form from many
languages; each company is written one to three ways (case, punctuation of the legal form,
words swapped, a typo in about 10% of the names, a Cyrillic rendering in about 2%).

The baseline, timed in the same run on the same names, is what a spreadsheet user does:
lower case, strip punctuation with a regular expression, group identical results.
Prints one JSON object per line: ``name``, ``seconds`` (best of ``--repeat``), ``baseline``,
``ratio`` (seconds / baseline), ``peak_rss_mb`` (this process's peak resident memory, MiB,
names included), counts, the budgets and ``within_budget``.

Run from the repository root: ``python bench/bench_names.py [--names N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.analysis.names import resolve

BUDGET_SECONDS = 10.0
BUDGET_PEAK_RSS_MB = 1024.0
SEED = 20240604

_ONSETS = ("b", "ch", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "sh", "t", "v",
           "y", "z", "kw", "tr")
_NUCLEI = ("a", "e", "i", "o", "u", "ai", "eo", "ya", "yu", "ou")
_CODAS = ("", "", "", "n", "ng", "k", "l", "r", "m")
_TRADE = ("INDUSTRIAL", "TRADING", "ELECTRONICS", "AUTO PARTS", "MACHINERY", "PRECISION",
          "TECHNOLOGY", "RUBBER PRODUCTS", "COMPONENTS", "IMPORT AND EXPORT", "MOTOR",
          "INTERNATIONAL", "ENGINEERING", "METAL", "PLASTICS", "LOGISTICS")
_CITIES = ("SHENZHEN", "NINGBO", "QINGDAO", "BUSAN", "PUNE", "BURSA", "TORINO", "SUZHOU",
           "GUANGZHOU", "ULSAN", "IZMIR", "STUTTGART")
_LEGAL = (("CO., LTD.", "CO LTD", "Co., Ltd"), ("LIMITED", "LTD", "Ltd."), ("INC", "Inc."),
          ("LLC", "L.L.C."), ("GMBH", "GmbH"), ("SPA", "S.p.A."), ("SRL", "S.R.L."),
          ("PVT LTD", "PRIVATE LIMITED"), ("A.S.", "SANAYI VE TICARET A.S."),
          ("CORP", "CORPORATION"), ("AG",), ("", ""))
_CYRILLIC = dict(zip(
    "abcdefghijklmnopqrstuvwxyz",
    ("а", "б", "к", "д", "е", "ф", "г", "х", "и", "дж", "к", "л", "м", "н", "о", "п", "к", "р",
     "с", "т", "у", "в", "в", "кс", "й", "з"),
    strict=True,
))


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_NUCLEI) + rng.choice(_CODAS)
        for _ in range(rng.choice((2, 2, 3)))
    ).upper()


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    i = rng.choice(letters)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + rng.choice("AEIKNORST") + text[i + 1:]
    return text[:i] + text[i] + text[i:]


def _cyrillic(text: str) -> str:
    return "".join(_CYRILLIC.get(ch, ch) for ch in text.lower()).upper() + " КО., ЛТД"


def make_names(count: int, seed: int = SEED) -> list[str]:
    """``count`` distinct company names, the same for the same ``count`` and ``seed``."""
    rng = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < count:
        words = [_word(rng) for _ in range(rng.choice((1, 1, 2)))]
        if rng.random() < 0.7:
            words.append(rng.choice(_TRADE))
        if rng.random() < 0.3:
            words.insert(0, rng.choice(_CITIES))
        legal = rng.choice(_LEGAL)
        core = " ".join(words)
        spellings = [f"{core} {legal[0]}".strip()]
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            variant = f"{core} {rng.choice(legal)}".strip()
            roll = rng.random()
            if roll < 0.3:
                variant = variant.title()
            elif roll < 0.45 and len(words) > 1:
                swapped = words[1:] + words[:1]
                variant = f"{' '.join(swapped)} {legal[-1]}".strip()
            elif roll < 0.5:
                variant = _cyrillic(core)
            spellings.append(variant)
        for spelling in spellings:
            if rng.random() < 0.1:
                spelling = _typo(rng, spelling)
            names.setdefault(spelling, None)
    return list(names)[:count]


_PUNCTUATION = re.compile(r"[^\w\s]")


def spreadsheet_grouping(names: list[str]) -> dict[str, list[str]]:
    """The baseline: lower case, punctuation stripped, whitespace collapsed, exact groups."""
    groups: dict[str, list[str]] = {}
    for name in names:
        key = " ".join(_PUNCTUATION.sub("", name.lower()).split())
        groups.setdefault(key, []).append(name)
    return groups


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on this platform
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100_000, help="distinct names")
    parser.add_argument("--repeat", type=int, default=1, help="runs per timing; best is kept")
    args = parser.parse_args(argv)
    names = make_names(args.names)

    baseline = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        plain = spreadsheet_grouping(names)
        baseline = min(baseline, time.perf_counter() - start)

    seconds = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = resolve(names)
        seconds = min(seconds, time.perf_counter() - start)

    peak = _peak_rss_mb()
    within = seconds < BUDGET_SECONDS and peak is not None and peak < BUDGET_PEAK_RSS_MB
    print(json.dumps({
        "name": "resolve_names",
        "seconds": round(seconds, 4),
        "baseline": round(baseline, 4),
        "ratio": round(seconds / baseline, 1),
        "baseline_name": "lower() + regex punctuation strip, exact groups",
        "peak_rss_mb": None if peak is None else round(peak, 1),
        "names": len(names),
        "groups": len(result.groups),
        "baseline_groups": len(plain),
        "suggestions": len(result.suggestions),
        "budget_seconds": BUDGET_SECONDS,
        "budget_peak_rss_mb": BUDGET_PEAK_RSS_MB,
        "within_budget": within,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
