"""The demo world: believable, valid and reproducible, with retired county codes among the ID numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from jobs.demo import build_demo
from jobs.storage.enums import PlacementStatus
from jobs.people.identity import parse_id_number
from jobs.storage.models import Dispatch, Person, Placement, Post
from jobs.people.persons import reveal_id_number
from jobs.people.regions import region_table

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def demo(session, vault):
    return build_demo(session, vault, today=TODAY, workers=400, posts=80, seed=7)


def test_every_generated_id_number_is_valid_for_its_county_and_birth_year(session, vault, demo):
    table = region_table()
    for person in session.scalars(select(Person)):
        number = reveal_id_number(person, vault)
        parsed = parse_id_number(number, today=TODAY, valid_for_year=table.valid_for_year)
        assert parsed.birth_date.year == person.birth_year
        assert table.current(parsed.issuing_code).code == person.household_region_code


def test_retired_county_codes_appear_among_the_id_numbers(session, demo):
    issuing = set(session.scalars(select(Person.issuing_region_code).distinct()))
    assert {"430124", "432324", "342426"} & issuing
    assert issuing - {"430182", "430321", "341524", "230522"}, "no retired codes at all"


def test_the_four_origin_counties_are_represented(session, demo):
    origins = set(session.scalars(select(Person.household_region_code).distinct()))
    assert origins == {"430182", "430321", "341524", "230522"}


def test_dispatches_and_placements_are_dated_inside_the_policies_periods(session, demo):
    for dispatch in session.scalars(select(Dispatch)):
        assert dt.date(2022, 1, 18) <= dispatch.departure_date <= dt.date(2025, 12, 31)
    statuses = set(session.scalars(select(Placement.status).distinct()))
    assert {PlacementStatus.PROPOSED, PlacementStatus.HIRED, PlacementStatus.ACTIVE, PlacementStatus.ENDED} <= statuses


def test_the_demo_is_built_once_and_is_reproducible(session, vault, demo):
    again = build_demo(session, vault, today=TODAY, workers=400, posts=80, seed=7)
    assert again.created is False and again.people == demo.people == 400
    assert session.scalar(select(func.count()).select_from(Post)) == 80
