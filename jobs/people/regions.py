"""Administrative divisions (行政区划): codes, retired codes, place-name resolution and job scope.

Codes follow GB/T 2260 as published by the National Bureau of Statistics: province = 2 digits,
prefecture = 4, county = 6, township = 9 (packaged tables, cut-off 2023-06-30, see
``jobs/data/REGIONS.md``). Retired codes (a resident ID keeps the county code in force when it
was issued) map to their current successor through ``jobs/data/retired_regions.csv``.

Pure Python: nothing is loaded at import time. The packaged tables are indexed once into a
small SQLite file in the user's cache folder (``BANGFU_CACHE_DIR``, else ``$XDG_CACHE_HOME/bangfu``
or ``~/.cache/bangfu``), named by a digest of the data files and of this module, so every later
process only opens it (milliseconds instead of about a second) and reads the few rows it needs.
What a process has read is kept in bounded caches, so a long-running server does not grow.
"""

from __future__ import annotations

import contextlib
import csv
import enum
import functools
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple

__all__ = [
    "AmbiguousPlace",
    "RegionError",
    "RegionRecord",
    "RegionTable",
    "Resolution",
    "Scope",
    "UnknownPlace",
    "UnknownRegion",
    "RESOLVE_CACHE_SIZE",
    "open_region_table",
    "outside_county",
    "region_table",
    "resolve",
    "scope_of",
    "within",
]

log = logging.getLogger(__name__)

# Distinct (text, home) pairs whose resolution a process keeps; a county list has a few hundred.
RESOLVE_CACHE_SIZE = 4096
# Records and children lists a process keeps (a county list touches a few hundred codes).
RECORD_CACHE_SIZE = 8192
_DATA_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "statistical_zones.csv",
               "retired_regions.csv")
# Part of the cache file's name: change it when the file's layout changes.
_INDEX_FORMAT = "1"
_STALE_AFTER_SECONDS = 7 * 24 * 3600

Level = Literal["province", "prefecture", "county", "township"]
LEVELS: tuple[Level, ...] = ("province", "prefecture", "county", "township")
_LEVEL_BY_LENGTH: dict[int, Level] = {2: "province", 4: "prefecture", 6: "county", 9: "township"}

# Prefecture rows of the NBS table that group counties instead of naming a place; they are left
# out of full names (北京市东城区, 湖北省仙桃市) and are not matched as place names.
PLACEHOLDER_PREFECTURES = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
)
# Retired names that denote a city's districts as a whole, not a place.
_PLACEHOLDER_NAMES = PLACEHOLDER_PREFECTURES | {"市区", "市"}


# --------------------------------------------------------------------------- errors


class RegionError(ValueError):
    """Base class of region errors; ``message`` is a Chinese text for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownRegion(RegionError):
    """A code that is not in the table, or a retired code without a known successor."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or f"未知的行政区划代码“{code}”")
        self.code = code


class UnknownPlace(RegionError):
    """A place text that cannot be resolved to a region."""

    def __init__(self, text: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"无法识别地点“{text}”，请填写省、市、县（区）名称，或6位行政区划代码"
        )
        self.text = text


class AmbiguousPlace(RegionError):
    """A place text that names several regions; ``candidates`` lists them."""

    MAX_LISTED = 8

    def __init__(self, text: str, *, candidates: Iterable[RegionRecord]) -> None:
        self.text = text
        self.candidates: tuple[RegionRecord, ...] = tuple(candidates)
        names = [c.full_name for c in self.candidates[: self.MAX_LISTED]]
        more = len(self.candidates) - len(names)
        listed = "、".join(names) + (f"等{len(self.candidates)}处" if more > 0 else "")
        super().__init__(
            f"“{text}”对应多个地区：{listed}。请写明所在的省或市，例如“{names[0]}”。"
        )


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class RegionRecord:
    """One division, current or retired.

    ``full_name`` joins the names from the province down, leaving out grouping rows such as
    市辖区 and repeated names (北京市朝阳区, 广东省东莞市). ``retired`` is true for codes not in the
    current table (``successor_code`` then names the current unit, possibly coarser, or is
    None when unknown). ``statistical_zone`` marks NBS-only development zones that are not
    civil-affairs divisions. ``valid_from``/``valid_to`` are the inclusive years a retired code
    was in force (None = open or unknown); they are None for current codes.
    """

    code: str
    name: str
    full_name: str
    level: Level
    parent_code: str | None
    retired: bool = False
    successor_code: str | None = None
    statistical_zone: bool = False
    valid_from: int | None = None
    valid_to: int | None = None


@dataclass(frozen=True)
class Resolution:
    """The region a place text stands for.

    ``code`` is at most county level (the level a ``region`` row exists for); a matched
    township is kept in ``township_code``. ``county_code`` is the county when one is known
    (also for a prefecture with a single county, e.g. 东莞 4419 → 441900). ``level`` is
    'any' with ``code`` None for "不限"/"全国". ``name`` is the full name of ``code``.
    """

    input: str
    code: str | None
    name: str
    level: str
    confidence: float
    note: str = ""
    county_code: str | None = None
    township_code: str | None = None


class Scope(enum.StrEnum):
    """Where a job lies seen from the origin county (docs/policies.md, "Scope of a job")."""

    SAME_COUNTY = "same_county"
    SAME_PREFECTURE = "same_prefecture"
    SAME_PROVINCE = "same_province"
    OUTSIDE_PROVINCE = "outside_province"


