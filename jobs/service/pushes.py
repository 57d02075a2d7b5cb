"""Job information, training information and guidance pushes (the "311" / "一对一" service standards).

Pacing (the standard's counts come from the governing pack, see ``jobs.service.standards``):

* job pushes: the k-th of N pushes of the year falls due in month ``1 + 12·(k-1)/N`` (for N = 3: January, May,
  September), so a seeker covered all year hears in at least three different months; never two job pushes
  within seven days; anyone behind simply stays due, so the last quarter catches up week by week;
* training information falls due from March, guidance from February (spread away from January's job push);
* a job push carries the best current offers: open posts with headcount left and not past their closing date,
  from the seeker's matches, best score first and the newest good offers first; never a post already pushed to
  that person (``PushPost`` makes this a database rule). Without any match, the open posts nearest to what the
  seeker asked for, said plainly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from jobs.people.regions import region_table
from jobs.service.outbox import notify_person
from jobs.service.runs import RunContext
from jobs.service.standards import Standard, Standards, employed_on, employment_spans, of_working_age
from jobs.storage.crypto import Vault
from jobs.storage.clock import CHINA
from jobs.storage.enums import EmploymentStatus, LabourAbility, MatchStatus, OrganisationKind, PostStatus, PushKind
from jobs.storage.models import (
    Employer,
    Match,
    Organisation,
    Person,
    Post,
    Push,
    PushPost,
    TrainingCourse,
)

OFFERS_PER_PUSH = 3
COURSES_PER_PUSH = 2
JOB_PUSH_GAP = dt.timedelta(days=7)
TRAINING_FROM_MONTH = 3
GUIDANCE_FROM_MONTH = 2


def job_slot_month(k: int, total: int) -> int:
    """Month (1–12) from which the k-th (1-based) of ``total`` yearly job pushes is due."""
    return 1 + (12 * (k - 1)) // max(total, 1)


def due_job_pushes(total: int, month: int) -> int:
    """How many of the year's job pushes are due by ``month``."""
    return sum(1 for k in range(1, total + 1) if job_slot_month(k, total) <= month)


# -- who ---------------------------------------------------------------------------------------------------------


def required_by(standard: Standard, last_covered: dt.date) -> dict[str, int]:
    """What the pacing asks of a seeker whose last day under the standard in the year is ``last_covered``:
    the job pushes due by that month, and training and guidance if they were covered once those fall due."""
    month = last_covered.month
    return {"job": due_job_pushes(standard.job, month),
            "training": standard.training if month >= TRAINING_FROM_MONTH else 0,
            "guidance": standard.guidance if month >= GUIDANCE_FROM_MONTH else 0}


def covered_in_year(session: Session, standards: Standards, year: int, until: dt.date, vault: Vault, *,
                    visible: ColumnElement[bool] | None = None) -> list[tuple[int, Standard, dt.date]]:
    """(person id, standard, last day covered) for every seeker a standard covered on at least one day of
    ``year`` up to ``until``, judged day by day (see :func:`jobs.service.standards.employed_on`)."""
    query = select(Person.id, Person.household_region_code, Person.category, Person.employment_status,
                   Person.birth_year, Person.id_number_encrypted).where(
        Person.employment_intent.is_(True), Person.labour_ability != LabourAbility.NONE).order_by(Person.id)
    if visible is not None:
        query = query.where(visible)
    spans = employment_spans(session)
    days = [until - dt.timedelta(days=n) for n in range((until - dt.date(year, 1, 1)).days + 1)]
    counties: dict[str, str | None] = {}
    result = []
    for person_id, home, category, status, birth_year, encrypted in session.execute(query):
        if home not in counties:
            try:
                counties[home] = region_table().current(home).code
            except (KeyError, ValueError):
                counties[home] = None
        county = counties[home]
        held = spans.get(person_id, [])
        if county is None or (status is EmploymentStatus.EMPLOYED and not held):
            continue  # no county to govern, or employed all along as far as anyone knows
        for day in days:  # from the last day backwards: the first covered day found is the last one
            if employed_on(status, held, day):
                continue
            standard = standards.for_county(county, day)
            if standard is None or category.value not in standard.categories:
                continue
            if of_working_age(birth_year, encrypted, day, vault):
                result.append((person_id, standard, day))
                break
    return result


