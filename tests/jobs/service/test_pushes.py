"""Job information pushes: pacing, which offers go out, and what a push records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from jobs.service.pushes import (
    best_offers,
    due_job_pushes,
    job_slot_month,
    push_guidance,
    push_job_information,
    record_guidance_session,
)
from jobs.service.standards import Standards
from jobs.storage.clock import CHINA
from jobs.storage.enums import MatchStatus, PostStatus
from jobs.storage.models import Match, OutboxMessage, PushPost
from tests.jobs.service.world import build_world

TEN_AM = dt.datetime(2025, 3, 3, 10, 0, tzinfo=CHINA).astimezone(dt.UTC)


def test_three_pushes_a_year_fall_due_in_january_may_and_september():
    assert [job_slot_month(k, 3) for k in (1, 2, 3)] == [1, 5, 9]
    assert [due_job_pushes(3, month) for month in (1, 4, 5, 8, 9, 12)] == [1, 1, 2, 2, 3, 3]


def test_the_hunan_pack_governs_ningxiang_in_2025_with_311_and_nothing_is_stretched_into_2026(session):
    standards = Standards.load(session)
    hunan = standards.for_county("430182", dt.date(2025, 6, 1))
    assert (hunan.document_number, hunan.article) == ("湘人社规〔2021〕10号", "第十三条")
    assert hunan.required() == {"job": 3, "training": 1, "guidance": 1}
    youyi = standards.for_county("230522", dt.date(2025, 6, 1))
    assert youyi.required() == {"job": 3, "training": 1, "guidance": 1} and youyi.categories == {"脱贫人口"}
    assert standards.for_county("430182", dt.date(2026, 1, 1)) is None


def test_offers_are_open_posts_with_room_best_first_and_never_repeated(session, vault, frozen_clock):
    world = build_world(session, vault, posts=8)
    welder = world["covered"][0]
    posts = world["posts"]
    posts[0].status = PostStatus.CLOSED
    posts[2].filled = posts[2].headcount
    posts[4].closing_date = dt.date(2025, 3, 1)
    session.flush()
    offers = best_offers(session, person=welder, day=TEN_AM.date())
    shut = {posts[0].id, posts[2].id, posts[4].id}
    assert offers and not shut & {o.post.id for o in offers}
    assert [o.score for o in offers] == sorted((o.score for o in offers), reverse=True)

    first = push_job_information(session, person=welder, key="job:test:1", now=TEN_AM)
    pushed_ids = {o.post.id for o in first.offers}
    assert {m.status for m in session.scalars(select(Match).where(
        Match.person_id == welder.id, Match.post_id.in_(pushed_ids)))} == {MatchStatus.PUSHED}
    second = push_job_information(session, person=welder, key="job:test:2", now=TEN_AM)
    assert second is None or not pushed_ids & {o.post.id for o in second.offers}
    assert push_job_information(session, person=welder, key="job:test:1", now=TEN_AM) is None
    pairs = session.execute(select(PushPost.person_id, PushPost.post_id)).all()
    assert len(pairs) == len(set(pairs))
    sms = session.scalars(select(OutboxMessage).where(OutboxMessage.push_id == first.push.id,
                                                      OutboxMessage.channel == "sms")).all()
    assert len(sms) == 1 and welder.name in sms[0].body


def test_a_guidance_invitation_is_marked_done_when_staff_log_the_session(session, vault, frozen_clock):
    world = build_world(session, vault, posts=2)
    cook = world["covered"][1]
    invitation = push_guidance(session, person=cook, key="guidance:test", now=TEN_AM)
    assert "宁乡市人力资源和社会保障局" in invitation.content and invitation.done_at is None
    later = TEN_AM + dt.timedelta(days=5)
    assert record_guidance_session(session, person_id=cook.id, now=later) is invitation
    assert invitation.done_at == later