# --------------------------------------------------------------------------- name stems

_ETHNIC_GROUPS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
# 新疆维吾尔自治区 is the one name with a nationality but no 族.
_ETHNIC_RUN = re.compile(
    "(?:(?:" + "|".join(sorted(_ETHNIC_GROUPS, key=len, reverse=True)) + ")族|维吾尔)+$"
)
# Short forms in common use that no suffix rule gives.
_EXTRA_SHORT_FORMS = {"15": ("内蒙",)}
_SUFFIXES: dict[Level, tuple[str, ...]] = {
    "province": ("特别行政区", "自治区", "省", "市"),
    "prefecture": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "特区", "林区", "新区", "县", "市", "区", "旗"),
    "township": ("街道办事处", "街道", "民族乡", "民族苏木", "苏木", "镇", "乡"),
}


def _strip_ethnic(base: str) -> str:
    """Drop trailing nationality names (恭城瑶族 → 恭城); keep the name if nothing is left."""
    match = _ETHNIC_RUN.search(base)
    if match is None:
        return base
    if match.start() > 0:
        return base[: match.start()]
    return base[:-1]  # 鄂温克族自治旗 → 鄂温克


def _name_stem(name: str, level: Level) -> str:
    """The usual short form of ``name`` (湖南省 → 湖南, 宁乡市 → 宁乡, 煤炭坝镇 → 煤炭坝)."""
    for suffix in _SUFFIXES[level]:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            if suffix.startswith("自治") or suffix.startswith("民族") or suffix == "乡":
                base = _strip_ethnic(base)
            return base
    return name


# --------------------------------------------------------------------------- resolution inputs

_ANY_WORDS = frozenset(
    {"", "不限", "全国", "不限地区", "地区不限", "全国各地", "任意", "均可", "都可以", "无",
     "无要求", "无限制", "国内", "全国范围"}
)
# Places relative to the seeker's home (户籍地): word → level of the home region meant.
_RELATIVE_WORDS: dict[str, Level] = {
    "省内": "province", "本省": "province", "全省": "province", "省里": "province",
    "市内": "prefecture", "本市": "prefecture", "全市": "prefecture", "市里": "prefecture",
    "县内": "county", "本县": "county", "县城": "county", "全县": "county", "县里": "county",
    "区内": "county", "本区": "county", "本地": "county", "当地": "county",
}
_RELATIVE_LABEL = {"province": "省", "prefecture": "市", "county": "县（区）"}
# Trailing qualifiers dropped when the text does not parse as it is ("长沙市内" → "长沙市").
_QUALIFIERS = sorted(
    {"内", "以内", "境内", "范围内", "市内", "县内", "区内", "省内", "周边", "及周边", "附近",
     "一带", "周围", "全境", "全市", "全县", "全省", "市区", "城区", "地区", "区域", "范围"},
    key=len,
)
# Grouping rows copied from NBS-derived texts ("北京市市辖区东城区") carry no place.
_PLACEHOLDER_TEXT = re.compile("市辖区|省直辖县级行政区划|自治区直辖县级行政区划")
_NOISE = re.compile(r"[\s·•\-—_/\\|,，、;；:：()（）\[\]【】\"'“”‘’]+")
_DIGITS = re.compile(r"\d+")

# Weights of a matched segment: the official full name, a short form, a retired name.
_W_FULL, _W_SHORT, _W_OLD, _W_OLD_SHORT = 1.0, 0.9, 0.9, 0.85
_W_PREFERRED = 0.85  # factor when a tie was broken by the home region or by the higher level
_W_PARTIAL = 0.7  # factor when only a prefix of the text was recognised
_W_FUZZY = 0.7  # factor applied to the rapidfuzz score
# Normalised Levenshtein similarity: one wrong character in a three-character name scores 0.667.
_FUZZY_CUTOFF_IN_AREA = 0.66
_FUZZY_CUTOFF_ANYWHERE = 0.75


@dataclass(frozen=True)
class _Entry:
    """One way a text segment can name a region."""

    code: str  # the code named (current or retired)
    target: str  # the current code it stands for
    level: Level  # level of ``code``
    weight: float


@dataclass(frozen=True)
class _Parse:
    """A chain of entries, each inside the previous one, covering ``end`` characters."""

    entries: tuple[_Entry, ...]
    weight: float
    end: int

    @property
    def last(self) -> _Entry:
        return self.entries[-1]


# --------------------------------------------------------------------------- the table


