"""Occupation classifier: free-text job titles → the national occupational classification, 2022 edition.

The classification (``data/csco22.csv``, see ``data/ATTRIBUTION.md``) has four levels: 大类 ``6-00-00-00``,
中类 ``6-18-00-00``, 小类 ``6-18-02-00`` and the occupation (细类) ``6-18-02-04``.

:func:`classify` and :func:`classify_many` use the learned model of :mod:`matching.learned` (linear SVMs on
character n-grams, trained on the classification, the curated keyword table, this project's labelled titles and
real labelled job-posting titles). The round-one keyword classifier stays available as
:func:`classify_by_keywords` / :func:`classify_many_by_keywords` (benchmarks compare against it). It maps a title
in steps:

1. normalise it (:mod:`matching.normalise`): noise, numbers and brackets out;
2. find every keyword it contains: the curated synonym table (``data/occupation_synonyms.csv``), the
   occupations' names, their market aliases and name stems; keep the longest non-overlapping ones;
3. the *head* is the strongest keyword (weight, then the rightmost: Chinese job titles put the head noun
   last, "网店客服" is a 客服); a modifier that points inside the head's group refines it ("电子厂" + "普工" →
   ``6-25-00-00``); a head that is only a group is refined by similarity to the group's own occupations;
4. titles without any keyword fall back to string similarity against all names and aliases
   (``rapidfuzz.process.cdist``), then to the definitions.

A coarser code (a group) is returned when only the group is clear ("普工" → ``6-00-00-00``).
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
from rapidfuzz import fuzz, process

from matching.normalise import JobText, clean, normalise_title

__all__ = [
    "Classification",
    "Occupation",
    "classify",
    "classify_by_keywords",
    "classify_many",
    "classify_many_by_keywords",
    "group_of",
    "is_within",
    "level_of",
    "occupation",
    "occupations",
]

# Keyword weights (see data/ATTRIBUTION.md): curated keywords carry their own; the classification's own
# words get these.
_NAME_WEIGHT = 0.9
_ALIAS_WEIGHT = 0.8
_STEM_WEIGHT = 0.7
# Stems only from names ending in a worker word: 保洁员 → 保洁. Names ending in 人员 give domain nouns (物流工程技术人员
# → 物流) that say nothing about the job, so they give none.
_STEM_SUFFIXES = ("服务员", "管理员", "操作员", "操作工", "员", "工", "师")
_JOB_SUFFIXES = frozenset("工员师手")  # "电焊" + "工": the suffix only says it is a job
_ROLE_WORDS = ("工程师", "设计师", "技术员", "经理", "主管", "专员", "助理", "总监", "顾问", "操作员", "员", "师", "工")
_ROLE_ONLY = frozenset({"经纪人", "顾问", "专员", "助理", "经理", "主管", "总监", "师傅", "技术员", "工程师", "操作员",
                        "服务员", "业务员", "管理员", "设计师", "教练", "店长", "领班", "组长", "主任"})
_MIN_KEYWORD = 2  # one-character keywords only from the curated table
_FUZZY_CUTOFF = 60  # fuzz.ratio below this is not evidence of anything
_FUZZY_STRONG = 75
_REFINE_CUTOFF = 80
_GENERIC_WEIGHT = 0.4
_MAX_CACHE = 1 << 20
# Learned model: a title whose score falls below this gets no code. Strings that name no job score low ("xyz" 3,
# "吃苦耐劳" 4, "有责任心" 6, but "能吃苦" 13); in cross-validation on the training split, 1.3 % of the titles
# scored below 6 and 3 % of those were right (refusing them costs < 0.1 point), while a cut at 10 would refuse
# 5.4 % of the titles at a cost of 0.7 point.
_MIN_LEARNED_SCORE = 6


@dataclass(frozen=True, slots=True)
class Occupation:
    """One row of the classification."""

    code: str
    name: str
    level: int
    definition: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    """The best occupation (or group) for a title, with a confidence score 0–100."""

    code: str
    name: str
    score: int
    level: int


@dataclass(frozen=True, slots=True)
class _Keyword:
    code: str
    weight: float
    source: str  # "synonym" | "name" | "alias" | "stem"


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    keyword: _Keyword


class _Catalogue:
    """The classification indexed once: keyword table, fuzzy labels, definitions, hierarchy."""

    def __init__(self) -> None:
        self.occupations: dict[str, Occupation] = {}
        data = resources.files("matching") / "data"
        with (data / "csco22.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                code = row["code"]
                if code in self.occupations:  # the file repeats a few rows
                    continue
                name = _strip_marker(row["name"].strip())
                aliases = tuple(dict.fromkeys(a.strip() for a in row["alias"].split(",") if a.strip()))
                self.occupations[code] = Occupation(
                    code=code, name=name, level=int(row["level"]), definition=row["definition"].strip(),
                    aliases=tuple(_strip_marker(a) for a in aliases if _strip_marker(a) != name),
                )
        self.descendants: dict[str, list[str]] = {}
        for code in self.occupations:
            for ancestor in _ancestors(code):
                if ancestor != code and ancestor in self.occupations:
                    self.descendants.setdefault(ancestor, []).append(code)

    # The keyword classifier's indexes are built on its first use: the learned classifier needs only the
    # occupations above, and a county match from two files should not pay for the rest.

    @functools.cached_property
    def keywords(self) -> dict[str, _Keyword]:
        return self._build_keywords(resources.files("matching") / "data")

    @functools.cached_property
    def max_keyword(self) -> int:
        return max(map(len, self.keywords))

    @functools.cached_property
    def _labels(self) -> tuple[list[str], np.ndarray]:
        return self._build_labels()

    @property
    def labels(self) -> list[str]:
        return self._labels[0]

    @property
    def label_codes(self) -> np.ndarray:
        return self._labels[1]

    @functools.cached_property
    def _definitions(self) -> tuple[str, list[int], list[str]]:
        defined = [(o.code, clean(o.definition)) for o in self.occupations.values() if o.definition]
        # All definitions in one string: a title that occurs in none is ruled out with a single search.
        text = "\x00".join(d for _, d in defined)
        starts = list(itertools.accumulate((len(d) + 1 for _, d in defined), initial=0))[:-1]
        return text, starts, [c for c, _ in defined]

    @property
    def definition_text(self) -> str:
        return self._definitions[0]

    @property
    def definition_starts(self) -> list[int]:
        return self._definitions[1]

    @property
    def definition_codes(self) -> list[str]:
        return self._definitions[2]

    def _build_keywords(self, data: resources.abc.Traversable) -> dict[str, _Keyword]:
        # Tiers from the most to the least authoritative: a word is taken from the best tier it occurs in, and
        # only when that tier gives it a single code (a word shared by several occupations says nothing alone).
        tiers: dict[str, dict[int, set[str]]] = {}
        tier_weight = {0: (_NAME_WEIGHT, "name"), 1: (_ALIAS_WEIGHT, "alias"), 2: (_ALIAS_WEIGHT - 0.05, "alias"),
                       3: (_STEM_WEIGHT, "stem")}

        def add(word: str, code: str, tier: int) -> None:
            word = clean(word).replace(" ", "")
            if len(word) >= _MIN_KEYWORD:
                tiers.setdefault(word, {}).setdefault(tier, set()).add(code)

        for occ in self.occupations.values():
            add(occ.name, occ.code, 0)
            for alias in occ.aliases:
                parts = _alias_parts(alias)
                for part in parts:
                    add(part, occ.code, 1 if len(parts) == 1 else 2)
            if occ.level == 4:
                stem = _stem(occ.name)
                if stem != occ.name:
                    add(stem, occ.code, 3)
        keywords: dict[str, _Keyword] = {}
        for word, by_tier in tiers.items():
            tier = min(by_tier)
            if len(by_tier[tier]) == 1:
                weight, source = tier_weight[tier]
                if word in _ROLE_ONLY:  # "经纪人" alone: whose broker? a word before it says more
                    weight = 0.5
                keywords[word] = _Keyword(next(iter(by_tier[tier])), weight, source)
        curated: dict[str, _Keyword] = {}
        with (data / "occupation_synonyms.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                word = clean(row["keyword"]).replace(" ", "")
                if row["code"] not in self.occupations:
                    raise ValueError(f"同义词表中的职业编码不存在：{row['keyword']} → {row['code']}")
                curated[word] = _Keyword(row["code"], float(row["weight"]), "synonym")
        # A market alias that contains a curated job word but points elsewhere contradicts the curation
        # (培训讲师 filed under 职业指导师 while 讲师 is 职业培训师): the curation wins.
        # An alias that a curated word of its own code supports stays (西餐厨师: 西餐 is 西式烹调师).
        for word, kw in list(keywords.items()):
            if kw.source != "alias":
                continue
            inside = [c for part, c in curated.items() if len(part) >= 2 and part in word]
            if any(c.weight >= 0.8 and c.code != kw.code for c in inside) and all(c.code != kw.code for c in inside):
                del keywords[word]
        keywords.update(curated)
        return keywords

    def _build_labels(self) -> tuple[list[str], np.ndarray]:
        labels: dict[str, str] = {}
        for word, kw in self.keywords.items():
            if kw.weight >= 0.5:
                labels.setdefault(word, kw.code)
        for occ in self.occupations.values():
            labels.setdefault(clean(occ.name), occ.code)
        return list(labels), np.array(list(labels.values()), dtype=object)

    def level(self, code: str) -> int:
        occ = self.occupations.get(code)
        return occ.level if occ else _level_from_zeros(code)


@functools.cache
def _catalogue() -> _Catalogue:
    return _Catalogue()


def _strip_marker(name: str) -> str:
    """Drop the classification's 'L' (green) and 'S' (digital) markers: 保洁员L → 保洁员."""
    for marker in ("L/S", "L", "S"):
        if name.endswith(marker) and len(name) > len(marker) and not name[-len(marker) - 1].isascii():
            return name[: -len(marker)]
    return name


