"""A row for a person or post already stored says what it changes: counted as updated with the fields that
changed, audited, and, for a person with placements or claims, held back until the change is confirmed."""

from __future__ import annotations

from sqlalchemy import select

from jobs.access.permissions import SYSTEM, system_actor
from jobs.lists import import_demand, import_supply
from jobs.people.persons import find_person
from jobs.storage.models import AuditEvent, DemandEntry
from tests.factories import make_placement
from tests.jobs.lists.gallery import TODAY, ZHANG, supply_rows, write_xlsx

HEADER = ["序号", "姓名", "身份证号", "户籍地", "人员类别", "技能特长"]


def a_list(tmp_path, name: str, skills: str, file: str):
    return write_xlsx(tmp_path / file, [HEADER, [1, name, ZHANG, "宁乡市", "脱贫人口", skills]])


def updates(session, object_type: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "update",
                                                        AuditEvent.object_type == object_type)))


def test_a_known_person_in_another_list_is_reported_as_updated_with_the_fields_that_changed(session, vault, tmp_path):
    import_demand(session, vault, a_list(tmp_path, "张三", "电焊", "a.xlsx"), list_name="一月", today=TODAY, actor=SYSTEM)
    result = import_demand(session, vault, a_list(tmp_path, "张叁", "木工", "b.xlsx"), list_name="二月", today=TODAY, actor=SYSTEM)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert [change.as_dict() for change in result.changes] == [
        {"row": 2, "what": "张叁（430182********4517）", "fields": ["姓名", "技能特长"]}]
    person = find_person(session, vault, ZHANG)
    assert (person.name, person.skills) == ("张叁", "木工")
    [event] = updates(session, "person")
    assert event.object_id == str(person.id)
    assert event.before == {"name": "张三", "skills": "电焊"}
    assert event.after["name"] == "张叁" and event.after["list"] == "二月"


def test_a_change_to_a_placed_person_waits_for_confirmation_and_is_applied_once_confirmed(session, vault, tmp_path):
    import_demand(session, vault, a_list(tmp_path, "张三", "电焊", "a.xlsx"), list_name="一月", today=TODAY, actor=SYSTEM)
    person = find_person(session, vault, ZHANG)
    make_placement(session, vault, person=person)
    session.commit()
    changed = a_list(tmp_path, "张叁", "木工", "b.xlsx")

    held = import_demand(session, vault, changed, list_name="二月", today=TODAY, actor=SYSTEM)
    assert (held.created, held.updated, held.unchanged) == (0, 0, 0)
    # The hire made them employed; the list still says unemployed: that is a change too, and waits as well.
    assert [change.as_dict() for change in held.unconfirmed] == [{
        "row": 2, "what": "张叁（430182********4517）", "fields": ["姓名", "技能特长", "就业状态"],
        "reason": "此人已有上岗或补贴记录，修改需确认（加 --confirm-changes 后重新导入）"}]
    session.refresh(person)
    assert (person.name, person.skills) == ("张三", "电焊")
    assert len(session.scalars(select(DemandEntry)).all()) == 1
    assert updates(session, "person") == []

    confirmed = import_demand(session, vault, changed, list_name="二月", confirm_changes=True, today=TODAY,
                              actor=system_actor("cli:clerk"))
    assert confirmed.updated == 1 and confirmed.unconfirmed == []
    session.refresh(person)
    assert person.name == "张叁"
    [event] = updates(session, "person")
    assert event.after["confirmed"] is True and event.actor == "cli:clerk"


def test_a_changed_post_names_its_changed_fields_and_is_audited(session, vault, tmp_path):
    rows = supply_rows()[1:4]
    import_supply(session, vault, write_xlsx(tmp_path / "a.xlsx", rows), list_name="岗位", today=TODAY, actor=SYSTEM)
    header = rows[0]
    rows[1][header.index("薪资待遇")] = "6000-7000元"
    result = import_supply(session, vault, write_xlsx(tmp_path / "b.xlsx", rows), list_name="岗位", today=TODAY, actor=SYSTEM)
    assert result.updated == 1
    assert result.changes[0].fields == ("月薪",)
    [event] = updates(session, "post")
    assert event.after["wage_min"] == 6000