class RegionTable:
    """The packaged divisions, indexed for lookups, resolution and scope checks.

    Built over an :class:`_IndexStore` (see :func:`open_region_table`); safe to share between threads.
    """

    def __init__(self, store: _IndexStore):
        self._store = store
        self._records = _Records(store)
        self._max_name = store.max_name
        self._resolve_outcome = functools.lru_cache(maxsize=RESOLVE_CACHE_SIZE)(self._outcome)

    def resolve_cache_info(self) -> functools._CacheInfo:
        """Hits, misses and size of the bounded cache of resolutions."""
        return self._resolve_outcome.cache_info()

    # ----------------------------------------------------------------- lookups

    def get(self, code: str) -> RegionRecord | None:
        """The record for ``code`` (current or retired), or None.

        Six-digit codes ending in 00/0000 that are not county codes stand for their prefecture
        or province (430100 → 4301); 12-digit NBS township codes ending in 000 are shortened.
        """
        code = unicodedata.normalize("NFKC", str(code)).strip()
        record = self._records.get(code)
        if record is not None:
            return record
        if len(code) == 6 and code.endswith("0000"):
            return self._records.get(code[:2])
        if len(code) == 6 and code.endswith("00"):
            return self._records.get(code[:4])
        if len(code) == 12 and code.endswith("000"):
            return self._records.get(code[:9])
        return None

    def current(self, code: str) -> RegionRecord:
        """The current record for ``code``, following a retired code to its successor.

        Raises UnknownRegion for unknown codes and for retired codes whose successor is not
        known (split or unknown in ``retired_regions.csv``).
        """
        record = self.get(code)
        if record is None:
            raise UnknownRegion(str(code))
        seen = {record.code}
        while record.retired:
            if record.successor_code is None:
                raise UnknownRegion(
                    record.code,
                    f"行政区划代码{record.code}（{record.name}）已撤销，无法确定现在对应的地区",
                )
            record = self._records[record.successor_code]
            if record.code in seen:
                raise UnknownRegion(record.code)
            seen.add(record.code)
        return record

    def county_of(self, code: str) -> RegionRecord | None:
        """The current county of ``code``: itself for a county, the county of a township, the
        only county of a prefecture that has just one (东莞 4419 → 441900); else None."""
        record = self.current(code)
        if record.level == "township":
            return self._records[record.parent_code or ""]
        if record.level == "county":
            return record
        if record.level == "prefecture":
            counties = self._store.children(record.code)
            if len(counties) == 1:
                return self._records[counties[0]]
        return None

    def children(self, code: str) -> list[RegionRecord]:
        """The current units directly under ``code`` (after following a retired code)."""
        record = self.current(code)
        return [self._records[c] for c in self._store.children(record.code)]

    def valid_for_year(self, code: str, year: int) -> bool:
        """Whether ``code`` is a county code in force in ``year`` (for ID-number checks).

        A current county code is accepted for every year: people who move are registered
        under the current code whatever their birth year. A retired code is accepted within
        its inclusive ``valid_from``–``valid_to`` years (open ends when unknown), the rule of
        python-stdnum's ``cn.ric``. NBS-only statistical zones are no GB/T 2260 county codes
        and are never accepted; neither are prefecture or province codes. Note that an ID
        issued in 1985 to someone born in 1979 carries a code valid in 1985, so callers may
        treat a failed lower bound as a warning rather than an error.
        """
        record = self._records.get(str(code).strip())
        if record is None or record.level != "county" or record.statistical_zone:
            return False
        if not record.retired:
            return True
        if record.valid_from is not None and year < record.valid_from:
            return False
        return record.valid_to is None or year <= record.valid_to

    def iter_db_rows(self) -> Iterator[dict[str, object]]:
        """Rows for a ``region`` table: provinces, prefectures, counties, current and retired.

        Ordered by level then code, so a parent row always comes before its children.
        """
        for level in ("province", "prefecture", "county"):
            for record in self._store.records_at(level):
                yield {
                    "code": record.code,
                    "name": record.name,
                    "full_name": record.full_name,
                    "level": record.level,
                    "parent_code": record.parent_code,
                    "retired": record.retired,
                    "successor_code": record.successor_code,
                    "statistical_zone": record.statistical_zone,
                }

    # ----------------------------------------------------------------- scope

    def within(self, code: str, area_code: str) -> bool:
        """Whether ``code`` lies inside ``area_code`` (or is it), both taken as current codes."""
        return self.current(code).code.startswith(self.current(area_code).code)

    def scope_of(self, origin_county: str, job_code: str) -> Scope:
        """The scope of a job seen from the origin county (docs/policies.md, "Scope of a job").

        Both codes are first resolved through retired codes. The origin must resolve to a
        county (a township is taken as its county). The job may be coarser: a job known only
        at prefecture level in the origin's prefecture counts as SAME_PREFECTURE, and one
        known only at province level in the origin's province as SAME_PROVINCE, unless the
        coarse unit has a single county that is the origin's (东莞 4419 ↔ 441900): the scope
        is the finest one the job's code can establish, and a coarse job is never assumed to
        be in the origin county.
        """
        origin = self.county_of(origin_county)
        if origin is None:
            record = self.current(origin_county)
            raise RegionError(
                f"户籍地“{record.full_name}”只能确定到{_level_label(record.level)}，"
                "无法判断岗位是否在本县以外"
            )
        job = self.current(job_code)
        job_county = self.county_of(job.code)
        job_code_now = job_county.code if job_county is not None else job.code
        if job_code_now == origin.code:
            return Scope.SAME_COUNTY
        if job_code_now[:4] == origin.code[:4] and len(job_code_now) >= 4:
            return Scope.SAME_PREFECTURE
        if job_code_now[:2] == origin.code[:2]:
            return Scope.SAME_PROVINCE
        return Scope.OUTSIDE_PROVINCE

    def outside_county(self, origin: str, job: str) -> bool:
        """"县以外"/"跨县": whether the job is anywhere outside the origin county."""
        return self.scope_of(origin, job) is not Scope.SAME_COUNTY

    # ----------------------------------------------------------------- resolution

    def resolve(self, text: str, *, home: str | None = None) -> Resolution:
        """Resolve a place text or code to a region (see :class:`Resolution`).

        Accepts 2/4/6/9-digit codes (retired codes give their successor), full and short
        names with missing levels ("湖南宁乡", "浙江宁波北仑", "东莞长安"), places relative to
        ``home`` (a region code: "省内", "本市", "县内" …) and "不限"/"全国" (level 'any').
        Raises AmbiguousPlace when the text names several regions that ``home`` cannot tell
        apart, and UnknownPlace when nothing matches. Results are cached per (text, home).
        """
        return self._resolve_outcome(text, home)()

    def _outcome(self, text: str, home: str | None) -> Callable[[], Resolution]:
        try:
            result = self._resolve(text, home)
        except RegionError as error:
            return functools.partial(_reraise, type(error), error)
        return functools.partial(_identity, result)

    def _resolve(self, text: str, home: str | None) -> Resolution:
        raw = text if isinstance(text, str) else str(text)
        cleaned = _NOISE.sub("", unicodedata.normalize("NFKC", raw))
        if cleaned in _ANY_WORDS:
            return Resolution(raw, None, "全国", "any", 1.0, "不限地区")
        if cleaned in _RELATIVE_WORDS:
            return self._resolve_relative(raw, cleaned, home)
        if _DIGITS.fullmatch(cleaned):
            return self._resolve_code(raw, cleaned)
        return self._resolve_name(raw, cleaned, home)

    def _resolve_code(self, raw: str, code: str) -> Resolution:
        record = self.get(code)
        if record is None:
            raise UnknownPlace(raw, f"未知的行政区划代码“{code}”")
        try:
            now = self.current(record.code)
        except UnknownRegion as error:
            raise UnknownPlace(raw, error.message) from None
        note = self._retired_note(record, now) if record.retired else ""
        return self._resolution(raw, now, 1.0, note)

    def _resolve_relative(self, raw: str, word: str, home: str | None) -> Resolution:
        level = _RELATIVE_WORDS[word]
        if home is None:
            raise UnknownPlace(raw, f"“{raw}”是相对户籍地的说法，需要先知道户籍所在地")
        home_record = self._home_record(home)
        area = self._ancestor_at(home_record, level)
        if area is None:
            raise UnknownPlace(
                raw,
                f"户籍地“{home_record.full_name}”只能确定到{_level_label(home_record.level)}，"
                f"无法确定“{raw}”指哪个{_RELATIVE_LABEL[level]}",
            )
        confidence = 0.8 if word in {"本地", "当地"} else 1.0
        note = f"“{raw}”按户籍地理解为{area.full_name}"
        return self._resolution(raw, area, confidence, note)

    def _home_record(self, home: str) -> RegionRecord:
        cleaned = unicodedata.normalize("NFKC", str(home)).strip()
        if _DIGITS.fullmatch(cleaned):
            try:
                return self.current(cleaned)
            except UnknownRegion as error:
                raise UnknownPlace(str(home), error.message) from None
        resolution = self.resolve(cleaned)
        if resolution.code is None:
            raise UnknownPlace(str(home), "户籍地不能是“不限”")
        return self.current(resolution.township_code or resolution.code)

    def _ancestor_at(self, record: RegionRecord, level: Level) -> RegionRecord | None:
        if level == "county":
            return self.county_of(record.code)
        size = 2 if level == "province" else 4
        if len(record.code) < size:
            return None
        return self._records.get(record.code[:size])

    def _resolve_name(self, raw: str, text: str, home: str | None) -> Resolution:
        text = _PLACEHOLDER_TEXT.sub("", text) or text
        home_record = self._home_record(home) if home is not None else None
        # Every name a segment of the text could be, read at once (the variants are prefixes of the text).
        index = self._store.segments(text)
        for candidate in self._qualifier_variants(text):
            parses = self._complete_parses(candidate, index)
            if parses:
                return self._choose(raw, parses, home_record, partial="")
        prefixes = self._longest_prefixes(text, index)
        if prefixes:
            rest = text[prefixes[0].end:]
            best = max(prefixes, key=lambda p: p.weight)
            if len({p.last.target for p in prefixes}) == 1:
                fuzzy = self._fuzzy(raw, rest, best.last, home_record)
                if fuzzy is not None:
                    return fuzzy
            return self._choose(raw, prefixes, home_record, partial=rest)
        fuzzy = self._fuzzy(raw, text, None, home_record)
        if fuzzy is not None:
            return fuzzy
        raise UnknownPlace(raw)

    @staticmethod
    def _qualifier_variants(text: str) -> Iterator[str]:
        yield text
        for qualifier in _QUALIFIERS:
            if text.endswith(qualifier) and len(text) > len(qualifier):
                yield text[: -len(qualifier)]

    # segmentation: the text is a chain of names, each inside the previous one

    def _complete_parses(self, text: str, index: _Segments) -> list[_Parse]:
        return [p for p in self._parses(text, index) if p.end == len(text)]

    def _longest_prefixes(self, text: str, index: _Segments) -> list[_Parse]:
        """The chains that recognise the longest start of ``text`` (at least two characters)."""
        parses = [p for p in self._parses(text, index) if p.end >= 2]
        longest = max((p.end for p in parses), default=0)
        return [p for p in parses if p.end == longest]

    def _parses(self, text: str, index: _Segments) -> list[_Parse]:
        """All chains of names from the start of ``text``: complete ones and maximal prefixes."""
        memo: dict[tuple[int, _Entry | None], list[_Parse]] = {}

        def from_(start: int, parent: _Entry | None) -> list[_Parse]:
            key = (start, parent)
            if key in memo:
                return memo[key]
            found: list[_Parse] = []
            for end in range(start + 1, min(len(text), start + self._max_name) + 1):
                for entry in self._entries(index, text[start:end], parent, at_end=end == len(text)):
                    tails = from_(end, entry) if end < len(text) else []
                    if not tails:
                        found.append(_Parse((entry,), entry.weight, end))
                    found.extend(
                        _Parse((entry, *tail.entries), entry.weight * tail.weight, tail.end)
                        for tail in tails
                    )
            memo[key] = found
            return found

        return from_(0, None)

    @staticmethod
    def _entries(index: _Segments, segment: str, parent: _Entry | None, *, at_end: bool) -> list[_Entry]:
        entries = index.names.get(segment, [])
        if parent is not None:
            entries = [e for e in entries if _inside(e, parent)]
            entries += [e for e in index.townships.get(segment, []) if _inside(e, parent)]
        elif at_end:
            # a township alone only by its full name ("煤炭坝镇"), never by a bare stem
            full = [e for e in index.townships.get(segment, []) if e.weight == _W_FULL]
            entries = entries + full
        return entries

    def _choose(
        self, raw: str, parses: list[_Parse], home: RegionRecord | None, *, partial: str
    ) -> Resolution:
        best = max(p.weight for p in parses)
        top = [p for p in parses if p.weight >= best - 1e-9]
        by_target: dict[str, _Parse] = {}
        for parse in top:
            by_target.setdefault(parse.last.target, parse)
        targets = list(by_target)
        note = ""
        if len(targets) > 1:
            targets, note = self._disambiguate(raw, targets, home)
        parse = by_target[targets[0]]
        confidence = parse.weight * (_W_PREFERRED if note else 1.0)
        notes = []
        if partial:
            confidence *= _W_PARTIAL * parse.end / (parse.end + len(partial))
            notes.append(f"未能识别“{partial}”，按前面的地名理解")
        for entry in parse.entries:
            record = self._records[entry.code]
            if record.retired:
                notes.append(self._retired_note(record, self._records[entry.target]))
        if note:
            notes.append(note)
        target = self._records[parse.last.target]
        return self._resolution(raw, target, confidence, "；".join(notes))

    def _disambiguate(
        self, raw: str, targets: list[str], home: RegionRecord | None
    ) -> tuple[list[str], str]:
        """Pick one of several equally good readings, or raise AmbiguousPlace.

        A region that contains the others is taken silently (长沙: 长沙市 contains 长沙县). Then
        the readings nearest ``home``; then, when exactly one reading is of a higher level than
        all others, that one (中山: 广东省中山市 rather than 大连市中山区), saying so in the note.
        """
        outer = [t for t in targets if not any(o != t and t.startswith(o) for o in targets)]
        if len(outer) == 1:
            return outer, ""
        if home is not None:
            near = _prefer_near(outer, home.code)
            if len(near) == 1:
                chosen = self._records[near[0]].full_name
                return near, f"同名地区不止一个，已按户籍地就近理解为{chosen}"
            outer = near
        shortest = min(len(t) for t in outer)
        top = [t for t in outer if len(t) == shortest]
        if len(top) == 1:
            others = "、".join(self._records[t].full_name for t in sorted(outer) if t != top[0])
            chosen = self._records[top[0]].full_name
            return top, f"“{raw}”也可指{others}，已按{chosen}理解"
        raise AmbiguousPlace(raw, candidates=[self._records[t] for t in sorted(outer)])

    def _fuzzy(
        self, raw: str, text: str, parent: _Entry | None, home: RegionRecord | None
    ) -> Resolution | None:
        """Tolerant fallback for typos: edit similarity against the names in the parent's area.

        Levenshtein (not the Indel-based ``fuzz.ratio``) so that a substituted character costs
        one edit: "宁相县" is near "宁乡县" but not "新宁县".
        """
        if not text:
            return None
        # Imported here: most texts never need it, and importing it costs start-up time.
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        names = self._fuzzy_choices(parent.target if parent is not None else "")
        cutoff = _FUZZY_CUTOFF_IN_AREA if parent is not None else _FUZZY_CUTOFF_ANYWHERE
        matches = process.extract(
            text, names, scorer=Levenshtein.normalized_similarity, processor=None,
            score_cutoff=cutoff, limit=10,
        )
        if not matches:
            return None
        best = matches[0][1]
        prefix = parent.target if parent is not None else ""
        best_names = [name for name, score, _ in matches if score == best]
        entries = self._store.name_entries(best_names)
        targets = sorted(
            {e.target for name in best_names for e in entries.get(name, []) if e.target.startswith(prefix)}
        )
        if len(targets) > 1 and home is not None:
            targets = _prefer_near(targets, home.code)
        if len(targets) > 1:
            raise AmbiguousPlace(raw, candidates=[self._records[t] for t in targets])
        target = self._records[targets[0]]
        weight = parent.weight if parent is not None else 1.0
        confidence = round(weight * _W_FUZZY * best, 3)
        note = f"未找到“{text}”，按相近的名称“{matches[0][0]}”理解为{target.full_name}"
        return self._resolution(raw, target, confidence, note)

    def _fuzzy_choices(self, area: str) -> list[str]:
        """Names of regions (not townships) strictly inside ``area`` ("" = everywhere)."""
        if len(area) not in (0, 2, 4, 6):
            return []
        return self._store.area_names(area)

    def _resolution(
        self, raw: str, record: RegionRecord, confidence: float, note: str
    ) -> Resolution:
        township = record if record.level == "township" else None
        area = self._records[record.parent_code or ""] if township is not None else record
        county = self.county_of(area.code)
        return Resolution(
            input=raw,
            code=area.code,
            name=area.full_name,
            level=area.level,
            confidence=round(min(confidence, 1.0), 3),
            note=note,
            county_code=county.code if county is not None else None,
            township_code=township.code if township is not None else None,
        )

    def _retired_note(self, record: RegionRecord, now: RegionRecord) -> str:
        method = self._store.method(record.code)
        if method == "newer":
            return (f"代码{record.code}（{record.name}）是本表截止日（2023年6月30日）之后设立的，"
                    f"按所属的{now.code}{now.name}处理")
        coarse = ""
        if now.level == "prefecture" and record.level == "county":
            coarse = "（只能确定到地市一级）"
        return f"旧代码{record.code}已撤销，现为{now.code}{now.name}{coarse}"