def _alias_parts(alias: str) -> list[str]:
    """Usable keywords of one market alias: 搬运工/装卸工 → both; 生鲜食品加工/处理 → the whole only.

    A part cut off by '/' is kept when it still names a job (ends in a worker word) or is long enough to be
    specific; bracketed remarks are dropped: 网络管理(Helpdesk) → 网络管理.
    """
    alias = normalise_title(alias).core or alias
    parts = [p for p in alias.split("/") if p]
    if len(parts) == 1:
        return parts
    # "土木/土建/结构工程师": the role word of the last part belongs to every part.
    role = next((r for r in _ROLE_WORDS if parts[-1].endswith(r) and len(parts[-1]) > len(r)), "")
    out = []
    for p in parts:
        if role and not p.endswith(role) and p[-1] not in _JOB_SUFFIXES:
            out.append(p + role)
        elif len(p) >= 3 or p[-1] in _JOB_SUFFIXES:
            out.append(p)
    return out


def _stem(name: str) -> str:
    for suffix in _STEM_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _level_from_zeros(code: str) -> int:
    parts = code.split("-")
    if len(parts) != 4:
        return 0
    if parts[1] == "00":
        return 1
    if parts[2] == "00":
        return 2
    return 3 if parts[3] == "00" else 4


def _ancestors(code: str) -> tuple[str, ...]:
    """The code and its coarser codes: 6-18-02-04 → (6-18-02-04, 6-18-02-00, 6-18-00-00, 6-00-00-00)."""
    major, mid, small, _unit = code.split("-")
    return tuple(dict.fromkeys((code, f"{major}-{mid}-{small}-00", f"{major}-{mid}-00-00", f"{major}-00-00-00")))


