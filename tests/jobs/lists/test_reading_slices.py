"""A sheet's rows cut into slices that other processes read on their own: together, exactly the data rows."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from jobs.lists import reading
from jobs.lists.reading import NotAList, open_list
from tests.jobs.lists.gallery import generated_people, write_xlsx

HEADER = ["序号", "姓名", "身份证号", "联系电话", "户籍地", "人员类别", "意向工种", "出生日期"]


@pytest.fixture(autouse=True)
def any_size_is_cut(monkeypatch):
    monkeypatch.setattr(reading, "_SLICE_MIN_BYTES", 0)


def _sheet(folder, count=60):
    rows = [["宁乡市2025年脱贫劳动力就业需求清单"], HEADER]
    for index, (name, number) in enumerate(generated_people(count), start=1):
        rows.append([index, name, number, f"1380000{index:04d}", "宁乡市", "脱贫人口", "普工、电焊工",
                     dt.datetime(1990, 1, 1 + index % 28)])
        if index % 17 == 0:
            rows.append([])  # blank rows are not data
    rows.append(["示例", "张三", None])  # the template's example row is not data
    rows.append(["合计", None, None, None, None, None, None, None])
    return write_xlsx(folder / "demand.xlsx", rows)


def _rows(rows):
    return [(row.number, row.cells) for row in rows]


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_slices_in_order_give_exactly_the_data_rows(tmp_path, parts):
    path = _sheet(tmp_path)
    with open_list(path, "demand") as source:
        slices = source.slices(parts)
        assert slices is not None and len(slices) == parts
        sliced = [row for part in slices for row in _rows(source.read_slice(part))]
        whole = _rows(source.data_rows())
    assert sliced == whole and len(whole) == 60
    assert whole[0][0] == 3 and isinstance(whole[0][1][7], dt.datetime)


def _rewritten(path, change):
    """The workbook at ``path`` with its sheet's XML passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            new.writestr(item, data)
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("change", [
    lambda xml: re.sub(rb'<row r="\d+"', b"<row", xml),  # rows numbered by their order only
    lambda xml: xml.replace(b"<sheetData>", b"<sheetData><!-- <row r=\"1\"> -->"),  # a comment could hold a tag
    lambda xml: xml.replace(b"<sheetData>", b"<sheetData><?note <row ?>"),
], ids=["rows without references", "a comment", "a processing instruction"])
def test_a_sheet_not_plainly_written_is_not_cut_and_still_reads_whole(tmp_path, change):
    path = _rewritten(_sheet(tmp_path), change)
    with open_list(path, "demand") as source:
        assert source.slices(3) is None
        assert len(list(source.data_rows())) == 60


def test_csv_a_stream_one_part_and_a_small_sheet_are_not_cut(tmp_path, monkeypatch):
    path = _sheet(tmp_path)
    with open_list(io.BytesIO(path.read_bytes()), "demand") as source:
        assert source.slices(2) is None  # an upload has no path for another process to open
    csv_path = tmp_path / "demand.csv"
    csv_path.write_text(",".join(HEADER) + "\n1,张三,x\n", encoding="utf-8")
    with open_list(csv_path, "demand") as source:
        assert source.slices(2) is None
    with open_list(path, "demand") as source:
        assert source.slices(1) is None
    monkeypatch.setattr(reading, "_SLICE_MIN_BYTES", 1 << 20)
    with open_list(path, "demand") as source:
        assert source.slices(2) is None


def test_a_slice_of_a_damaged_sheet_says_so_in_chinese_naming_the_row(tmp_path):
    path = _rewritten(_sheet(tmp_path), lambda xml: xml.replace(b'<row r="50"', b'<row r="50"><oops', 1))
    with open_list(path, "demand") as source:  # the head of the sheet is whole: the list opens
        first, second = source.slices(2)
        assert len(list(source.read_slice(first))) > 20
        with pytest.raises(NotAList, match="工作表“Sheet”：文件在第50行附近已损坏，未导入任何数据"):
            list(source.read_slice(second))
