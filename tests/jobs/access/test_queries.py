"""The read side: each named query answers within the user's scope, in pages."""

from __future__ import annotations

import datetime as dt

import pytest
from jobs.access import queries
from jobs.people.persons import reveal_id_number
from jobs.access.permissions import SYSTEM
from jobs.errors import Forbidden, InvalidInput, NotFound
from jobs.placements.placements import end_placement
from jobs.storage.enums import ClaimStatus, EmploymentStatus, EndReason, MatchStatus
from jobs.storage.models import Match
from tests.factories import make_hired_placement, make_person


def test_people_are_searched_within_the_scope_and_paginated(session, vault, world):
    for number in range(3):
        make_person(session, vault, name=f"宁乡{number}号", household_region_code="430182",
                    household_address=f"宁乡市煤炭坝镇{number}组")
    first = queries.people(session, world.county, queries.PeopleFilters(name="宁乡"), page=1, per_page=2, vault=vault)
    second = queries.people(session, world.county, queries.PeopleFilters(name="宁乡"), page=2, per_page=2, vault=vault)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (4, 2, 2, 2)
    assert {row.name for row in first.items + second.items} == {"宁乡人", "宁乡0号", "宁乡1号", "宁乡2号"}
    assert queries.people(session, world.other_county, queries.PeopleFilters(name="宁乡"), vault=vault).total == 0
    village = queries.people(session, world.county, queries.PeopleFilters(village="1组"), vault=vault)
    assert [row.name for row in village.items] == ["宁乡1号"]


def test_the_total_is_the_same_on_a_full_page_the_last_page_and_past_the_end(session, vault, world):
    # The total of a page that is not full is counted from its rows; any other page asks the database.
    for number in range(4):
        make_person(session, vault, name=f"宁乡{number}号", household_region_code="430182")
    pages = [queries.people(session, world.county, queries.PeopleFilters(name="宁乡"), page=page, per_page=per_page,
                            vault=vault) for page, per_page in ((1, 2), (3, 2), (4, 2), (1, 10), (2, 5), (3, 5))]
    assert [(found.total, len(found.items)) for found in pages] == [(5, 2), (5, 1), (5, 0), (5, 5), (5, 0), (5, 0)]
    assert queries.people(session, world.other_county, queries.PeopleFilters(name="宁乡"), page=2,
                          vault=vault).total == 0


def test_people_filters_by_id_tail_status_and_wanted_job(session, vault, world):
    tail = reveal_id_number(world.ningxiang, vault)[-4:]
    found = queries.people(session, world.county, queries.PeopleFilters(id_tail=tail, wanted="电焊",
                                                                        status=EmploymentStatus.EMPLOYED), vault=vault)
    assert world.ningxiang.id in [row.id for row in found.items]
    assert all(row.id_masked.endswith(tail) and "*" in row.id_masked for row in found.items)
    with pytest.raises(InvalidInput) as caught:
        queries.people(session, world.county, queries.PeopleFilters(id_tail="12345"), vault=vault)
    assert list(caught.value.fields) == ["id_tail"]
    with pytest.raises(InvalidInput):  # three characters match too many people to be a search by tail
        queries.people(session, world.county, queries.PeopleFilters(id_tail=tail[1:]), vault=vault)
    with pytest.raises(InvalidInput):
        queries.people(session, world.county, page=0, vault=vault)


def test_a_seekers_offers_are_their_live_matches_on_open_posts_best_first(session, vault, world):
    session.add_all([
        Match(person_id=world.ningxiang.id, post_id=world.post.id, score=80, reasons="工种相符", components={}),
        Match(person_id=world.xiangtan.id, post_id=world.post.id, score=90, reasons="工种相符", components={},
              status=MatchStatus.PROPOSED),
    ])
    session.flush()
    offers = queries.offers_for_seeker(session, world.seeker, world.ningxiang.id)
    assert [(o.post_id, o.score, o.reasons) for o in offers.items] == [(world.post.id, 80, "工种相符")]
    with pytest.raises(NotFound):
        queries.offers_for_seeker(session, world.seeker, world.xiangtan.id)


def test_the_review_queue_holds_the_eligible_claims_of_my_area(session, vault, world):
    mine = queries.claims_to_review(session, world.county, vault=vault)
    assert [row.id for row in mine.items] == [world.claim_x.id]
    assert mine.items[0].status == ClaimStatus.ELIGIBLE.label and mine.items[0].amount == "300.00"
    other = queries.claims_to_review(session, world.other_county, vault=vault)
    assert world.claim_x.id not in [row.id for row in other.items]
    assert queries.claims_to_review(session, world.workstation, vault=vault).total == 0
    assert [row.id for row in queries.claims(session, world.broker_x, vault=vault).items] == [world.claim_x.id]
    assert world.claim_x.id not in [row.id for row in queries.claims(session, world.broker_y, vault=vault).items]


def test_checks_due_lists_placements_in_my_city_whose_next_check_is_due(session, vault, world):
    # Both world placements were checked at 6 months (2024-08-23); the 12-month check is due on 2025-02-22.
    due = queries.checks_due(session, world.workstation, dt.date(2025, 3, 1), vault=vault)
    assert {(d.placement.id, d.months, d.due_on, d.overdue_days) for d in due.items} == {
        (world.placement_x.id, 12, dt.date(2025, 2, 22), 7), (world.placement_y.id, 12, dt.date(2025, 2, 22), 7)}
    assert queries.checks_due(session, world.workstation, dt.date(2025, 2, 1), vault=vault).total == 0
    assert queries.checks_due(session, world.other_workstation, dt.date(2025, 3, 1), vault=vault).total == 0
    fresh = make_hired_placement(session, vault, post=world.post, start_date=dt.date(2024, 11, 1))
    (row,) = [d for d in queries.checks_due(session, world.workstation, dt.date(2025, 3, 1), vault=vault).items
              if d.placement.id == fresh.id]
    assert (row.months, row.due_on) == (3, dt.date(2025, 2, 1))
    end_placement(session, placement_id=fresh.id, end_date=dt.date(2025, 2, 10), reason=EndReason.QUIT, actor=SYSTEM)
    assert fresh.id not in [d.placement.id for d in queries.checks_due(session, world.workstation,
                                                                       dt.date(2025, 3, 1), vault=vault).items]


