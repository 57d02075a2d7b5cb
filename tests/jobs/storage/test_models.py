"""The database keeps the domain's invariants even when the services are bypassed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from jobs.storage.enums import ClaimStatus, PlacementStatus
from jobs.storage.models import Person, Region, SubsidyClaim
from tests.factories import make_broker, make_person, make_placement, make_post


def _flush_fails(session, exception=IntegrityError):
    with pytest.raises(exception), session.begin_nested():
        session.flush()


def claim(placement, **overrides) -> SubsidyClaim:
    values = dict(
        placement=placement,
        person_id=placement.person_id,
        kind="referral",
        instalment=1,
        beneficiary_person_id=placement.person_id,
        status=ClaimStatus.ELIGIBLE,
        amount=Decimal("300.00"),
        milestone_date=dt.date(2024, 8, 23),
        milestone_year=2024,
        limit_group="hunan-2021-10:referral",
        counts_toward_limit=True,
        fund="就业专项资金",
    )
    values.update(overrides)
    return SubsidyClaim(**values)


def test_a_person_is_unique_by_the_keyed_hash_of_the_id_number(session, vault):
    person = make_person(session, vault)
    twin = Person(
        name="李四",
        id_number_hash=person.id_number_hash,
        id_number_encrypted=person.id_number_encrypted,
        issuing_region_code="430124",
        sex="男",
        birth_year=1990,
        household_region_code="430182",
        category="脱贫人口",
    )
    session.add(twin)
    _flush_fails(session)


def test_the_id_number_and_phone_are_stored_encrypted_never_in_clear_nor_masked(session, vault):
    person = make_person(session, vault)
    clear = vault.decrypt(person.id_number_encrypted)
    row = session.execute(text("SELECT * FROM person WHERE id = :id"), {"id": person.id}).mappings().one()
    assert clear not in " ".join(str(v) for v in row.values())
    # What the number encodes is kept in clear only as far as tests/jobs/people/test_reconstruction.py allows.
    derived = {k for k in row.keys() if "id_number" in k or "phone" in k or "birth" in k} | {"sex"}
    assert derived == {"id_number_hash", "id_number_encrypted", "phone_hash", "phone_encrypted", "birth_year", "sex"}
    assert row["birth_year"] == int(clear[6:10])


def test_a_household_region_must_exist_in_the_region_table(session, vault):
    with pytest.raises(IntegrityError), session.begin_nested():
        make_person(session, vault, household_region_code="999999")


def test_money_cannot_be_negative(session, vault):
    placement = make_placement(session, vault)
    session.add(claim(placement, amount=Decimal("-1.00")))
    _flush_fails(session)


def test_money_is_decimal_with_two_places(session, vault):
    placement = make_placement(session, vault)
    session.add(claim(placement, amount=Decimal("300.5")))
    session.flush()
    session.expire_all()
    stored = session.scalar(select(SubsidyClaim.amount))
    assert stored == Decimal("300.50") and isinstance(stored, Decimal)


def test_status_values_are_constrained_in_the_database(session, vault):
    placement = make_placement(session, vault)
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text("UPDATE placement SET status = 'teleported' WHERE id = :id"), {"id": placement.id})


def test_an_enum_outside_its_values_is_refused_before_reaching_the_database(session, vault):
    placement = make_placement(session, vault)
    placement.status = "teleported"
    _flush_fails(session, StatementError)


def test_a_paid_claim_needs_a_payment_reference_and_date(session, vault):
    placement = make_placement(session, vault)
    session.add(claim(placement, status=ClaimStatus.PAID))
    _flush_fails(session)


def test_one_claim_per_placement_kind_and_instalment(session, vault):
    placement = make_placement(session, vault)
    session.add(claim(placement, counts_toward_limit=False))
    session.flush()
    session.add(claim(placement, counts_toward_limit=False))
    _flush_fails(session)


def test_only_one_claim_per_person_rule_and_year_may_hold_the_yearly_slot(session, vault):
    """湘人社规〔2021〕10号 第四条 "每人每年只享受一次": the partial unique index enforces it."""
    person = make_person(session, vault)
    first = make_placement(session, vault, person=person)
    second = make_placement(session, vault, person=person, post=make_post(session))
    session.add(claim(first))
    session.flush()
    session.add(claim(second))
    _flush_fails(session)


def test_claims_that_do_not_hold_the_slot_may_share_person_rule_and_year(session, vault):
    person = make_person(session, vault)
    first = make_placement(session, vault, person=person)
    second = make_placement(session, vault, person=person, post=make_post(session))
    session.add(claim(first))
    session.add(claim(second, status=ClaimStatus.INELIGIBLE, counts_toward_limit=False, amount=None))
    session.flush()
    assert len(session.scalars(select(SubsidyClaim)).all()) == 2


def test_an_ended_placement_has_an_end_date(session, vault):
    placement = make_placement(session, vault)
    placement.status = PlacementStatus.ENDED
    _flush_fails(session)


def test_a_qualified_broker_has_a_qualification_number(session):
    make_broker(session, qualified=True)
    broker = make_broker(session, qualified=False)
    broker.qualified = True
    _flush_fails(session)


def test_retired_region_codes_are_in_the_table_and_point_at_their_successor(session):
    retired = session.get(Region, "430124")
    assert retired.retired and retired.successor_code == "430182"
    assert session.get(Region, "430182").full_name == "湖南省长沙市宁乡市"


def test_every_table_has_a_primary_key(session):
    inspector = inspect(session.connection())
    for table in inspector.get_table_names():
        assert inspector.get_pk_constraint(table)["constrained_columns"], table
