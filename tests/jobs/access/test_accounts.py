"""Account use cases: organisations, users and their roles, sign-in with lock-out, password changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs.access import accounts, passwords
from jobs.errors import Conflict, Forbidden, InvalidInput, NotFound
from jobs.storage.enums import OrganisationKind, Role
from jobs.storage.models import AuditEvent
from tests.factories import make_person

PASSWORD = "Gongzuo-2026-mima"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "CURRENT_COST", passwords.Cost(n=2**8, r=8, p=1))


@pytest.fixture
def county(session):
    return accounts.add_organisation(session, name="宁乡市人社局", kind="county_office", region="宁乡市")


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_organisation_takes_its_region_by_code_or_name_retired_codes_resolved(session):
    by_name = accounts.add_organisation(session, name="宁乡市人社局", kind="county_office", region="宁乡市")
    by_retired = accounts.add_organisation(session, name="宁乡劳务", kind="broker", region="430124")
    province = accounts.add_organisation(session, name="湖南省人社厅", kind="hr_bureau", region="43")
    assert by_name.region_code == by_retired.region_code == "430182" and province.region_code == "43"
    assert actions(session).count("organisation.add") == 3


def test_an_organisation_in_an_unknown_place_or_a_duplicate_is_refused(session, county):
    with pytest.raises(InvalidInput) as unknown:
        accounts.add_organisation(session, name="火星站", kind="workstation", region="火星")
    assert "region" in unknown.value.fields
    with pytest.raises(Conflict, match="已有同名同类型的机构"):
        accounts.add_organisation(session, name="宁乡市人社局", kind="county_office", region="430182")
    with pytest.raises(InvalidInput, match="机构类型"):
        accounts.add_organisation(session, name="某机构", kind="ministry", region="43")


def test_a_staff_account_must_belong_to_an_organisation_of_its_kind(session, vault, county):
    with pytest.raises(InvalidInput, match="劳务经纪人只能属于劳务经纪机构"):
        accounts.add_user(session, vault, username="liu", role=Role.BROKER, organisation=county, password=PASSWORD)
    with pytest.raises(InvalidInput, match="需要指定所属机构"):
        accounts.add_user(session, vault, username="liu", role=Role.COUNTY_STAFF, password=PASSWORD)
    made = accounts.add_user(session, vault, username="Liu", role=Role.COUNTY_STAFF, organisation=county,
                             password=PASSWORD)
    assert made.user.username == "liu" and made.generated_password is None
    assert made.user.must_change_password is False


def test_a_user_name_is_unique_and_plain(session, vault, county):
    accounts.add_user(session, vault, username="liu", role=Role.COUNTY_STAFF, organisation=county, password=PASSWORD)
    with pytest.raises(InvalidInput, match="已被使用"):
        accounts.add_user(session, vault, username="LIU", role=Role.COUNTY_STAFF, organisation=county,
                          password=PASSWORD)
    with pytest.raises(InvalidInput, match="只能使用小写字母"):
        accounts.add_user(session, vault, username="刘 一", role=Role.COUNTY_STAFF, organisation=county,
                          password=PASSWORD)


def test_without_a_password_one_is_generated_and_must_be_changed(session, vault, county):
    made = accounts.add_user(session, vault, username="liu", role=Role.COUNTY_STAFF, organisation=county)
    assert made.generated_password and made.user.must_change_password is True
    assert passwords.verify_password(made.user.password_hash, made.generated_password)


def test_a_chosen_password_must_be_strong(session, vault, county):
    with pytest.raises(InvalidInput) as weak:
        accounts.add_user(session, vault, username="liu", role=Role.COUNTY_STAFF, organisation=county,
                          password="123456")
    assert "密码至少需要 10 个字符" in weak.value.fields["password"]


def test_a_seeker_account_is_tied_to_the_person_with_that_id_number(session, vault):
    person = make_person(session, vault, name="王五")
    number = vault.decrypt(person.id_number_encrypted)
    made = accounts.add_user(session, vault, username="wangwu", role=Role.SEEKER, id_number=number)
    assert made.user.person_id == person.id and made.user.organisation_id is None
    assert made.user.display_name == "王五"
    with pytest.raises(Conflict, match="已有账号"):
        accounts.add_user(session, vault, username="wangwu2", role="seeker", id_number=number)


def test_a_seeker_needs_a_valid_registered_id_number(session, vault):
    with pytest.raises(InvalidInput) as bad:
        accounts.add_user(session, vault, username="nobody", role=Role.SEEKER, id_number="430124199003154510")
    assert "id_number" in bad.value.fields
    with pytest.raises(NotFound, match="没有登记该身份证号"):
        accounts.add_user(session, vault, username="nobody", role=Role.SEEKER, id_number="110101199003078515")


@pytest.fixture
def clerk(session, vault, county):
    return accounts.add_user(session, vault, username="liu", role=Role.COUNTY_STAFF, organisation=county,
                             password=PASSWORD).user


def test_a_good_sign_in_clears_failures_and_is_audited_with_the_address(session, clerk, frozen_clock):
    clerk.failed_logins = 3
    user = accounts.authenticate(session, username=" LIU ", password=PASSWORD, remote_addr="10.1.2.3")
    assert user is clerk and user.failed_logins == 0 and user.last_login_at is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sign_in")).one()
    assert event.remote_addr == "10.1.2.3" and event.actor == "liu"


def test_five_failures_lock_the_account_and_the_lock_expires(session, clerk, frozen_clock):
    for _ in range(accounts.LOCK_THRESHOLD - 1):
        with pytest.raises(accounts.SignInRefused) as refused:
            accounts.authenticate(session, username="liu", password="wrong-one-1")
        assert not isinstance(refused.value, accounts.LockedOut)
    with pytest.raises(accounts.LockedOut) as locked:
        accounts.authenticate(session, username="liu", password="wrong-one-1")
    assert "连续 5 次密码错误，账号已锁定，请于 10:15 后再试" in locked.value.message
    with pytest.raises(accounts.LockedOut):
        accounts.authenticate(session, username="liu", password=PASSWORD)
    frozen_clock.shift(dt.timedelta(minutes=accounts.LOCK_MINUTES, seconds=1))
    assert accounts.authenticate(session, username="liu", password=PASSWORD) is clerk
    assert actions(session).count("auth.locked_out") == 1
    assert actions(session).count("auth.sign_in_locked") == 1


def test_an_unknown_user_or_a_disabled_account_gets_the_same_refusal(session, clerk):
    accounts.set_active(session, user=clerk, active=False)
    messages = set()
    for name in ("liu", "nobody"):
        with pytest.raises(accounts.SignInRefused) as refused:
            accounts.authenticate(session, username=name, password=PASSWORD)
        messages.add(refused.value.message)
    assert messages == {"用户名或密码错误"}
    assert clerk.failed_logins == 0  # a right password on a disabled account is not a guess


def test_disabling_and_changing_the_password_move_the_session_version(session, clerk):
    version = clerk.session_version
    accounts.set_active(session, user=clerk, active=False)
    assert accounts.active_user(session, clerk.id, clerk.session_version) is None
    accounts.set_active(session, user=clerk, active=True)
    accounts.change_password(session, user=clerk, current=PASSWORD, new="Xin-mima-2026")
    assert clerk.session_version == version + 3
    assert accounts.active_user(session, clerk.id, version) is None
    assert accounts.active_user(session, clerk.id, clerk.session_version) is clerk


def test_nobody_disables_themselves(session, clerk):
    with pytest.raises(Forbidden):
        accounts.set_active(session, user=clerk, active=False, actor=clerk)


def test_a_password_change_checks_the_current_one_and_refuses_the_same(session, clerk):
    with pytest.raises(InvalidInput) as wrong:
        accounts.change_password(session, user=clerk, current="not-it-123", new="Xin-mima-2026")
    assert "current" in wrong.value.fields
    with pytest.raises(InvalidInput) as same:
        accounts.change_password(session, user=clerk, current=PASSWORD, new=PASSWORD)
    assert "new" in same.value.fields


def test_a_reset_password_unlocks_and_must_be_changed(session, clerk, frozen_clock):
    clerk.locked_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    password = accounts.reset_password(session, user=clerk)
    assert clerk.must_change_password and clerk.locked_until is None
    assert accounts.authenticate(session, username="liu", password=password) is clerk


def test_an_organisation_name_shared_by_two_kinds_is_ambiguous(session):
    accounts.add_organisation(session, name="宁乡劳务", kind=OrganisationKind.BROKER, region="430182")
    accounts.add_organisation(session, name="宁乡劳务", kind=OrganisationKind.WORKSTATION, region="4419")
    with pytest.raises(Conflict, match="有多个名为"):
        accounts.organisation_named(session, "宁乡劳务")
    with pytest.raises(NotFound):
        accounts.organisation_named(session, "不存在")
