"""The seeker's own API beside ``GET /me/offers``: answering an offer (``POST /me/offers/{id}/interest``) and the
in-app inbox (``GET /me/messages``, ``POST /me/messages/{id}/read``). Another person's offer or message is 404,
staff may not answer offers (403), unknown fields are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs.service.outbox import Channels, deliver_due, notify_person
from jobs.storage.clock import now_utc
from jobs.storage.enums import MatchStatus
from jobs.storage.models import InboxMessage, Match, Person
from tests.factories import make_employer, make_post


@pytest.fixture
def offers(runtime, api_world) -> dict[str, int]:
    with runtime.db.transaction() as session:
        post = make_post(session, employer=make_employer(session, region_code="441900"), region_code="441900",
                         title="电焊工")
        mine = Match(person_id=api_world.ids["ningxiang"], post_id=post.id, score=90, reasons="工种相符",
                     components={})
        theirs = Match(person_id=api_world.ids["xiangtan"], post_id=post.id, score=90, reasons="工种相符",
                       components={})
        session.add_all([mine, theirs])
        for person_name, key in (("ningxiang", "a"), ("ningxiang", "b"), ("xiangtan", "c")):
            person = session.get(Person, api_world.ids[person_name])
            notify_person(session, person=person, kind="push", key=f"api:{key}", title=f"消息{key}",
                          body=f"内容{key}", sms_text="x", now=now_utc())
        session.flush()
        ids = {"mine": mine.id, "theirs": theirs.id}
    deliver_due(runtime.db, Channels(vault=runtime.vault), now=now_utc() + dt.timedelta(days=1))
    with runtime.db.session() as session:
        ids.update({m.title: m.id for m in session.scalars(select(InboxMessage))})
    return ids


def test_a_seeker_says_interested_with_a_reason(client, api_world, offers, runtime):
    answer = client.post(f"/api/v1/me/offers/{offers['mine']}/interest",
                         json={"interested": True, "reason": "离家近"}, headers=api_world.bearer["seeker"])
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "interested" and answer.json["answer_note"] == "离家近"
    assert answer.json["answered_at"]
    with runtime.db.session() as session:
        assert session.get(Match, offers["mine"]).status is MatchStatus.INTERESTED
    declined = client.post(f"/api/v1/me/offers/{offers['mine']}/interest", json={"interested": False},
                           headers=api_world.bearer["seeker"])
    assert declined.json["status"] == "declined"
    again = client.post(f"/api/v1/me/offers/{offers['mine']}/interest", json={"interested": True},
                        headers=api_world.bearer["seeker"])
    assert again.status_code == 409 and again.mimetype == "application/problem+json"


def test_another_persons_offer_is_not_found_and_staff_may_not_answer(client, api_world, offers):
    theirs = client.post(f"/api/v1/me/offers/{offers['theirs']}/interest", json={"interested": True},
                         headers=api_world.bearer["seeker"])
    assert theirs.status_code == 404 and theirs.json["status"] == 404
    staff = client.post(f"/api/v1/me/offers/{offers['mine']}/interest", json={"interested": True},
                        headers=api_world.bearer["county"])
    assert staff.status_code == 403


def test_the_answer_body_is_checked(client, api_world, offers):
    url = f"/api/v1/me/offers/{offers['mine']}/interest"
    unknown = client.post(url, json={"interested": True, "score": 100}, headers=api_world.bearer["seeker"])
    assert unknown.status_code == 422 and "score" in unknown.json["errors"]
    missing = client.post(url, json={"reason": "x"}, headers=api_world.bearer["seeker"])
    assert missing.status_code == 422 and "interested" in missing.json["errors"]
    long = client.post(url, json={"interested": True, "reason": "长" * 201}, headers=api_world.bearer["seeker"])
    assert long.status_code == 422 and "reason" in long.json["errors"]


def test_messages_unread_first_and_marked_read(client, api_world, offers):
    seeker = api_world.bearer["seeker"]
    listed = client.get("/api/v1/me/messages", headers=seeker).json
    assert [m["title"] for m in listed["items"]] == ["消息b", "消息a"] and listed["total"] == 2
    read = client.post(f"/api/v1/me/messages/{offers['消息b']}/read", headers=seeker)
    assert read.status_code == 200 and read.json["unread"] is False
    listed = client.get("/api/v1/me/messages", headers=seeker).json
    assert [m["title"] for m in listed["items"]] == ["消息a", "消息b"]
    unread = client.get("/api/v1/me/messages?unread=true", headers=seeker).json
    assert [m["title"] for m in unread["items"]] == ["消息a"] and unread["total"] == 1
    assert client.post(f"/api/v1/me/messages/{offers['消息c']}/read", headers=seeker).status_code == 404
    assert client.get("/api/v1/me/messages?colour=red", headers=seeker).status_code == 422
