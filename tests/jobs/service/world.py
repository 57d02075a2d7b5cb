"""A small world for the scheduled service, built through the factories and the real use cases."""

from __future__ import annotations

import datetime as dt

from jobs.placements.matches import run_matching
from jobs.storage.enums import EmploymentStatus, OrganisationKind, PersonCategory, Role
from jobs.storage.models import Organisation, TrainingCourse, User
from tests.factories import make_employer, make_person, make_post

COUNTY = "430182"  # 宁乡市, governed by 湘人社规〔2021〕10号 in 2025 ("311")


def build_world(session, vault, *, posts: int = 24) -> dict:
    office = Organisation(name="宁乡市人力资源和社会保障局", kind=OrganisationKind.COUNTY_OFFICE, region_code=COUNTY)
    session.add(office)
    session.flush()
    staff = User(username="ningxiang", display_name="宁乡市就业服务中心", role=Role.COUNTY_STAFF,
                 organisation_id=office.id, email="jiuye@ningxiang.test")
    session.add(staff)
    welder = make_person(session, vault, name="张焊工")
    cook = make_person(session, vault, name="李厨师", wanted_occupations=(("中式烹调师", None),),
                       skills="会做湘菜", category=PersonCategory.MONITORED)
    nothing = make_person(session, vault, name="王无匹配", wanted_occupations=(("飞行员", None),),
                          wanted_regions=(("西藏", "54"),), skills="", category=PersonCategory.RURAL_LOW_INCOME)
    no_phone = make_person(session, vault, name="赵无手机", phone=None)
    other = make_person(session, vault, name="钱其他", category=PersonCategory.OTHER)
    employed = make_person(session, vault, name="孙在岗", employment_status=EmploymentStatus.EMPLOYED)
    employer = make_employer(session)
    made = []
    for i in range(posts):
        title = ("电焊工" if i % 2 == 0 else "厨师") + f"{i + 1}号岗"
        made.append(make_post(session, employer=employer, title=title, headcount=5))
    session.add(TrainingCourse(course="焊工（初级）培训班", provider="宁乡市职业技术学校", region_code=COUNTY,
                               start_date=dt.date(2025, 4, 1), end_date=dt.date(2025, 4, 30),
                               occupation_text="电焊工", capacity=40))
    session.flush()
    run_matching(session, vault=vault, today=dt.date(2025, 1, 1))
    session.flush()
    return {"office": office, "staff": staff, "covered": [welder, cook, nothing, no_phone],
            "not_covered": [other, employed], "posts": made}
