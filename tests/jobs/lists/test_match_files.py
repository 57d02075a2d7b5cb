"""Matching two files in several processes writes the file one process writes, byte for byte."""

from __future__ import annotations

import os

import pytest

from jobs.lists import file_shards, reading
from jobs.lists import match_files as files
from jobs.lists.match_files import match_files
from tests.jobs.lists.gallery import TODAY, generated_people, write_xlsx

HEADER = ["序号", "姓名", "身份证号", "联系电话", "户籍地", "人员类别", "意向工种", "意向地区", "期望月薪"]
JOBS = ["普工", "电焊工", "保安", "装配工", "叉车司机"]
PLACES = ["广东", "不限", "浙江宁波", "省内"]


SUPPLY = [["序号", "用人单位", "岗位名称", "招聘人数", "工作地点", "月薪", "年龄要求", "劳动强度", "食宿", "截止日期"],
          [1, "东莞市某电子有限公司", "普工（长白班）", "20人", "广东省东莞市长安镇", "4500-6000", "18-55岁", "中", "包吃包住",
           "2027-06-30"],
          [2, "东莞市某电子有限公司", "焊工（二保焊）", "5", "广东东莞", "7000-9000", "18-50岁", "重", "包住", "2027-06-30"],
          [3, "宁波某机械有限公司", "装配工", "10", "宁波市北仑区", "5000以上", "不限", "轻", None, "2027-12-31"],
          [4, "长沙某物业公司", "保安员", "若干", "湖南省长沙市宁乡市", "3500-4500", "18-60岁", "轻", "包工作餐",
           "2027-12-31"],
          [5, "佛山某物流公司", "叉车司机", "3", "佛山顺德", "6000-8000", "不限", "中", None, "2027-12-31"]]


def supply_list(folder):
    return write_xlsx(folder / "supply.xlsx", SUPPLY)


def _demand(folder, rows):
    return write_xlsx(folder / "demand.xlsx", [HEADER, *rows])


def _people_rows(count: int) -> list[list[object]]:
    people = generated_people(count)
    return [[index, name, number, None, "宁乡市", "脱贫人口", JOBS[index % 5], PLACES[index % 4], 4000 + index % 7 * 500]
            for index, (name, number) in enumerate(people, start=1)]


@pytest.fixture
def shards_everywhere(monkeypatch):
    """Any list is cut into shards, and forking is allowed even with the test runner's threads."""
    monkeypatch.setattr(files, "_SHARD_ROWS", 1)
    monkeypatch.setattr(file_shards, "can_fork", lambda: True)


def _run(demand, supply, out, processes, **options):
    result = match_files(demand, supply, today=TODAY, output=out, processes=processes, **options)
    return result.summary(), out.read_bytes()


@pytest.mark.parametrize("cut", ["sheet slices", "rows read here"])
def test_shards_write_the_same_file_and_summary_as_one_process(tmp_path, shards_everywhere, monkeypatch, cut):
    if cut == "sheet slices":  # each shard reads its own part of the sheet
        monkeypatch.setattr(reading, "_SLICE_MIN_BYTES", 0)
    else:
        monkeypatch.setattr(reading.ListSource, "slices", lambda self, parts: None)
    rows = _people_rows(40)
    rows[10][2] = rows[3][2]  # a duplicate ID number in the same shard as its first row
    rows[30][2] = rows[5][2]  # ... and one in a later shard: the later row is skipped, its offers dropped
    rows[35][2] = rows[5][2]  # ... twice: both name the first row, in the first shard
    rows[20][2] = rows[20][2][:-1] + ("0" if rows[20][2][-1] != "0" else "1")  # a bad check digit: rejected
    rows[0][0] = "@甲1"  # a 序号 that a spreadsheet could run is written as text
    demand, supply = _demand(tmp_path, rows), supply_list(tmp_path)

    one = _run(demand, supply, tmp_path / "one.csv", 1)
    for processes in (2, 3, 7):
        assert _run(demand, supply, tmp_path / f"{processes}.csv", processes) == one

    summary, body = one
    assert summary["seekers"] == 36 and summary["matches"] > 0
    skipped = [(s["row"], s["message"]) for s in summary["skipped"] if s["list"] == "demand"]
    assert [row for row, _message in skipped] == [12, 22, 32, 37]  # the header is row 1
    assert "与第5行重复" in skipped[0][1] and skipped[1][1].startswith("身份证号：")
    assert "与第7行重复" in skipped[2][1] and "与第7行重复" in skipped[3][1]
    assert body.decode("utf-8-sig").splitlines()[1].startswith("'@甲1,")


