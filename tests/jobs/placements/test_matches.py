"""Matching in the database: new pairs are proposed, reruns never duplicate, decisions are kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from jobs.storage.enums import EmploymentStatus, MatchStatus
from jobs.placements.matches import post_of, run_matching, seeker_of
from jobs.storage.models import Match
from jobs.people.regions import RegionError
from tests.factories import make_employer, make_person, make_post

TODAY = dt.date(2026, 11, 24)


def _world(session, vault):
    welder = make_person(session, vault, name="王焊", wanted_occupations=(("电焊工", None),),
                         wanted_regions=(("广东", "44"),))
    nanny = make_person(session, vault, name="李姐", skills="做过家政", wanted_occupations=(("保姆", None),),
                        wanted_regions=(("不限", None),), expected_wage_min=None, expected_wage_max=None)
    working = make_person(session, vault, name="在岗者", employment_status=EmploymentStatus.EMPLOYED)
    dongguan = make_employer(session, region_code="441900")
    welding = make_post(session, employer=dongguan, title="焊工（二保焊）")
    housekeeping = make_post(session, employer=make_employer(session, region_code="320214"), title="家政服务员",
                             wage_min=5000, wage_max=7000, skills_required=None)
    return welder, nanny, working, welding, housekeeping


def _pairs(session):
    return {(m.person.name, m.post.title): m for m in session.scalars(select(Match))}


def test_workers_looking_for_work_get_their_best_posts_with_reasons(session, vault, frozen_clock):
    _world(session, vault)
    summary = run_matching(session, vault=vault, today=TODAY)
    pairs = _pairs(session)
    assert ("王焊", "焊工（二保焊）") in pairs and ("李姐", "家政服务员") in pairs
    assert all(name != "在岗者" for name, _ in pairs)  # employed workers are not offered posts
    welding = pairs[("王焊", "焊工（二保焊）")]
    assert welding.status is MatchStatus.PROPOSED and welding.score > 50
    assert "工种" in welding.reasons and "6-18-02-04" in welding.reasons
    assert summary.created == len(pairs)


def test_a_rerun_with_nothing_changed_creates_nothing(session, vault, frozen_clock):
    _world(session, vault)
    run_matching(session, vault=vault, today=TODAY)
    before = session.scalar(select(func.count()).select_from(Match))
    frozen_clock.shift(dt.timedelta(minutes=5))
    summary = run_matching(session, vault=vault, today=TODAY)
    assert (summary.seekers, summary.posts, summary.created) == (0, 0, 0)
    assert session.scalar(select(func.count()).select_from(Match)) == before


def test_a_new_post_is_matched_against_existing_workers_without_duplicating_or_resetting_decisions(
    session, vault, frozen_clock
):
    welder, *_ = _world(session, vault)
    run_matching(session, vault=vault, today=TODAY)
    decided = _pairs(session)[("王焊", "焊工（二保焊）")]
    decided.status = MatchStatus.INTERESTED
    session.flush()
    frozen_clock.shift(dt.timedelta(hours=1))
    make_post(session, employer=make_employer(session, region_code="440306"), title="电焊工")
    summary = run_matching(session, vault=vault, today=TODAY)
    pairs = _pairs(session)
    assert ("王焊", "电焊工") in pairs and summary.posts == 1
    assert pairs[("王焊", "焊工（二保焊）")].status is MatchStatus.INTERESTED
    assert session.scalar(select(func.count()).select_from(Match).where(Match.person_id == welder.id)) == 2


def test_the_engine_sees_current_county_codes_and_wanted_places(session, vault):
    person = make_person(session, vault, household_region_code="430182", wanted_regions=(("省内", "43"), ("不限", None)))
    seeker = seeker_of(person, vault)
    assert seeker.home_county == "430182"
    assert seeker.wanted_areas == ("43", "ANY") and seeker.wanted_area_labels == ("省内", "不限")
    post = post_of(make_post(session, employer=make_employer(session, region_code="441900")))
    assert post.region_code == "441900" and post.open


def test_matching_one_origin_county_leaves_the_others_alone(session, vault, frozen_clock):
    _world(session, vault)
    make_person(session, vault, name="金寨人", household_region_code="341524", issuing_code="342426",
                birth_date=dt.date(1985, 5, 1), wanted_occupations=(("电焊工", None),))
    run_matching(session, vault=vault, today=TODAY, origin="342426")  # 金寨's retired code names the same county
    assert {name for name, _ in _pairs(session)} == {"金寨人"}


def test_an_unknown_origin_is_refused_rather_than_read_as_a_prefix_of_digits(session, vault, frozen_clock):
    _world(session, vault)
    with pytest.raises(RegionError):
        run_matching(session, vault=vault, today=TODAY, origin="430180")  # no such county (and not "43018x")
    assert not _pairs(session)


def test_a_worker_who_only_changes_wanted_places_is_matched_again(session, vault, frozen_clock):
    from dataclasses import replace

    from jobs.people.persons import save_person
    from tests.factories import person_data

    data = person_data(name="改地点", wanted_occupations=(("电焊工", None),), wanted_regions=(("浙江", "33"),))
    save_person(session, vault, data)
    make_post(session, employer=make_employer(session, region_code="441900"), title="电焊工")
    session.flush()
    run_matching(session, vault=vault, today=TODAY)
    assert not _pairs(session)  # the only post is in 广东
    frozen_clock.shift(dt.timedelta(hours=1))
    save_person(session, vault, replace(data, wanted_regions=(("广东", "44"),)))
    session.flush()
    summary = run_matching(session, vault=vault, today=TODAY)
    assert summary.seekers == 1 and ("改地点", "电焊工") in _pairs(session)


def test_post_age_limits_use_the_exact_age_from_the_encrypted_id_number(session, vault, frozen_clock):
    """The birth date is not stored in clear; a worker 50 years and one day old is still outside 18-49."""
    fifty = make_person(session, vault, name="满五十", birth_date=dt.date(1976, 11, 23))
    forty_nine = make_person(session, vault, name="四十九", birth_date=dt.date(1976, 11, 25))
    make_post(session, title="焊工（二保焊）", age_min=18, age_max=49)
    run_matching(session, vault=vault, today=TODAY)
    names = {name for name, _ in _pairs(session)}
    assert forty_nine.name in names and fifty.name not in names


def test_a_worker_whose_id_number_cannot_be_decrypted_is_skipped_and_the_rest_matched(session, vault, frozen_clock):
    from jobs.storage.crypto import Vault

    welder, *_ = _world(session, vault)
    broken = make_person(session, vault, name="密文损坏")
    broken.id_number_encrypted = Vault.from_secret("another-secret-of-at-least-32-characters").encrypt("x")
    summary = run_matching(session, vault=vault, today=TODAY)
    assert any(f"密文损坏（人员编号{broken.id}）" in message for message in summary.skipped)
    assert (welder.name, "焊工（二保焊）") in _pairs(session)


# --- runs in batches, changes tracked by the outbox ------------------------------------------------------------


def _two_welders_and_a_post(database, vault):
    """The first welder wants 浙江 only (no post there), the second 广东 (one post in 东莞)."""
    from jobs.people.persons import save_person
    from tests.factories import person_data

    first = person_data(name="先焊", wanted_regions=(("浙江", "33"),))
    with database.writer() as session:
        person, _ = save_person(session, vault, first)
        make_person(session, vault, name="后焊")
        make_post(session, employer=make_employer(session, region_code="441900"), title="电焊工")
        session.commit()
        return person.id, first


def test_a_run_commits_batch_by_batch_and_gives_the_same_matches_as_one_batch(app_database_url, vault, frozen_clock):
    from jobs.storage.db import Database

    database = Database(app_database_url)
    try:
        _two_welders_and_a_post(database, vault)
        with database.writer() as session:
            summary = run_matching(session, today=TODAY, batch_size=1, vault=vault)
            assert summary.batches == 2 + 1  # one worker per batch, then the changed post
            pairs = set(_pairs(session))
            run_matching(session, today=TODAY, everything=True, vault=vault)
            assert set(_pairs(session)) == pairs == {("后焊", "电焊工")}
    finally:
        database.dispose()


def test_a_change_committed_during_a_run_is_matched_by_the_next_run(app_database_url, vault, frozen_clock):
    """The first welder is edited by someone else just after the run's first batch has matched them: a
    "last run" time would skip the edit (it is stamped before the run ended); the outbox keeps it."""
    from dataclasses import replace

    from sqlalchemy import event

    from jobs.people.persons import save_person
    from jobs.storage.db import Database
    from jobs.storage.models import MatchChange

    database = Database(app_database_url)
    try:
        first_id, first = _two_welders_and_a_post(database, vault)
        with database.writer() as session:
            run_matching(session, today=TODAY, vault=vault)
            save_person(session, vault, replace(first, skills="电焊、气割"))  # both welders changed since
            make_person(session, vault, name="新焊")
            session.commit()
        edited = []

        def edit_after_first_batch(_session) -> None:
            with database.writer() as other:
                pending = other.scalars(select(MatchChange).where(MatchChange.ref_id == first_id,
                                                                  MatchChange.kind == "person")).all()
                if edited or pending:
                    return
                save_person(other, vault, replace(first, wanted_regions=(("广东", "44"),)))
                other.commit()
                edited.append(True)

        with database.writer() as session:
            event.listen(session, "after_commit", edit_after_first_batch)
            summary = run_matching(session, today=TODAY, batch_size=1, vault=vault)
            event.remove(session, "after_commit", edit_after_first_batch)
            assert edited and summary.seekers == 2 and ("先焊", "电焊工") not in _pairs(session)
            summary = run_matching(session, today=TODAY, vault=vault)
            assert summary.seekers == 1 and ("先焊", "电焊工") in _pairs(session)
    finally:
        database.dispose()