# --------------------------------------------------------------------------------------------- public look-ups


def occupations() -> dict[str, Occupation]:
    """All rows of the classification by code."""
    return _catalogue().occupations


def occupation(code: str) -> Occupation | None:
    """The classification row for a code, or None."""
    return _catalogue().occupations.get(code)


def level_of(code: str) -> int:
    """Level of a code: 1 大类, 2 中类, 3 小类, 4 职业 (0 when the code is malformed)."""
    return _catalogue().level(code)


def group_of(code: str) -> str:
    """The 2-level group (中类) of a code: 6-18-02-04 → 6-18-00-00. A 大类 code is returned as it is."""
    major, mid = code.split("-")[:2]
    return code if mid == "00" else f"{major}-{mid}-00-00"


def is_within(code: str, ancestor: str) -> bool:
    """True when ``code`` equals ``ancestor`` or lies inside it (6-18-02-04 is within 6-18-00-00)."""
    if code == ancestor:
        return True
    level = level_of(ancestor)
    prefix = {1: 1, 2: 4, 3: 7}.get(level)
    return prefix is not None and level_of(code) > level and code[:prefix] == ancestor[:prefix]


# ------------------------------------------------------------------------------------------------ classifier


def _tokens(text: str, cat: _Catalogue) -> list[_Token]:
    """Longest non-overlapping keywords in ``text``, left to right."""
    found: list[_Token] = []
    n = len(text)
    for i in range(n):
        for j in range(i + 1, min(n, i + cat.max_keyword) + 1):
            kw = cat.keywords.get(text[i:j])
            if kw is not None:
                found.append(_Token(i, j, kw))
    # Longest first, counting a trailing worker word (平车 + 工 beats 车工 in 平车工), then the strongest.
    found.sort(key=lambda t: (-(t.end - t.start + (text[t.end:t.end + 1] in _JOB_SUFFIXES)),
                              -t.keyword.weight, -t.end))
    taken = [False] * n
    chosen: list[_Token] = []
    for tok in found:
        if not any(taken[tok.start:tok.end]):
            chosen.append(tok)
            for k in range(tok.start, tok.end):
                taken[k] = True
    return sorted(chosen, key=lambda t: t.start)


