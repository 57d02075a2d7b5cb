"""Running jobs as the scheduler would: one job at a moment, a range of days (simulate), and catch-up at start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

from apscheduler.triggers.cron import CronTrigger

from jobs.service.outbox import Channels, DeliverySummary, deliver_due
from jobs.service.runs import RunContext, RunOutcome, execute, is_done
from jobs.storage.clock import CHINA
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from scheduler.definitions import JOBS, JobDefinition


def trigger_of(job: JobDefinition) -> CronTrigger:
    return CronTrigger(timezone=CHINA, **job.cron)


def fire_times(job: JobDefinition, start: dt.datetime, end: dt.datetime) -> Iterator[dt.datetime]:
    """The job's scheduled moments in [start, end), China time."""
    trigger = trigger_of(job)
    previous = None
    moment = trigger.get_next_fire_time(None, start)
    while moment is not None and moment < end:
        yield moment
        previous = moment
        moment = trigger.get_next_fire_time(previous, moment + dt.timedelta(seconds=1))


def run_at(job: JobDefinition, *, db: Database, vault: Vault, moment: dt.datetime,
           dry_run: bool = False) -> RunOutcome:
    """Run one job for the period of ``moment`` (China time), with the clock at ``moment``."""
    local = moment.astimezone(CHINA)
    ctx = RunContext(db=db, vault=vault, now=local.astimezone(dt.UTC), dry_run=dry_run)
    return execute(job=job.name, period=job.period(local), body=job.body, ctx=ctx)


def default_moment(job: JobDefinition, day: dt.date) -> dt.datetime:
    """The job's first scheduled moment on ``day`` (China time)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=CHINA)
    return next(fire_times(job, start, start + dt.timedelta(days=1)), start + dt.timedelta(hours=12))


@dataclass
class Simulation:
    runs: list[RunOutcome] = field(default_factory=list)
    delivery: DeliverySummary = field(default_factory=DeliverySummary)

    def as_dict(self) -> dict:
        done = [r for r in self.runs if r.status == "done"]
        totals: dict[str, dict[str, int]] = {}
        for run in self.runs:
            bucket = totals.setdefault(run.job, {})
            for key, value in run.counts.items():
                bucket[key] = bucket.get(key, 0) + value
        return {
            "runs": len(done),
            "already_done": sum(1 for r in self.runs if r.status == "already_done"),
            "failed": [r.as_dict() for r in self.runs if r.status == "failed"],
            "totals": totals,
            "delivery": self.delivery.as_dict(),
        }


def simulate(*, db: Database, vault: Vault, start: dt.date, end: dt.date,
             channels: Channels | None = None, only: Collection[str] | None = None,
             on_month: Callable[[dt.date], None] | None = None) -> Simulation:
    """Every job (or those named in ``only``), day by day from ``start`` to ``end`` (inclusive), at its
    scheduled moments, delivering the outbox after each run. Periods already done are skipped, so rerunning a
    range sends nothing new. Delivery uses the embedded channels unless others are given: a preview never sends
    a real SMS."""
    channels = channels or Channels(vault=vault)
    chosen = [job for job in JOBS if only is None or job.name in only]
    result = Simulation()
    first = dt.datetime.combine(start, dt.time(0), tzinfo=CHINA)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA)
    by_day: dict[dt.date, list[tuple[dt.datetime, int, JobDefinition]]] = {}
    for index, job in enumerate(chosen):  # the triggers are read once for the whole range
        for moment in fire_times(job, first, last):
            by_day.setdefault(moment.astimezone(CHINA).date(), []).append((moment, index, job))
    day = start
    while day <= end:
        if on_month is not None and (day.day == 1 or day == start):
            on_month(day)
        for moment, _index, job in sorted(by_day.get(day, ()), key=lambda entry: entry[:2]):
            result.runs.append(run_at(job, db=db, vault=vault, moment=moment))
            delivered = deliver_due(db, channels, now=moment.astimezone(dt.UTC))
            for key, value in delivered.as_dict().items():
                setattr(result.delivery, key, getattr(result.delivery, key) + value)
        day += dt.timedelta(days=1)
    return result


def missed_periods(*, db: Database, now: dt.datetime, lookback: dt.timedelta = dt.timedelta(days=35)):
    """For each job, its latest scheduled moment before ``now`` if that period is not done (caught up once)."""
    missed = []
    with db.session() as session:
        for job in JOBS:
            latest = None
            for moment in fire_times(job, now - lookback, now):
                latest = moment
            if latest is not None and not is_done(session, job=job.name, period=job.period(latest)):
                missed.append((job, latest))
    return missed
