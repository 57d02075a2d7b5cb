"""Nothing stored in clear rebuilds an ID number or a phone number (PIPL art. 28; GB/T 35273-2020 §6.2).

An attacker who reads the ``person`` table without the vault's keys sees every column that is neither an
encrypted token nor a keyed digest. For every worker of the demo world, these tests enumerate the ID numbers and
phone numbers consistent with everything such a reader sees (issuing region, birth date or year, sex, any masked
form, any unkeyed hash of the value) and require at least 10^4 candidates each.

The enumeration is deliberately generous to the attacker: the issuing region is taken as known (it is close to
the household region anyway), and the birth date, when not stored, is only assumed to fall in working age.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator, Mapping

import pytest
from sqlalchemy import select, text

from jobs.demo import build_demo
from jobs.people.identity import generate_id_number
from jobs.people.persons import reveal_id_number, reveal_phone
from jobs.storage.models import Person

TODAY = dt.date(2026, 11, 24)
#: PIPL art. 28 / GB/T 35273: what is stored in clear must leave at least this many candidates.
MIN_CANDIDATES = 10**4
#: Workers on demand lists are of working age: the widest birth range an attacker must otherwise consider.
OLDEST, YOUNGEST = 80, 16
#: Mobile numbers (《电信网编号计划（2017年版）》): 1, then 3–9, then nine free digits.
MOBILE_SECOND_DIGITS = "3456789"


@pytest.fixture
def stored(session, vault) -> list[tuple[Mapping[str, object], str, str | None]]:
    """Every demo worker as a keyless reader sees the row, with the clear values to check against."""
    build_demo(session, vault, today=TODAY, workers=120, posts=10, seed=11)
    rows = []
    for person in session.scalars(select(Person).order_by(Person.id)):
        row = session.execute(text("SELECT * FROM person WHERE id = :id"), {"id": person.id}).mappings().one()
        rows.append((dict(row), reveal_id_number(person, vault), reveal_phone(person, vault)))
    assert len(rows) == 120
    return rows


def _clear_columns(row: Mapping[str, object]) -> dict[str, object]:
    """The columns a reader without the keys can use: everything but encrypted tokens and keyed digests."""
    return {name: value for name, value in row.items()
            if not name.endswith(("_encrypted", "_hash")) and value is not None}


def _unkeyed_hashes(value: str) -> set[str]:
    return {getattr(hashlib, name)(value.encode()).hexdigest() for name in ("md5", "sha1", "sha256", "sha512")}


def _pins_exactly(row: Mapping[str, object], value: str) -> bool:
    """True when some stored column is the value itself or an unkeyed hash of it (one candidate left)."""
    found = {str(v).lower() for v in row.values() if v is not None}
    return value in found or bool(_unkeyed_hashes(value) & found)


def _masks(clear: Mapping[str, object], length: int, *names: str) -> list[str]:
    return [str(clear[name]) for name in names if name in clear and len(str(clear[name])) == length]


def _fits(value: str, masks: list[str]) -> bool:
    return all(m == "*" or m == v for mask in masks for m, v in zip(mask, value, strict=True))


def _birth_dates(clear: Mapping[str, object]) -> Iterator[dt.date]:
    if "birth_date" in clear:
        stored = clear["birth_date"]
        yield stored if isinstance(stored, dt.date) else dt.date.fromisoformat(str(stored))
        return
    if "birth_year" in clear:
        first, last = dt.date(int(clear["birth_year"]), 1, 1), dt.date(int(clear["birth_year"]), 12, 31)
    else:
        first, last = TODAY.replace(year=TODAY.year - OLDEST), TODAY.replace(year=TODAY.year - YOUNGEST)
    day = first
    while day <= min(last, TODAY):
        yield day
        day += dt.timedelta(days=1)


def id_candidates(row: Mapping[str, object], true_number: str) -> Iterator[str]:
    """Every valid ID number (GB 11643-1999 check character included) consistent with the clear columns."""
    clear = _clear_columns(row)
    if _pins_exactly(clear, true_number):
        yield true_number
        return
    region = str(clear.get("issuing_region_code") or true_number[:6])
    masks = _masks(clear, 18, *(name for name in clear if "id_number" in name))
    sex = clear.get("sex")
    parities = {"男": (1,), "女": (0,)}.get(str(sex), (0, 1))
    for birth in _birth_dates(clear):
        for sequence in range(1000):
            if sequence % 2 in parities:
                candidate = generate_id_number(region, birth, sequence)
                if _fits(candidate, masks):
                    yield candidate


def phone_candidates(row: Mapping[str, object], true_phone: str) -> Iterator[str]:
    """Every mobile number consistent with the clear columns (a masked form keeps some digits)."""
    clear = _clear_columns(row)
    if _pins_exactly(clear, true_phone):
        yield true_phone
        return
    masks = _masks(clear, 11, *(name for name in clear if "phone" in name))
    allowed = [["1"], list(MOBILE_SECOND_DIGITS), *([list("0123456789")] * 9)]
    for mask in masks:
        allowed = [[d for d in digits if m in ("*", d)] for m, digits in zip(mask, allowed, strict=True)]
    for digits in itertools.product(*allowed):
        yield "".join(digits)


def id_is_consistent(row: Mapping[str, object], number: str) -> bool:
    """The true number satisfies every constraint :func:`id_candidates` applies (a check of the checker)."""
    clear = _clear_columns(row)
    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    if "birth_date" in clear and list(_birth_dates(clear)) != [birth]:
        return False
    if "birth_year" in clear and int(clear["birth_year"]) != birth.year:
        return False
    sex = {"男": 1, "女": 0}.get(str(clear.get("sex")))
    return (number[:6] == str(clear.get("issuing_region_code") or number[:6])
            and (sex is None or int(number[16]) % 2 == sex)
            and _fits(number, _masks(clear, 18, *(name for name in clear if "id_number" in name))))


def _count(candidates: Iterator[str]) -> int:
    """How many candidates there are, counting no further than the threshold."""
    found = 0
    for found, _candidate in enumerate(candidates, start=1):
        if found >= MIN_CANDIDATES:
            break
    return found


def test_no_id_number_can_be_rebuilt_from_what_is_stored_in_clear(stored):
    too_few = {}
    for row, number, _phone in stored:
        assert id_is_consistent(row, number)
        count = _count(id_candidates(row, number))
        if count < MIN_CANDIDATES:
            too_few[f"{row['name']}#{row['id']}"] = count
    assert not too_few, f"{len(too_few)} of {len(stored)} ID numbers leave fewer than 10^4 candidates: {too_few}"


def test_no_phone_number_can_be_rebuilt_from_what_is_stored_in_clear(stored):
    phones = [(row, phone) for row, _number, phone in stored if phone is not None]
    assert phones, "the demo world has workers with phones"
    too_few = {f"{row['name']}#{row['id']}": count for row, phone in phones
               if (count := _count(phone_candidates(row, phone))) < MIN_CANDIDATES}
    assert not too_few, f"{len(too_few)} of {len(phones)} phones leave fewer than 10^4 candidates: {too_few}"


def test_the_enumeration_finds_the_true_number_when_the_clear_columns_narrow_it_down(stored):
    """A check of the checker: with the old layout (masked form and birth date in clear) it rebuilds the number."""
    row, number, phone = stored[0]
    leaky = {**row, "birth_date": dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
             "id_number_masked": number[:6] + "*" * 8 + number[-4:], "phone_masked": phone[:3] + "****" + phone[-4:]}
    assert list(id_candidates(leaky, number)) == [number]
    assert _count(phone_candidates(leaky, phone)) == MIN_CANDIDATES
