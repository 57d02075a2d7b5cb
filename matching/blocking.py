"""Prebuilt, array-based indexes of seekers and posts, and the region blocks they answer.

An index turns dataclasses into NumPy arrays once (classification, certificates, region codes, wages …) and
keeps postings by region code prefix, so that the engine can find the acceptable pairs of a block without
looking at anything else:

* :class:`PostIndex` answers "which posts lie within these wanted areas, and at which preference position";
* :class:`SeekerIndex` answers "which seekers accept a post in this county, and at which position".

Blocking on the occupation group (:func:`matching.scoring.block_key`) uses ``block`` ids kept here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import date

import numpy as np

from matching.model import ANY, Post, Seeker
from matching.normalise import normalise_title, split_titles
from matching.occupations import classify_many
from matching.scoring import ABILITY_INDEX, INTENSITY_INDEX, block_key, code_table
from matching.skills import certificates_held, certificates_required, education_level, skill_items

__all__ = ["PostIndex", "SeekerIndex", "TextTable"]

_NO_AGE_MAX = 200


class TextTable:
    """Unique normalised texts with integer ids (each unique string normalised and scored once)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._ids: dict[str, int] = {}

    def id(self, text: str) -> int:
        """The id of ``text``, added when new."""
        found = self._ids.get(text)
        if found is None:
            found = self._ids[text] = len(self.texts)
            self.texts.append(text)
        return found

    def __len__(self) -> int:
        return len(self.texts)


def _area_parts(area: str) -> tuple[int, int]:
    """(code length, integer value) of a wanted area; ANY is (0, 0)."""
    return (0, 0) if area == ANY else (len(area), int(area))


def _intern(values: Iterable[Hashable]) -> tuple[list, np.ndarray]:
    """Distinct values in first-seen order, and for each input the index of its value."""
    ids: dict[Hashable, int] = {}
    inverse = [ids.setdefault(v, len(ids)) for v in values]
    return list(ids), np.array(inverse, dtype=np.int64)


def _pad(rows: list[list[int]], fill: int = -1) -> np.ndarray:
    width = max((len(r) for r in rows), default=0) or 1
    out = np.full((len(rows), width), fill, dtype=np.int32)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


