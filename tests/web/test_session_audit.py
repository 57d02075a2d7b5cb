"""Sessions ended by the idle timeout or the absolute lifetime are audited like a sign-out: who, when, from
which address, and why (``idle`` or ``lifetime``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from jobs.storage.enums import Role
from jobs.storage.models import AuditEvent
from tests.conftest import FROZEN_NOW
from tests.web.conftest import PASSWORD, sign_in


def sign_outs(runtime) -> list[AuditEvent]:
    with runtime.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sign_out")
                                    .order_by(AuditEvent.id)))


def test_an_idle_session_end_is_audited_with_who_when_where_and_why(client, runtime, people_of_every_role,
                                                                     frozen_clock):
    sign_in(client, "countystaff", PASSWORD)
    frozen_clock.shift(dt.timedelta(minutes=29))
    assert client.get("/").status_code == 200
    assert sign_outs(runtime) == []
    frozen_clock.shift(dt.timedelta(minutes=31))
    assert client.get("/").status_code == 302
    [event] = sign_outs(runtime)
    assert (event.actor, event.actor_user_id, event.after) == (
        "countystaff", people_of_every_role[Role.COUNTY_STAFF].user_id, {"reason": "idle"})
    assert event.remote_addr == "127.0.0.1"
    assert event.at.replace(tzinfo=dt.UTC) == FROZEN_NOW + dt.timedelta(minutes=60)
    client.get("/")  # no longer signed in: nothing more is recorded
    assert len(sign_outs(runtime)) == 1


def test_a_session_ended_by_its_lifetime_is_audited_as_such(client, runtime, people_of_every_role, frozen_clock):
    sign_in(client, "broker", PASSWORD)
    while client.get("/").status_code == 200:
        frozen_clock.shift(dt.timedelta(minutes=20))
    [event] = sign_outs(runtime)
    assert (event.actor, event.after, event.remote_addr) == ("broker", {"reason": "lifetime"}, "127.0.0.1")
    assert event.at.replace(tzinfo=dt.UTC) == FROZEN_NOW + dt.timedelta(hours=12, minutes=20)