# -- the jobs ----------------------------------------------------------------------------------------------------


def covered_today(session: Session, standards: Standards, day: dt.date,
                  vault: Vault, *, visible: ColumnElement[bool] | None = None) -> list[tuple[int, Standard]]:
    """(person id, standard) for every seeker a standard covers on ``day``, read as plain columns (cheap);
    ``visible``: only these people (a user's scope)."""
    result = []
    for person_id, standard, status, birth_year, encrypted, spans in _candidates(session, standards, day,
                                                                                visible):
        if not employed_on(status, spans, day) and of_working_age(birth_year, encrypted, day, vault):
            result.append((person_id, standard))
    return result


def _candidates(session: Session, standards: Standards, day: dt.date, visible: ColumnElement[bool] | None):
    """Seekers who want work and can work, in the target groups of the standard governing their county on
    ``day``, with what decides the rest: (id, standard, status now, birth year, encrypted ID, placements)."""
    query = select(Person.id, Person.household_region_code, Person.category, Person.employment_status,
                   Person.birth_year, Person.id_number_encrypted).where(
        Person.employment_intent.is_(True),
        Person.labour_ability != LabourAbility.NONE,
    ).order_by(Person.id)
    if visible is not None:
        query = query.where(visible)
    rows = session.execute(query).all()
    spans = employment_spans(session)
    counties: dict[str, str | None] = {}
    for person_id, home, category, status, birth_year, encrypted in rows:
        if home not in counties:
            try:
                counties[home] = region_table().current(home).code
            except (KeyError, ValueError):
                counties[home] = None
        county = counties[home]
        standard = standards.for_county(county, day) if county else None
        if standard is None or category.value not in standard.categories:
            continue
        yield person_id, standard, status, birth_year, encrypted, spans.get(person_id, [])


def _counts(session: Session, kind: PushKind, year: int) -> dict[int, int]:
    return dict(session.execute(
        select(Push.person_id, func.count()).where(Push.kind == kind, Push.service_year == year)
        .group_by(Push.person_id)
    ).all())


def run_job_information(ctx: RunContext) -> None:
    """Daily: every covered seeker who is due gets a job push (one transaction per seeker)."""
    day = ctx.day
    with ctx.read() as session:
        standards = Standards.load(session)
        covered_now = covered_today(session, standards, day, ctx.vault)
        done = _counts(session, PushKind.JOB, day.year)
        last = dict(session.execute(
            select(Push.person_id, func.max(Push.sent_at)).where(Push.kind == PushKind.JOB).group_by(Push.person_id)
        ).all())
    ctx.counts["covered"] = len(covered_now)
    candidates = OpenPosts(day)
    for person_id, standard in covered_now:
        if done.get(person_id, 0) >= due_job_pushes(standard.job, day.month):
            continue
        previous = last.get(person_id)
        if previous is not None and day - _day_of(previous) < JOB_PUSH_GAP:
            continue
        with ctx.item() as session:
            person = session.get(Person, person_id)
            standard = standards.for_person(person, day, ctx.vault)
            if standard is None:
                continue
            pushed = push_job_information_if_due(session, person=person, standard=standard, now=ctx.now,
                                                 candidates=candidates)
            if pushed is not None:
                ctx.counts["job_pushes"] += 1
                ctx.counts["offers"] += len(pushed.offers)
                ctx.counts["fallback"] += int(pushed.fallback)