def test_a_damaged_sheet_is_refused_as_one_process_refuses_it(tmp_path, shards_everywhere, monkeypatch):
    from jobs.lists.reading import NotAList
    from tests.jobs.lists.test_reading_slices import _rewritten

    monkeypatch.setattr(reading, "_SLICE_MIN_BYTES", 0)
    demand = _rewritten(_demand(tmp_path, _people_rows(40)),
                        lambda xml: xml.replace(b'<row r="35"', b'<row r="35"><oops', 1))
    with pytest.raises(NotAList, match="文件在第35行附近已损坏") as one:
        match_files(demand, supply_list(tmp_path), today=TODAY, output=tmp_path / "one.csv", processes=1)
    with pytest.raises(NotAList) as shards:
        match_files(demand, supply_list(tmp_path), today=TODAY, output=tmp_path / "two.csv", processes=2)
    assert shards.value.message == one.value.message
    assert not (tmp_path / "two.csv").exists()


def test_a_shard_whose_process_fails_is_done_again_here(tmp_path, shards_everywhere, monkeypatch):
    demand, supply = _demand(tmp_path, _people_rows(30)), supply_list(tmp_path)
    expected = _run(demand, supply, tmp_path / "one.csv", 1)
    here = os.getpid()
    real = files._convert_rows

    def failing_elsewhere(*args, **kwargs):
        if os.getpid() != here:
            raise RuntimeError("a shard's process breaks")
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "_convert_rows", failing_elsewhere)
    assert _run(demand, supply, tmp_path / "again.csv", 3) == expected


def test_matches_by_post_and_xlsx_output_stay_in_one_process(tmp_path, shards_everywhere, monkeypatch):
    monkeypatch.setattr(file_shards, "run", lambda *args: pytest.fail("no shards for this output"))
    demand, supply = _demand(tmp_path, _people_rows(12)), supply_list(tmp_path)
    by_post = match_files(demand, supply, today=TODAY, output=tmp_path / "posts.csv", processes=4, by="post")
    as_xlsx = match_files(demand, supply, today=TODAY, output=tmp_path / "seekers.xlsx", processes=4)
    assert by_post.match_count > 0 and as_xlsx.match_count > 0


def test_rows_are_cut_into_consecutive_shards_of_nearly_equal_size():
    assert file_shards.split(list(range(10)), 3) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert file_shards.split([1, 2], 5) == [[1], [2]]
    assert file_shards.split([], 2) == [[]]


def test_merging_settles_duplicates_across_shards_as_one_pass_would():
    words = ("身份证号", "身份证号")
    first = file_shards.Shard(seen={"A": 2, "B": 3}, kept=[2, 3], groups=[(2, 2, 1), (3, 4, 1)], body=b"a\nb\n",
                              words=words)
    # Row 5 repeats row 3's ID; row 6 repeats row 5's within the shard; row 4 was rejected.
    second = file_shards.Shard(seen={"B": 5, "C": 7}, duplicates=[(6, "B")], skipped=[(4, "姓名：为空")],
                               kept=[5, 7], groups=[(5, 2, 1), (7, 4, 1)], body=b"x\nc\n", words=words)
    merged = file_shards.merge([first, second])
    assert merged.body == b"a\nb\nc\n" and (merged.seekers, merged.matches) == (3, 3)
    assert merged.skipped == [(4, "姓名：为空"), (5, "身份证号：身份证号与第3行重复，本行未参与匹配"),
                              (6, "身份证号：身份证号与第3行重复，本行未参与匹配")]


def test_when_this_process_fails_its_part_the_other_processes_are_stopped_and_reaped(monkeypatch):
    forked = []
    real_fork = file_shards._fork

    def recorded(work, part):
        child = real_fork(work, part)
        forked.append(child[0])
        return child

    def work(part):
        if part == ["mine"]:
            raise ValueError("this part breaks")
        import time

        time.sleep(60)  # a part that would outlive the failure
        return file_shards.Shard()

    monkeypatch.setattr(file_shards, "_fork", recorded)
    with pytest.raises(ValueError, match="this part breaks"):
        file_shards.run([["mine"], ["theirs"], ["theirs"]], work)
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # stopped and reaped: not even a zombie is left