# --------------------------------------------------------------------------- helpers


def _identity(result: Resolution) -> Resolution:
    return result


def _reraise(kind: type[RegionError], error: RegionError) -> Resolution:
    """Raise a fresh copy of a cached error (re-raising one instance grows its traceback)."""
    fresh = kind.__new__(kind)
    fresh.__dict__.update(error.__dict__)
    fresh.args = error.args
    raise fresh


def _inside(entry: _Entry, parent: _Entry) -> bool:
    """Whether ``entry`` is strictly below ``parent``, by current or by original codes."""
    deeper = LEVELS.index(entry.level) > LEVELS.index(parent.level)
    return deeper and (
        (entry.target.startswith(parent.target) and entry.target != parent.target)
        or entry.code.startswith(parent.code)
    )


def _prefer_near(codes: list[str], home: str) -> list[str]:
    """Keep the codes nearest to ``home``: same prefecture first, then same province."""
    for size in (4, 2):
        near = [c for c in codes if c[:size] == home[:size]]
        if near:
            return near
    return codes


def _short_forms(record: RegionRecord) -> list[str]:
    forms = list(_EXTRA_SHORT_FORMS.get(record.code, ()))
    short = _name_stem(record.name, record.level)
    if short != record.name and len(short) >= 2:
        forms.append(short)
        if record.level == "county" and record.name[-3:] in {"自治县", "自治旗"}:
            forms.append(short + record.name[-1])  # 恭城瑶族自治县 → 恭城县, 鄂温克旗
    if record.level == "county" and record.name.endswith("新区") and len(record.name) >= 4:
        forms.append(record.name[:-2])  # 浦东新区 → 浦东
    return forms


