"""Places in lists, through the region resolver: 户籍地 (a county), 意向地区 (several, relative ones against the
worker's home county, 不限 → no code) and 工作地点 (a county, or a prefecture that is one county).
"""

from __future__ import annotations

from dataclasses import dataclass

from jobs.lists.values import CellError
from jobs.people.regions import RegionError, RegionTable, Resolution

__all__ = ["Place", "Places", "WANTED_AREA_GROUPS", "OUTSIDE_HOME_WORDS"]

# Everyday names of groups of provinces and cities, expanded to their members.
WANTED_AREA_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "江浙沪": (("江苏", "32"), ("浙江", "33"), ("上海", "31")),
    # 《长江三角洲区域一体化发展规划纲要》(2019): 上海、江苏、浙江、安徽 全域.
    "长三角": (("上海", "31"), ("江苏", "32"), ("浙江", "33"), ("安徽", "34")),
    # 《珠江三角洲地区改革发展规划纲要（2008—2020年）》: the nine cities of Guangdong below.
    "珠三角": (("广州", "4401"), ("深圳", "4403"), ("珠海", "4404"), ("佛山", "4406"), ("江门", "4407"),
              ("肇庆", "4412"), ("惠州", "4413"), ("东莞", "4419"), ("中山", "4420")),
    "京津冀": (("北京", "11"), ("天津", "12"), ("河北", "13")),
}
# "Anywhere but home": no single region, so no code (the text is kept and says what was meant).
OUTSIDE_HOME_WORDS = frozenset({"县外", "省外", "外省", "市外", "外地", "出省", "跨省", "县外务工", "省外务工",
                                "外出", "外出务工", "异地"})


@dataclass(frozen=True)
class Place:
    """A resolved place: the region code the row stores and the text it keeps (None when the text only
    repeats the region's name or code)."""

    code: str
    address: str | None


class Places:
    """Resolves the places of one import, each distinct (text, home) once."""

    def __init__(self, table: RegionTable) -> None:
        self.table = table
        self._wanted: dict[tuple[str, str | None], tuple[str, str | None]] = {}

    def resolve(self, text: str, *, home: str | None = None) -> Resolution:
        try:
            return self.table.resolve(text, home=home)
        except RegionError as error:
            raise CellError(error.message) from None

    def county(self, text: str, *, home: str | None, fallback: str | None, label: str) -> Place:
        """A place that must be a county (户籍地): a coarser text is accepted when ``fallback`` (e.g. the
        county in the ID number) lies inside it."""
        found = self.resolve(text, home=home)
        code = found.county_code
        if code is None and found.code is not None and fallback is not None and fallback.startswith(found.code):
            code = fallback
        if code is None:
            scope = "全国" if found.code is None else found.name
            raise CellError(f"{label}“{text}”只能确定到“{scope}”，请写到县（市、区），例如“湖南省长沙市宁乡市”。")
        return Place(code, self._address(text, code))

    def workplace(self, text: str, *, label: str) -> Place:
        """A place of work: a county, or a city without counties (东莞 4419 → 441900)."""
        found = self.resolve(text)
        if found.county_code is None:
            scope = "全国" if found.code is None else found.name
            raise CellError(f"{label}“{text}”只能确定到“{scope}”，请写到县（市、区），例如“广东省东莞市长安镇”。")
        return Place(found.county_code, self._address(text, found.county_code))

    def wanted(self, parts: list[str], *, home: str | None) -> tuple[tuple[str, str | None], ...]:
        """意向地区: each part as (text, code); 不限 and "anywhere but home" words have no code."""
        entries: list[tuple[str, str | None]] = []
        for part in parts:
            key = (part, home)
            if part in WANTED_AREA_GROUPS:
                entries.extend(WANTED_AREA_GROUPS[part])
                continue
            if key not in self._wanted:
                if part in OUTSIDE_HOME_WORDS:
                    self._wanted[key] = (part, None)
                else:
                    self._wanted[key] = (part, self.resolve(part, home=home).code)
            entries.append(self._wanted[key])
        return tuple(dict.fromkeys(entries))

    def _address(self, text: str, code: str) -> str | None:
        """The text, unless it says no more than the region's own name or code."""
        if text.isdigit():
            return None
        record = self.table.current(code)
        if text in (record.name, record.full_name):
            return None
        return text
