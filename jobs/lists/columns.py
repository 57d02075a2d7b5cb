"""The columns of the demand and supply lists (docs/formats.md) and tolerant header recognition.

Canonical headers are a public contract: the template writes exactly these, in this order. Real files head
the same columns in many ways (身份证号码, 公民身份号码, 手机号 …); :func:`map_headers` recognises the canonical
name, its common synonyms, the same with remarks in brackets or a required-field star ("身份证号（18位）*"),
and near-misses (one wrong character), and reports what it could not place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from jobs.people.identity import normalise_text

__all__ = [
    "Column",
    "ListKind",
    "DEMAND_COLUMNS",
    "SUPPLY_COLUMNS",
    "COLUMNS",
    "REPORT_COLUMNS",
    "HeaderMap",
    "map_headers",
    "header_key",
    "kind_label",
]

ListKind = Literal["demand", "supply"]


@dataclass(frozen=True)
class Column:
    """One column of a list: its canonical header, what else real files call it, and how to fill it in."""

    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    example: str = ""
    choices: tuple[str, ...] = ()
    text_format: bool = False
    width: int = 12
    strict_choices: bool = True


DEMAND_COLUMNS: tuple[Column, ...] = (
    Column("row_key", "序号", ("编号", "序", "no", "行号", "顺序号"),
           help="本清单内的行号，可不填；填“示例”的行导入时跳过", example="1", width=6),
    Column("name", "姓名", ("劳动力姓名", "人员姓名", "求职者姓名", "名字", "姓名（劳动力）"),
           required=True, help="劳动力本人姓名", example="张三", width=10),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "公民身份证号码", "居民身份证号码", "身份证",
                                  "证件号码", "身份证件号码", "身份号码", "劳动力身份证号", "身份证号（18位）"),
           required=True, text_format=True, width=22,
           help="18位居民身份证号，最后一位可以是X；请把这一列设为“文本”格式，否则Excel会丢掉后几位数字",
           example="430182199003154517"),
    Column("phone", "联系电话", ("手机号", "手机号码", "手机", "电话", "联系方式", "电话号码", "本人电话",
                              "本人手机号", "联系电话（手机）"),
           text_format=True, width=15, help="本人11位手机号码，可不填", example="13800138000"),
    Column("household", "户籍地", ("户籍所在地", "户籍地址", "户口所在地", "户籍所在县", "户籍地（县市区）",
                                "家庭住址", "家庭地址", "住址", "户籍", "现居住地址"),
           width=24, help="户籍所在地，至少写到县（市、区），可写到乡镇；也可填6位行政区划代码；不填则按身份证号前6位",
           example="湖南省长沙市宁乡市煤炭坝镇"),
    Column("category", "人员类别", ("类别", "人员类型", "对象类别", "帮扶对象类别", "身份类别", "户类型",
                                 "户类别", "人员属性", "贫困属性", "对象类型", "户属性"),
           required=True, width=14, choices=("脱贫人口", "监测对象", "农村低收入人口", "其他"),
           help="脱贫人口、监测对象、农村低收入人口或其他；也认得脱贫户、边缘易致贫户、低保户、一般户等",
           example="脱贫人口"),
    Column("labour_ability", "劳动能力", ("劳动力类型", "劳动能力状况", "劳力情况", "劳动力状况", "劳动力情况"),
           width=12, choices=("普通劳动力", "弱劳动力", "半劳动力", "丧失劳动力"),
           help="普通劳动力、弱劳动力、半劳动力或丧失劳动力；不填按普通劳动力", example="普通劳动力"),
    Column("education", "文化程度", ("学历", "受教育程度", "文化", "最高学历"),
           width=10, choices=("小学", "初中", "高中", "中专", "大专", "本科"), strict_choices=False,
           help="如小学、初中、高中（中专）、大专", example="初中"),
    Column("skills", "技能特长", ("技能", "特长", "专业技能", "技能情况", "职业技能", "技能证书"),
           width=20, help="技能和证书，自由填写", example="电焊、会开叉车，有C1驾照"),
    Column("employment_status", "就业状态", ("就业情况", "务工状态", "务工情况", "目前状态", "就业现状",
                                          "是否就业", "当前就业状态"),
           width=14, choices=("未就业", "已就业"), strict_choices=False,
           help="未就业或已就业；已就业的可在括号里写地点，如“已就业（广东东莞）”；也认得务工、在家等说法",
           example="未就业"),
    Column("employment_intent", "就业意愿", ("有无就业意愿", "是否有就业意愿", "求职意愿", "务工意愿",
                                          "外出务工意愿", "就业需求", "是否有就业需求"),
           width=10, choices=("是", "否"), help="是或否（也认得有、无、√）；不填按“是”", example="是"),
    Column("wanted_occupations", "意向工种", ("意向岗位", "求职意向", "期望工种", "意向职业", "期望岗位",
                                           "求职岗位", "意向工作", "就业意向", "希望从事工种"),
           width=18, help="想做的工种，可填多个，用顿号、逗号、斜杠或空格隔开", example="普工、电焊工"),
    Column("wanted_regions", "意向地区", ("意向务工地", "意向务工地区", "期望工作地点", "意向就业地区",
                                       "意向地点", "期望地区", "务工意向地", "意向就业地", "期望就业地区"),
           width=18, help="想去的地方，可填多个；也可填省内、市内、县内（按户籍地理解）或不限",
           example="广东、省内"),
    Column("expected_wage", "期望月薪", ("期望薪资", "期望工资", "月薪要求", "期望收入", "工资要求",
                                      "薪资要求", "期望月收入", "意向工资", "期望薪酬"),
           width=12, help="每月工资，单位元：5000、4000-5000、5千、5000以上或面议", example="4000-5000"),
    Column("training_intent", "培训意愿", ("是否愿意参加培训", "培训需求", "有无培训意愿", "是否有培训意愿",
                                        "是否参加培训", "技能培训意愿"),
           width=10, choices=("是", "否"), help="是或否；不填按“否”", example="否"),
    Column("notes", "备注", ("说明", "其他", "其它"), width=16, help="其他说明", example=""),
)

SUPPLY_COLUMNS: tuple[Column, ...] = (
    Column("row_key", "序号", ("编号", "序", "no", "行号", "顺序号"),
           help="本清单内的行号，可不填；填“示例”的行导入时跳过", example="1", width=6),
    Column("employer", "用人单位", ("单位名称", "企业名称", "公司名称", "招聘单位", "用工单位", "用人单位名称",
                                 "企业", "单位", "公司"),
           required=True, width=26, help="用人单位全称", example="东莞市某某电子有限公司"),
    Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一信用代码", "统一代码",
                                          "企业信用代码", "单位统一社会信用代码"),
           text_format=True, width=22, help="营业执照上的18位代码，可不填（不填时按单位名称识别）",
           example="91441900MA4W0KHM86"),
    Column("title", "岗位名称", ("岗位", "招聘岗位", "职位", "职位名称", "工种", "招聘工种", "岗位工种",
                                 "需求岗位", "用工岗位"),
           required=True, width=20, help="岗位名称，可带班次、要求等说明", example="普工（长白班）"),
    Column("headcount", "招聘人数", ("人数", "需求人数", "招聘数量", "用工人数", "岗位数量", "计划招聘人数",
                                  "需求数量", "招聘人数（人）"),
           width=10, help="人数，如20或“20人”；不定的填“若干”", example="20"),
    Column("place", "工作地点", ("工作地址", "工作地", "上班地点", "用工地点", "地点", "工作区域", "单位地址",
                                 "企业地址", "岗位所在地"),
           required=True, width=24, help="工作地点，至少写到县（市、区），可写到镇街；也可填6位行政区划代码",
           example="广东省东莞市长安镇"),
    Column("wage", "月薪", ("薪资", "工资", "薪酬", "月工资", "薪资待遇", "工资待遇", "月收入", "薪资范围",
                            "工资标准", "月薪（元）", "薪资（元/月）", "综合月薪"),
           width=16, help="每月工资，单位元：4500-6000、5000以上、底薪3000+提成、计件或面议；日薪写明“元/天”",
           example="4500-6000"),
    Column("age", "年龄要求", ("年龄", "年龄限制", "年龄范围", "年龄条件"),
           width=12, help="如18-45岁、45岁以下、18岁以上或不限", example="18-45岁"),
    Column("education", "学历要求", ("学历", "文化程度", "文化要求", "学历条件"),
           width=12, help="如不限、初中及以上", example="初中及以上"),
    Column("skills", "技能要求", ("岗位要求", "任职要求", "技能", "资格要求", "任职条件", "岗位职责及要求"),
           width=20, help="技能和证书要求，自由填写", example="持焊工证优先"),
    Column("intensity", "劳动强度", ("强度", "劳动强度（轻/中/重）", "体力要求"),
           width=10, choices=("轻", "中", "重"), help="轻、中或重，可不填", example="中"),
    Column("board", "食宿", ("食宿情况", "食宿条件", "吃住", "是否包吃住", "食宿安排", "住宿", "食宿待遇"),
           width=12, choices=("包吃包住", "包吃", "包住", "不包吃住"), strict_choices=False,
           help="包吃包住、包吃、包住或不包吃住", example="包吃包住"),
    Column("contract", "合同期限", ("合同期", "合同年限", "用工期限", "劳动合同期限", "合同期限（月）"),
           width=12, help="如1年、12个月、三年；只填数字按月计；无固定期限填“长期”", example="1年"),
    Column("contact_name", "联系人", ("联系人姓名", "招聘负责人", "负责人"),
           width=10, help="用人单位联系人", example="李经理"),
    Column("contact_phone", "联系电话", ("电话", "联系方式", "手机", "手机号", "手机号码", "联系人电话",
                                      "电话号码", "咨询电话"),
           text_format=True, width=16, help="手机号码，或带区号的固定电话（如0769-85551234）",
           example="0769-85551234"),
    Column("closing_date", "截止日期", ("截止时间", "报名截止日期", "有效期至", "招聘截止日期", "截止日",
                                     "有效期"),
           width=12, help="如2025-12-31或2025年12月31日；长期招聘可不填", example="2025-12-31"),
    Column("notes", "备注", ("说明", "其他", "其它"), width=16, help="其他说明", example=""),
)

COLUMNS: dict[str, tuple[Column, ...]] = {"demand": DEMAND_COLUMNS, "supply": SUPPLY_COLUMNS}

# Columns an error report adds (see :mod:`jobs.lists.report`); a corrected report imports without them.
REPORT_COLUMNS = ("原文件行号", "错误说明")

# Headers about someone else than the worker (户主身份证号, 配偶电话): never the worker's own column.
_OTHER_PERSON = ("户主", "配偶", "父亲", "母亲", "家属", "监护人", "紧急联系人", "子女", "家长")
_REMARK = re.compile(r"[(\[【{（].*?[)\]】}）]")
_MARKS = re.compile(r"[*＊※:：★]")
# A near-miss must score at least this (fuzz.ratio, 0-100): one wrong character in a four-character header.
NEAR_MISS_SCORE = 75


def kind_label(kind: ListKind) -> str:
    return "就业需求清单" if kind == "demand" else "岗位供给清单"


def header_key(raw: object) -> str:
    """A header cell reduced for comparison: width folded, no whitespace, stars, colons or bracketed remarks."""
    text = normalise_text(raw).lower()
    text = _MARKS.sub("", text)
    stripped = _REMARK.sub("", text)
    return stripped or text


@dataclass
class HeaderMap:
    """Where each recognised column is (0-based cell index), what was ignored, and the original headers."""

    positions: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    # Header cells that name a column another cell already took: (the cell's text, the column's header).
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    def has(self, *keys: str) -> bool:
        return all(key in self.positions for key in keys)


@dataclass(frozen=True)
class _Vocabulary:
    exact: dict[str, str]
    synonyms: dict[str, str]
    names: tuple[str, ...]
    owners: tuple[str, ...]


def _vocabulary(columns: tuple[Column, ...]) -> _Vocabulary:
    exact = {header_key(c.header): c.key for c in columns}
    synonyms: dict[str, str] = {}
    for column in columns:
        for synonym in column.synonyms:
            synonyms.setdefault(header_key(synonym), column.key)
    names = tuple([*exact, *synonyms])
    owners = tuple([*exact.values(), *synonyms.values()])
    return _Vocabulary(exact, synonyms, names, owners)


_VOCABULARIES = {kind: _vocabulary(columns) for kind, columns in COLUMNS.items()}

# Match quality, best first: the canonical name, a synonym, a name inside a longer header, a near-miss.
_EXACT, _SYNONYM, _CONTAINS, _NEAR = range(4)


def _match(key: str, vocabulary: _Vocabulary) -> tuple[int, str] | None:
    if not key or any(key.startswith(word) for word in _OTHER_PERSON):
        return None
    if key in vocabulary.exact:
        return _EXACT, vocabulary.exact[key]
    if key in vocabulary.synonyms:
        return _SYNONYM, vocabulary.synonyms[key]
    # A Chinese header names its column last ("用人单位联系人" is a contact): prefer a name that ends the
    # header, then the longest one.
    inside = [(key.endswith(name), len(name), owner)
              for name, owner in zip(vocabulary.names, vocabulary.owners, strict=True)
              if len(name) >= 3 and name in key]
    if inside:
        best = max(rank[:2] for rank in inside)
        owners = {owner for *rank, owner in inside if tuple(rank) == best}
        return (_CONTAINS, owners.pop()) if len(owners) == 1 else None
    if len(key) < 3:
        return None
    scored = process.extract(key, vocabulary.names, scorer=fuzz.ratio, processor=None,
                             score_cutoff=NEAR_MISS_SCORE, limit=None)
    if not scored:
        return None
    best = max(score for _, score, _ in scored)
    owners = {vocabulary.owners[index] for _, score, index in scored if score == best}
    return (_NEAR, owners.pop()) if len(owners) == 1 else None


# Longer header cells are not headers (and are not compared or echoed whole).
MAX_HEADER = 64


def map_headers(cells: list[object] | tuple[object, ...], kind: ListKind) -> HeaderMap:
    """Recognise the columns of a header row.

    Each column is taken once: by the best match (canonical > synonym > contained > near-miss), the leftmost
    among equals; every other non-empty header is reported as ignored, in order. The error report's own
    columns (原文件行号, 错误说明) are skipped silently.
    """
    vocabulary = _VOCABULARIES[kind]
    result = HeaderMap(headers=["" if c is None else str(c).strip() for c in cells])
    report_keys = {header_key(name) for name in REPORT_COLUMNS}
    claims: dict[str, tuple[int, int]] = {}
    matched: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = header_key(cell)
        found = None if key in report_keys or len(key) > MAX_HEADER else _match(key, vocabulary)
        if found is None:
            continue
        quality, column = found
        matched[index] = column
        if column not in claims or quality < claims[column][0]:
            claims[column] = (quality, index)
    result.positions = {column: index for column, (_quality, index) in claims.items()}
    taken = set(result.positions.values())
    canonical = {column.key: column.header for column in COLUMNS[kind]}
    for index, header in enumerate(result.headers):
        if not header or index in taken or header_key(header) in report_keys:
            continue
        shown = header if len(header) <= MAX_HEADER else header[:MAX_HEADER] + "…"
        if index in matched:
            result.duplicates.append((shown, canonical[matched[index]]))
        else:
            result.ignored.append(shown)
    return result
