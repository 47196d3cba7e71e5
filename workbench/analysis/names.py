"""Company names: one normalised key per spelling, and scored suggestions between near keys.

:func:`name_key` turns a spelling into a key: Unicode NFKC, dotted acronyms joined (``B.Y.T.`` ->
``byt``, ``S.p.A.`` -> ``spa``), apostrophes dropped (``INT'L`` -> ``intl``), a bracketed Hong
Kong marker dropped (``(HK)``), ``&`` read as ``and``, every word transliterated to ASCII with
anyascii (``КЕНГКИ ИНДАСТРИАЛ`` -> ``kengki indastrial``), lower case, other punctuation as
spaces, and legal forms removed from the end and the start of the name, repeatedly (``CO.,
LTD.``, ``GMBH & CO. KG``, ``SAN. VE TIC. A.S.``, ``PVT LTD``, ``ООО``...: :data:`LEGAL_SUFFIXES`,
:data:`LEGAL_PREFIXES`). Short forms that are also Latin words or initials (``KO``, ``AO``,
``IP``, ``TOO``...) count as legal forms only when written in Cyrillic. Chinese, Korean or
Japanese script is transliterated but not split into words, and its legal forms stay.

Abbreviations: only unambiguous ones are expanded in the key (``INT'L``/``INTL`` ->
``international``, ``MFG`` -> ``manufacturing``). ``IND`` is *not* expanded: it stands for
industrial, industries, industry, Industrie or India, and a key must never merge on a guess.
Keys that differ only by such an abbreviation or word form (:data:`WORD_FAMILIES`) are a
suggestion ("abbreviation ind/industrial").

:func:`resolve` groups spellings by identical key (the only automatic merge) and suggests merging
different keys, each with a score (0-100) and a reason in words:

- the same words in another order: 100;
- one is the other without spaces or hyphens: 100;
- an abbreviation or word form of the same word: 95; a misspelt generic word (``poducts``,
  within :data:`NEAR_GENERIC_RATIO` of ``products``): ``token_sort_ratio`` of the keys;
- the same distinctive words plus generic words on one side only (``bursa``): 95 minus 5 per
  extra word;
- a near spelling: rapidfuzz ``ratio`` of the words (sorted, or in their order, the better),
  taken on the whole key and on its *distinctive* words (those not in :data:`GENERIC_WORDS`:
  trade and goods words, places, connectives), and the lower of the two counts. Names sharing
  only generic words ("Shenzhen Lanxin Electronic Technology" / "Shenzhen Huaxin Electronic
  Technology") thus score as low as their distinctive words (lanxin/huaxin: 67). When one side
  was written in another script, vowels and a few consonant spellings are folded before the
  distinctive words are compared (kengki/kyungki), a word within
  :data:`NEAR_GENERIC_RATIO_TRANSLITERATED` of a generic word is read as it (indastrial ->
  industrial), and the reason says so.

Candidates are found by blocking, never all pairs: keys meet when they share their distinctive
words, all of them but one, their folded spelling (only when a name is in another script), or,
for one-word names, their first or last four letters; a block of more than :data:`MAX_BLOCK`
keys is skipped as too common. Candidate pairs are scored in bulk with
``rapidfuzz.process.cpdist``. Every key keeps its ``limit`` best links; a suggestion joins the
keys linked to a centre key (most links first), so that a company written four ways is one
suggestion away, and a link left between two suggestions is suggested as a pair.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

__all__ = [
    "GENERIC_WORDS",
    "LEGAL_PREFIXES",
    "LEGAL_SUFFIXES",
    "MAX_BLOCK",
    "WORD_FAMILIES",
    "Resolution",
    "Suggestion",
    "name_key",
    "resolve",
]

# -- tables ----------------------------------------------------------------------------------

# Legal forms, as written after punctuation is removed and acronyms are joined. Stripped from
# the end of a name, longest first and repeatedly ("gmbh and co kg" -> "gmbh and co" -> "gmbh").
LEGAL_SUFFIXES: frozenset[tuple[str, ...]] = frozenset(tuple(f.split()) for f in (
    # English and Asian-English
    "co", "company", "co ltd", "ltd", "limited", "llc", "inc", "incorporated", "corp",
    "corporation", "plc", "llp", "lp", "pvt", "pvt ltd", "private limited", "p ltd", "pte",
    "pty", "sdn bhd", "bhd", "tbk", "limited liability company", "and co",
    # German, Dutch, Nordic
    "gmbh", "mbh", "ag", "kg", "ohg", "ug", "kgaa", "bv", "nv", "vof", "oy", "oyj", "ab",
    "as", "a s", "asa", "aps",
    # Romance
    "spa", "srl", "snc", "sas", "sapa", "sarl", "sa", "sl", "slu", "sau", "ltda", "sa de cv",
    "srl de cv", "eireli",
    # Central and Eastern Europe
    "sro", "spol s r o", "sp z oo", "sp zoo", "kft", "zrt", "nyrt", "doo", "dd", "ood", "eood",
    "ead", "ooo", "zao", "oao", "pao", "jsc", "pjsc", "ojsc", "cjsc",
    # Turkish: "Sanayi ve Ticaret A.S.", "Ltd. Sti."
    "sti", "sanayi ve ticaret", "san ve tic", "sanayi ticaret", "san tic", "ticaret", "tic",
    # Japanese, Korean romanised
    "kk", "yk", "gk", "kabushiki kaisha", "kabushiki gaisha",
    # others
    "se",
))
LEGAL_PREFIXES: frozenset[tuple[str, ...]] = frozenset(tuple(f.split()) for f in (
    "ooo", "zao", "oao", "pao", "jsc", "pjsc", "ojsc", "cjsc", "llc", "pt", "cv",
    "limited liability company", "joint stock company",
))
# Forms that are legal forms only when written in Cyrillic (in Latin they are words or initials).
_CYRILLIC_SUFFIXES: frozenset[tuple[str, ...]] = frozenset(tuple(f.split()) for f in (
    "ko", "kompani", "korp", "ink", "gmbkh",
))
_CYRILLIC_PREFIXES: frozenset[tuple[str, ...]] = frozenset(tuple(f.split()) for f in (
    "ao", "nao", "ip", "tov", "too", "chp", "fgup", "gup", "mup", "ooo", "zao", "oao", "pao",
))

_LAST_WORDS = frozenset(f[-1] for f in LEGAL_SUFFIXES | _CYRILLIC_SUFFIXES)
_FIRST_WORDS = frozenset(f[0] for f in LEGAL_PREFIXES | _CYRILLIC_PREFIXES)

# Expanded in the key because they have one reading only.
_EXPANSIONS = {"intl": "international", "mfg": "manufacturing"}

# Abbreviations and word forms read as one word when comparing keys (never in the key itself).
WORD_FAMILIES: dict[str, tuple[str, ...]] = {
    "industry": ("ind", "indl", "inds", "indus", "industrial", "industries", "industry",
                 "industrie", "industria", "industriale", "industrias", "industriel",
                 "industrielle"),
    "technology": ("tech", "techn", "technology", "technologies", "technologie", "tecnologia"),
    "electric": ("elec", "electr", "electric", "electrical", "electronic", "electronics",
                 "elektronik", "electronica"),
    "engineering": ("eng", "engg", "engr", "engineering", "engineers"),
    "manufacturing": ("mfr", "mfrs", "manufacturing", "manufacture", "manufacturer",
                      "manufacturers"),
    "machinery": ("mach", "machinery", "machine", "machines"),
    "products": ("prod", "prods", "product", "products"),
    "equipment": ("equip", "eqpt", "equipment", "equipments"),
    "trading": ("trdg", "trading", "trade"),
    "systems": ("sys", "syst", "system", "systems"),
    "services": ("svc", "svcs", "serv", "service", "services"),
    "chemical": ("chem", "chemical", "chemicals"),
    "pharmaceutical": ("pharma", "pharmaceutical", "pharmaceuticals"),
    "development": ("dev", "devt", "development"),
    "brothers": ("bros", "brothers"),
    "national": ("natl", "national"),
    "automotive": ("automotive", "automotives", "otomotiv"),
    "component": ("component", "components"),
}
_ABBREVIATIONS = frozenset((
    "ind", "indl", "inds", "indus", "tech", "techn", "elec", "electr", "eng", "engg", "engr",
    "mfr", "mfrs", "mach", "prod", "prods", "equip", "eqpt", "trdg", "sys", "syst", "svc",
    "svcs", "serv", "chem", "pharma", "dev", "devt", "bros", "natl",
))
_CANONICAL = {word: family for family, words in WORD_FAMILIES.items() for word in words}

# Words many unrelated companies share: they do not tell two companies apart. GENERIC_WORDS is
# these, the places, the connectives and every word of WORD_FAMILIES.
_TRADE_WORDS = (
    "auto", "parts", "part", "precision", "rubber", "plastic", "plastics", "metal", "metals",
    "steel", "textile", "textiles", "import", "export", "imp", "exp", "impex", "international",
    "global", "group", "holding", "holdings", "enterprise", "enterprises", "solutions",
    "supply", "chain", "logistics", "sourcing", "motor", "motors", "motion", "press", "control",
    "controls", "forging", "forgings", "fitting", "fittings", "fastener", "fasteners",
    "motorcycle", "cable", "kablo", "wire", "leather", "deri", "tools", "tooling", "investment",
    "commercial", "commerce", "energy", "power", "materials", "material", "mechanical",
    "meccanica", "meccaniche", "officine", "instruments", "optical", "packaging", "medical",
    "bearing", "bearings", "new", "sanayi", "dis", "carrozzeria", "stampi", "works",
    "hardware", "accessories", "devices", "science", "company", "general", "sales", "agency",
)
_PLACES = (
    # countries and regions
    "korea", "korean", "china", "chinese", "india", "indian", "japan", "taiwan", "germany",
    "deutschland", "italy", "italia", "turkey", "turkiye", "russia", "rus", "usa", "america",
    "american", "europe", "euro", "asia", "asian", "pacific", "singapore", "vietnam",
    "thailand", "malaysia", "indonesia", "hongkong", "hong", "kong", "hk", "kowloon", "uk",
    "british", "france", "spain", "poland", "czech", "belarus", "kazakhstan", "uae", "dubai",
    # manufacturing cities and provinces common in trade data
    "shenzhen", "guangzhou", "guangdong", "dongguan", "foshan", "shanghai", "beijing",
    "tianjin", "ningbo", "hangzhou", "zhejiang", "jiangsu", "suzhou", "wuxi", "changzhou",
    "nanjing", "qingdao", "shandong", "yantai", "xiamen", "fujian", "chongqing", "chengdu",
    "wuhan", "wuhu", "hefei", "harbin", "dalian", "shenyang", "changchun", "zhengzhou",
    "seoul", "busan", "incheon", "ulsan", "changwon", "gyeonggi", "daegu", "gwangju",
    "tokyo", "osaka", "taipei", "taichung", "mumbai", "delhi", "pune", "chennai", "gurugram",
    "gurgaon", "rajkot", "bangalore", "bengaluru", "istanbul", "bursa", "izmir", "kocaeli",
    "ankara", "torino", "turin", "milano", "milan", "bologna", "stuttgart", "munich",
    "munchen", "moscow", "moskva",
)
_CONNECTIVES = ("and", "the", "of", "for", "de", "di", "del", "und", "ve", "et", "co")
GENERIC_WORDS: frozenset[str] = frozenset(
    (*_TRADE_WORDS, *_PLACES, *_CONNECTIVES, *WORD_FAMILIES, *_CANONICAL)
)
_NEAR_GENERIC = tuple(sorted(w for w in GENERIC_WORDS if len(w) >= 5))
# A word this close to a generic word (rapidfuzz ratio) is read as it: a typo, or a
# transliteration back from another script ("indastrial"), which is looser.
NEAR_GENERIC_RATIO = 88
NEAR_GENERIC_RATIO_TRANSLITERATED = 80

MAX_BLOCK = 256  # keys sharing one blocking key beyond this are too common to compare

_SCORE_REORDER = 100.0
_SCORE_COMPACT = 100.0
_SCORE_WORD_FORM = 95.0

_ReasonFn = Callable[[int, int], tuple[float, str]]

# -- name_key --------------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’‘`´ʼʹ]")
_MARKS = re.compile(r"[\u0300-\u036f]")
_HK = re.compile(r"[(\[]\s*(?:hk|h\.\s*k\.?|hong\s*kong)\s*[)\]]", re.IGNORECASE)
_ACRONYM = re.compile(r"(?<![^\W_])([^\W\d_](?:\.[^\W\d_])+)\.?(?![^\W_])")
_WORD = re.compile(r"[^\W_]+")


def name_key(name: str) -> str:
    """Normalised key of a company name: ASCII, lower case, no punctuation, no legal forms.

    '' for a name that is only a legal form (or empty).
    """
    text = unicodedata.normalize("NFKC", name)
    ascii_only = text.isascii()
    if not ascii_only:
        text = _MARKS.sub("", text)
    if not ascii_only or "'" in text or "`" in text:
        text = _APOSTROPHES.sub("", text)
    if "(" in text or "[" in text:
        text = _HK.sub(" ", text)
    if "." in text:
        text = _ACRONYM.sub(_join_acronym, text)
    text = text.replace("&", " and ")
    words: list[str] = []
    cyrillic: list[bool] = []
    if ascii_only:
        words = _WORD.findall(text.lower())
        cyrillic = [False] * len(words)
    else:
        for raw in _WORD.findall(text):
            if raw.isascii():
                words.append(raw.lower())
                cyrillic.append(False)
                continue
            is_cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in raw)
            for part in _WORD.findall(_APOSTROPHES.sub("", anyascii(raw)).lower()):
                words.append(part)
                cyrillic.append(is_cyrillic)
    words = [_EXPANSIONS.get(w, w) for w in words]
    _strip_legal(words, cyrillic)
    return " ".join(words)


def _join_acronym(match: re.Match[str]) -> str:
    return match.group(1).replace(".", "")


def _strip_legal(words: list[str], cyrillic: list[bool]) -> None:
    """Remove legal forms from the end and the start of ``words`` (in place)."""
    changed = True
    while words and changed:
        changed = False
        if words[-1] not in _LAST_WORDS and words[0] not in _FIRST_WORDS:
            return
        for size in (4, 3, 2, 1):
            if len(words) < size:
                continue
            tail = tuple(words[-size:])
            if tail in LEGAL_SUFFIXES or (all(cyrillic[-size:]) and tail in _CYRILLIC_SUFFIXES):
                del words[-size:], cyrillic[-size:]
                changed = True
                break
            head = tuple(words[:size])
            if head in LEGAL_PREFIXES or (all(cyrillic[:size]) and head in _CYRILLIC_PREFIXES):
                del words[:size], cyrillic[:size]
                changed = True
                break


# -- resolve ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """Keys proposed to be one company, with the spellings behind them, a score and why."""

    id: str
    keys: tuple[str, ...]
    names: tuple[str, ...]
    score: float
    reason: str


@dataclass(frozen=True)
class Resolution:
    """Spellings grouped by key (automatic companies) and merge suggestions between keys."""

    groups: dict[str, tuple[str, ...]]
    suggestions: tuple[Suggestion, ...]


def resolve(names: Iterable[str], *, threshold: float = 85.0, limit: int = 10) -> Resolution:
    """Group ``names`` by :func:`name_key` and suggest merges scoring at least ``threshold``.

    Each key is linked to at most ``limit`` other keys (its best links). Values that are not
    strings (missing cells) are skipped; names whose key is '' share the '' group and are never
    suggested.
    """
    by_key: dict[str, list[str]] = {}
    for name in dict.fromkeys(n for n in names if isinstance(n, str)):
        by_key.setdefault(name_key(name), []).append(name)
    keys = sorted(by_key)
    groups = {key: tuple(sorted(by_key[key])) for key in keys}
    named = [key for key in keys if key]
    return Resolution(groups, _Suggester(named, groups, threshold, limit).suggestions())


@dataclass
class _Link:
    score: float
    reason: str


class _Suggester:
    """Features of every key, candidate pairs by blocking, scored links, clustered suggestions."""

    def __init__(
        self, keys: list[str], groups: dict[str, tuple[str, ...]], threshold: float, limit: int
    ) -> None:
        self.keys = keys
        self.groups = groups
        self.threshold = threshold
        self.limit = max(1, limit)
        self.words = [key.split() for key in keys]
        self.translit = [any(_non_latin(n) for n in groups[key]) for key in keys]
        self.read_as: list[dict[str, str]] = [{} for _ in keys]
        self.near = _near_generic({w for words in self.words for w in words})
        self.canon: list[list[str]] = []
        for i, words in enumerate(self.words):
            self.canon.append([self._canonical(i, w) for w in words])
        self.full = [" ".join(sorted(c)) for c in self.canon]
        self.full_ordered = [" ".join(c) for c in self.canon]
        self.distinct = [
            " ".join(sorted(w for w in c if w not in GENERIC_WORDS)) for c in self.canon
        ]
        self.links: dict[tuple[int, int], _Link] = {}
        self._folds: list[str] | None = None

    def _canonical(self, i: int, word: str) -> str:
        if word in _CANONICAL:
            return _CANONICAL[word]
        if word in self.near:
            near, score = self.near[word]
            cutoff = NEAR_GENERIC_RATIO_TRANSLITERATED if self.translit[i] else NEAR_GENERIC_RATIO
            if score >= cutoff:
                self.read_as[i][word] = near
                return _CANONICAL.get(near, near)
        return word

    # -- links

    def suggestions(self) -> tuple[Suggestion, ...]:
        if len(self.keys) < 2:
            return ()
        self._same([k.replace(" ", "") for k in self.keys], self._compact)
        self._same([" ".join(sorted(w)) for w in self.words], self._reordered)
        self._same(self.full, self._word_forms)
        self._fuzzy()
        return self._cluster()

    def _same(self, values: Sequence[str], reason: _ReasonFn) -> None:
        """Link keys whose ``values`` are equal (an exact rule: compact, reordered, word form)."""
        buckets: dict[str, list[int]] = {}
        for i, value in enumerate(values):
            buckets.setdefault(value, []).append(i)
        for members in buckets.values():
            if len(members) < 2 or len(members) > MAX_BLOCK:
                continue
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    if (i, j) not in self.links:
                        score, text = reason(i, j)
                        if score >= self.threshold:
                            self.links[i, j] = _Link(score, text)

    def _compact(self, i: int, j: int) -> tuple[float, str]:
        a, b = _differing_run(self.words[i], self.words[j])
        if len(a) < len(b):
            i, j, a, b = j, i, b, a
        shown = f"{_surface(a, self.groups[self.keys[i]])}/{_surface(b, self.groups[self.keys[j]])}"
        return _SCORE_COMPACT, f"one is the other without spaces or hyphens ({shown})"

    def _reordered(self, i: int, j: int) -> tuple[float, str]:
        return _SCORE_REORDER, f"same words in another order ({self.keys[i]}/{self.keys[j]})"

    def _word_forms(self, i: int, j: int) -> tuple[float, str]:
        """Keys equal once abbreviations, word forms and near spellings of generic words are
        read as one word."""
        if self.translit[j] and not self.translit[i]:
            i, j = j, i
        only_i, only_j = _difference(self.words[i], self.words[j])
        parts = []
        scores = [_SCORE_WORD_FORM]
        for a in only_i:
            b = next((w for w in only_j if self._canon_of(j, w) == self._canon_of(i, a)), "")
            if b:
                only_j.remove(b)
            if a in self.read_as[i] or b in self.read_as[j]:
                letters = Levenshtein.distance(a, b)
                after = " after transliteration" if self.translit[i] or self.translit[j] else ""
                parts.append(f"spelling differs by {_letters(letters)} ({a}/{b}){after}")
                scores.append(fuzz.token_sort_ratio(self.keys[i], self.keys[j]))
            elif a in _ABBREVIATIONS or b in _ABBREVIATIONS:
                parts.append(f"abbreviation {a}/{b}" if a in _ABBREVIATIONS else
                             f"abbreviation {b}/{a}")
            else:
                parts.append(f"word form {a}/{b}")
        if not parts:
            return self._reordered(i, j)
        typo_only = all(p.startswith("spelling") for p in parts)
        score = min(scores[1:]) if typo_only else min(scores)
        return round(score, 1), "; ".join(parts)

    def _canon_of(self, i: int, word: str) -> str:
        word = self.read_as[i].get(word, word)
        return _CANONICAL.get(word, word)

    def _fuzzy(self) -> None:
        """Score candidate pairs from the blocks; link those reaching the threshold.

        Words are compared sorted and in their own order, the better counts (a typo in a first
        letter reorders sorted words). Keys with only generic words compare whole.
        """
        lo, hi = self._candidates()
        if not len(lo):
            return
        sorted_, ordered = self._distinctive()
        d = _best_ratio(lo, hi, sorted_, ordered)
        translit = np.asarray(self.translit, dtype=bool)
        either = translit[lo] | translit[hi]
        if either.any():
            a, b = lo[either], hi[either]
            need = np.union1d(a, b)
            folds = [_fold(sorted_[i]) for i in need.tolist()]
            folds_ordered = [_fold(ordered[i]) for i in need.tolist()]
            a, b = np.searchsorted(need, a), np.searchsorted(need, b)
            d[either] = np.maximum(d[either], _best_ratio(a, b, folds, folds_ordered))
        keep = d >= self.threshold
        lo, hi, d = lo[keep], hi[keep], d[keep]
        if not len(lo):
            return
        f = _best_ratio(lo, hi, self.full, self.full_ordered)
        for i, j, dist_score, full_score in zip(
            lo.tolist(), hi.tolist(), d.tolist(), f.tolist(), strict=True
        ):
            if (i, j) in self.links:
                continue
            link = self._near(i, j, dist_score, full_score)
            if link is not None and link.score >= self.threshold:
                self.links[i, j] = link

    def _distinctive(self) -> tuple[list[str], list[str]]:
        """Distinctive words of every key, sorted and in key order (all words if none)."""
        sorted_, ordered = [], []
        for canon, distinct, full in zip(self.canon, self.distinct, self.full, strict=True):
            if distinct:
                sorted_.append(distinct)
                ordered.append(" ".join(w for w in canon if w not in GENERIC_WORDS))
            else:
                sorted_.append(full)
                ordered.append(" ".join(canon))
        return sorted_, ordered

    def _near(self, i: int, j: int, dist_score: float, full_score: float) -> _Link | None:
        """Score and reason for two keys with near spellings, or None."""
        if self.translit[j] and not self.translit[i]:
            i, j = j, i  # the transliterated spelling is named first
        di, dj = self.distinct[i].split(), self.distinct[j].split()
        gi = [w for w in self.canon[i] if w in GENERIC_WORDS]
        gj = [w for w in self.canon[j] if w in GENERIC_WORDS]
        extra_i, extra_j = _difference(gi, gj)
        notes = [f"{w} read as {n}" for k in (i, j) for w, n in sorted(self.read_as[k].items())]
        if di == dj and di:
            if extra_i and extra_j:
                shown = f"{' '.join(extra_i)}/{' '.join(extra_j)}"
                text = f"the same distinctive words, other words differ ({shown})"
                return _Link(round(full_score, 1), _joined(text, notes))
            extra = extra_i or extra_j
            if not extra:
                return None
            words = " ".join(self._shown_words(i if extra_i else j, extra))
            score = _SCORE_WORD_FORM - 5.0 * len(extra)
            return _Link(score, _joined(f"the same name with '{words}' added", notes))
        if not di or not dj:  # a name of generic words only: compare all words
            di, dj, extra_i, extra_j = self.canon[i], self.canon[j], [], []
        only_i, only_j = _difference(di, dj)
        if not only_i or not only_j:
            extra = only_i or only_j
            text = f"one adds the word{'s' if len(extra) > 1 else ''} '{' '.join(extra)}'"
        else:
            a, b = " ".join(only_i), " ".join(only_j)
            text = f"spelling differs by {_letters(Levenshtein.distance(a, b))} ({a}/{b})"
        if self.translit[i] or self.translit[j]:
            text += " after transliteration"
        if extra_i or extra_j:
            text += f"; other words differ ({' '.join(extra_i) or '-'}/{' '.join(extra_j) or '-'})"
        return _Link(round(min(dist_score, full_score), 1), _joined(text, notes))

    def _shown_words(self, i: int, canon_words: list[str]) -> list[str]:
        """The key's own words for canonical words (industry -> industrial)."""
        back = {self._canon_of(i, w): w for w in self.words[i]}
        return [back.get(w, w) for w in canon_words]

    def _candidates(self) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of key indices (lo < hi) sharing at least one blocking key."""
        folded = self._folded() if any(self.translit) else [""] * len(self.keys)
        blocks: dict[str, list[int]] = {}
        for i, (distinct, full) in enumerate(zip(self.distinct, self.full, strict=True)):
            for block in _blocks(distinct or full, folded[i]):
                blocks.setdefault(block, []).append(i)
        members = [m for m in blocks.values() if 2 <= len(m) <= MAX_BLOCK]
        if not members:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty
        sizes = np.fromiter((len(m) for m in members), dtype=np.int64, count=len(members))
        flat = np.fromiter((i for m in members for i in m), dtype=np.int64, count=int(sizes.sum()))
        ends = np.repeat(np.cumsum(sizes), sizes)
        positions = np.arange(len(flat), dtype=np.int64)
        partners = ends - positions - 1
        left = np.repeat(positions, partners)
        starts = np.repeat(np.cumsum(partners) - partners, partners)
        right = left + 1 + (np.arange(len(left), dtype=np.int64) - starts)
        a, b = flat[left], flat[right]
        n = len(self.keys)
        codes = np.minimum(a, b) * n + np.maximum(a, b)
        codes.sort()
        first = np.ones(len(codes), dtype=bool)
        first[1:] = codes[1:] != codes[:-1]
        codes = codes[first]
        return codes // n, codes % n

    def _folded(self) -> list[str]:
        """Folded spellings of the distinctive words (see :func:`_fold`), computed once."""
        if self._folds is None:
            self._folds = [_fold(d or f) for d, f in zip(self.distinct, self.full, strict=True)]
        return self._folds

    # -- clusters

    def _cluster(self) -> tuple[Suggestion, ...]:
        """Star clusters around the best-linked keys, then leftover links as pairs."""
        ordered = sorted(self.links.items(), key=lambda item: (-item[1].score, item[0]))
        degree = [0] * len(self.keys)
        neighbours: dict[int, dict[int, _Link]] = {}
        for (i, j), link in ordered:
            if degree[i] >= self.limit or degree[j] >= self.limit:
                continue
            degree[i] += 1
            degree[j] += 1
            neighbours.setdefault(i, {})[j] = link
            neighbours.setdefault(j, {})[i] = link
        spellings = [len(self.groups[k]) for k in self.keys]
        centres = sorted(neighbours, key=lambda i: (-len(neighbours[i]), -spellings[i], i))
        cluster_of: dict[int, int] = {}
        out: list[Suggestion] = []
        for centre in centres:
            if centre in cluster_of:
                continue
            members = [j for j in neighbours[centre] if j not in cluster_of]
            if not members:
                continue
            for k in (centre, *members):
                cluster_of[k] = centre
            links = sorted((neighbours[centre][j] for j in members), key=lambda x: -x.score)
            out.append(self._suggestion(
                [centre, *members], min(x.score for x in links), [x.reason for x in links]
            ))
        seen: set[tuple[int, int]] = set()
        for i, near in neighbours.items():
            for j, link in near.items():
                pair = (min(i, j), max(i, j))
                if cluster_of.get(i, -1 - i) != cluster_of.get(j, -1 - j) and pair not in seen:
                    seen.add(pair)
                    out.append(self._suggestion(list(pair), link.score, [link.reason]))
        return tuple(sorted(out, key=lambda s: (-s.score, s.id)))

    def _suggestion(self, members: list[int], score: float, reasons: list[str]) -> Suggestion:
        keys = tuple(sorted(self.keys[i] for i in members))
        names = tuple(sorted(n for key in keys for n in self.groups[key]))
        return Suggestion(
            id=_suggestion_id(keys),
            keys=keys,
            names=names,
            score=float(round(score, 1)),
            reason="; ".join(dict.fromkeys(reasons)),
        )


def _suggestion_id(keys: Iterable[str]) -> str:
    """First 8 hex digits of the SHA-256 of the sorted keys joined by '|'."""
    return hashlib.sha256("|".join(sorted(keys)).encode("utf-8")).hexdigest()[:8]


# -- helpers ---------------------------------------------------------------------------------


def _non_latin(name: str) -> bool:
    """True when ``name`` has a letter outside the Latin script (so it was transliterated)."""
    if name.isascii():
        return False
    return any(
        ch.isalpha() and ord(ch) > 0x24F and not 0x1E00 <= ord(ch) <= 0x1EFF for ch in name
    )


def _near_generic(words: Iterable[str]) -> dict[str, tuple[str, int]]:
    """Word -> (nearest generic word, ratio) for words of 5+ letters, not generic themselves,
    within the looser (transliterated) cutoff of a generic word; scored in bulk."""
    todo = sorted(
        w for w in words if len(w) >= 5 and w not in GENERIC_WORDS and w not in _CANONICAL
    )
    if not todo:
        return {}
    scores = process.cdist(todo, _NEAR_GENERIC, scorer=fuzz.ratio, dtype=np.uint8, workers=-1,
                           score_cutoff=NEAR_GENERIC_RATIO_TRANSLITERATED)
    best = scores.argmax(axis=1)
    top = scores[np.arange(len(todo)), best]
    return {
        todo[x]: (_NEAR_GENERIC[best[x]], int(top[x]))
        for x in np.flatnonzero(top >= NEAR_GENERIC_RATIO_TRANSLITERATED).tolist()
    }


_FOLDS = (("dzh", "j"), ("kh", "h"), ("ph", "f"), ("ck", "k"), ("x", "ks"))
_FOLD_LETTERS = str.maketrans("cqw", "kkv")
_VOWELS = re.compile(r"[aeiouy]+")
_DOUBLES = re.compile(r"(.)\1+")


def _fold(text: str) -> str:
    """Spelling folded for comparing transliterations: vowel runs as 'a', kh->h, w->v..."""
    for old, new in _FOLDS:
        if old in text:
            text = text.replace(old, new)
    text = text.translate(_FOLD_LETTERS)
    return _DOUBLES.sub(r"\1", _VOWELS.sub("a", text))


def _blocks(text: str, folded: str) -> list[str]:
    """Blocking keys of a key's distinctive words (sorted, joined by spaces) and their folded
    spelling ('' when no key was transliterated)."""
    words = text.split()
    out = ["=" + text]
    if 2 <= len(words) <= 6:
        out.extend("=" + " ".join(words[:x] + words[x + 1:]) for x in range(len(words)))
    elif len(words) == 1 and len(text) >= 5:
        out.extend(("<" + text[:4], ">" + text[-4:]))
    if folded:
        out.append("~" + folded)
    return out


def _difference(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """Words of ``a`` not in ``b`` and of ``b`` not in ``a``, counting repeats, in order."""
    rest = list(b)
    only_a = []
    for word in a:
        if word in rest:
            rest.remove(word)
        else:
            only_a.append(word)
    return only_a, rest


def _differing_run(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """``a`` and ``b`` without their common leading and trailing words."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start:len(a) - end], b[start:len(b) - end]


def _surface(words: list[str], names: Sequence[str]) -> str:
    """How ``words`` are written in one of ``names`` (lower case, e.g. 'auto-body')."""
    pattern = re.compile(
        r"(?<![a-z0-9])" + r"[^a-z0-9]{0,3}".join(map(re.escape, words)) + r"(?![a-z0-9])"
    )
    for name in names:
        found = pattern.search(anyascii(name).lower())
        if found:
            return found.group(0)
    return " ".join(words)


def _best_ratio(
    lo: np.ndarray, hi: np.ndarray, sorted_: Sequence[str], ordered: Sequence[str]
) -> np.ndarray:
    """Per pair, the better rapidfuzz ratio of the sorted and the ordered forms (bulk)."""

    def ratios(forms: Sequence[str]) -> np.ndarray:
        array = np.array(forms, dtype=object)
        return process.cpdist(array[lo].tolist(), array[hi].tolist(), scorer=fuzz.ratio,
                              workers=-1, dtype=np.float32)

    return np.maximum(ratios(sorted_), ratios(ordered))


def _letters(count: int) -> str:
    return f"{count} letter" if count == 1 else f"{count} letters"


def _joined(text: str, notes: list[str]) -> str:
    return text if not notes else f"{text}, {', '.join(notes)}"
