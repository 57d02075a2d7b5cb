"""``bangfu match DEMAND SUPPLY -o OUT`` (docs/formats.md): two files, no database, exact output."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from jobs.people.identity import generate_id_number
from web.cli import cli
from tests.web.clirun import json_of, succeeded

DEMAND_HEADERS = ["序号", "姓名", "身份证号", "联系电话", "户籍地", "人员类别", "劳动能力", "文化程度", "技能特长",
                  "就业状态", "就业意愿", "意向工种", "意向地区", "期望月薪", "培训意愿", "备注"]
SUPPLY_HEADERS = ["序号", "用人单位", "统一社会信用代码", "岗位名称", "招聘人数", "工作地点", "月薪", "年龄要求",
                  "学历要求", "技能要求", "劳动强度", "食宿", "合同期限", "联系人", "联系电话", "截止日期", "备注"]

WELDER = generate_id_number("430124", dt.date(1990, 3, 15), 451)
NANNY = generate_id_number("341524", dt.date(1975, 6, 2), 342)
ELECTRICIAN = generate_id_number("230522", dt.date(1995, 1, 9), 111)
ROOT = Path(__file__).resolve().parents[2]
BAD_CHECKSUM = WELDER[:-1] + ("0" if WELDER[-1] != "0" else "1")


def _xlsx(path, headers, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def lists(tmp_path):
    demand = _xlsx(tmp_path / "需求清单.xlsx", DEMAND_HEADERS, [
        ["1", "王焊", WELDER, "13800000001", "湖南省长沙市宁乡市", "脱贫户", "普通劳动力", "初中", "电焊，有焊工证",
         "未就业", "是", "电焊工", "广东", "7000", "否", None],
        ["2", "李姐", NANNY, "13800000002", "金寨县", "边缘易致贫户", "弱劳力", "小学", "做过家政",
         "在家", "有", "保姆", "不限", "面议", "否", None],
        ["3", "张电", ELECTRICIAN, "13800000003", "友谊县", "其他", "普通劳动力", "高中", "有电工证",
         "未就业", "是", "电工", "省内", "6000", "否", None],
        ["4", "错号", BAD_CHECKSUM, "13800000004", "宁乡市", "脱贫人口", "普通劳动力", "初中", None,
         "未就业", "是", "普工", "不限", "5000", "否", None],
    ])
    supply = _xlsx(tmp_path / "岗位清单.xlsx", SUPPLY_HEADERS, [
        ["1", "东莞市某电子有限公司", None, "焊工（二保焊）", "20人", "广东省东莞市长安镇", "7000-9000", "18-50岁",
         "初中及以上", "持焊工证", "重", "包吃包住", "1年", "陈经理", "0769-85551234", "2027-06-30", None],
        ["2", "无锡市某家政服务有限公司", None, "家政服务员", "若干", "江苏省无锡市新吴区", "5000-7000", "25-55岁",
         "不限", None, "轻", "提供住宿", "1年", "周女士", "13900139001", "2027-06-30", None],
        ["3", "东莞市某电子有限公司", None, "电工", "5", "广东东莞", "6000-8000", "18-50岁",
         "初中及以上", "持电工证", "中", "包吃包住", "1年", "陈经理", "0769-85551234", "2027-06-30", None],
    ])
    return demand, supply


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_two_files_give_ranked_pairs_with_reasons_and_the_bad_row_is_named(runner, lists, tmp_path, frozen_clock):
    demand, supply = lists
    out = tmp_path / "结果.csv"
    result = runner.invoke(cli, ["match", str(demand), str(supply), "-o", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json_of(result)
    assert (summary["seekers"], summary["posts"], summary["matches"]) == (3, 3, 3)
    assert summary["skipped"] == [{"list": "demand", "row": 5, "message": summary["skipped"][0]["message"]}]
    assert "身份证号" in summary["skipped"][0]["message"] and "校验码" in summary["skipped"][0]["message"]
    rows = _rows(out)
    assert rows[0] == ["demand_key", "supply_key", "rank", "score", "reasons"]
    # 王焊 wants 电焊 in 广东: the welding post first, the electrician's post second; the Wuxi post is outside
    # 广东. 李姐 (弱劳力) only fits light work: the housekeeping post. 张电 wants 省内 (黑龙江): nothing there.
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [("1", "1", "1"), ("1", "3", "2"), ("2", "2", "1")]
    welding, electric, housekeeping = rows[1:]
    assert [welding[3], electric[3], housekeeping[3]] == ["100.0", "60.7", "85.0"]
    assert welding[4] == ("工种相符：电焊工≈焊工（6-18-02-04）；证书：需焊工证 ✓；地点：意向广东 ✓；"
                          "薪资：期望7000，岗位7000-9000 ✓；食宿：包吃住 ✓（外出务工）；学历：要求初中及以上，本人初中 ✓；"
                          "优先保障对象")
    assert "证书：需电工证 ✗" in electric[4]
    assert housekeeping[4].startswith("工种相符：保姆≈家政服务员（4-10-01-06）；技能：做过家政 ✓")


def test_candidates_per_post_and_xlsx_output(runner, lists, tmp_path, frozen_clock):
    demand, supply = lists
    out = tmp_path / "结果.xlsx"
    result = runner.invoke(cli, ["match", str(demand), str(supply), "--by", "post", "--top", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0] == ("demand_key", "supply_key", "rank", "score", "reasons")
    assert [(r[1], r[0], r[2]) for r in rows[1:]] == [("1", "1", 1), ("2", "2", 1), ("3", "1", 1)]
    assert "第5行未参与匹配" in result.output


def test_a_file_that_is_not_a_list_is_bad_input(runner, lists, tmp_path):
    demand, _supply = lists
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a spreadsheet", encoding="utf-8")
    result = runner.invoke(cli, ["match", str(demand), str(junk), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert not (tmp_path / "o.csv").exists()


def test_match_run_rematches_only_what_changed_and_never_duplicates(runner, frozen_clock):
    succeeded(runner.invoke(cli, ["demo", "--workers", "200", "--posts", "40", "--no-simulate"]))  # the demo is matched as it is built
    frozen_clock.shift(dt.timedelta(minutes=1))
    nothing = json_of(runner.invoke(cli, ["match", "run", "--format", "json"]))
    assert (nothing["seekers"], nothing["posts"], nothing["created"]) == (0, 0, 0)
    everything = json_of(runner.invoke(cli, ["match", "run", "--all", "--format", "json"]))
    assert everything["seekers"] > 0 and everything["created"] == 0 and everything["unchanged"] > 0


def test_match_output_holds_no_live_formula_and_an_unwritable_path_is_refused(runner, tmp_path):
    from jobs.lists.match_files import FileMatch, write_output
    from matching import MatchTable
    from tests.jobs.lists.gallery import supply_list

    hostile = MatchTable(seeker_keys=["=1+1"], post_keys=["@SUM(A1)"], rank=[1], score=[90.0], reasons=["-x"])
    write_output(FileMatch(matches=hostile), tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[1] == "'=1+1,'@SUM(A1),1,90.0,'-x"
    write_output(FileMatch(matches=hostile), tmp_path / "out.xlsx")
    assert [c.data_type for c in load_workbook(tmp_path / "out.xlsx").active[2]][:2] == ["s", "s"]
    blocked = tmp_path / "file"
    blocked.write_text("x")
    result = runner.invoke(cli, ["match", str(supply_list(tmp_path)), str(supply_list(tmp_path)),
                                 "-o", str(blocked / "out.csv")])
    assert result.exit_code == 2 and "无法创建输出文件夹" in result.stderr


def test_matching_two_files_imports_no_database_layer_web_framework_or_scipy(runner, lists, tmp_path):
    demand, supply = lists
    first = runner.invoke(cli, ["match", str(demand), str(supply), "-o", str(tmp_path / "first.csv")])
    assert first.exit_code == 0, first.output  # the first use fills the cache folder (classifier, relation table)
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}  # the cache folder of this test run is inherited
    done = subprocess.run([sys.executable, "-m", "web.cli", "match", str(demand), str(supply), "-o",
                           str(tmp_path / "out.csv")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert {"jobs", "matching", "numpy"} <= imported  # the import times were recorded
    assert {"sqlalchemy", "flask", "werkzeug", "scipy", "sklearn"} & imported == set()