def run_training_information(ctx: RunContext) -> None:
    """Daily: every covered seeker behind on training information gets fitting courses or the county notice."""
    _run_simple(ctx, PushKind.TRAINING, TRAINING_FROM_MONTH, lambda s: s.training, push_training_information,
                "training_pushes")


def run_guidance(ctx: RunContext) -> None:
    """Daily: every covered seeker behind on vocational guidance gets an invitation from the county office."""
    _run_simple(ctx, PushKind.GUIDANCE, GUIDANCE_FROM_MONTH, lambda s: s.guidance, push_guidance, "guidance")


def _run_simple(ctx: RunContext, kind: PushKind, from_month: int, required, push, counter: str) -> None:
    day = ctx.day
    if day.month < from_month:
        return
    with ctx.read() as session:
        standards = Standards.load(session)
        covered_now = covered_today(session, standards, day, ctx.vault)
        done = _counts(session, kind, day.year)
    for person_id, standard in covered_now:
        count = done.get(person_id, 0)
        if count >= required(standard):
            continue
        with ctx.item() as session:
            person = session.get(Person, person_id)
            if standards.for_person(person, day, ctx.vault) is None:
                continue
            key = f"{kind.value}:{person.id}:{day.year}:{count + 1}"
            if push(session, person=person, key=key, now=ctx.now) is not None:
                ctx.counts[counter] += 1


def _day_of(moment: dt.datetime) -> dt.date:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA).date()


# -- job information ---------------------------------------------------------------------------------------------


@dataclass
class Offer:
    post: Post
    employer: Employer
    score: float | None
    reasons: str | None


@dataclass
class JobPush:
    push: Push
    offers: list[Offer]
    fallback: bool


def push_job_information_if_due(
    session: Session, *, person: Person, standard: Standard, now: dt.datetime,
    candidates: OpenPosts | None = None,
) -> JobPush | None:
    """The seeker's next job push of the year, if one is due today and the weekly gap allows it."""
    day = now.astimezone(CHINA).date()
    done, last = session.execute(
        select(func.count().filter(Push.service_year == day.year), func.max(Push.sent_at))
        .where(Push.person_id == person.id, Push.kind == PushKind.JOB)
    ).one()
    if done >= due_job_pushes(standard.job, day.month):
        return None
    if last is not None and day - _day_of(last) < JOB_PUSH_GAP:
        return None
    return push_job_information(session, person=person, key=f"job:{person.id}:{day.year}:{done + 1}", now=now,
                                candidates=candidates)


def push_job_information(session: Session, *, person: Person, key: str, now: dt.datetime,
                         intro: str | None = None, candidates: OpenPosts | None = None) -> JobPush | None:
    """Push the best current offers not yet pushed to this seeker (or the nearest open posts); None when the
    push with this key exists or there is no open post at all. ``candidates``: the day's open posts, read
    once for a whole run (see :class:`OpenPosts`)."""
    if session.scalar(select(Push.id).where(Push.dedupe_key == key)) is not None:
        return None
    day = now.astimezone(CHINA).date()
    offers = best_offers(session, person=person, day=day)
    fallback = not offers
    if fallback:
        offers = nearest_posts(session, person=person, day=day, candidates=candidates)
    if not offers:
        return None
    lines = [_offer_line(i, offer) for i, offer in enumerate(offers, start=1)]
    if fallback:
        head = "暂时没有与您的求职意向匹配的岗位，以下是与您的意向最接近的在招岗位，供参考："
    else:
        head = "根据您的求职意向，为您推荐以下在招岗位（按匹配程度排序）："
    if intro:
        head = f"{intro}{head}"
    body = head + "\n" + "\n".join(lines) + "\n如有意向，请在帮扶平台点击“有意向”，或联系户籍地县人社部门。"
    first = offers[0].post
    sms = (f"{person.name}您好，为您推荐{len(offers)}个岗位：{first.title}"
           f"{'等' if len(offers) > 1 else ''}，详情请登录帮扶平台查看。")
    push = Push(person_id=person.id, kind=PushKind.JOB, post_id=first.id, content=body, sent_at=now,
                service_year=day.year, dedupe_key=key)
    session.add(push)
    session.flush()
    for rank, offer in enumerate(offers, start=1):
        session.add(PushPost(push_id=push.id, person_id=person.id, post_id=offer.post.id, rank=rank))
    if not fallback:
        # Only a proposed match moves: interest, refusal or placement are the seeker's own decisions.
        for match in session.scalars(select(Match).execution_options(autoflush=False).where(
            Match.person_id == person.id, Match.post_id.in_([o.post.id for o in offers]),
            Match.status == MatchStatus.PROPOSED,
        )):
            match.status = MatchStatus.PUSHED
    used = notify_person(session, person=person, kind="job", key=key, title="岗位信息", body=body, sms_text=sms,
                         now=now, push_id=push.id)
    push.channel = ",".join(channel.value for channel in used) or "app"
    return JobPush(push, offers, fallback)  # the item's commit writes its rows in one flush


