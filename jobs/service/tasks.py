"""Long actions started from a page: list uploads that are checked, kept until the user confirms them, then
imported; and re-matching the people of a county. Each is a :class:`~jobs.storage.models.Task` row.

The upload flow
---------------
1. :func:`check_upload` runs the list's import as a dry run (the same use case, the same checks and limits as
   ``bangfu import``), scoped to the user's organisation: a workstation's supply list goes to its workstation
   and city, a county office's demand list must be of its county. Nothing is stored.
2. :func:`stage_upload` keeps the uploaded bytes and the check's summary in a task row and hands back a random
   token; only its SHA-256 digest is stored, and only the user who uploaded may use it, until it expires
   (:data:`UPLOAD_TTL`). The error report is written again from the kept bytes (:func:`recheck_upload`).
3. :func:`confirm_upload` queues the import; :func:`run_task` (the worker) runs it and records its progress.

The worker
----------
:func:`run_task` takes a queued task, marks it running, and writes ``done``/``total`` as it goes, each in a
commit of its own, so a status page reading the row sees the run advance. The import's progress is reported
while its rows are read and validated (before anything is written, so each progress commit holds only the
progress); re-matching reports after each committed batch. Both runs are resumable: an interrupted import run
again finds the rows already stored "unchanged". A failure leaves the task ``failed`` with a Chinese message.
Who runs the worker is the caller's choice (the web app: a thread of its own; tests: in line).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from jobs.access.permissions import Action, Actor, area_of, is_system, require
from jobs.errors import Conflict, DomainError, InvalidInput, NotFound
from jobs.lists.importing import ImportResult
from jobs.lists.reading import NotAList
from jobs.storage.clock import china_today, now_utc
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from jobs.storage.enums import Role, TaskStatus
from jobs.storage.models import DemandList, Person, SupplyList, Task, User, Workstation

__all__ = [
    "KINDS",
    "UPLOAD_TTL",
    "TaskView",
    "check_upload",
    "confirm_upload",
    "recheck_upload",
    "run_task",
    "stage_upload",
    "staged_upload",
    "start_rematch",
    "task_view",
]

log = logging.getLogger(__name__)

SUPPLY_IMPORT = "supply_import"
DEMAND_IMPORT = "demand_import"
REMATCH = "rematch"
KINDS = {SUPPLY_IMPORT: "导入岗位供给清单", DEMAND_IMPORT: "导入就业需求清单", REMATCH: "重新匹配"}
#: How long a checked upload waits for its confirmation.
UPLOAD_TTL = dt.timedelta(hours=2)
#: How long a finished task's row is kept for its status page.
KEEP_FINISHED = dt.timedelta(days=30)
#: A task queued or running whose row has not moved for this long was most likely cut off (its process ended).
STALE_AFTER = dt.timedelta(minutes=15)
#: Row errors kept with a checked upload for its page (the error report has them all).
ERRORS_SHOWN = 500
FAILED_MESSAGE = "运行中出错，已写入的批次保留；请稍后重新上传并确认（已导入的行会显示为“未变”），或联系管理员。"


_UNDER_WAY = (TaskStatus.QUEUED, TaskStatus.RUNNING)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------------------
# Checking and keeping an upload


def _scoped_options(session: Session, kind: str, actor: Actor) -> dict[str, Any]:
    """Where the user's list goes: a workstation's supply list to its own workstation (else its city)."""
    if kind == SUPPLY_IMPORT and not is_system(actor) and actor.role is Role.WORKSTATION_STAFF:
        station = session.scalar(select(Workstation).where(Workstation.organisation_id == actor.organisation_id))
        if station is not None:
            return {"workstation": station.name}
        return {"region": area_of(actor)}
    return {}


def _run_import(session: Session, vault: Vault, kind: str, data: bytes, *, file_name: str,
                options: dict[str, Any], dry_run: bool, actor: Actor, progress=None) -> ImportResult:
    from jobs.lists.demand import import_demand
    from jobs.lists.supply import import_supply

    common = dict(name=file_name, list_name=options.get("list_name") or None,
                  default_name=Path(file_name).stem or None, period=options.get("period") or None,
                  dry_run=dry_run, progress=progress, actor=actor)
    if kind == SUPPLY_IMPORT:
        return import_supply(session, vault, io.BytesIO(data), workstation=options.get("workstation"),
                             region=options.get("region"), **common)
    if kind == DEMAND_IMPORT:
        return import_demand(session, vault, io.BytesIO(data), confirm_changes=bool(options.get("confirm_changes")),
                             **common)
    raise ValueError(f"not an import: {kind}")


def _role_check(session: Session, kind: str, actor: Actor) -> None:
    model, action = (SupplyList, Action.IMPORT_SUPPLY) if kind == SUPPLY_IMPORT else (DemandList, Action.IMPORT_DEMAND)
    require(actor, action, model, session=session)


def check_upload(session: Session, vault: Vault, *, kind: str, data: bytes, file_name: str,
                 list_name: str | None = None, period: str | None = None, actor: Actor
                 ) -> tuple[ImportResult, dict[str, Any]]:
    """Check an uploaded list as its import would (a dry run: nothing is stored) and return the result and the
    options the import will use. ``session`` should take the write lock up front (the dry run writes and rolls
    back). Raises :class:`~jobs.lists.reading.NotAList` or :class:`~jobs.lists.importing.ListOptionError` for
    a file or an option that cannot be used, :class:`~jobs.errors.Forbidden` for a role that may not import."""
    _role_check(session, kind, actor)
    options = {"list_name": (list_name or "").strip() or None, "period": (period or "").strip() or None,
               **_scoped_options(session, kind, actor)}
    result = _run_import(session, vault, kind, data, file_name=file_name, options=options, dry_run=True,
                         actor=actor)
    return result, options


def _checked_summary(result: ImportResult) -> dict[str, Any]:
    summary = result.summary()
    summary["errors"] = summary["errors"][:ERRORS_SHOWN]
    summary["error_count"] = len(result.errors)
    summary.update(list_name=result.list_name, period=result.period)
    return summary


def stage_upload(session: Session, *, kind: str, data: bytes, file_name: str, options: dict[str, Any],
                 result: ImportResult, actor: Actor, now: dt.datetime | None = None) -> str:
    """Keep a checked upload until the user confirms it; the token that names it (for this user only).

    Uploads that expired, and finished tasks older than :data:`KEEP_FINISHED`, are removed on the way."""
    if is_system(actor):
        raise InvalidInput("只有登录的用户可以上传清单")
    now = now or now_utc()
    _forget_old(session, now)
    token = secrets.token_urlsafe(32)
    session.add(Task(kind=kind, status=TaskStatus.STAGED, user_id=actor.id, token_digest=_digest(token),
                     file_name=file_name[:256], payload=data, options=options, checked=_checked_summary(result),
                     total=result.rows, created_at=now, updated_at=now, expires_at=now + UPLOAD_TTL))
    session.flush()
    return token


def _forget_old(session: Session, now: dt.datetime) -> None:
    session.execute(delete(Task).where(Task.status == TaskStatus.STAGED, Task.expires_at < now))
    session.execute(delete(Task).where(Task.status.in_([TaskStatus.DONE, TaskStatus.FAILED]),
                                       Task.finished_at < now - KEEP_FINISHED))


def staged_upload(session: Session, *, token: str, actor: Actor, now: dt.datetime | None = None,
                  for_update: bool = False) -> Task:
    """The upload ``token`` names, if ``actor`` made it and it has not expired; NotFound otherwise."""
    now = now or now_utc()
    query = select(Task).where(Task.token_digest == _digest(token or ""), Task.user_id == actor.id)
    if for_update:
        query = query.with_for_update()
    task = session.scalar(query)
    if task is None or (task.status is TaskStatus.STAGED and task.expires_at < now):
        raise NotFound("上传的清单已过期或不存在，请重新上传")
    return task


def recheck_upload(session: Session, vault: Vault, *, token: str, actor: Actor) -> ImportResult:
    """Check a kept upload again, for its error report (a dry run: the rows as they were, with their errors)."""
    task = staged_upload(session, token=token, actor=actor)
    if task.payload is None:
        raise NotFound("上传的清单已导入，原文件不再保留；请重新上传以生成错误报告")
    kind, data, name, options = task.kind, task.payload, task.file_name or "", dict(task.options)
    _role_check(session, kind, actor)
    return _run_import(session, vault, kind, data, file_name=name, options=options, dry_run=True, actor=actor)


def confirm_upload(session: Session, *, token: str, actor: Actor, confirm_changes: bool = False,
                   now: dt.datetime | None = None) -> int:
    """Queue the import of a kept upload (Conflict when it was confirmed already); the task's id."""
    task = staged_upload(session, token=token, actor=actor, now=now, for_update=True)
    if task.status is not TaskStatus.STAGED:
        raise Conflict("该清单已确认导入，请勿重复提交")
    _role_check(session, task.kind, actor)
    if confirm_changes:
        task.options = {**task.options, "confirm_changes": True}
    task.status = TaskStatus.QUEUED
    task.updated_at = now or now_utc()
    session.flush()
    return task.id