def _level_label(level: str) -> str:
    return {"province": "省一级", "prefecture": "地市一级", "county": "县一级",
            "township": "乡镇一级"}.get(level, level)


# --------------------------------------------------------------------------- loading


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("jobs").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _year(value: str) -> int | None:
    return int(value) if value else None


def _joined(*parts: str) -> str:
    """Join names from the top, leaving out grouping rows and a repeated name (东莞市东莞市)."""
    kept: list[str] = []
    for part in parts:
        if part in PLACEHOLDER_PREFECTURES or (kept and kept[-1] == part):
            continue
        kept.append(part)
    return "".join(kept)


def _load_records() -> tuple[list[RegionRecord], dict[str, str]]:
    provinces = {r["code"]: r["name"] for r in _read("provinces.csv")}
    cities = {r["code"]: r for r in _read("cities.csv")}
    areas = {r["code"]: r for r in _read("areas.csv")}
    zones = {r["code"] for r in _read("statistical_zones.csv")}
    records: list[RegionRecord] = []
    full: dict[str, str] = {}
    for code, name in provinces.items():
        full[code] = name
        records.append(RegionRecord(code, name, name, "province", None))
    for code, row in cities.items():
        full[code] = provinces[row["provinceCode"]] + row["name"]
        records.append(RegionRecord(code, row["name"], full[code], "prefecture",
                                    row["provinceCode"]))
    for code, row in areas.items():
        full[code] = _joined(provinces[row["provinceCode"]], cities[row["cityCode"]]["name"],
                             row["name"])
        records.append(RegionRecord(code, row["name"], full[code], "county", row["cityCode"],
                                    statistical_zone=code in zones))
    for row in _read("streets.csv"):
        records.append(RegionRecord(row["code"], row["name"],
                                    _joined(full[row["areaCode"]], row["name"]),
                                    "township", row["areaCode"]))
    retired, methods = _retired_records(_read("retired_regions.csv"), full, provinces)
    return records + retired, methods


