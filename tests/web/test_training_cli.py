"""``bangfu training``: the catalogue template and its import."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from sqlalchemy import select

from jobs.storage.models import TrainingCourse
from web.cli import cli


def _fill(template, rows):
    book = load_workbook(template)
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(template)


def test_the_template_imports_with_bad_rows_named_by_row_and_column(runner, runtime, tmp_path):
    template = tmp_path / "培训目录.xlsx"
    assert runner.invoke(cli, ["training", "template", "-o", str(template)]).exit_code == 0
    _fill(template, [
        ["电工培训班", "宁乡市职业技术学校", "宁乡市", "", "2025-05-01", "2025-05-20", "电工", 1200, 1200, 30, ""],
        ["家政服务员培训", "宁乡市妇联", "430182", "", "2025-06-01", "2025-05-01", "家政服务员", 0, "", "", ""],
        ["养老护理员", "某培训学校", "火星", "", "2025-06-01", "2025-06-10", "", "很多", "", "", ""],
    ])
    result = runner.invoke(cli, ["training", "import", str(template), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["created"] == 1
    assert len(report["errors"]) == 2
    assert report["errors"][0].startswith("第4行") and "结业日期" in report["errors"][0]
    assert report["errors"][1].startswith("第5行") and "培训地点" in report["errors"][1]
    again = json.loads(runner.invoke(cli, ["training", "import", str(template), "--format", "json"]).stdout)
    assert (again["created"], again["unchanged"]) == (0, 1)
    with runtime.db.session() as session:
        (course,) = session.scalars(select(TrainingCourse)).all()
        assert (course.course, course.region_code, str(course.cost)) == ("电工培训班", "430182", "1200.00")


def test_a_file_without_the_required_columns_is_bad_input(runner, runtime, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "其他.xlsx"
    book = Workbook()
    book.active.append(["姓名", "电话"])
    book.save(path)
    result = runner.invoke(cli, ["training", "import", str(path)])
    assert result.exit_code == 2 and "缺少必填列" in result.output
