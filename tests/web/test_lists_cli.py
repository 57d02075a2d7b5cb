"""``bangfu template``, ``bangfu import`` and ``bangfu export``: the contract of docs/formats.md on the command line."""

from __future__ import annotations


import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from jobs.storage.enums import OrganisationKind, Role
from jobs.storage.models import AuditEvent, DemandList, Organisation, Person, Post, User
from tests.jobs.lists.gallery import county_list, demand_rows, generated_people, supply_list, write_xlsx
from tests.jobs.lists.test_demand_import import COUNTY_ERRORS
from web import commands
from web.cli import cli
from tests.web.clirun import json_of, succeeded

pytestmark = pytest.mark.usefixtures("frozen_clock")


def count(runtime, model) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_the_list_commands_are_on_the_bangfu_menu(runner):
    result = succeeded(runner.invoke(cli, ["--help"]))
    for command in ("template", "import", "export"):
        assert command in result.output


def test_import_prints_exactly_the_summary_of_formats_section_4(runner, runtime, tmp_path):
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json_of(result)
    assert list(summary) == ["rows", "created", "updated", "unchanged", "rejected", "ignored_columns", "errors",
                             "warnings", "changes", "needs_confirmation"]
    assert summary == {"rows": 6, "created": 3, "updated": 0, "unchanged": 0, "rejected": 3,
                       "ignored_columns": ["乡镇", "家庭人口"], "errors": COUNTY_ERRORS,
                       "warnings": [], "changes": [], "needs_confirmation": []}
    assert count(runtime, Person) == 3


def test_a_second_import_of_the_same_file_creates_and_updates_nothing(runner, tmp_path):
    path = str(county_list(tmp_path))
    succeeded(runner.invoke(cli, ["import", "demand", path]))
    summary = json_of(runner.invoke(cli, ["import", "demand", path, "--format", "json"]))
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 3)


def test_the_text_output_names_the_list_the_counts_and_the_bad_rows(runner, tmp_path):
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path))])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == ("导入完成：就业需求清单“宁乡市2025年脱贫劳动力就业需求清单”（2025，地区代码 430182）共 6 行，"
                        "新增 3，更新 0，未变 0，拒收 3。")
    assert lines[1] == "未识别、已忽略的列：乡镇、家庭人口"
    assert lines[3] == f"第8行 身份证号“{COUNTY_ERRORS[1]['value']}”：{COUNTY_ERRORS[1]['message']}"


def test_a_file_that_is_not_a_list_exits_2_with_one_message_and_writes_nothing(runner, runtime, tmp_path):
    path = write_xlsx(tmp_path / "budget.xlsx", [["月份", "收入"], ["1月", 100]])
    result = runner.invoke(cli, ["import", "demand", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "“budget.xlsx”中没有找到就业需求清单的表头" in result.stderr
    assert count(runtime, Person) == 0 and count(runtime, DemandList) == 0


def test_an_unreadable_file_exits_2(runner, tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"\x00garbage\xff\xfe")
    result = runner.invoke(cli, ["import", "supply", str(path)])
    assert result.exit_code == 2 and "无法读取“list.xlsx”" in result.stderr


def test_an_unknown_origin_exits_2(runner, tmp_path):
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path)), "--origin", "火星"])
    assert result.exit_code == 2 and "无法识别输出地“火星”" in result.stderr


def test_a_dry_run_writes_nothing(runner, runtime, tmp_path):
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path)), "--dry-run", "--format", "json"])
    assert json_of(result)["created"] == 3
    assert count(runtime, Person) == 0 and count(runtime, DemandList) == 0


def test_the_report_option_writes_the_rejected_rows(runner, tmp_path):
    report = tmp_path / "errors.xlsx"
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path)), "--report", str(report)])
    assert result.exit_code == 0 and f"被拒收的行已写入：{report}" in result.stdout
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert [row[-2] for row in rows[2:]] == [6, 8, 9]


def test_a_long_file_shows_a_progress_bar_on_stderr_only(runner, monkeypatch, tmp_path):
    monkeypatch.setattr(commands.lists, "PROGRESS_THRESHOLD", 10)
    path = write_xlsx(tmp_path / "long.xlsx", demand_rows(*generated_people(30)))
    result = runner.invoke(cli, ["import", "demand", str(path), "--format", "json"])
    assert "正在导入" in result.stderr
    assert json_of(result)["created"] == 30


def test_import_supply_takes_a_workstation_list(runner, runtime, tmp_path):
    result = runner.invoke(cli, ["import", "supply", str(supply_list(tmp_path)), "--format", "json"])
    assert result.exit_code == 0
    assert json_of(result)["created"] == 3 and count(runtime, Post) == 3


def test_template_writes_the_canonical_headers(runner, tmp_path):
    target = tmp_path / "需求清单模板.xlsx"
    result = runner.invoke(cli, ["template", "demand", "-o", str(target), "--format", "json"])
    assert json_of(result) == {"kind": "demand", "path": str(target)}
    assert load_workbook(target).worksheets[0]["C1"].value == "身份证号"


def test_export_masks_numbers_unless_revealed_and_a_reveal_is_audited(runner, runtime, tmp_path):
    succeeded(runner.invoke(cli, ["import", "demand", str(county_list(tmp_path))]))
    masked = runner.invoke(cli, ["export", "demand", "-o", str(tmp_path / "m.xlsx"), "--format", "json"])
    assert json_of(masked) == {"path": str(tmp_path / "m.xlsx"), "rows": 3,
                                         "sheets": {"宁乡市2025年脱贫劳动力就业需求清单": 3}, "revealed": False}
    assert load_workbook(tmp_path / "m.xlsx").worksheets[0]["C4"].value == "430182********4517"
    revealed = runner.invoke(cli, ["export", "demand", "--reveal", "-o", str(tmp_path / "r.xlsx")])
    assert revealed.exit_code == 0 and "完整号码" in revealed.stdout
    with runtime.db.session() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal"))
        assert event.actor.startswith("cli:") and event.object_type == "demand_export"
    again = runner.invoke(cli, ["import", "demand", str(tmp_path / "r.xlsx"), "--format", "json"])
    assert json_of(again)["unchanged"] == 3


