"""Job loss (就业转失业) and employment checks.

All five documents ask for monitoring: an employed worker who loses the job gets guidance and referral promptly,
and unemployed 脱贫人口 get priority re-employment help (e.g. 湘人社规〔2021〕10号 第十三条; 友人社联发〔2022〕1号
第七条; 皖人社发〔2021〕10号 二、（九）). Here:

* a check that finds the worker gone ends the placement, which records the ``JobLoss`` (within a day: the job
  runs several times a day);
* the origin county's staff are alerted the same day (in-app, and e-mail where they have an address);
* the worker is re-matched and receives their best new offers and a guidance message within three days (the
  follow-up runs at the first run after the loss).

Employment checks due: the milestones the subsidy rules need (3, 6 and 12 months of verified employment) are
listed daily for the workstation where the job is, and overdue ones for the origin county.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobs.people.persons import masked_id_number
from jobs.people.regions import region_table
from jobs.placements.matches import run_matching
from jobs.placements.placements import HOLDING, end_placement
from jobs.service.outbox import enqueue, notify_staff
from jobs.service.pushes import push_guidance, push_job_information
from jobs.service.housekeeping import SCHEDULER
from jobs.service.runs import RunContext
from jobs.storage.enums import Channel, EmploymentStatus, EndReason, OrganisationKind, Role
from jobs.storage.models import (
    EmploymentCheck,
    Employer,
    JobLoss,
    Organisation,
    OutboxMessage,
    Placement,
    User,
    Workstation,
)
from jobs.subsidy.engine import add_months

#: Milestones of verified stable employment the subsidy rules read: 3 months (友人社联发〔2022〕1号 第三条,
#: transport), 6 months (湘人社规〔2021〕10号 第四条 and 湘人社发〔2017〕58号 二、（二）2, referral), 12 months
#: (友人社联发〔2022〕1号 第二条 contract; 湘人社发〔2017〕58号 三、1 post subsidy).
CHECK_MILESTONES = (3, 6, 12)
#: A check is "due" from a week before its milestone, and "overdue" a week after it.
DUE_WINDOW = dt.timedelta(days=7)
#: Offers and guidance must reach a worker who lost the job within three days.
FOLLOW_UP_WITHIN = dt.timedelta(days=3)


def _county(code: str) -> str:
    try:
        return region_table().current(code).code
    except (KeyError, ValueError):
        return code


def county_staff(session: Session, county: str) -> tuple[Organisation | None, list[User]]:
    office = session.scalar(select(Organisation).where(
        Organisation.kind == OrganisationKind.COUNTY_OFFICE, Organisation.region_code == county,
    ).order_by(Organisation.id).limit(1))
    if office is None:
        return None, []
    users = list(session.scalars(select(User).where(
        User.organisation_id == office.id, User.role == Role.COUNTY_STAFF, User.active.is_(True),
    ).order_by(User.id)))
    return office, users


# -- job loss ---------------------------------------------------------------------------------------------------


def detect_job_losses(ctx: RunContext) -> None:
    """A holding placement whose latest check (on or before today) says "not employed" is ended."""
    with ctx.read() as session:
        rows = session.execute(
            select(Placement.id, EmploymentCheck.check_date, EmploymentCheck.employed)
            .join(EmploymentCheck, EmploymentCheck.placement_id == Placement.id)
            .where(Placement.status.in_(HOLDING), EmploymentCheck.check_date <= ctx.day)
            .order_by(Placement.id, EmploymentCheck.check_date, EmploymentCheck.id)
        ).all()
    latest: dict[int, tuple[dt.date, bool]] = {}
    for placement_id, check_date, employed in rows:
        latest[placement_id] = (check_date, employed)
    for placement_id, (check_date, employed) in latest.items():
        if employed:
            continue
        with ctx.item() as session:
            placement = session.get(Placement, placement_id)
            if placement.status not in HOLDING:
                continue
            end = max(check_date, placement.start_date or check_date)
            loss = end_placement(session, placement_id=placement_id, end_date=end, reason=EndReason.OTHER,
                                 actor=SCHEDULER)
            ctx.counts["placements_ended"] += 1
            ctx.counts["job_losses"] += int(loss is not None)


def alert_job_losses(ctx: RunContext) -> None:
    """The origin county's staff hear of every job loss the day it is found."""
    since = ctx.day - FOLLOW_UP_WITHIN - dt.timedelta(days=30)
    with ctx.read() as session:
        ids = list(session.scalars(select(JobLoss.id).where(JobLoss.loss_date >= since).order_by(JobLoss.id)))
        alerted = {key.split(":")[1] for key in session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "job_loss"))}
    for loss_id in ids:
        if str(loss_id) in alerted:
            continue
        with ctx.item() as session:
            loss = session.get(JobLoss, loss_id)
            person = loss.person
            placement = loss.placement
            employer = session.get(Employer, placement.employer_id)
            office, users = county_staff(session, _county(person.household_region_code))
            reason = loss.reason.label if loss.reason else "未说明"
            title = f"就业转失业提醒：{person.name}"
            body = (f"{person.name}（{masked_id_number(person, ctx.vault)}）于{loss.loss_date.isoformat()}离开"
                    f"{employer.name if employer else '原用人单位'}（{reason}），目前未就业。"
                    "平台已重新匹配岗位并将在三日内推送岗位信息和职业指导，请及时跟进帮扶。")
            key = f"jobloss-alert:{loss.id}"
            sent = 0
            for user in users:
                sent += len(notify_staff(session, user=user, kind="job_loss", key=key, title=title, body=body,
                                         now=ctx.now))
            if not users and office is not None:
                sent += int(enqueue(session, channel=Channel.APP, kind="job_loss", dedupe_key=f"{key}:org",
                                    subject=title, body=body, organisation_id=office.id, now=ctx.now) is not None)
            ctx.counts["alerts"] += sent


