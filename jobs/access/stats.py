"""Headline counts for the home page and the demo's summary."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs.storage.enums import EmploymentStatus
from jobs.storage.models import (
    Broker,
    DemandList,
    Dispatch,
    Employer,
    Match,
    Person,
    Placement,
    Post,
    SubsidyClaim,
    Workstation,
)


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    value: int


def platform_counts(session: Session) -> list[Count]:
    def count(model, *where) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return [
        Count("people", "登记劳动力", count(Person)),
        Count("unemployed", "其中未就业", count(Person, Person.employment_status == EmploymentStatus.UNEMPLOYED)),
        Count("demand_lists", "就业需求清单", count(DemandList)),
        Count("employers", "用人单位", count(Employer)),
        Count("posts", "岗位", count(Post)),
        Count("workstations", "劳务工作站", count(Workstation)),
        Count("brokers", "劳务经纪人及机构", count(Broker)),
        Count("matches", "人岗匹配结果", count(Match)),
        Count("placements", "就业安置", count(Placement)),
        Count("dispatches", "有组织劳务输出批次", count(Dispatch)),
        Count("claims", "补贴记录", count(SubsidyClaim)),
    ]
