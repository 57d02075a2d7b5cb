"""Business dates are dates in China time; timestamps are timezone-aware UTC.

Tests freeze the clock with time-machine, so everything asks this module rather than ``date.today()``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def china_today() -> dt.date:
    """Today's date in China (UTC+8), the calendar that policy milestones and ages are counted in."""
    return dt.datetime.now(CHINA).date()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` (a birthday on 29 February counts from 1 March in common years)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)
