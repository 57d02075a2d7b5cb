"""The service-standard report: per origin county and year, who is covered, who met the standard, who is behind.

Covered means covered on at least one day of the year up to the report's day (the year's last day, or today for
the running year), judged day by day: without work that day (from the placements), wanting work, in the
governing standard's target groups and of working age. What is owed is what the pacing asks by the last day a
worker was covered (``jobs.service.pushes.required_by``): someone placed in June owes the job pushes due by May
(two of "311"), and training and guidance as they fell due; someone who found work in December owes all of it.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy import extract, false, func, or_, select
from sqlalchemy.orm import Session

from jobs.access.permissions import Actor, in_area, scope
from jobs.people.regions import region_table
from jobs.rendering.xlsx import append_row
from jobs.people.persons import masked_id_number
from jobs.service.pushes import count_by_kind, covered_in_year, required_by
from jobs.storage.crypto import Vault
from jobs.service.standards import Standards
from jobs.storage.clock import china_today
from jobs.storage.enums import PushKind
from jobs.storage.models import Person, Push

KINDS = ("job", "training", "guidance")


def report_day(year: int, today: dt.date | None = None) -> dt.date:
    today = today or china_today()
    return min(dt.date(year, 12, 31), today) if year >= today.year else dt.date(year, 12, 31)


def service_report(session: Session, *, vault: Vault, year: int, actor: Actor, county: str | None = None,
                   today: dt.date | None = None) -> dict[str, Any]:
    """The report as the JSON contract of ``bangfu service report`` states it, over the people ``actor`` may
    see (county staff: their county's, city's or province's people; the system and administrators: everyone)."""
    day = report_day(year, today)
    standards = Standards.load(session)
    covered = covered_in_year(session, standards, year, day, vault, visible=scope(actor, Person))
    ids = [pid for pid, _standard, _last in covered]
    homes = dict(session.execute(
        select(Person.id, Person.household_region_code).where(Person.id.in_(ids))
    ).all()) if covered else {}
    table = region_table()
    prefix = table.resolve(county).code if county else None
    counts = count_by_kind(session, ids, year)
    masked = {person.id: masked_id_number(person, vault) for person in session.scalars(
        select(Person).where(Person.id.in_(ids)))} if covered else {}
    counties: dict[str, dict[str, Any]] = {}
    for person_id, standard, last in covered:
        code = table.current(homes[person_id]).code
        if prefix and not code.startswith(prefix):
            continue
        entry = counties.setdefault(code, {
            "county": code, "name": table.current(code).name, "eligible": 0, "met": 0,
            "job_pushes": 0, "training_pushes": 0, "guidance": 0, "laggards": [],
        })
        got = counts[person_id]
        entry["eligible"] += 1
        entry["job_pushes"] += got["job"]
        entry["training_pushes"] += got["training"]
        entry["guidance"] += got["guidance"]
        required = required_by(standard, last)
        missing = {kind: max(required[kind] - got[kind], 0) for kind in KINDS}
        if any(missing.values()):
            entry["laggards"].append({"person_id": person_id, "id_number": masked[person_id], "missing": missing})
        else:
            entry["met"] += 1
    return {"year": year, "counties": [counties[code] for code in sorted(counties)]}


def pushes_by_month(session: Session, *, year: int, person_ids: list[int]) -> dict[tuple[str, int], int]:
    """(kind, month) → pushes to these people in ``year``."""
    if not person_ids:
        return {}
    month = extract("month", Push.sent_at)
    rows = session.execute(
        select(Push.kind, month, func.count()).where(Push.service_year == year, Push.person_id.in_(person_ids))
        .group_by(Push.kind, month)
    )
    return {(PushKind(kind).value, int(m)): n for kind, m, n in rows}


def report_xlsx(session: Session, report: dict[str, Any], *, actor: Actor) -> bytes:
    """The report for a county: a summary sheet, the laggards, and pushes by month to the people of the
    report's counties that ``actor`` may see."""
    book = Workbook()
    summary = book.active
    summary.title = "达标情况"
    # Every row through jobs.rendering: names and codes are text, never a live formula.
    append_row(summary, ("县（市、区）代码", "名称", "应服务人数", "已达标人数", "岗位信息推送", "培训信息推送", "职业指导"))
    for c in report["counties"]:
        append_row(summary, (c["county"], c["name"], c["eligible"], c["met"], c["job_pushes"], c["training_pushes"],
                        c["guidance"]))
    laggards = book.create_sheet("未达标人员")
    append_row(laggards, ("县（市、区）代码", "身份证号", "缺岗位信息", "缺培训信息", "缺职业指导"))
    ids = []
    for c in report["counties"]:
        for row in c["laggards"]:
            append_row(laggards, (c["county"], row["id_number"], row["missing"]["job"], row["missing"]["training"],
                             row["missing"]["guidance"]))
    for c in report["counties"]:
        ids += [row["person_id"] for row in c["laggards"]]
    months = book.create_sheet("按月推送")
    append_row(months, ("月份", "岗位信息", "培训信息", "职业指导"))
    counties = [c["county"] for c in report["counties"]]
    everyone = list(session.scalars(select(Push.person_id).where(
        Push.service_year == report["year"], scope(actor, Push),
        Push.person_id.in_(select(Person.id).where(
            or_(false(), *(in_area(Person.household_region_code, code) for code in counties)))),
    ).distinct()))
    by_month = pushes_by_month(session, year=report["year"], person_ids=everyone)
    for m in range(1, 13):
        append_row(months, (f"{report['year']}-{m:02d}", *(by_month.get((k, m), 0) for k in KINDS)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