class SeekerIndex:
    """Seekers as arrays, with postings by wanted area.

    Wanted job types are split ("普工/电焊工、保安" → three), normalised and classified once per unique text.
    """

    def __init__(self, seekers: Sequence[Seeker]) -> None:
        self.seekers: list[Seeker] = list(seekers)
        n = len(self.seekers)
        self.keys = [s.key for s in self.seekers]
        self.titles = TextTable()
        codes = code_table()

        # Work per distinct value, not per seeker: many workers share wanted titles, skills and areas.
        wanted_values, wanted_of = _intern(s.wanted_titles for s in self.seekers)
        skill_values, skill_of = _intern(s.skills for s in self.seekers)
        area_values, area_of = _intern(s.wanted_areas or (ANY,) for s in self.seekers)

        wanted = [list(dict.fromkeys(t for raw in value for t in split_titles(raw))) for value in wanted_values]
        skills = [list(skill_items(value)) for value in skill_values]
        unique = list(dict.fromkeys([t for ts in wanted for t in ts] + [t for ts in skills for t in ts]))
        classified = dict(zip(unique, classify_many(unique), strict=True))

        def code_of(text: str) -> int:
            found = classified[text]
            return codes.id(found.code) if found else -1

        self.wanted_text = _pad([[self.titles.id(t) for t in ts] for ts in wanted])[wanted_of]
        self.wanted_code = _pad([[code_of(t) for t in ts] for ts in wanted])[wanted_of]
        self.has_wanted = np.array([bool(ts) for ts in wanted], dtype=bool)[wanted_of]
        names = [tuple(ts) for ts in wanted]
        self.wanted_names: list[tuple[str, ...]] = [names[i] for i in wanted_of.tolist()]
        keys = [tuple(dict.fromkeys(k for t in ts if classified[t] and (k := block_key(classified[t].code))))
                for ts in wanted]
        self.block_keys: list[tuple[str, ...]] = [keys[i] for i in wanted_of.tolist()]

        skills = [[t for t in ts if classified[t]] for ts in skills]  # only skills that name an occupation
        self.skill_code = _pad([[code_of(t) for t in ts] for ts in skills])[skill_of]
        skill_names = [tuple(ts) for ts in skills]
        self.skill_names: list[tuple[str, ...]] = [skill_names[i] for i in skill_of.tolist()]
        self.held = np.array([certificates_held(v) for v in skill_values], dtype=np.int64)[skill_of]

        self.home = np.array([s.home_county for s in self.seekers], dtype=np.int64)
        self.birth_year = np.array([s.birth_date.year if s.birth_date else 0 for s in self.seekers],
                                   dtype=np.int32)
        self.birth_md = np.array([s.birth_date.month * 100 + s.birth_date.day if s.birth_date else 0
                                  for s in self.seekers], dtype=np.int32)
        self.priority = np.array([s.is_priority for s in self.seekers], dtype=bool)
        self.ability = np.array([ABILITY_INDEX[s.labour_ability] for s in self.seekers], dtype=np.int8)
        self.expected = np.array([_expected(s) for s in self.seekers], dtype=np.float32)
        education_values, education_of = _intern(s.education for s in self.seekers)
        self.education = np.array([_level(education_level(v)) for v in education_values], dtype=np.int8)[education_of]

        # Seekers with equal wanted titles, skills, and wanted areas and their wording share these ids: the
        # reasons (explain.py) are built once per distinct value, not per seeker.
        self.wanted_group, self.skill_group = wanted_of, skill_of
        _, self.place_group = _intern(zip(area_of.tolist(), (s.wanted_area_labels for s in self.seekers)))
        self.areas: list[tuple[str, ...]] = [area_values[i] for i in area_of.tolist()]
        parts = [[_area_parts(a) for a in areas] for areas in area_values]
        self.area_len = _pad([[p[0] for p in ps] for ps in parts], fill=0)[area_of]
        self.area_code = _pad([[p[1] for p in ps] for ps in parts], fill=0).astype(np.int64)[area_of]
        self.area_count = np.array([len(a) for a in area_values], dtype=np.int32)[area_of]
        self._area_of = area_of

        # Profiles: seekers that agree on everything a factor of the score depends on share its computation
        # (engine._parts). Place depends on the matching date (age), so the engine builds that one.
        _, wage = np.unique(self.expected.view(np.int32), return_inverse=True)
        _, education = np.unique(self.education.astype(np.int64) * 8 + self.ability, return_inverse=True)
        # Occupation agreement is the best over the wanted titles: their order and repeats do not matter.
        title_sets = [tuple(sorted({self.titles.id(t) for t in ts})) for ts in wanted]
        _, set_of = _intern(title_sets)
        self.profiles: dict[str, np.ndarray] = {
            "occupation": set_of[wanted_of],
            "skills": skill_of,
            "wage": wage.reshape(-1).astype(np.int64),
            "education": education.reshape(-1).astype(np.int64),
        }
        self._area_values = area_values

        groups = self.signatures()
        postings: dict[str, tuple[list[np.ndarray], list[int]]] = {}
        for areas, rows in groups.items():
            for pos, area in enumerate(areas):
                entry = postings.setdefault(area, ([], []))
                entry[0].append(rows)
                entry[1].append(pos)
        self._postings = {
            a: (np.concatenate(r),
                np.concatenate([np.full(len(x), p, dtype=np.int32) for x, p in zip(r, ps, strict=True)]))
            for a, (r, ps) in postings.items()
        }
        self.size = n
        self._on: tuple[date, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return self.size

    def accepting(self, county: str) -> tuple[np.ndarray, np.ndarray]:
        """Seekers whose wanted areas contain ``county``, with the first such area's position (sorted by row)."""
        parts = [self._postings[a] for a in (county[:2], county[:4], county, ANY) if a in self._postings]
        if not parts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
        rows = np.concatenate([p[0] for p in parts])
        positions = np.concatenate([p[1] for p in parts])
        order = np.lexsort((positions, rows))
        rows, positions = rows[order], positions[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = rows[1:] != rows[:-1]
        return rows[first], positions[first]

    def signatures(self) -> dict[tuple[str, ...], np.ndarray]:
        """Seekers grouped by their tuple of wanted areas (one region block per tuple), rows ascending."""
        order = np.argsort(self._area_of, kind="stable")
        bounds = np.flatnonzero(np.diff(self._area_of[order])) + 1
        return {self._area_values[int(self._area_of[chunk[0]])]: chunk for chunk in np.split(order, bounds)
                if len(chunk)}

    def ages(self, today: date) -> np.ndarray:
        """Whole years of age on ``today``; -1 where the birth date is unknown."""
        md = today.month * 100 + today.day
        age = today.year - self.birth_year - (self.birth_md > md)
        return np.where(self.birth_year > 0, age, -1).astype(np.int32)

    def on(self, today: date) -> tuple[np.ndarray, np.ndarray]:
        """Ages on ``today`` and place profiles (distinct home county and age), kept for the last date asked."""
        if self._on is None or self._on[0] != today:
            age = self.ages(today)
            _, profile = np.unique(self.home * 256 + np.clip(age.astype(np.int64) + 1, 0, 255), return_inverse=True)
            self._on = (today, age, profile.reshape(-1).astype(np.int64))
        return self._on[1], self._on[2]


def _expected(seeker: Seeker) -> float:
    if seeker.expected_wage_min is not None:
        return float(seeker.expected_wage_min)
    if seeker.expected_wage_max is not None:
        return float(seeker.expected_wage_max)
    return float("nan")


def _level(level: int | None) -> int:
    return -1 if level is None else level


class PostIndex:
    """Posts as arrays, with postings by region code prefix (province, prefecture, county)."""

    def __init__(self, posts: Sequence[Post]) -> None:
        self.posts: list[Post] = list(posts)
        n = len(self.posts)
        self.keys = [p.key for p in self.posts]
        self.titles = TextTable()
        codes = code_table()

        jobs = [normalise_title(p.title) for p in self.posts]
        to_classify = [p.title for p in self.posts if not p.occupation_code]
        classified = dict(zip(to_classify, classify_many(to_classify), strict=True))
        self.codes: list[str | None] = []
        for post in self.posts:
            if post.occupation_code:
                self.codes.append(post.occupation_code)
            else:
                found = classified[post.title]
                self.codes.append(found.code if found else None)
        self.title_names = [job.core or post.title for job, post in zip(jobs, self.posts, strict=True)]
        self.title_text = np.array([self.titles.id(t) for t in self.title_names], dtype=np.int32)
        self.code = np.array([codes.id(c) for c in self.codes], dtype=np.int32)
        self.block = [block_key(c) for c in self.codes]

        self.county = np.array([int(p.region_code) for p in self.posts], dtype=np.int64)
        self.wage_low = np.array([_wage(p.wage_min, p.wage_max) for p in self.posts], dtype=np.float32)
        self.wage_high = np.array([_wage(p.wage_max, p.wage_min) for p in self.posts], dtype=np.float32)
        self.age_min = np.array([p.age_min or 0 for p in self.posts], dtype=np.int32)
        self.age_max = np.array([_NO_AGE_MAX if p.age_max is None else p.age_max for p in self.posts],
                                dtype=np.int32)
        self.education = np.array([_level(education_level(p.education)) for p in self.posts], dtype=np.int8)
        self.education = np.maximum(self.education, 0)  # unknown requirement = none
        self.intensity = np.array([INTENSITY_INDEX[p.labour_intensity] for p in self.posts], dtype=np.int8)
        self.board = np.array([p.board for p in self.posts], dtype=bool)
        self.lodging = np.array([p.lodging for p in self.posts], dtype=bool)
        self.required = np.array(
            [certificates_required(" ".join((p.skills_required or "", *job.qualifiers)), code)
             for p, job, code in zip(self.posts, jobs, self.codes, strict=True)], dtype=np.int64)
        self.is_open = np.array([p.open and (p.headcount is None or p.filled < p.headcount) for p in self.posts],
                                dtype=bool)
        self.closing = np.array([p.closing_date.toordinal() if p.closing_date else np.iinfo(np.int32).max
                                 for p in self.posts], dtype=np.int64)

        postings: dict[str, list[int]] = {}
        for i, post in enumerate(self.posts):
            code = post.region_code
            for prefix in (code[:2], code[:4], code):
                postings.setdefault(prefix, []).append(i)
        self._postings = {k: np.array(v, dtype=np.int64) for k, v in postings.items()}
        self.size = n

    def __len__(self) -> int:
        return self.size

    def available(self, today: date) -> np.ndarray:
        """Posts open, with places left (unknown headcount counts as open) and not past their closing date."""
        return self.is_open & (self.closing >= today.toordinal())

    def positions(self, areas: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every post: position of the first of ``areas`` containing it (-1: none), its length and value."""
        position = np.full(self.size, -1, dtype=np.int32)
        for pos in range(len(areas) - 1, -1, -1):
            area = areas[pos]
            rows = np.arange(self.size) if area == ANY else self._postings.get(area)
            if rows is not None:
                position[rows] = pos
        parts = np.array([_area_parts(a) for a in areas], dtype=np.int64).reshape(-1, 2)
        at = np.maximum(position, 0)
        return position, np.where(position >= 0, parts[at, 0], 0), np.where(position >= 0, parts[at, 1], 0)

    def within(self, areas: Sequence[str], mask: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Posts inside any of ``areas`` (ordered by preference), optionally restricted to ``mask``.

        Returns (rows, position of the first area containing each post, that area's code length, its value).
        """
        position, area_len, area_code = self.positions(areas)
        keep = position >= 0
        if mask is not None:
            keep &= mask
        rows = np.flatnonzero(keep)
        return rows, position[rows], area_len[rows], area_code[rows]

    def counties(self, mask: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Post rows grouped by county (one region block per county)."""
        groups: dict[str, list[int]] = {}
        rows = range(self.size) if mask is None else np.flatnonzero(mask)
        for i in rows:
            groups.setdefault(self.posts[i].region_code, []).append(int(i))
        return {k: np.array(v, dtype=np.int64) for k, v in groups.items()}


def _wage(value: int | None, other: int | None) -> float:
    """One end of a wage range; when only the other end is known ("5000以上") it stands for both."""
    if value is not None:
        return float(value)
    return float(other) if other is not None else float("nan")
