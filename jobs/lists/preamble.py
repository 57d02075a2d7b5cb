"""What a list says about itself above its header: title, 填报单位, 填报日期, and the lines an export writes
(清单名称, 清单期间, 输出地 / 地区) so that an exported list imports back into the same list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobs.people.regions import RegionError, RegionRecord, RegionTable

__all__ = ["ListInfo", "read_preamble", "describe_list", "county_from_text", "stated_region"]

NAME_LABEL = "清单名称"
PERIOD_LABEL = "清单期间"
ORIGIN_LABEL = "输出地"
REGION_LABEL = "地区"

_YEAR = re.compile(r"(20\d{2})\s*年?")
_LABELLED = re.compile(r"^\s*(清单名称|清单期间|输出地|地区)[:：]\s*(.+?)\s*$")
_CODE_IN_BRACKETS = re.compile(r"[(（](\d{2,6})[)）]\s*$")
_REPORTING_UNIT = re.compile(r"(?:填报|报送|填表|编制)单位[:：]?\s*([^\s:：]+)")
_REPORTING_DATE = re.compile(r"(?:填报|报送|填表|编制)(?:日期|时间)[:：]?\s*(\S+)")
_ORG_SUFFIX = re.compile(
    r"(人力资源和社会保障局|人力资源社会保障局|人社局|乡村振兴局|农业农村局|就业服务中心|就业服务局|劳动就业服务局|"
    r"人民政府|政府|办公室|帮扶办|劳务工作站|工作站|劳务站|社区|村委会|居委会)$"
)
_TITLE_WORDS = ("清单", "名单", "花名册", "台账", "统计表", "登记表", "信息表", "一览表", "汇总表")


@dataclass(frozen=True)
class ListInfo:
    """Title, reporting unit, year, period and region a file states above its header (None when silent)."""

    title: str | None = None
    unit: str | None = None
    year: str | None = None
    period: str | None = None
    region_code: str | None = None


def read_preamble(lines: list[str]) -> ListInfo:
    """Read the lines above the header row (one entry per non-empty cell)."""
    title = unit = year = period = region = named = None
    for line in lines:
        labelled = _LABELLED.match(line)
        if labelled is not None:
            label, value = labelled.groups()
            if label == NAME_LABEL:
                named = value[:128]
            elif label == PERIOD_LABEL:
                period = value[:32]
            elif (code := _CODE_IN_BRACKETS.search(value)) is not None:
                region = code.group(1)
            continue
        if unit is None and (match := _REPORTING_UNIT.search(line)):
            unit = match.group(1)
        if year is None and (match := _REPORTING_DATE.search(line)) and (found := _YEAR.search(match.group(1))):
            year = found.group(1)
        if title is None and any(word in line for word in _TITLE_WORDS) and not _REPORTING_UNIT.search(line):
            title = line[:128]
    title = named or title
    if title is not None and (match := _YEAR.search(title)):
        year = match.group(1)
    return ListInfo(title=title, unit=unit, year=year, period=period, region_code=region)


def describe_list(name: str, period: str, label: str, region: RegionRecord) -> list[str]:
    """The cells an export writes above its header; :func:`read_preamble` reads them back."""
    return [f"{NAME_LABEL}：{name}", f"{PERIOD_LABEL}：{period}", f"{label}：{region.full_name}（{region.code}）"]


def county_from_text(table: RegionTable, text: str | None, *, receiving: bool = False) -> str | None:
    """The place named at the start of a title or a reporting unit ("宁乡市人社局" → 430182), else None.

    For an origin (``receiving`` False) it must be a county. For a receiving area a city will do, and a
    workstation's name says where it is after 驻 ("宁乡市驻东莞劳务工作站" → 东莞).
    """
    if not text:
        return None
    if receiving and "驻" in text:
        text = text.split("驻", 1)[1]
    stem = _ORG_SUFFIX.sub("", _YEAR.sub("", text))
    for candidate in (stem, re.split(r"\d", stem)[0]):
        if not candidate:
            continue
        try:
            found = table.resolve(candidate)
        except RegionError:
            continue
        if receiving and found.level in ("prefecture", "county"):
            return found.code
        if found.county_code is not None:
            return found.county_code
    return None


def stated_region(table: RegionTable, code: str | None) -> str | None:
    """A region code a file states (an export's 输出地 / 地区 line), current, if it is a known one."""
    if code is None:
        return None
    try:
        return table.current(code).code
    except RegionError:
        return None