def _retired_records(
    rows: list[dict[str, str]], full: dict[str, str], provinces: dict[str, str]
) -> tuple[list[RegionRecord], dict[str, str]]:
    """Retired records; prefectures first so that counties can name them as parents."""
    records: list[RegionRecord] = []
    methods: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: (len(r["code"]), r["code"])):
        code = row["code"]
        parent = code[:4] if len(code) == 6 and code[:4] in full else row["province_code"]
        if parent not in full:
            continue  # a province outside the current table
        full[code] = _joined(full[parent], row["name"])
        methods[code] = row["method"]
        records.append(RegionRecord(
            code=code, name=row["name"], full_name=full[code],
            level=_LEVEL_BY_LENGTH[len(code)], parent_code=parent, retired=True,
            successor_code=row["successor_code"] or None,
            valid_from=_year(row["valid_from"]), valid_to=_year(row["valid_to"]),
        ))
    return records, methods


# --------------------------------------------------------------------------- the index file


class _Segments(NamedTuple):
    """The entries of every segment of one text: region names, and township names apart."""

    names: dict[str, list[_Entry]]
    townships: dict[str, list[_Entry]]


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE record (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, full_name TEXT NOT NULL, level TEXT NOT NULL, parent_code TEXT,
    retired INTEGER NOT NULL, successor_code TEXT, statistical_zone INTEGER NOT NULL, valid_from INTEGER,
    valid_to INTEGER, method TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX record_children ON record (parent_code, code) WHERE retired = 0;
CREATE INDEX record_level ON record (level, code);
CREATE TABLE entry (
    name TEXT NOT NULL, township INTEGER NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL,
    target TEXT NOT NULL, level TEXT NOT NULL, weight REAL NOT NULL, PRIMARY KEY (name, township, seq)
) WITHOUT ROWID;
"""
_RECORD_COLUMNS = ("code, name, full_name, level, parent_code, retired, successor_code, statistical_zone, "
                   "valid_from, valid_to")


def _record_of(row: tuple) -> RegionRecord:
    code, name, full_name, level, parent, retired, successor, zone, valid_from, valid_to = row
    return RegionRecord(code, name, full_name, level, parent, bool(retired), successor, bool(zone), valid_from,
                        valid_to)


class _IndexStore:
    """Read access to an index file (or an in-memory index), with bounded caches of what was read."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()  # one connection shared by a server's threads
        self.max_name = int(self._rows("SELECT value FROM meta WHERE key = 'max_name'")[0][0])
        self.record = functools.lru_cache(maxsize=RECORD_CACHE_SIZE)(self._record)
        self.children = functools.lru_cache(maxsize=RECORD_CACHE_SIZE)(self._children)
        self.method = functools.lru_cache(maxsize=RECORD_CACHE_SIZE)(self._method)
        self.area_names = functools.lru_cache(maxsize=64)(self._area_names)

    def _rows(self, sql: str, parameters: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, tuple(parameters)).fetchall()

    def _record(self, code: str) -> RegionRecord | None:
        rows = self._rows(f"SELECT {_RECORD_COLUMNS} FROM record WHERE code = ?", (code,))
        return _record_of(rows[0]) if rows else None

    def _children(self, code: str) -> tuple[str, ...]:
        rows = self._rows("SELECT code FROM record WHERE parent_code = ? AND retired = 0 ORDER BY code", (code,))
        return tuple(code for (code,) in rows)

    def _method(self, code: str) -> str:
        rows = self._rows("SELECT method FROM record WHERE code = ?", (code,))
        return rows[0][0] if rows else ""

    def _area_names(self, area: str) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT name FROM entry WHERE township = 0 AND length(name) >= 2 "
            "AND substr(target, 1, ?) = ? AND length(target) > ? ORDER BY name",
            (len(area), area, len(area)),
        )
        return [name for (name,) in rows]

    def records_at(self, level: Level) -> Iterator[RegionRecord]:
        """Every record of one level, current and retired, by code."""
        for row in self._rows(f"SELECT {_RECORD_COLUMNS} FROM record WHERE level = ? ORDER BY code", (level,)):
            yield _record_of(row)

    def segments(self, text: str) -> _Segments:
        """The entries of every segment of ``text`` up to the longest name, in one query."""
        wanted = {text[start:end] for start in range(len(text))
                  for end in range(start + 1, min(len(text), start + self.max_name) + 1)}
        return self._entries_of(wanted)

    def name_entries(self, names: Iterable[str]) -> dict[str, list[_Entry]]:
        """The region (not township) entries of ``names``."""
        return self._entries_of(set(names)).names

    def _entries_of(self, wanted: set[str]) -> _Segments:
        found = _Segments({}, {})
        if not wanted:
            return found
        rows = self._rows(
            "SELECT name, township, code, target, level, weight FROM entry "
            "WHERE name IN (SELECT value FROM json_each(?)) ORDER BY name, township, seq",
            (_json_list(wanted),),
        )
        for name, township, code, target, level, weight in rows:
            index = found.townships if township else found.names
            index.setdefault(name, []).append(_Entry(code, target, level, weight))
        return found


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(sorted(values), ensure_ascii=False)


