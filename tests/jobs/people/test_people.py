"""Registering workers: one person per ID number; saving the same facts again changes nothing."""

from __future__ import annotations

from dataclasses import replace

from jobs.storage.enums import Sex
from jobs.people.persons import (
    Outcome,
    birth_date_of,
    find_person,
    masked_id_number,
    masked_phone,
    reveal_id_number,
    reveal_phone,
    save_person,
)
from tests.factories import id_number, person_data


def test_a_new_id_number_creates_a_person_with_sex_and_birth_year_from_the_number(session, vault):
    data = person_data()
    person, outcome = save_person(session, vault, data)
    session.flush()
    assert outcome is Outcome.CREATED
    assert person.birth_year == data.id_number.birth_date.year
    assert birth_date_of(person, vault) == data.id_number.birth_date
    assert person.sex == Sex(data.id_number.sex)
    assert person.issuing_region_code == "430124"
    assert reveal_id_number(person, vault) == data.id_number.number
    assert reveal_phone(person, vault) == "13800138000"


def test_saving_the_same_facts_again_is_unchanged(session, vault):
    data = person_data(wanted_occupations=(("电焊工", None), ("保安", None)))
    save_person(session, vault, data)
    session.flush()
    person, outcome = save_person(session, vault, data)
    assert outcome is Outcome.UNCHANGED


def test_changed_facts_update_the_same_person(session, vault):
    data = person_data()
    first, _ = save_person(session, vault, data)
    session.flush()
    second, outcome = save_person(
        session, vault, replace(data, phone="13912345678", wanted_regions=(("浙江", "33"), ("不限", None)))
    )
    session.flush()
    assert outcome is Outcome.UPDATED and second.id == first.id
    assert masked_phone(second, vault) == "139****5678"
    assert [(r.position, r.text, r.region_code) for r in second.wanted_regions] == [(0, "浙江", "33"), (1, "不限", None)]


def test_shortening_a_wanted_list_removes_the_rest(session, vault):
    data = person_data(wanted_occupations=(("电焊工", None), ("保安", None), ("普工", None)))
    save_person(session, vault, data)
    session.flush()
    person, outcome = save_person(session, vault, replace(data, wanted_occupations=(("保安", None),)))
    session.flush()
    session.expire_all()
    assert outcome is Outcome.UPDATED
    assert [o.text for o in person.wanted_occupations] == ["保安"]


def test_a_person_is_found_by_id_number(session, vault):
    data = person_data()
    person, _ = save_person(session, vault, data)
    session.flush()
    assert find_person(session, vault, data.id_number.number).id == person.id
    assert find_person(session, vault, id_number("341524")) is None


def test_screens_get_masked_forms_derived_from_the_encrypted_values(session, vault):
    data = person_data(phone="13912345678")
    person, _ = save_person(session, vault, data)
    number = data.id_number.number
    assert masked_id_number(person, vault) == number[:6] + "********" + number[-4:]
    assert masked_phone(person, vault) == "139****5678"


def test_a_person_without_a_phone_has_no_masked_phone(session, vault):
    person, _ = save_person(session, vault, person_data(phone=None))
    assert masked_phone(person, vault) is None and reveal_phone(person, vault) is None