def test_placements_dispatches_and_job_losses_follow_the_scope(session, vault, world):
    assert [p.id for p in queries.placements(session, world.broker_x, vault=vault).items] == [world.placement_x.id]
    assert {p.id for p in queries.placements(session, world.workstation, vault=vault).items} == {world.placement_x.id,
                                                                                   world.placement_y.id}
    assert [d.id for d in queries.dispatches(session, world.county).items] == [world.dispatch_x.id]
    assert queries.dispatches(session, world.other_county).total == 0
    end_placement(session, placement_id=world.placement_y.id, end_date=dt.date(2024, 12, 1), reason=EndReason.QUIT,
                  actor=world.workstation)
    assert [loss.person_id for loss in queries.job_losses(session, world.other_county, vault=vault).items] == [world.xiangtan.id]
    assert queries.job_losses(session, world.county, vault=vault).total == 0


def test_posts_are_read_by_every_staff_role_and_filtered_by_region(session, vault, world):
    assert world.post.id in [p.id for p in queries.posts(session, world.county).items]
    assert world.post.id in [p.id for p in queries.posts(session, world.broker_y, region="4419").items]
    assert world.post.id not in [p.id for p in queries.posts(session, world.county, region="3205").items]


def test_a_persons_page_shows_what_the_viewer_may_see(session, vault, world):
    detail = queries.person_detail(session, world.broker_y, world.ningxiang.id, vault=vault)
    assert detail.person.name == "宁乡人" and detail.placements == [] and detail.claims == []
    own = queries.person_detail(session, world.county, world.ningxiang.id, vault=vault)
    assert [p.id for p in own.placements] == [world.placement_x.id]
    assert [c.id for c in own.claims if c.kind == "就业创业服务补助"] == [world.claim_x.id]
    with pytest.raises(NotFound):
        queries.person_detail(session, world.other_county, world.ningxiang.id, vault=vault)


def test_the_audit_log_is_for_administrators(session, vault, world):
    rows = queries.audit_log(session, world.admin, action="placement.hire")
    assert rows.total == 2 and all(row.action == "placement.hire" for row in rows.items)
    with pytest.raises(Forbidden):
        queries.audit_log(session, world.county)


def test_the_dashboard_counts_one_level_below_the_viewers_area(session, vault, world):
    province = {row.region_code: row for row in queries.dashboard_counts(session, world.province, year=2024)}
    assert set(province) == {"4301", "4303"}
    assert (province["4301"].people, province["4301"].placements_this_year, province["4301"].claims_eligible) == (
        2, 1, 1)
    county = queries.dashboard_counts(session, world.county, year=2024)
    assert [(row.region_code, row.people) for row in county] == [("430182", 2)]
    assert {row.region_code for row in queries.dashboard_counts(session, SYSTEM, year=2024)} == {"43"}


def test_arrivals_are_the_travellers_of_departed_dispatches_coming_to_my_city(session, vault, world):
    from jobs.placements.dispatches import depart

    assert queries.arrivals(session, world.workstation, vault=vault).total == 0  # not left yet
    depart(session, dispatch_id=world.dispatch_x.id, actor=SYSTEM)
    (row,) = queries.arrivals(session, world.workstation, vault=vault, expected_only=True).items
    assert (row.person_id, row.dispatch_id, row.expected) == (world.ningxiang.id, world.dispatch_x.id, True)
    assert "*" in row.id_masked
    assert queries.arrivals(session, world.other_workstation, vault=vault).total == 0
    assert queries.arrivals(session, world.broker_y, vault=vault).total == 0


def test_a_persons_detail_carries_the_employment_checks_of_each_placement(session, vault, world):
    detail = queries.person_detail(session, world.county, world.ningxiang.id, vault=vault)
    assert [(c.check_date, c.employed) for c in detail.checks[world.placement_x.id]] == [(dt.date(2024, 8, 23), True)]


def test_people_served_carry_their_best_live_offer_and_candidates_stay_in_scope(session, vault, world):
    session.add_all([
        Match(person_id=world.ningxiang.id, post_id=world.post.id, score=80, reasons="工种相符", components={}),
        Match(person_id=world.xiangtan.id, post_id=world.post.id, score=90, reasons="工种相符", components={}),
    ])
    session.flush()
    rows = {row.person.id: row for row in queries.people_with_best_offer(session, world.county, vault=vault).items}
    assert rows[world.ningxiang.id].best.score == 80 and world.xiangtan.id not in rows
    assert rows[world.ningxiang_old_code.id].best is None
    mine = queries.candidates_for_post(session, world.county, world.post.id, vault=vault)
    assert [c.person.id for c in mine.items] == [world.ningxiang.id]
    theirs = queries.candidates_for_post(session, world.other_county, world.post.id, vault=vault)
    assert [c.person.id for c in theirs.items] == [world.xiangtan.id]
    with pytest.raises(NotFound):
        queries.candidates_for_post(session, world.county, 999_999, vault=vault)
    assert queries.own_brokers(session, world.broker_x) == [(world.placement_x.broker_id,
                                                             world.placement_x.broker.name)]
