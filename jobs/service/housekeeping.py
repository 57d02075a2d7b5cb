"""The other daily and monthly jobs: re-matching, closing posts, evaluating claims, the monthly ledger."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.access.permissions import Action, Actor, require, scope, system_actor
from jobs.people.persons import masked_id_number
from jobs.people.regions import region_table
from jobs.placements.matches import run_matching
from jobs.rendering.xlsx import simple_workbook
from jobs.service.outbox import enqueue
from jobs.service.runs import RunContext
from jobs.storage.enums import Channel, OrganisationKind, PersonCategory, PostStatus
from jobs.storage.models import DemandList, Organisation, Person, Post
from jobs.storage.crypto import Vault
from jobs.subsidy.claims import evaluate_claims

#: The scheduler acts as the system, named in the audit log.
SCHEDULER = system_actor("scheduler")

#: The ledger covers the target groups of 湘人社规〔2021〕10号 第十三条 (脱贫人口, 监测对象, 农村低收入人口).
LEDGER_CATEGORIES = (PersonCategory.LIFTED_OUT_OF_POVERTY, PersonCategory.MONITORED, PersonCategory.RURAL_LOW_INCOME)


def run_rematch(ctx: RunContext) -> None:
    """Nightly incremental ``match run``: what changed since the previous run."""
    if ctx.dry_run:
        return  # matching writes as it goes; a dry run of the service jobs leaves it alone
    with ctx.db.writer() as session:  # run_matching commits one transaction per batch
        summary = run_matching(session, vault=ctx.vault, today=ctx.day)
    ctx.counts.update({"created": summary.created, "updated": summary.updated})


def run_close_posts(ctx: RunContext) -> None:
    """Posts past their closing date close (closed posts are never pushed)."""
    with ctx.read() as session:
        ids = list(session.scalars(select(Post.id).where(Post.status == PostStatus.OPEN,
                                                         Post.closing_date < ctx.day)))
    for post_id in ids:
        with ctx.item() as session:
            post = session.get(Post, post_id)
            if post.status is PostStatus.OPEN:
                post.status = PostStatus.CLOSED
                ctx.counts["closed"] += 1


def run_claims(ctx: RunContext) -> None:
    """Daily ``claims evaluate``: claims become eligible on their milestone day without anyone asking."""
    if ctx.dry_run:
        return  # evaluation writes as it goes; a dry run of the service jobs leaves it alone
    with ctx.db.writer() as session:  # evaluate_claims commits one transaction per batch of workers
        summary = evaluate_claims(session, vault=ctx.vault, as_of=ctx.day, actor=SCHEDULER)
    ctx.counts.update({"created": summary.created, "updated": summary.updated})


LEDGER_HEADERS = ("姓名", "身份证号", "人员类别", "户籍地", "就业状态", "就业地点", "就业意愿", "培训意愿")


def ledger_xlsx(people: list[Person], vault: Vault) -> bytes:
    """The work-status ledger (务工情况电子台账) as a spreadsheet; ID numbers masked, every cell text-safe."""
    table = region_table()
    rows = []
    for person in people:
        try:
            home = table.current(person.household_region_code).full_name
        except (KeyError, ValueError):
            home = person.household_region_code
        rows.append((person.name, masked_id_number(person, vault), person.category.value, home,
                     person.employment_status.label, person.employment_place or "",
                     "有" if person.employment_intent else "无", "有" if person.training_intent else "无"))
    return simple_workbook("务工情况台账", LEDGER_HEADERS, rows)


def work_status_ledger(session: Session, *, vault: Vault, actor: Actor) -> bytes:
    """The work-status ledger of the target groups among the people ``actor`` looks after (a county office: its
    county), as the monthly job sends it; ID numbers masked. Only roles that export lists may have it."""
    require(actor, Action.EXPORT, DemandList, session=session)
    people = list(session.scalars(select(Person).where(
        scope(actor, Person), Person.category.in_(LEDGER_CATEGORIES)).order_by(Person.id)))
    return ledger_xlsx(people, vault)


def run_monthly_ledger(ctx: RunContext) -> None:
    """By the 20th of each month each origin county office gets the target groups' ledger in its inbox
    (湘人社规〔2021〕10号 第十三条: 每月20日前移交务工情况电子台账)."""
    month = ctx.day.strftime("%Y-%m")
    with ctx.read() as session:
        offices = list(session.scalars(select(Organisation.id).where(
            Organisation.kind == OrganisationKind.COUNTY_OFFICE).order_by(Organisation.id)))
    for office_id in offices:
        with ctx.item() as session:
            office = session.get(Organisation, office_id)
            people = list(session.scalars(select(Person).where(
                Person.household_region_code.startswith(office.region_code),
                Person.category.in_(LEDGER_CATEGORIES),
            ).order_by(Person.id)))
            employed = sum(1 for p in people if p.employment_status.value == "employed")
            body = (f"{month}务工情况电子台账：{len(people)}人，其中已就业{employed}人、未就业{len(people) - employed}人。"
                    "详见附件（身份证号已脱敏）。")
            message = enqueue(session, channel=Channel.APP, kind="ledger", dedupe_key=f"ledger:{office.id}:{month}",
                              subject=f"{month}务工情况电子台账", body=body, organisation_id=office.id, now=ctx.now,
                              attachment_name=f"务工情况台账-{office.region_code}-{month}.xlsx",
                              attachment=ledger_xlsx(people, ctx.vault))
            ctx.counts["ledgers"] += int(message is not None)