# --------------------------------------------------------------------------------------------------------
# Re-matching


def start_rematch(session: Session, *, actor: Actor, now: dt.datetime | None = None) -> int:
    """Queue a re-matching of the people of ``actor``'s area (county staff); the task's id."""
    require(actor, Action.REMATCH, Person, session=session)
    if is_system(actor):
        raise InvalidInput("只有登录的用户可以从页面发起重新匹配")
    area = area_of(actor)
    now = now or now_utc()
    running = session.scalar(select(Task.id).where(
        Task.kind == REMATCH, Task.status.in_(_UNDER_WAY), Task.updated_at >= now - STALE_AFTER,
        Task.options["area"].as_string() == (area or "")))
    if running is not None:
        raise Conflict("本地区的重新匹配正在进行，请等它完成")
    total = session.scalar(select(func.count()).select_from(Person).where(
        Person.household_region_code.startswith(area or "", autoescape=True))) or 0
    task = Task(kind=REMATCH, status=TaskStatus.QUEUED, user_id=actor.id, options={"area": area or ""},
                total=total, created_at=now, updated_at=now, expires_at=now + KEEP_FINISHED)
    session.add(task)
    session.flush()
    return task.id


# --------------------------------------------------------------------------------------------------------
# The worker


def _advance(session: Session, task_id: int, count: int) -> None:
    # Called by the run when nothing of its own is pending in ``session``: this commit holds only the progress.
    done = Task.done + count
    session.execute(update(Task).where(Task.id == task_id).values(
        done=case((done > Task.total, Task.total), else_=done), updated_at=now_utc()))
    session.commit()