class _Records:
    """``code → RegionRecord`` over the store, shaped like the dict the resolution code reads."""

    def __init__(self, store: _IndexStore) -> None:
        self._store = store

    def get(self, code: str) -> RegionRecord | None:
        return self._store.record(code)

    def __getitem__(self, code: str) -> RegionRecord:
        record = self._store.record(code)
        if record is None:
            raise KeyError(code)
        return record


def _follow(records: dict[str, RegionRecord], record: RegionRecord) -> RegionRecord | None:
    """The current record a (retired) record stands for, or None when that is not known."""
    seen = {record.code}
    while record.retired:
        if record.successor_code is None:
            return None
        record = records[record.successor_code]
        if record.code in seen:
            return None
        seen.add(record.code)
    return record


def _name_index(records: dict[str, RegionRecord]) -> tuple[dict[str, list[_Entry]], dict[str, list[_Entry]]]:
    """Every way a text segment can name a region: full names and short forms, current and retired."""
    names: dict[str, list[_Entry]] = {}
    townships: dict[str, list[_Entry]] = {}

    def add(index: dict[str, list[_Entry]], name: str, entry: _Entry) -> None:
        bucket = index.setdefault(name, [])
        if all(e.code != entry.code for e in bucket):
            bucket.append(entry)

    for record in records.values():
        if record.name in _PLACEHOLDER_NAMES:
            continue
        now = _follow(records, record)
        if now is None:
            continue
        index = townships if record.level == "township" else names
        full_w, short_w = (_W_OLD, _W_OLD_SHORT) if record.retired else (_W_FULL, _W_SHORT)
        if record.level == "province":
            short_w = full_w  # 湖南, 广西: the province short forms are standard usage
        add(index, record.name, _Entry(record.code, now.code, record.level, full_w))
        for short in _short_forms(record):
            add(index, short, _Entry(record.code, now.code, record.level, short_w))
    return names, townships