def follow_up_job_losses(ctx: RunContext) -> None:
    """Re-match every worker with an open job loss, then push their best offers and a guidance message."""
    with ctx.read() as session:
        ids = list(session.scalars(
            select(JobLoss.id).where(JobLoss.followed_up_at.is_(None), JobLoss.loss_date <= ctx.day)
            .order_by(JobLoss.id)
        ))
    if not ids:
        return
    if not ctx.dry_run:
        with ctx.db.writer() as session:  # run_matching commits one transaction per batch
            summary = run_matching(session, vault=ctx.vault, today=ctx.day)
        ctx.counts["rematched"] += summary.created + summary.updated
    for loss_id in ids:
        with ctx.item() as session:
            loss = session.get(JobLoss, loss_id)
            person = loss.person
            if person.employment_status is EmploymentStatus.UNEMPLOYED and person.employment_intent:
                intro = "得知您近期离开了原岗位，平台已为您重新匹配岗位。"
                pushed = push_job_information(session, person=person, key=f"jobloss-offers:{loss.id}",
                                              now=ctx.now, intro=intro)
                ctx.counts["offers_pushed"] += int(pushed is not None)
                guided = push_guidance(session, person=person, key=f"jobloss-guidance:{loss.id}", now=ctx.now,
                                       intro="得知您近期离开了原岗位。")
                ctx.counts["guidance"] += int(guided is not None)
            loss.followed_up_at = ctx.now


def run_job_loss(ctx: RunContext) -> None:
    """Detect, alert, follow up: the job-loss job."""
    detect_job_losses(ctx)
    alert_job_losses(ctx)
    follow_up_job_losses(ctx)


# -- employment checks due -----------------------------------------------------------------------------------------


def checks_due(session: Session, day: dt.date) -> list[tuple[Placement, int, dt.date, bool]]:
    """(placement, months, milestone date, overdue) for every milestone due within a week without a check."""
    placements = session.scalars(select(Placement).where(Placement.status.in_(HOLDING),
                                                         Placement.start_date.is_not(None))
                                 .options(selectinload(Placement.checks), selectinload(Placement.person),
                                          selectinload(Placement.employer)))
    found = []
    for placement in placements:
        checked = [c.check_date for c in placement.checks if c.employed]
        for months in CHECK_MILESTONES:
            due = add_months(placement.start_date, months)
            if due > day + DUE_WINDOW or any(c >= due for c in checked):
                continue
            found.append((placement, months, due, due < day - DUE_WINDOW))
            break
    return found


def run_checks_digest(ctx: RunContext) -> None:
    """Workstation staff get today's due checks for jobs in their city; county staff the overdue ones."""
    with ctx.read() as session:
        recipients = session.scalar(select(User.id).join(Organisation, Organisation.id == User.organisation_id).where(
            User.active.is_(True), Organisation.kind.in_((OrganisationKind.WORKSTATION,
                                                          OrganisationKind.COUNTY_OFFICE))).limit(1))
    if recipients is None:
        return  # nobody to tell yet: the digest is computed once staff accounts exist
    with ctx.item() as session:
        due = checks_due(session, ctx.day)
        by_workstation: dict[int, list[str]] = {}
        by_county: dict[str, list[str]] = {}
        workstations = list(session.scalars(select(Workstation)))
        masked: dict[int, str] = {}  # a worker with several placements is decrypted once
        for placement, months, milestone, overdue in due:
            person = placement.person
            if person.id not in masked:
                masked[person.id] = masked_id_number(person, ctx.vault)
            line = (f"{person.name}（{masked[person.id]}），{placement.employer.name}，"
                    f"上岗{placement.start_date.isoformat()}，{months}个月稳岗核实{'已逾期' if overdue else '到期'}"
                    f"（{milestone.isoformat()}）")
            origin = _county(person.household_region_code)
            for station in workstations:
                if placement.job_region_code.startswith(station.city_region_code) and origin.startswith(
                        station.origin_region_code):
                    by_workstation.setdefault(station.organisation_id, []).append(line)
            if overdue:
                by_county.setdefault(origin, []).append(line)
        for organisation_id, lines in by_workstation.items():
            users = session.scalars(select(User).where(User.organisation_id == organisation_id,
                                                       User.active.is_(True))).all()
            for user in users:
                ctx.counts["digests"] += len(notify_staff(
                    session, user=user, kind="checks_due", key=f"checks-due:{organisation_id}:{ctx.day}",
                    title=f"今日待核实稳岗 {len(lines)} 人", body="\n".join(lines), now=ctx.now))
        for county, lines in by_county.items():
            _office, users = county_staff(session, county)
            for user in users:
                ctx.counts["overdue_lists"] += len(notify_staff(
                    session, user=user, kind="checks_overdue", key=f"checks-overdue:{county}:{ctx.day}",
                    title=f"稳岗核实逾期 {len(lines)} 人", body="\n".join(lines), now=ctx.now))
        ctx.counts["due"] = len(due)
