"""A worker answers an offer on their phone (感兴趣 / 不感兴趣, with a reason): along the lifecycle's moves, recorded
with the actor, only their own offers; and a worker who changes what they want is matched again at once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs.errors import NotFound
from jobs.lists.importing import occupation_code
from jobs.people.wishes import Wishes, update_wishes
from jobs.placements.matches import MatchError, answer_offer, rematch_person
from jobs.storage.clock import now_utc
from jobs.storage.enums import MatchStatus, Role
from jobs.storage.models import AuditEvent, Match, MatchChange
from tests.factories import make_employer, make_person, make_post, make_user

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def offer(session, vault, frozen_clock):
    worker = make_person(session, vault, name="王五")
    other = make_person(session, vault, name="赵六")
    post = make_post(session, employer=make_employer(session), title="电焊工")
    mine = Match(person_id=worker.id, post_id=post.id, score=90, reasons="工种相符", components={})
    theirs = Match(person_id=other.id, post_id=post.id, score=90, reasons="工种相符", components={})
    session.add_all([mine, theirs])
    session.flush()
    return mine, theirs, make_user(session, role=Role.SEEKER, person=worker)


def test_interest_in_a_proposed_offer_passes_through_pushed_and_is_audited(session, offer):
    mine, _, seeker = offer
    answer_offer(session, match_id=mine.id, interested=True, reason="  离家近  ", actor=seeker, now=now_utc())
    assert mine.status is MatchStatus.INTERESTED and mine.answer_note == "离家近"
    assert mine.answered_at == now_utc()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "match.answer")).one()
    assert event.actor_user_id == seeker.id and event.before == {"status": "proposed"}
    assert event.after["status"] == "interested" and event.after["note"] == "离家近"


def test_an_interested_worker_may_still_decline_but_a_declined_offer_stays_declined(session, offer):
    mine, _, seeker = offer
    answer_offer(session, match_id=mine.id, interested=True, actor=seeker, now=now_utc())
    answer_offer(session, match_id=mine.id, interested=True, actor=seeker, now=now_utc())  # the same again
    answer_offer(session, match_id=mine.id, interested=False, reason="太远", actor=seeker, now=now_utc())
    assert mine.status is MatchStatus.DECLINED
    with pytest.raises(MatchError):
        answer_offer(session, match_id=mine.id, interested=True, actor=seeker, now=now_utc())


def test_a_withdrawn_offer_cannot_be_answered(session, offer):
    from jobs.storage.enums import WithdrawnReason

    mine, _, seeker = offer
    mine.status, mine.withdrawn_reason = MatchStatus.WITHDRAWN, WithdrawnReason.POST_FULL
    session.flush()
    with pytest.raises(MatchError, match="不再推荐"):
        answer_offer(session, match_id=mine.id, interested=True, actor=seeker, now=now_utc())


def test_another_persons_offer_is_not_found(session, offer):
    _, theirs, seeker = offer
    with pytest.raises(NotFound):
        answer_offer(session, match_id=theirs.id, interested=True, actor=seeker, now=now_utc())
    assert theirs.status is MatchStatus.PROPOSED


def test_new_wishes_are_matched_at_once(session, vault, offer):
    _, _, seeker = offer
    guard = make_post(session, employer=make_employer(session, region_code="441900"), title="保安员",
                      region_code="441900", occupation_code=occupation_code("保安员"), wage_min=5000, wage_max=6000)
    update_wishes(session, vault, person_id=seeker.person_id, actor=seeker, today=TODAY,
                  wishes=Wishes(jobs="保安", places="广东", wage_min=5000, wage_max=6000, training=True, sms=False))
    assert session.scalar(select(Match).where(Match.person_id == seeker.person_id, Match.post_id == guard.id))
    # The worker's change was consumed by their own re-match: the nightly run has nothing left to do for them.
    assert not session.scalars(select(MatchChange).where(MatchChange.kind == "person",
                                                         MatchChange.ref_id == seeker.person_id)).all()


def test_rematching_someone_not_looking_for_work_withdraws_their_offers(session, vault, offer):
    from jobs.storage.enums import EmploymentStatus

    mine, _, seeker = offer
    mine.person.employment_status = EmploymentStatus.EMPLOYED
    session.flush()
    rematch_person(session, vault=vault, person_id=seeker.person_id, today=TODAY)
    session.refresh(mine)
    assert mine.status is MatchStatus.WITHDRAWN