def test_a_user_without_the_right_cannot_reveal(runner, runtime, tmp_path):
    with runtime.db.transaction() as session:
        organisation = Organisation(name="某劳务公司", kind=OrganisationKind.BROKER, region_code="430182")
        session.add(User(username="broker1", display_name="经纪人", role=Role.BROKER, organisation=organisation))
    result = runner.invoke(cli, ["export", "demand", "--reveal", "--user", "broker1", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "无权导出含完整身份证号和电话的清单" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()
    with runtime.db.session() as session:
        (denial,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied"))
        assert (denial.actor, denial.after) == ("broker1", {"action": "export_revealed", "reason": "not_permitted"})


def test_export_stable_and_supply_write_workbooks(runner, tmp_path):
    succeeded(runner.invoke(cli, ["import", "supply", str(supply_list(tmp_path))]))
    supply = runner.invoke(cli, ["export", "supply", "--region", "东莞", "-o", str(tmp_path / "s.xlsx"),
                                 "--format", "json"])
    assert json_of(supply)["rows"] == 2
    stable = runner.invoke(cli, ["export", "stable", "--origin", "宁乡市", "-o", str(tmp_path / "st.xlsx"),
                                 "--format", "json"])
    assert stable.exit_code == 0 and json_of(stable)["rows"] == 0


def add_user(runtime, username: str, role: Role) -> None:
    with runtime.db.transaction() as session:
        organisation = Organisation(name=f"{username}的单位", kind=OrganisationKind.COUNTY_OFFICE
                                    if role is Role.COUNTY_STAFF else OrganisationKind.BROKER, region_code="430182")
        session.add(User(username=username, display_name=username, role=role, organisation=organisation))


def test_an_import_report_masks_numbers_and_a_clear_one_needs_a_permitted_user_and_is_audited(runner, runtime,
                                                                                               tmp_path):
    path = str(county_list(tmp_path))
    masked = runner.invoke(cli, ["import", "demand", path, "--report", str(tmp_path / "m.xlsx")])
    assert masked.exit_code == 0 and "430182197811302000" not in masked.stdout
    assert load_workbook(tmp_path / "m.xlsx").active["C3"].value == "430182********2000"
    add_user(runtime, "broker2", Role.BROKER)
    refused = runner.invoke(cli, ["import", "demand", path, "--report", str(tmp_path / "r.xlsx"), "--reveal",
                                  "--user", "broker2"])
    assert refused.exit_code == 1 and "无权导出含完整身份证号和电话的清单" in refused.stderr
    assert not (tmp_path / "r.xlsx").exists()
    add_user(runtime, "clerk", Role.COUNTY_STAFF)
    clear = runner.invoke(cli, ["import", "demand", path, "--report", str(tmp_path / "r.xlsx"), "--reveal",
                                "--user", "clerk"])
    assert clear.exit_code == 0, clear.output
    assert load_workbook(tmp_path / "r.xlsx").active["C3"].value == pytest.approx(4.30182197811302e+17)
    # The operator of the command line, with the key file, may reveal too: audited under their login.
    operator = runner.invoke(cli, ["import", "demand", path, "--report", str(tmp_path / "o.xlsx"), "--reveal"])
    assert operator.exit_code == 0, operator.output
    with runtime.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")
                                 .order_by(AuditEvent.id)).all()
        assert [(event.actor == "clerk", event.object_type) for event in events] == [
            (True, "demand_import_report"), (False, "demand_import_report")]
        assert events[1].actor.startswith("cli:")


def test_an_unwritable_output_is_refused_in_chinese_before_anything_is_imported(runner, runtime, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path)), "--report",
                                 str(blocker / "errors.xlsx")])
    assert result.exit_code == 2 and "无法创建输出文件夹" in result.stderr
    assert "Traceback" not in result.output and count(runtime, Person) == 0
    for command in (["export", "demand"], ["template", "demand"]):
        result = runner.invoke(cli, [*command, "-o", str(blocker / "out.xlsx")])
        assert result.exit_code == 2 and "无法创建输出文件夹" in result.stderr


def test_changes_to_a_placed_person_wait_for_confirm_changes(runner, runtime, tmp_path):
    from jobs.people.persons import find_person
    from tests.factories import make_placement
    from tests.jobs.lists.gallery import ZHANG

    header = ["姓名", "身份证号", "户籍地", "人员类别"]
    first = write_xlsx(tmp_path / "a.xlsx", [header, ["张三", ZHANG, "宁乡市", "脱贫人口"]])
    runner.invoke(cli, ["import", "demand", str(first)])
    with runtime.db.transaction() as session:
        make_placement(session, runtime.vault, person=find_person(session, runtime.vault, ZHANG))
    renamed = write_xlsx(tmp_path / "b.xlsx", [header, ["张叁", ZHANG, "宁乡市", "脱贫人口"]])
    held = runner.invoke(cli, ["import", "demand", str(renamed)])
    assert "待确认 1 行" in held.stdout and "第2行 待确认 张叁（430182********4517）：姓名" in held.stdout
    done = runner.invoke(cli, ["import", "demand", str(renamed), "--confirm-changes"])
    assert "更新 1" in done.stdout and "第2行 更新 张叁（430182********4517）：姓名" in done.stdout