def _build_index(connection: sqlite3.Connection) -> None:
    """Write the packaged tables, and the name index built from them, into an empty database."""
    loaded, methods = _load_records()
    records = {r.code: r for r in loaded}
    names, townships = _name_index(records)
    connection.executescript(_SCHEMA)
    connection.executemany(
        "INSERT INTO record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((r.code, r.name, r.full_name, r.level, r.parent_code, int(r.retired), r.successor_code,
          int(r.statistical_zone), r.valid_from, r.valid_to, methods.get(r.code, "")) for r in records.values()),
    )
    connection.executemany(
        "INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((name, township, seq, e.code, e.target, e.level, e.weight)
         for township, index in ((0, names), (1, townships))
         for name, bucket in index.items() for seq, e in enumerate(bucket)),
    )
    longest = max(len(n) for n in (*names, *townships))
    connection.execute("INSERT INTO meta VALUES ('max_name', ?)", (str(longest),))
    connection.commit()


def _index_digest() -> str:
    """A digest of everything the index is built from: the data files and this module."""
    digest = hashlib.sha256(_INDEX_FORMAT.encode())
    data = resources.files("jobs").joinpath("data")
    for name in _DATA_FILES:
        digest.update(data.joinpath(name).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def cache_folder() -> Path:
    """Where bangfu keeps files it can rebuild: ``BANGFU_CACHE_DIR``, else the user's cache folder."""
    configured = os.environ.get("BANGFU_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bangfu"


def _open_index() -> sqlite3.Connection:
    """Open the cached index file, building it first when it is missing; in memory if it cannot be written."""
    folder = cache_folder()
    path = folder / f"regions-{_index_digest()}.sqlite3"
    if not path.exists():
        try:
            _write_index_file(path)
        except (OSError, sqlite3.Error) as error:
            log.info("region index not cached (%s); building it in memory", error)
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            _build_index(connection)
            return connection
    # Immutable: the file is never changed once in place (a new digest gives a new file), so no locking.
    return sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def _write_index_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        connection = sqlite3.connect(partial)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            _build_index(connection)
        finally:
            connection.close()
        os.replace(partial, path)  # atomic: a process racing to build the same file replaces it harmlessly
    finally:
        partial.unlink(missing_ok=True)
    # Index files of other versions go once they are old: two installed versions sharing the folder would
    # otherwise delete each other's file and rebuild on every start.
    week_ago = time.time() - _STALE_AFTER_SECONDS
    for stale in path.parent.glob("regions-*.sqlite3"):
        with contextlib.suppress(OSError):
            if stale != path and stale.stat().st_mtime < week_ago:
                stale.unlink()


def open_region_table() -> RegionTable:
    """A new table over the cached index (built into the cache folder on first use)."""
    return RegionTable(_IndexStore(_open_index()))


@functools.cache
def region_table() -> RegionTable:
    """The packaged region table of this process, opened on first use."""
    return open_region_table()


# --------------------------------------------------------------------------- module shortcuts


def resolve(text: str, *, home: str | None = None) -> Resolution:
    """Shortcut for ``region_table().resolve(text, home=home)``."""
    return region_table().resolve(text, home=home)


def scope_of(origin_county: str, job_code: str) -> Scope:
    """Shortcut for ``region_table().scope_of(origin_county, job_code)``."""
    return region_table().scope_of(origin_county, job_code)


def outside_county(origin: str, job: str) -> bool:
    """Shortcut for ``region_table().outside_county(origin, job)``."""
    return region_table().outside_county(origin, job)


def within(code: str, area_code: str) -> bool:
    """Shortcut for ``region_table().within(code, area_code)``."""
    return region_table().within(code, area_code)
