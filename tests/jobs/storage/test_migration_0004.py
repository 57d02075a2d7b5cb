"""Migration 0004 converts stored rows: birth dates to birth years, masked forms dropped, the audit log chained."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from jobs.storage import audit, migrate
from jobs.storage.crypto import Vault
from jobs.storage.db import Database, is_sqlite
from jobs.people.persons import birth_date_of, masked_id_number
from jobs.storage.models import Person
from tests.conftest import TEST_SECRET

NUMBER = "430124199003154513"


@pytest.fixture
def fresh_database(server_url, tmp_path) -> Iterator[Database]:
    """An empty database of the suite's kind (SQLite, or a new database on the PostgreSQL server)."""
    if server_url is None or is_sqlite(server_url):
        database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield database
        database.dispose()
        return
    name = f"bangfu_migration_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(make_url(server_url).set(database=name).render_as_string(hide_password=False))
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_stored_people_and_audit_events_survive_the_upgrade(fresh_database):
    vault = Vault.from_secret(TEST_SECRET)
    engine = fresh_database.engine
    migrate.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO region (code, name, full_name, level, retired, statistical_zone) "
                                "VALUES ('430182', '宁乡市', '湖南省长沙市宁乡市', 'county', false, false)"))
        connection.execute(text(
            "INSERT INTO person (name, id_number_hash, id_number_encrypted, id_number_masked, issuing_region_code, "
            "sex, birth_date, phone_masked, household_region_code, category, labour_ability, employment_status, "
            "employment_intent, training_intent, created_at, updated_at) VALUES ('张伟', :hash, :token, :masked, "
            "'430124', '男', '1990-03-15', '138****8000', '430182', '脱贫人口', '普通劳动力', 'unemployed', true, "
            "false, :at, :at)"),
            {"hash": vault.digest(NUMBER), "token": vault.encrypt(NUMBER), "masked": "430124********4513",
             "at": dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)})
        for action in ("login", "reveal"):
            connection.execute(text("INSERT INTO audit_event (at, actor, action, after) VALUES (:at, 'county', "
                                    ":action, :after)"),
                               {"at": dt.datetime(2026, 11, 2, 3, 4, 5, 678901, tzinfo=dt.UTC), "action": action,
                                "after": '{"fields": ["身份证号"]}'})

    migrate.upgrade(engine)

    columns = {column["name"] for column in inspect(engine).get_columns("person")}
    assert {"birth_year"} <= columns and not {"birth_date", "id_number_masked", "phone_masked"} & columns
    with fresh_database.session() as session:
        person = session.query(Person).one()
        assert person.birth_year == 1990 and birth_date_of(person, vault) == dt.date(1990, 3, 15)
        assert masked_id_number(person, vault) == "430124********4513"
        report = audit.verify_chain(session)
        assert report.intact and report.checked == report.head_seq == 2
    with fresh_database.transaction() as session:
        audit.record(session, action="login", actor_label="county")
    with fresh_database.session() as session:
        assert audit.verify_chain(session).checked == 3


def test_downgrading_refuses_while_people_are_stored(fresh_database, vault):
    from tests.factories import make_person

    fresh_database.upgrade()
    with fresh_database.transaction() as session:
        make_person(session, vault)
    with pytest.raises(RuntimeError, match="无法降级"):
        migrate.downgrade(fresh_database.engine, "0001")