def _open_post_filter(day: dt.date):
    return (
        Post.status == PostStatus.OPEN,
        or_(Post.closing_date.is_(None), Post.closing_date >= day),
        or_(Post.headcount.is_(None), Post.filled < Post.headcount),
    )


def _already_pushed(person_id: int):
    return select(PushPost.post_id).where(PushPost.person_id == person_id)


def best_offers(session: Session, *, person: Person, day: dt.date, limit: int = OFFERS_PER_PUSH) -> list[Offer]:
    """Open posts with headcount left from the seeker's matches: best score first, newest good offers first."""
    rows = session.execute(
        select(Match, Post, Employer)
        .join(Post, Post.id == Match.post_id)
        .join(Employer, Employer.id == Post.employer_id)
        .where(
            Match.person_id == person.id,
            Match.status.in_((MatchStatus.PROPOSED, MatchStatus.PUSHED, MatchStatus.INTERESTED)),
            *_open_post_filter(day),
            Post.id.not_in(_already_pushed(person.id)),
        )
        .order_by(Match.score.desc(), Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    ).all()
    return [Offer(post, employer, float(match.score), match.reasons) for match, post, employer in rows]


#: How many of the newest open posts a seeker without a match is offered the nearest of.
NEAREST_POOL = 2000


@dataclass
class OpenPosts:
    """The open posts of a day, newest first, as plain rows (id, occupation code, title, region): read once
    for a whole run, since a job push changes no post. The posts finally chosen are read again with the open
    filter, so a post closed meanwhile is never offered."""

    day: dt.date
    rows: list[tuple[int, str | None, str, str]] | None = None

    def load(self, session: Session) -> list[tuple[int, str | None, str, str]]:
        if self.rows is None:
            self.rows = [tuple(row) for row in session.execute(
                select(Post.id, Post.occupation_code, Post.title, Post.region_code)
                .where(*_open_post_filter(self.day)).order_by(Post.created_at.desc(), Post.id.desc())
            )]
        return self.rows


def nearest_posts(session: Session, *, person: Person, day: dt.date, limit: int = OFFERS_PER_PUSH,
                  candidates: OpenPosts | None = None) -> list[Offer]:
    """For a seeker with no match: of the newest open posts not yet pushed to them, those in the wanted
    places and nearest to the wanted jobs."""
    source = candidates if candidates is not None and candidates.day == day else OpenPosts(day)
    pushed = set(session.scalars(_already_pushed(person.id)))
    pool = [row for row in source.load(session) if row[0] not in pushed][:NEAREST_POOL]
    wanted_codes = {w.occupation_code for w in person.wanted_occupations if w.occupation_code}
    wanted_texts = [w.text for w in person.wanted_occupations if w.text]
    areas = [w.region_code for w in person.wanted_regions if w.region_code]

    def closeness(row) -> tuple[int, int]:
        _id, code, title, region = row
        occupation = 2 if code and code in wanted_codes else (
            1 if any(t in title or title in t for t in wanted_texts) else 0)
        place = 1 if not areas or any(region.startswith(a) for a in areas) else 0
        return (-occupation, -place)

    chosen = [row[0] for row in sorted(pool, key=closeness)[:limit]]
    found = {post.id: (post, employer) for post, employer in session.execute(
        select(Post, Employer).join(Employer, Employer.id == Post.employer_id)
        .where(Post.id.in_(chosen), *_open_post_filter(day))
    )}
    if len(found) < len(chosen):  # a post closed or filled since the run began: rank afresh
        return nearest_posts(session, person=person, day=day, limit=limit)
    return [Offer(*found[post_id], None, None) for post_id in chosen]


def _offer_line(index: int, offer: Offer) -> str:
    post = offer.post
    try:
        place = region_table().current(post.region_code).full_name
    except (KeyError, ValueError):
        place = post.region_code
    wage = post.wage_text or (
        f"{post.wage_min}–{post.wage_max}元/月" if post.wage_min and post.wage_max else
        f"{post.wage_min or post.wage_max}元/月" if (post.wage_min or post.wage_max) else "面议")
    extra = f"；{offer.reasons}" if offer.reasons else ""
    return f"{index}. {post.title}，{offer.employer.name}，{place}，{wage}{extra}"


# -- training information ----------------------------------------------------------------------------------------


def fitting_courses(session: Session, *, person: Person, day: dt.date, limit: int = COURSES_PER_PUSH) -> list[TrainingCourse]:
    """Courses not yet finished that fit the seeker's wanted jobs; nearest to home first, then soonest."""
    courses = list(session.scalars(
        select(TrainingCourse).where(TrainingCourse.end_date >= day).order_by(TrainingCourse.start_date)
    ))
    codes = {w.occupation_code for w in person.wanted_occupations if w.occupation_code}
    texts = [w.text for w in person.wanted_occupations if w.text]

    def fits(course: TrainingCourse) -> bool:
        if course.occupation_code and course.occupation_code in codes:
            return True
        names = [n for n in (course.occupation_text, course.course) if n]
        return any(t in n or (course.occupation_text and course.occupation_text in t) for t in texts for n in names)

    home = person.household_region_code
    chosen = [c for c in courses if fits(c)]
    if not chosen and person.training_intent:
        chosen = courses
    chosen.sort(key=lambda c: (-_shared_prefix(c.region_code, home), c.start_date))
    return chosen[:limit]


def _shared_prefix(a: str, b: str) -> int:
    return next((n for n in (6, 4, 2) if a[:n] == b[:n]), 0)


def _course_line(index: int, course: TrainingCourse) -> str:
    cost = "免费" if not course.cost or (course.subsidy is not None and course.subsidy >= course.cost) else (
        f"费用{course.cost}元" + (f"，补贴{course.subsidy}元" if course.subsidy else ""))
    seats = f"，名额{course.capacity}人" if course.capacity else ""
    return (f"{index}. {course.course}（{course.provider}），{course.start_date.isoformat()}至"
            f"{course.end_date.isoformat()}，{course.address or course.region_code}，{cost}{seats}")


def county_office(session: Session, person: Person) -> Organisation | None:
    """The seeker's origin county office (county staff of the household county)."""
    try:
        county = region_table().current(person.household_region_code).code
    except (KeyError, ValueError):
        county = person.household_region_code
    return session.scalar(select(Organisation).where(
        Organisation.kind == OrganisationKind.COUNTY_OFFICE, Organisation.region_code == county,
    ).order_by(Organisation.id).limit(1))


def push_training_information(session: Session, *, person: Person, key: str, now: dt.datetime) -> Push | None:
    """Fitting courses, or with none the county's general training notice."""
    if session.scalar(select(Push.id).where(Push.dedupe_key == key)) is not None:
        return None
    day = now.astimezone(CHINA).date()
    courses = fitting_courses(session, person=person, day=day)
    office = county_office(session, person)
    office_name = office.name if office else "户籍地县人社部门"
    if courses:
        body = ("为您推荐以下职业技能培训（符合条件可享受培训补贴）：\n"
                + "\n".join(_course_line(i, c) for i, c in enumerate(courses, start=1))
                + f"\n报名请联系{office_name}。")
        sms = f"{person.name}您好，{courses[0].course}等培训正在招生，详情请登录帮扶平台查看。"
    else:
        body = (f"{office_name}常年组织免费职业技能培训（电工、焊工、家政、养老护理、电商等），"
                "脱贫人口和监测对象参加培训可按规定享受培训补贴和生活费补贴。如有意向，请联系县人社部门报名。")
        sms = f"{person.name}您好，县人社部门常年组织免费职业技能培训，详情请登录帮扶平台查看。"
    push = Push(person_id=person.id, kind=PushKind.TRAINING, content=body, sent_at=now, service_year=day.year,
                dedupe_key=key)
    session.add(push)
    session.flush()
    used = notify_person(session, person=person, kind="training", key=key, title="培训信息", body=body,
                         sms_text=sms, now=now, push_id=push.id)
    push.channel = ",".join(c.value for c in used) or "app"
    return push


# -- guidance ----------------------------------------------------------------------------------------------------


def push_guidance(session: Session, *, person: Person, key: str, now: dt.datetime, intro: str | None = None) -> Push | None:
    """An invitation to a vocational guidance session (职业指导) with the county office's contact."""
    if session.scalar(select(Push.id).where(Push.dedupe_key == key)) is not None:
        return None
    day = now.astimezone(CHINA).date()
    office = county_office(session, person)
    office_name = office.name if office else "户籍地县人社部门"
    body = (f"{intro or ''}{office_name}为您免费提供职业指导：求职方向、技能提升、政策咨询（交通补助、培训补贴等）。"
            f"请到{office_name}当面咨询，或在帮扶平台预约电话指导。")
    sms = f"{person.name}您好，{office_name}邀请您参加免费职业指导，详情请登录帮扶平台查看。"
    push = Push(person_id=person.id, kind=PushKind.GUIDANCE, content=body, sent_at=now, service_year=day.year,
                dedupe_key=key)
    session.add(push)
    session.flush()
    used = notify_person(session, person=person, kind="guidance", key=key, title="职业指导", body=body,
                         sms_text=sms, now=now, push_id=push.id)
    push.channel = ",".join(c.value for c in used) or "app"
    return push


def record_guidance_session(session: Session, *, person_id: int, now: dt.datetime) -> Push | None:
    """Staff logged a guidance session: the latest open guidance invitation is marked done."""
    push = session.scalar(select(Push).where(
        Push.person_id == person_id, Push.kind == PushKind.GUIDANCE, Push.done_at.is_(None),
    ).order_by(Push.sent_at.desc()).limit(1))
    if push is not None:
        push.done_at = now
        session.flush()
    return push


def count_by_kind(session: Session, person_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """Pushes per person and kind in ``year``."""
    result: dict[int, dict[str, int]] = {pid: {"job": 0, "training": 0, "guidance": 0} for pid in person_ids}
    if not person_ids:
        return result
    rows = session.execute(
        select(Push.person_id, Push.kind, func.count()).where(Push.service_year == year,
                                                             Push.person_id.in_(person_ids))
        .group_by(Push.person_id, Push.kind)
    )
    for person_id, kind, count in rows:
        result[person_id][PushKind(kind).value] = count
    return result


__all__ = [
    "best_offers",
    "nearest_posts",
    "push_guidance",
    "push_job_information",
    "push_job_information_if_due",
    "push_training_information",
    "record_guidance_session",
    "run_guidance",
    "run_job_information",
    "run_training_information",
]