def _refine_by_modifiers(head: _Token, modifiers: Iterable[_Token], cat: _Catalogue) -> str:
    """A modifier pointing inside the head's group makes the code more specific ("电子厂" + "普工").

    A generic head (普工, 杂工, 小工: weight ≤ 0.4) also yields to a workplace word of the same 大类 that is at
    least as specific ("工地" + "杂工" → 建筑施工人员, not 生产辅助人员).
    """
    code = head.keyword.code
    best, best_key = code, (cat.level(code), -1.0)
    for tok in modifiers:
        other = tok.keyword.code
        if other == code:
            continue
        inside = is_within(other, code)
        beside = (head.keyword.weight <= _GENERIC_WEIGHT and other[0] == code[0]
                  and cat.level(other) >= cat.level(code))
        if inside or beside:
            key = (cat.level(other), tok.keyword.weight)
            if key > best_key:
                best, best_key = other, key
    return best


def _refine_by_similarity(head: str, text: str, cat: _Catalogue) -> str:
    """A group-level head refined to one of its occupations when the title is close to that occupation."""
    children = cat.descendants.get(head)
    if not children or len(text) < 3:
        return head
    choices = []
    for code in children:
        occ = cat.occupations[code]
        choices.extend((clean(label), code) for label in (occ.name, *occ.aliases))
    match = process.extractOne(text, [c[0] for c in choices], scorer=fuzz.ratio, processor=None,
                               score_cutoff=_REFINE_CUTOFF)
    return choices[match[2]][1] if match else head


def _from_keywords(job: JobText, cat: _Catalogue) -> tuple[str, int] | None:
    text = job.core.replace(" ", "")
    tokens = _tokens(text, cat)
    qualifier_tokens = [t for q in job.qualifiers for t in _tokens(q.replace(" ", ""), cat)]
    if not tokens:
        if not qualifier_tokens:
            return None
        tokens, qualifier_tokens, text = qualifier_tokens, [], job.qualifiers[0].replace(" ", "")
    head = max(tokens, key=lambda t: (t.keyword.weight, t.end, t.end - t.start))
    others = [t for t in tokens if t is not head] + qualifier_tokens
    code = _refine_by_modifiers(head, others, cat)
    if code == head.keyword.code and 1 < cat.level(code) < 4 and head.end - head.start < len(text):
        code = _refine_by_similarity(code, text, cat)
    covered = sum(t.end - t.start + (text[t.end:t.end + 1] in _JOB_SUFFIXES) for t in tokens) / max(1, len(text))
    weight = max(head.keyword.weight, *(t.keyword.weight for t in others if t.keyword.code == code), 0.0)
    score = 100 * (0.55 + 0.45 * min(1.0, covered)) * (0.7 + 0.3 * min(1.0, weight + 0.1))
    return code, round(score)


def _from_definitions(text: str, cat: _Catalogue) -> str | None:
    """The one occupation whose definition mentions ``text`` (None when none or several do)."""
    if len(text) < 2:
        return None
    hits: set[str] = set()
    at = cat.definition_text.find(text)
    while at >= 0 and len(hits) < 2:
        hits.add(cat.definition_codes[bisect.bisect_right(cat.definition_starts, at) - 1])
        at = cat.definition_text.find(text, at + 1)
    return hits.pop() if len(hits) == 1 else None


def _result(code: str, score: int, cat: _Catalogue) -> Classification:
    occ = cat.occupations[code]
    return Classification(code=code, name=occ.name, score=int(max(0, min(100, score))), level=occ.level)


_CACHE: dict[str, Classification | None] = {}


def _split_parts(job: JobText) -> list[JobText]:
    parts = [p for p in job.core.split("/") if p]
    if len(parts) <= 1:
        return [job]
    return [JobText(core=p, qualifiers=job.qualifiers) for p in parts]


