"""The life of an offer: hires fill posts and withdraw offers in the same transaction; seats given back bring
them back; runs never resurrect what the lifecycle withdrew."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.errors import Conflict
from jobs.placements.matches import (
    STANDING,
    TRANSITIONS,
    MatchError,
    answer_match,
    close_post,
    move,
    push_match,
    run_matching,
)
from jobs.placements.placements import (
    PlacementError,
    activate_placement,
    cancel_placement,
    end_placement,
    hire_placement,
    propose_placement,
)
from jobs.storage.enums import EndReason, MatchStatus, PostStatus, WithdrawnReason
from jobs.storage.models import Match, Post
from tests.factories import make_employer, make_person, make_placement, make_post

TODAY = dt.date(2026, 11, 24)
START = dt.date(2026, 12, 1)
P, PU, I, D, PL, W = (MatchStatus.PROPOSED, MatchStatus.PUSHED, MatchStatus.INTERESTED, MatchStatus.DECLINED,
                      MatchStatus.PLACED, MatchStatus.WITHDRAWN)


@pytest.fixture
def world(session, vault, frozen_clock):
    """Two welders matched to a one-seat post in 东莞 and to a ten-seat post in 深圳."""
    first = make_person(session, vault, name="王焊")
    second = make_person(session, vault, name="李焊")
    one_seat = make_post(session, employer=make_employer(session, region_code="441900"), title="电焊工", headcount=1)
    roomy = make_post(session, employer=make_employer(session, region_code="440306"), title="焊工（二保焊）",
                      headcount=10)
    run_matching(session, today=TODAY, vault=vault)
    return first, second, one_seat, roomy


def _status(session, person, post) -> tuple[MatchStatus, WithdrawnReason | None]:
    match = session.scalars(select(Match).where(Match.person_id == person.id, Match.post_id == post.id)).one()
    return match.status, match.withdrawn_reason


def _hire(session, person, post):
    placement = propose_placement(session, person_id=person.id, post_id=post.id, actor=SYSTEM)
    hire_placement(session, placement_id=placement.id, start_date=START, actor=SYSTEM)
    return placement


def test_the_world_starts_with_every_pair_proposed(session, world):
    first, second, one_seat, roomy = world
    assert {_status(session, p, q) for p in (first, second) for q in (one_seat, roomy)} == {(P, None)}


def test_a_hire_into_the_last_seat_fills_the_post_and_withdraws_the_offers_it_ends(session, world):
    first, second, one_seat, roomy = world
    _hire(session, first, one_seat)
    assert (one_seat.filled, one_seat.status) == (1, PostStatus.FILLED)
    assert _status(session, first, one_seat) == (PL, None)
    assert _status(session, second, one_seat) == (W, WithdrawnReason.POST_FULL)
    assert _status(session, first, roomy) == (W, WithdrawnReason.PLACED_ELSEWHERE)
    assert _status(session, second, roomy) == (P, None)
    assert (roomy.filled, roomy.status) == (0, PostStatus.OPEN)


def test_a_hire_into_a_full_post_is_refused_as_a_conflict(session, world):
    first, second, one_seat, _ = world
    _hire(session, first, one_seat)
    late = propose_placement(session, person_id=second.id, post_id=one_seat.id, actor=SYSTEM)
    with pytest.raises(PlacementError, match="已招满") as refused:
        hire_placement(session, placement_id=late.id, start_date=START, actor=SYSTEM)
    assert isinstance(refused.value, Conflict)
    assert one_seat.filled == 1


def test_calling_off_a_hire_gives_the_seat_back_and_the_offers_come_back(session, world):
    first, second, one_seat, roomy = world
    placement = _hire(session, first, one_seat)
    cancel_placement(session, placement_id=placement.id, reason="本人放弃", actor=SYSTEM)
    assert (one_seat.filled, one_seat.status) == (0, PostStatus.OPEN)
    assert _status(session, second, one_seat) == (P, None)
    assert _status(session, first, roomy) == (P, None)
    # The worker turned this employer down: that offer does not come back by itself.
    assert _status(session, first, one_seat) == (W, WithdrawnReason.PLACEMENT_ENDED)


def test_a_job_loss_reopens_the_post_and_the_worker_is_offered_work_again(session, world):
    first, second, one_seat, roomy = world
    placement = _hire(session, first, one_seat)
    activate_placement(session, placement_id=placement.id, actor=SYSTEM)
    end_placement(session, placement_id=placement.id, end_date=START + dt.timedelta(days=30), reason=EndReason.QUIT, actor=SYSTEM)
    assert (one_seat.filled, one_seat.status) == (0, PostStatus.OPEN)
    assert _status(session, second, one_seat) == (P, None)
    assert _status(session, first, roomy) == (P, None)


def test_an_offer_withdrawn_while_its_worker_was_placed_waits_for_its_post_to_have_a_seat_again(
    session, vault, world
):
    first, second, one_seat, roomy = world
    placement = _hire(session, first, roomy)
    other = _hire(session, second, one_seat)  # the one-seat post fills while the first welder has a job
    assert _status(session, first, one_seat) == (W, WithdrawnReason.PLACED_ELSEWHERE)
    cancel_placement(session, placement_id=placement.id, reason="单位取消录用", actor=SYSTEM)
    assert _status(session, first, one_seat) == (W, WithdrawnReason.POST_FULL)  # free, but the post is full
    cancel_placement(session, placement_id=other.id, reason="本人放弃", actor=SYSTEM)
    assert _status(session, first, one_seat) == (P, None)
    # The second welder found nothing else: their offer of the roomy post never left.
    assert _status(session, second, roomy) == (P, None)


def test_an_offer_withdrawn_from_a_full_post_stays_with_a_worker_placed_elsewhere_when_the_seat_frees(
    session, world
):
    first, second, one_seat, roomy = world
    placement = _hire(session, first, one_seat)
    _hire(session, second, roomy)
    cancel_placement(session, placement_id=placement.id, reason="本人放弃", actor=SYSTEM)
    assert _status(session, second, one_seat) == (W, WithdrawnReason.PLACED_ELSEWHERE)


def test_closing_a_post_withdraws_its_standing_offers(session, world):
    first, second, one_seat, _ = world
    close_post(session, post_id=one_seat.id)
    assert {_status(session, p, one_seat) for p in (first, second)} == {(W, WithdrawnReason.POST_CLOSED)}
    with pytest.raises(Conflict):
        close_post(session, post_id=one_seat.id)


def test_the_next_run_neither_resurrects_withdrawn_offers_nor_offers_full_or_closed_posts(
    session, vault, world, frozen_clock
):
    first, second, one_seat, roomy = world
    _hire(session, first, one_seat)
    closed = make_post(session, employer=make_employer(session, region_code="440306"), title="电焊工（夜班）")
    close_post(session, post_id=closed.id)
    newcomer = make_person(session, vault, name="赵焊")
    frozen_clock.shift(dt.timedelta(hours=1))
    run_matching(session, today=TODAY, vault=vault)
    run_matching(session, today=TODAY, everything=True, vault=vault)
    assert _status(session, second, one_seat) == (W, WithdrawnReason.POST_FULL)
    assert _status(session, first, roomy) == (W, WithdrawnReason.PLACED_ELSEWHERE)
    offered = {(m.person_id, m.post_id) for m in session.scalars(select(Match).where(Match.status.in_(STANDING)))}
    assert (newcomer.id, roomy.id) in offered
    assert not {pair for pair in offered if pair[1] in (one_seat.id, closed.id) or pair[0] == first.id}


def test_a_post_closed_outside_the_lifecycle_loses_its_offers_at_the_next_run(session, vault, world, frozen_clock):
    first, second, one_seat, _ = world
    one_seat.status = PostStatus.CLOSED  # as a re-imported supply list past its closing date does
    session.flush()
    run_matching(session, today=TODAY, vault=vault)
    assert {_status(session, p, one_seat) for p in (first, second)} == {(W, WithdrawnReason.POST_CLOSED)}


def test_an_offer_is_pushed_then_answered_and_a_wrong_move_is_a_conflict(session, world):
    first, second, one_seat, _ = world
    offer = session.scalars(select(Match).where(Match.person_id == first.id, Match.post_id == one_seat.id)).one()
    push_match(session, match_id=offer.id)
    answer_match(session, match_id=offer.id, interested=True)
    assert offer.status is I
    with pytest.raises(MatchError, match="有意向.*已推送") as refused:
        push_match(session, match_id=offer.id)
    assert isinstance(refused.value, Conflict)
    declined = session.scalars(select(Match).where(Match.person_id == second.id,
                                                   Match.post_id == one_seat.id)).one()
    push_match(session, match_id=declined.id)
    answer_match(session, match_id=declined.id, interested=False)
    _hire(session, first, one_seat)
    assert offer.status is PL
    assert declined.status is D  # the worker's own answer is kept, not overwritten by "post full"


def test_the_transitions_table_is_the_documented_lifecycle():
    assert TRANSITIONS[P] == {PU, PL, W}
    assert TRANSITIONS[PU] == {I, D, PL, W}
    assert TRANSITIONS[I] == {D, PL, W}
    assert TRANSITIONS[D] == set()
    assert TRANSITIONS[PL] == {W}
    assert TRANSITIONS[W] == {P}
    assert set(TRANSITIONS) == set(MatchStatus)


def test_a_withdrawal_carries_its_reason_and_nothing_else_does(session, world):
    first, _, one_seat, _ = world
    offer = session.scalars(select(Match).where(Match.person_id == first.id, Match.post_id == one_seat.id)).one()
    with pytest.raises(ValueError):
        move(offer, W)
    with pytest.raises(ValueError):
        move(offer, PU, reason=WithdrawnReason.POST_FULL)
    move(offer, W, reason=WithdrawnReason.POST_CLOSED)
    assert (offer.status, offer.withdrawn_reason) == (W, WithdrawnReason.POST_CLOSED)


def test_the_placement_factory_reaches_its_states_through_the_use_cases(session, vault):
    post = make_post(session, headcount=2)
    placed = make_placement(session, vault, post=post)
    ended = make_placement(session, vault, "ended", post=post)
    assert post.filled == 1 and post.status is PostStatus.OPEN  # the ended job gave its seat back
    assert ended.person.employment_status.value == "unemployed" and placed.person.employment_status.value == "employed"
    session.refresh(post)
    assert session.get(Post, post.id).filled == 1
