"""Web fixtures: one account per role made through the real use cases, and signing in through the real form."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from jobs.access import accounts, passwords
from jobs.storage.enums import OrganisationKind, Role
from tests.factories import make_person

PASSWORD = "Gongzuo-2026-mima"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
STAFF_ROLES = (Role.ADMIN, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF)
ALL_ROLES = (*STAFF_ROLES, Role.SEEKER)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Hash at a tiny scrypt cost so sign-in tests stay fast; the production cost has its own test."""
    monkeypatch.setattr(passwords, "CURRENT_COST", passwords.Cost(n=2**8, r=8, p=1))


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: Role
    user_id: int
    person_id: int | None = None


@pytest.fixture
def people_of_every_role(runtime) -> dict[Role, Account]:
    """One signed-up account per role: a province HR admin, a 宁乡 county clerk, a 宁乡 broker, the 宁乡
    workstation in 东莞, and a seeker from 宁乡."""
    made = {}
    with runtime.db.transaction() as session:
        orgs = {
            Role.ADMIN: accounts.add_organisation(session, name="湖南省人社厅", kind=OrganisationKind.HR_BUREAU,
                                                  region="43"),
            Role.COUNTY_STAFF: accounts.add_organisation(session, name="宁乡市人社局",
                                                         kind=OrganisationKind.COUNTY_OFFICE, region="430182"),
            Role.BROKER: accounts.add_organisation(session, name="宁乡市众诚劳务", kind=OrganisationKind.BROKER,
                                                   region="430182"),
            Role.WORKSTATION_STAFF: accounts.add_organisation(session, name="宁乡驻东莞工作站",
                                                              kind=OrganisationKind.WORKSTATION, region="4419"),
        }
        person = make_person(session, runtime.vault, name="李四")
        for role in ALL_ROLES:
            username = role.value.replace("_", "")
            new = accounts.add_user(
                session, runtime.vault, username=username, role=role, organisation=orgs.get(role),
                id_number=runtime.vault.decrypt(person.id_number_encrypted) if role is Role.SEEKER else None,
                password=PASSWORD,
            )
            made[role] = Account(username, PASSWORD, role, new.user.id, person.id)
    return made


def csrf_token(page: str) -> str:
    found = CSRF.search(page)
    assert found, "the page has no CSRF token"
    return found.group(1) or found.group(2)


def sign_in(client, username: str, password: str, *, follow: bool = False):
    """Sign in through the form, as a browser would: fetch the page for its token, then post."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=follow)


def post_form(client, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
    """Post a form with the CSRF token taken from ``page`` (default: the home page)."""
    html = client.get(page or "/").get_data(as_text=True)
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(html)}, **kwargs)


@pytest.fixture
def signed_in(client, people_of_every_role):
    """``signed_in(role)`` signs the test client in as that role's account and returns the account."""

    def _as(role: Role) -> Account:
        account = people_of_every_role[role]
        response = sign_in(client, account.username, account.password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return account

    return _as