@functools.lru_cache(maxsize=1 << 18)
def _from_job(job: JobText) -> tuple[str, int] | None:
    """Keyword classification of a normalised title (many raw titles share one normalised form)."""
    cat = _catalogue()
    best: tuple[str, int] | None = None
    for part in _split_parts(job):
        found = _from_keywords(part, cat)
        if found and (best is None or found[1] > best[1]):
            best = found
    return best


def classify_many_by_keywords(titles: Sequence[str | None]) -> list[Classification | None]:
    """Round-one keyword classifier on many titles; each unique string is classified once (and cached).

    Titles without any keyword are scored together with ``rapidfuzz.process.cdist`` against every name and
    alias of the classification.
    """
    cat = _catalogue()
    unique = list(dict.fromkeys(t or "" for t in titles))
    pending = [t for t in unique if t not in _CACHE]
    fuzzy_needed: list[tuple[str, str]] = []  # (title, text to compare)
    for title in pending:
        job = normalise_title(title)
        best = _from_job(job)
        if best:
            _CACHE[title] = _result(best[0], best[1], cat)
        elif job:
            fuzzy_needed.append((title, job.core.replace(" ", "").replace("/", "")))
        else:
            _CACHE[title] = None
    if fuzzy_needed:
        _classify_fuzzy(fuzzy_needed, cat)
    if len(_CACHE) > _MAX_CACHE:
        result = [_CACHE.get(t or "") for t in titles]
        _CACHE.clear()
        return result
    return [_CACHE[t or ""] for t in titles]


def _classify_fuzzy(items: list[tuple[str, str]], cat: _Catalogue) -> None:
    texts = [text for _, text in items]
    scores = process.cdist(texts, cat.labels, scorer=fuzz.ratio, processor=None, score_cutoff=_FUZZY_CUTOFF,
                           workers=-1, dtype=np.uint8)
    best = scores.argmax(axis=1)
    best_score = scores[np.arange(len(items)), best]
    for (title, text), idx, score in zip(items, best, best_score, strict=True):
        if score >= _FUZZY_STRONG:
            _CACHE[title] = _result(cat.label_codes[idx], int(score * 0.85), cat)
        elif (code := _from_definitions(text, cat)) is not None:
            _CACHE[title] = _result(code, 55, cat)
        elif score >= _FUZZY_CUTOFF:
            _CACHE[title] = _result(cat.label_codes[idx], int(score * 0.8), cat)
        else:
            _CACHE[title] = None


def classify_by_keywords(title: str | None) -> Classification | None:
    """Round-one keyword classifier on one title (see the module docstring), or None when nothing fits."""
    return classify_many_by_keywords([title])[0]


_LEARNED_CACHE: dict[str, Classification | None] = {}


def _confidence(margin: float) -> float:
    """An SVM decision value as 0–1: ≥ 1 (outside the margin) is sure, ≤ -1 is hopeless."""
    return min(1.0, max(0.0, (margin + 1.0) / 2.0))


def classify_many(titles: Sequence[str | None]) -> list[Classification | None]:
    """Classify many titles with the learned model; each unique string is classified once (cached).

    The score (0–100) is the product of the two stages' confidences (group, then code); a title none of whose
    character n-grams occurs in the training data, or whose score is below 6, gets None.
    """
    from matching.learned import model

    cat = _catalogue()
    unique = list(dict.fromkeys(t or "" for t in titles))
    pending = [t for t in unique if t not in _LEARNED_CACHE]
    if pending:
        for title, found in zip(pending, model().predict(pending), strict=True):
            result = None
            if found is not None:
                score = round(100 * _confidence(found.group_margin) * _confidence(found.code_margin))
                if score >= _MIN_LEARNED_SCORE:
                    result = _result(found.code, score, cat)
            _LEARNED_CACHE[title] = result
    if len(_LEARNED_CACHE) > _MAX_CACHE:
        result_list = [_LEARNED_CACHE.get(t or "") for t in titles]
        _LEARNED_CACHE.clear()
        return result_list
    return [_LEARNED_CACHE[t or ""] for t in titles]


def classify(title: str | None) -> Classification | None:
    """The best occupation (or group) for one free-text title, or None when nothing fits.

    >>> classify("急招电焊工 二保焊 月入过万").code
    '6-18-02-04'
    """
    return classify_many([title])[0]