def _finish(db: Database, task_id: int, status: TaskStatus, *, result: dict[str, Any] | None = None,
            message: str | None = None) -> None:
    with db.transaction() as session:
        task = session.get(Task, task_id)
        task.status, task.result, task.message = status, result, message
        task.payload = None  # the upload is not kept once its import has run
        if status is TaskStatus.DONE:
            task.done = task.total
        task.finished_at = task.updated_at = now_utc()


def run_task(db: Database, vault: Vault, task_id: int, *, today: dt.date | None = None) -> None:
    """Run a queued task to its end (see the module docstring); a task not queued is left alone."""
    with db.transaction() as session:
        task = session.get(Task, task_id, with_for_update=True)
        if task is None or task.status is not TaskStatus.QUEUED:
            return
        task.status, task.updated_at = TaskStatus.RUNNING, now_utc()
        kind, user_id, data, name, options = task.kind, task.user_id, task.payload, task.file_name, dict(task.options)
    try:
        with db.writer() as session:
            actor = session.get(User, user_id)
            if actor is None or not actor.active:
                raise NotFound("发起该任务的用户已停用")
            if kind == REMATCH:
                result = _rematch(session, vault, task_id, actor, options, today or china_today())
            else:
                found = _run_import(session, vault, kind, data or b"", file_name=name or "", options=options,
                                    dry_run=False, actor=actor,
                                    progress=lambda count: _advance(session, task_id, count))
                result = {**found.summary(), "list_name": found.list_name, "period": found.period}
                result["errors"] = result["errors"][:ERRORS_SHOWN]
                result["error_count"] = len(found.errors)
    except (DomainError, NotAList) as error:
        _finish(db, task_id, TaskStatus.FAILED, message=error.message)
        return
    except Exception:
        log.exception("task %s failed", task_id)
        _finish(db, task_id, TaskStatus.FAILED, message=FAILED_MESSAGE)
        return
    _finish(db, task_id, TaskStatus.DONE, result=result)


def _rematch(session: Session, vault: Vault, task_id: int, actor: User, options: dict[str, Any],
             today: dt.date) -> dict[str, Any]:
    from jobs.placements.matches import run_matching

    require(actor, Action.REMATCH, Person, session=session)
    area = options.get("area") or None
    summary = run_matching(session, vault=vault, today=today, origin=area, everything=True,
                           progress=lambda count: _advance(session, task_id, count))
    return summary.as_dict()


# --------------------------------------------------------------------------------------------------------
# The status page's view


@dataclass(frozen=True)
class TaskView:
    id: int
    kind: str
    label: str
    status: TaskStatus
    done: int
    total: int
    file_name: str | None
    result: dict[str, Any] | None
    message: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    stale: bool = False  # queued or running, but not moved for :data:`STALE_AFTER`

    @property
    def finished(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status is TaskStatus.DONE:
            return 100
        return 0 if self.total <= 0 else min(100, self.done * 100 // self.total)


def task_view(session: Session, *, task_id: int, actor: Actor, now: dt.datetime | None = None) -> TaskView:
    """A task its user (or an administrator) follows; NotFound for anyone else's. A task that has not moved for
    :data:`STALE_AFTER` is marked ``stale``: its process most likely ended, and uploading again resumes it
    (the rows already stored come back "unchanged")."""
    now = now or now_utc()
    task = session.get(Task, task_id)
    if task is None or (task.user_id != actor.id and actor.role is not Role.ADMIN) \
            or task.status is TaskStatus.STAGED:
        raise NotFound(f"任务{task_id}不存在")
    return TaskView(task.id, task.kind, KINDS.get(task.kind, task.kind), task.status, task.done, task.total,
                    task.file_name, task.result, task.message, task.created_at, task.finished_at,
                    stale=task.status in _UNDER_WAY and task.updated_at < now - STALE_AFTER)
