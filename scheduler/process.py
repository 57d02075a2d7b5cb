"""``bangfu scheduler``: the scheduler process (never inside the web server).

Standby until it holds the leader lock; then catches up the periods missed while no scheduler ran (once per
job: the latest missed period), and runs APScheduler 3's ``BlockingScheduler`` in China time with the jobs of
``scheduler.definitions``. If it loses the lock it stops scheduling and becomes a standby again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from jobs.service.outbox import Channels, deliver_due
from jobs.storage.clock import CHINA
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from scheduler.definitions import DELIVERY_CRON, DELIVERY_JOB_ID, JOBS, JobDefinition
from scheduler.leader import leader_lock
from scheduler.runner import missed_periods, run_at

log = logging.getLogger("bangfu.scheduler")


def build_scheduler(*, db: Database, vault: Vault, channels: Channels,
                    say: Callable[[str], None]) -> BlockingScheduler:
    """A BlockingScheduler with every job of the table: memory store, fixed ids, China time."""
    scheduler = BlockingScheduler(
        jobstores={"default": MemoryJobStore()},
        # One worker: jobs never overlap, so each item's small transaction never waits on another job.
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=CHINA,
    )
    for job in JOBS:
        scheduler.add_job(_fire, CronTrigger(timezone=CHINA, **job.cron), args=(job, db, vault, say),
                          id=job.name, name=job.description, replace_existing=True, coalesce=True,
                          misfire_grace_time=job.misfire_grace_time)
    scheduler.add_job(_deliver, CronTrigger(timezone=CHINA, **DELIVERY_CRON), args=(db, channels),
                      id=DELIVERY_JOB_ID, name="发送待发消息", replace_existing=True, coalesce=True,
                      misfire_grace_time=600)
    return scheduler


def _fire(job: JobDefinition, db: Database, vault: Vault, say: Callable[[str], None]) -> None:
    outcome = run_at(job, db=db, vault=vault, moment=dt.datetime.now(CHINA))
    say(f"任务 {job.name} {outcome.period}：{outcome.status} {outcome.counts}")


def _deliver(db: Database, channels: Channels) -> None:
    deliver_due(db, channels, now=dt.datetime.now(dt.UTC))


def run_forever(*, db: Database, vault: Vault, channels: Channels, say: Callable[[str], None],
                lease_seconds: float = 30.0, poll_seconds: float = 5.0, max_cycles: int | None = None) -> None:
    """Standby until leader, then schedule; back to standby if leadership is lost."""
    lock = leader_lock(db, lease_seconds=lease_seconds)
    waiting_said = False
    cycles = 0
    try:
        while max_cycles is None or cycles < max_cycles:
            cycles += 1
            if not lock.acquire():
                if not waiting_said:
                    say(f"备用调度器（{lock.holder}）：已有主调度器在运行，等待接管")
                    waiting_said = True
                time.sleep(poll_seconds)
                continue
            waiting_said = False
            say(f"本进程成为主调度器（{lock.holder}）")
            _lead(db=db, vault=vault, channels=channels, say=say, lock=lock, lease_seconds=lease_seconds)
    finally:
        lock.release()


def _lead(*, db, vault, channels, say, lock, lease_seconds: float) -> None:
    lost = threading.Event()
    stop = threading.Event()
    holder: dict[str, BlockingScheduler] = {}

    def keep_lease() -> None:
        # Renewed from its own thread from the first moment, so neither the catch-up nor a long job lets
        # the lease expire under a live leader.
        while not stop.wait(max(lease_seconds / 3, 0.2)):
            if not lock.renew():
                lost.set()
                say("失去主调度器资格，停止调度并转为备用")
                if "scheduler" in holder:
                    holder["scheduler"].shutdown(wait=False)
                return

    renewer = threading.Thread(target=keep_lease, name="bangfu-leader-lease", daemon=True)
    renewer.start()
    try:
        for job, moment in missed_periods(db=db, now=dt.datetime.now(CHINA)):
            if lost.is_set():
                return
            outcome = run_at(job, db=db, vault=vault, moment=moment)
            say(f"补跑 {job.name} {outcome.period}：{outcome.status} {outcome.counts}")
        if lost.is_set():
            return
        scheduler = build_scheduler(db=db, vault=vault, channels=channels, say=say)
        holder["scheduler"] = scheduler
        say("调度器已启动（时区 Asia/Shanghai）：" + "、".join(job.name for job in JOBS))
        scheduler.start()
    finally:
        stop.set()
        renewer.join(timeout=5)
