"""Runs of scheduled jobs: one ``JobRun`` row per (job, period), so a period done is never done again.

A job body works item by item, each item in its own small transaction through :meth:`RunContext.item`; every
item is idempotent (its messages and pushes carry dedupe keys), so a run killed at any moment is simply run
again: the row is still ``running`` or ``failed``, the finished items are skipped by their keys, and the rest
is done.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobs.storage.clock import CHINA
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from jobs.storage.enums import RunStatus
from jobs.storage.models import JobRun


@dataclass
class RunContext:
    """What a job body gets: the database, the business day and the scheduled moment, and a tally."""

    db: Database
    vault: Vault
    now: dt.datetime
    dry_run: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    run_id: int | None = None

    @property
    def day(self) -> dt.date:
        """The business day: the scheduled moment's date in China."""
        return self.now.astimezone(CHINA).date()

    @contextlib.contextmanager
    def item(self) -> Iterator[Session]:
        """One item's transaction; in a dry run it is rolled back, so nothing changes. The run's counts so far
        are written to its row in the same transaction: the job-run table shows the progress, and a rerun after
        a kill goes on counting from exactly the items that were kept."""
        if not self.dry_run:
            with self.db.transaction() as session:
                yield session
                if self.run_id is not None:
                    session.execute(update(JobRun).where(JobRun.id == self.run_id).values(counts=dict(self.counts)))
            return
        with self.db.writer() as session:
            session.begin()
            try:
                yield session
            finally:
                session.rollback()

    def read(self) -> Session:
        """A session for reading the items to work on."""
        return self.db.session()


@dataclass
class RunOutcome:
    job: str
    period: str
    status: str
    counts: dict[str, int]
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"job": self.job, "period": self.period, "status": self.status, "counts": self.counts,
                "error": self.error}


#: Status reported when the period was already done (nothing was run).
ALREADY_DONE = "already_done"
DRY_RUN = "dry_run"


def execute(
    *, job: str, period: str, body: Callable[[RunContext], None], ctx: RunContext
) -> RunOutcome:
    """Run ``body`` for ``period`` unless that period is done; record the run and its counts.

    A failing body leaves the run ``failed`` with the error kept, and the next call for the same period tries
    again (finished items are skipped by their dedupe keys).
    """
    if ctx.dry_run:
        body(ctx)
        return RunOutcome(job, period, DRY_RUN, dict(ctx.counts))
    started = _start(ctx.db, job=job, period=period, now=ctx.now)
    if started is None:
        return RunOutcome(job, period, ALREADY_DONE, {})
    run_id, before = started
    ctx.run_id = run_id
    ctx.counts.update(before)  # an attempt killed or failed before: its kept items count for the period
    try:
        body(ctx)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        with ctx.db.transaction() as session:
            run = session.get(JobRun, run_id)
            run.status = RunStatus.FAILED
            run.finished_at = ctx.now
            run.counts = dict(ctx.counts)
            run.error = message + "\n" + "".join(traceback.format_exception(error))[-2000:]
        return RunOutcome(job, period, RunStatus.FAILED.value, dict(ctx.counts), message)
    with ctx.db.transaction() as session:
        run = session.get(JobRun, run_id)
        run.status = RunStatus.DONE
        run.finished_at = ctx.now
        run.counts = dict(ctx.counts)
        run.error = None
    return RunOutcome(job, period, RunStatus.DONE.value, dict(ctx.counts))


def _start(db: Database, *, job: str, period: str, now: dt.datetime) -> tuple[int, dict[str, int]] | None:
    """The run row of (job, period), started or restarted, with the counts of earlier attempts; None when
    that period is done."""
    with db.transaction() as session:
        run = session.scalar(select(JobRun).where(JobRun.job == job, JobRun.period == period))
        if run is not None and run.status is RunStatus.DONE:
            return None
        before = dict(run.counts or {}) if run is not None else {}
        if run is None:
            run = JobRun(job=job, period=period, status=RunStatus.RUNNING, started_at=now, counts={})
            session.add(run)
        else:
            run.status = RunStatus.RUNNING
            run.attempts += 1
            run.started_at = now
        session.flush()
        return run.id, before


def is_done(session: Session, *, job: str, period: str) -> bool:
    status = session.scalar(select(JobRun.status).where(JobRun.job == job, JobRun.period == period))
    return status is RunStatus.DONE


def last_runs(session: Session) -> dict[str, JobRun]:
    """The latest run of every job (by start time)."""
    latest: dict[str, JobRun] = {}
    for run in session.scalars(select(JobRun).order_by(JobRun.started_at, JobRun.id)):
        latest[run.job] = run
    return latest
