"""Every scheduled job, as data, in one place: fixed id, cron fields (China time), misfire grace, the period
key of a run, the use case it runs (in ``jobs.service``) and a Chinese description.

APScheduler's default misfire grace of one second silently skips a late run, so each job states its own; the
job store is in memory and built from this table at start, never pickled or shared between schedulers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from jobs.service import followup, housekeeping, pushes
from jobs.service.runs import RunContext

DAY = 24 * 3600


def daily_period(moment: dt.datetime) -> str:
    return moment.date().isoformat()


def hourly_period(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def monthly_period(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m")


@dataclass(frozen=True)
class JobDefinition:
    name: str
    description: str
    cron: dict[str, str]
    body: Callable[[RunContext], None]
    period: Callable[[dt.datetime], str]
    misfire_grace_time: int

    def trigger_label(self) -> str:
        return " ".join(f"{key}={value}" for key, value in self.cron.items())


JOBS: tuple[JobDefinition, ...] = (
    JobDefinition("close-posts", "关闭已过截止日期的岗位", {"hour": "0", "minute": "30"},
                  housekeeping.run_close_posts, daily_period, DAY),
    JobDefinition("rematch", "夜间增量人岗匹配（bangfu match run）", {"hour": "2", "minute": "0"},
                  housekeeping.run_rematch, daily_period, DAY),
    JobDefinition("claims", "每日按政策评估补贴（bangfu claims evaluate）", {"hour": "3", "minute": "0"},
                  housekeeping.run_claims, daily_period, DAY),
    JobDefinition("job-loss", "就业转失业：发现、当日提醒县级工作人员、三日内重新匹配并推送岗位和职业指导",
                  {"hour": "8,13,18", "minute": "15"}, followup.run_job_loss, hourly_period, 4 * 3600),
    JobDefinition("checks-due", "稳岗核实到期提醒（劳务工作站）和逾期清单（输出地县）", {"hour": "8", "minute": "30"},
                  followup.run_checks_digest, daily_period, 12 * 3600),
    JobDefinition("job-information", "岗位信息推送（“311”/“一对一”服务标准）", {"hour": "10", "minute": "0"},
                  pushes.run_job_information, daily_period, 10 * 3600),
    JobDefinition("training-information", "职业培训信息推送", {"hour": "10", "minute": "30"},
                  pushes.run_training_information, daily_period, 10 * 3600),
    JobDefinition("guidance", "职业指导邀请", {"hour": "11", "minute": "0"},
                  pushes.run_guidance, daily_period, 9 * 3600),
    JobDefinition("monthly-ledger", "每月20日前向输出地县推送务工情况电子台账（湘人社规〔2021〕10号第十三条）",
                  {"day": "10", "hour": "9", "minute": "0"}, housekeeping.run_monthly_ledger, monthly_period,
                  9 * DAY),
)

#: Delivery of the outbox runs every few minutes and keeps no run rows (every message has its own state).
DELIVERY_JOB_ID = "deliver-outbox"
DELIVERY_CRON = {"minute": "*/2"}

BY_NAME = {job.name: job for job in JOBS}

#: The jobs of the service itself (pushes, follow-ups, ledgers), without re-matching and claim evaluation:
#: what the demo simulates for a past year, since its matches and claims are already as of today.
SERVICE_JOBS = ("close-posts", "job-loss", "checks-due", "job-information", "training-information", "guidance",
                "monthly-ledger")
