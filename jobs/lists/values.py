"""Cell value normalisers for users' lists: text, yes/no, enumerations, wages, ages, headcounts, terms, dates.

Every parser takes the raw cell value (a string from a CSV file, or the str/int/float/datetime openpyxl gives)
and returns a canonical Python value, or raises :class:`CellError` whose ``message`` tells a county clerk in
Chinese what is wrong and how to write it. Blank cells give ``None`` (callers decide whether that is allowed).

Canonical forms are fixed points: formatting a parsed value with the ``format_*`` helpers and parsing it
again gives the same value, which is what lets an exported list import back unchanged.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils.datetime import from_excel

from jobs.storage.enums import EmploymentStatus, LabourAbility, LabourIntensity, PersonCategory
from jobs.people.identity import normalise_text

__all__ = [
    "MASKED",
    "CellError",
    "WageRange",
    "AgeRange",
    "Board",
    "clean_text",
    "clean_name",
    "is_blank",
    "is_nothing",
    "display_value",
    "split_values",
    "parse_yes_no",
    "parse_category",
    "parse_labour_ability",
    "parse_employment_status",
    "parse_labour_intensity",
    "parse_education",
    "parse_wage",
    "format_wage",
    "parse_age_range",
    "format_age_range",
    "parse_headcount",
    "parse_contract_months",
    "format_contract_months",
    "parse_date",
    "parse_board",
    "format_board",
    "chinese_int",
]


class CellError(ValueError):
    """A cell value that cannot be accepted; ``message`` is a complete Chinese sentence for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------------------
# Text

# Full-width ASCII letters and digits (U+FF10-FF5A) and the ideographic space fold to ASCII in free text.
# Chinese punctuation (，、（）) is kept there: it is how Chinese text is written. Code-like values (numbers,
# dates, IDs) go through :func:`jobs.people.identity.normalise_text`, which folds every width variant.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF5B) if chr(cp).isalnum()}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None})
_SPACES = re.compile(r"\s+")
# A number as an export shows it without the right to see it (430124********4513, 138****5678).
MASKED = re.compile(r"\*{3,}")


_INVISIBLE = re.compile(r"[\s\u200b-\u200d\ufeff]*")


def is_blank(raw: object) -> bool:
    """Whether a cell is empty: None, NaN, or only whitespace and invisible characters."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return _INVISIBLE.fullmatch(raw) is not None
    return isinstance(raw, float) and math.isnan(raw)


# What clerks write in an optional cell that has nothing to say ("no phone").
_NOTHING = frozenset({"无", "/", "-", "—", "－", "暂无", "没有", "空", "无手机", "无电话", "不详"})


def is_nothing(raw: object) -> bool:
    """A blank cell, or one that only says there is nothing (无, /, 暂无): for optional code-like columns."""
    return is_blank(raw) or (isinstance(raw, str) and raw.strip() in _NOTHING)


def display_value(raw: object) -> str:
    """The cell as a clerk would see it, for error messages: integral floats without ``.0``, dates as ISO."""
    if is_blank(raw):
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e21:
        # Excel keeps 15 significant digits: show a long number as Excel does, not the float's binary tail.
        return str(int(Decimal(format(raw, ".15g")))) if abs(raw) >= 1e15 else str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def clean_text(raw: object, *, limit: int | None = None, label: str = "内容") -> str | None:
    """Free text: ASCII letters and digits folded to half width, whitespace collapsed, padding removed.

    Returns None for a blank cell. ``limit`` is the longest text the database holds (``label`` names the
    column in the error message).
    """
    if type(raw) is int:
        text = str(raw)  # digits and a sign: nothing to fold or collapse
    elif is_blank(raw):
        return None
    else:
        text = _SPACES.sub(" ", display_value(raw).translate(_FOLD)).strip()
    if limit is not None and len(text) > limit:
        raise CellError(f"{label}太长：最多{limit}个字，这里有{len(text)}个字。")
    return text or None


def clean_name(raw: object, *, limit: int = 64, label: str = "姓名") -> str | None:
    """A person's or organisation's name: as :func:`clean_text`, without any whitespace inside ("张  三")."""
    text = clean_text(raw, limit=None, label=label)
    if text is None:
        return None
    text = text.replace(" ", "")
    if len(text) > limit:
        raise CellError(f"{label}太长：最多{limit}个字，这里有{len(text)}个字。")
    return text


_SEPARATORS = set("、，,/;；| ")
_OPENING = "(（[【〔「《{"
_CLOSING = ")）]】〕」》}"


def split_values(raw: object, *, limit: int = 64, label: str = "内容") -> list[str]:
    """Split a multi-value cell on 、，,/；; and spaces (not inside brackets); order kept, repeats dropped.

    "普工/电焊工、保安" → ["普工", "电焊工", "保安"]; "普工（长白班，包吃住）" stays one value.
    """
    text = clean_text(raw)
    if text is None:
        return []
    text = text.replace("／", "/")
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(0, depth - 1)
        if depth == 0 and char in _SEPARATORS:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    values = list(dict.fromkeys(p.strip() for p in parts if p.strip()))
    for value in values:
        if len(value) > limit:
            raise CellError(f"{label}“{value}”太长：每一项最多{limit}个字。")
    return values


# --------------------------------------------------------------------------------------------------------
# Numbers

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_int(text: str) -> int | None:
    """A small number written in Chinese numerals ("三" 3, "十二" 12, "二十" 20, "一百二十" 120), else None."""
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text)) if len(text) > 1 else _CN_DIGITS[text]
    total, digit = 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
    return total + (digit or 0)


def _code_text(raw: object) -> str:
    """A code-like cell folded to half width without whitespace, lower case; integral floats as integers."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return normalise_text(raw).lower()


# A minus sign in front of a figure at the start of the text or of a clause ("-5000", "工资：-5000"): a
# negative amount, not a range such as "4500-6000", "4000元-5000元" or "18-45".
_NEGATIVE = re.compile(r"(?:^|[:：(（,，;；])[-\u2212\u2013\u2014\ufe63\uff0d]\d")


def _refuse_negative(text: str, shown: str, label: str) -> None:
    """Raise when ``text`` holds a negative figure: dropping the sign would store the opposite amount."""
    if _NEGATIVE.search(text):
        raise CellError(f"{label}“{shown}”是负数：请填写不小于0的数。")


def _number(text: str) -> float | None:
    """An Arabic or Chinese number ("12", "1.5", "三"), else None."""
    try:
        return float(text)
    except ValueError:
        value = chinese_int(text)
        return None if value is None else float(value)


# --------------------------------------------------------------------------------------------------------
# Yes / no and enumerations

_YES = frozenset({"是", "有", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "愿意", "需要", "要", "有意愿", "是的",
                  "对", "同意", "想", "参加", "有意向", "需求"})
_NO = frozenset({"否", "无", "没有", "×", "✗", "✘", "x", "n", "no", "false", "0", "不愿意", "不需要", "不要",
                 "无意愿", "暂无", "不", "不想", "不参加", "无意向", "无需求", "/", "-"})


def parse_yes_no(raw: object, *, label: str) -> bool | None:
    """是/否 in its everyday spellings: 是, 有, √, 愿意 → True; 否, 无, ×, 不愿意 → False; blank → None."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    text = _code_text(raw)
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"{label}“{display_value(raw)}”无法识别，请填写“是”或“否”。")


def _enum_text(raw: object) -> str:
    return _code_text(raw).replace("（", "(").replace("）", ")")


# docs/policies.md, "Person categories" (人社部发〔2021〕26号; 湘人社规〔2021〕10号): 脱贫人口 were formerly
# 建档立卡贫困人口; 监测对象 are the 防返贫监测帮扶对象 (脱贫不稳定户, 边缘易致贫户, 突发严重困难户).
# Checked in this order: a 脱贫不稳定户 is a 监测对象 although its name contains 脱贫, and a 非贫困户 is 其他.
_CATEGORY_KEYWORDS: tuple[tuple[tuple[str, ...], PersonCategory], ...] = (
    (("非贫困", "一般户", "一般农户", "普通户", "其他", "其它"), PersonCategory.OTHER),
    (("监测", "脱贫不稳定", "边缘", "易致贫", "突发严重困难", "三类户"), PersonCategory.MONITORED),
    (("脱贫", "建档立卡", "贫困"), PersonCategory.LIFTED_OUT_OF_POVERTY),
    (("低收入", "低保", "特困", "五保", "分散供养", "集中供养"), PersonCategory.RURAL_LOW_INCOME),
)


def parse_category(raw: object) -> PersonCategory | None:
    """人员类别 by its everyday names: 脱贫户 → 脱贫人口, 边缘易致贫户 → 监测对象, 低保户 → 农村低收入人口."""
    if is_blank(raw):
        return None
    text = _enum_text(raw)
    for keywords, category in _CATEGORY_KEYWORDS:
        if any(word in text for word in keywords):
            return category
    raise CellError(
        f"人员类别“{display_value(raw)}”无法识别，请填写脱贫人口、监测对象、农村低收入人口或其他"
        "（也可写脱贫户、边缘易致贫户、低保户、一般户等）。"
    )


_ABILITY_KEYWORDS: tuple[tuple[tuple[str, ...], LabourAbility], ...] = (
    (("丧失", "无劳动", "无劳力", "没有劳动"), LabourAbility.NONE),
    (("半劳", "部分丧失"), LabourAbility.HALF),
    (("弱劳", "弱"), LabourAbility.WEAK),
    (("普通", "全劳", "强劳", "有劳动", "正常", "健康", "劳动力", "劳力", "良好"), LabourAbility.FULL),
)


def parse_labour_ability(raw: object) -> LabourAbility | None:
    """劳动能力: 普通劳动力 (全劳力), 弱劳动力 (弱劳力), 半劳动力 (半劳力), 丧失劳动力 (无劳动能力)."""
    if is_blank(raw):
        return None
    text = _enum_text(raw)
    for keywords, ability in _ABILITY_KEYWORDS:
        if any(word in text for word in keywords):
            return ability
    raise CellError(
        f"劳动能力“{display_value(raw)}”无法识别，请填写普通劳动力、弱劳动力、半劳动力或丧失劳动力。"
    )


_UNEMPLOYED_WORDS = frozenset({"未就业", "无业", "失业", "待业", "在家", "闲置", "无", "否", "务农", "在家务农",
                               "未务工", "暂未就业", "赋闲", "待岗"})
_EMPLOYED_BARE = frozenset({"已就业", "就业", "是", "在岗", "有", "务工", "打工", "上班"})
_EMPLOYED_HINTS = ("务工", "就业", "上班", "打工", "在岗", "创业", "公益性岗位", "灵活就业", "工作")
_STATUS_DETAIL = re.compile(r"^已?就业[(:：（](.+?)[)）]?$")


def parse_employment_status(raw: object) -> tuple[EmploymentStatus, str | None] | None:
    """就业状态 and, for the employed, where: 已就业（广东东莞）→ (employed, "广东东莞"), 县外务工 →
    (employed, "县外务工"), 在家 → (unemployed, None)."""
    text = clean_text(raw, limit=128, label="就业状态")
    if text is None:
        return None
    key = text.replace(" ", "")
    if key in _UNEMPLOYED_WORDS or key.startswith(("未", "无", "待", "失业")):
        return EmploymentStatus.UNEMPLOYED, None
    if key in _EMPLOYED_BARE:
        return EmploymentStatus.EMPLOYED, None
    detail = _STATUS_DETAIL.match(key)
    if detail is not None:
        return EmploymentStatus.EMPLOYED, detail.group(1)
    if any(hint in key for hint in _EMPLOYED_HINTS):
        return EmploymentStatus.EMPLOYED, key
    raise CellError(
        f"就业状态“{text}”无法识别，请填写“未就业”或“已就业”（可在括号里写明就业地点，如“已就业（广东东莞）”）。"
    )


def format_employment_status(status: EmploymentStatus, place: str | None) -> str:
    """The 就业状态 cell that :func:`parse_employment_status` reads back as ``(status, place)``."""
    if status is EmploymentStatus.UNEMPLOYED:
        return "未就业"
    return f"已就业（{place}）" if place else "已就业"


_INTENSITY = {
    "轻": LabourIntensity.LIGHT, "轻度": LabourIntensity.LIGHT, "较轻": LabourIntensity.LIGHT,
    "轻体力": LabourIntensity.LIGHT, "轻松": LabourIntensity.LIGHT, "低": LabourIntensity.LIGHT,
    "中": LabourIntensity.MEDIUM, "中等": LabourIntensity.MEDIUM, "一般": LabourIntensity.MEDIUM,
    "适中": LabourIntensity.MEDIUM, "中度": LabourIntensity.MEDIUM,
    "重": LabourIntensity.HEAVY, "较重": LabourIntensity.HEAVY, "重体力": LabourIntensity.HEAVY,
    "高": LabourIntensity.HEAVY, "大": LabourIntensity.HEAVY, "强": LabourIntensity.HEAVY,
}


def parse_labour_intensity(raw: object) -> LabourIntensity | None:
    """劳动强度: 轻 / 中 / 重 (also 轻体力, 一般, 较重 …)."""
    if is_blank(raw):
        return None
    text = _enum_text(raw)
    for suffix in ("劳动", "强度", "体力活"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    if text in _INTENSITY:
        return _INTENSITY[text]
    raise CellError(f"劳动强度“{display_value(raw)}”无法识别，请填写“轻”“中”或“重”。")


_EDUCATION = {
    "文盲": "文盲或半文盲", "半文盲": "文盲或半文盲", "文盲半文盲": "文盲或半文盲", "未上学": "文盲或半文盲",
    "小学毕业": "小学", "小学文化": "小学", "初中毕业": "初中", "初中文化": "初中", "初级中学": "初中",
    "高中毕业": "高中", "高中文化": "高中", "普高": "高中", "职高": "中专", "中职": "中专", "职中": "中专",
    "中专毕业": "中专", "技校毕业": "技校", "专科": "大专", "大学专科": "大专", "高职": "大专",
    "大专毕业": "大专", "大学本科": "本科", "本科毕业": "本科", "大学": "本科", "硕士": "研究生",
    "博士": "研究生", "硕士研究生": "研究生", "博士研究生": "研究生",
}


def parse_education(raw: object) -> str | None:
    """文化程度 / 学历要求: common variants to one spelling (初中毕业 → 初中, 专科 → 大专); others kept as text."""
    text = clean_text(raw, limit=32, label="文化程度")
    if text is None:
        return None
    return _EDUCATION.get(text.replace(" ", ""), text)


# --------------------------------------------------------------------------------------------------------
# Wages

# 劳社部发〔2008〕3号《关于职工全年月平均工作时间和工资折算问题的通知》: 月计薪天数 = (365 - 104) / 12
# = 21.75 days; 月计薪小时数 = 21.75 × 8 = 174 hours. Daily and hourly wages are converted with these.
MONTHLY_PAY_DAYS = 21.75
MONTHLY_PAY_HOURS = 174
# Below 500 yuan a month is no plausible wage (the lowest statutory minimum wages are about 1,700 yuan): the
# clerk meant thousands ("5" for 5千) or wrote a daily rate without saying so.
MIN_MONTHLY_WAGE = 500
MAX_MONTHLY_WAGE = 200_000

_NEGOTIABLE = ("面议", "协商", "待定", "详谈", "电议", "不限", "商议", "议定", "无要求", "面谈")
_PIECEWORK = ("计件", "按件")
_OPEN_TOP = ("提成", "计件", "绩效", "奖金", "加班", "上不封顶", "多劳多得")
_BASE_WORDS = ("底薪", "保底", "基本工资", "基础工资")
_LOWER_MARKS = ("以上", "起", "不低于", "最低", "至少", "+", "≥", ">=", ">", "多")
_UPPER_MARKS = ("以下", "以内", "不超过", "最高", "最多", "≤", "<=", "<")
_RANGE_SEP = re.compile(r"(?<=[\d千万kw元])(?:-|~|～|—|–|至|到)+(?=[\d一二三四五六七八九十两])")
_CN_NUMERAL = "[一二三四五六七八九十两]+"
_PERIOD = r"(?:元|块|rmb)?(?:/|每|一)?(小时|时|天|日|月|年)?"
_ARABIC_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(千|k|万|w)?" + _PERIOD)
_CHINESE_AMOUNT = re.compile(rf"({_CN_NUMERAL})(千|万)" + _PERIOD)
_PERIOD_PREFIX = {"时薪": "小时", "日薪": "天", "年薪": "年"}
_PERIOD_FACTOR = {"小时": MONTHLY_PAY_HOURS, "时": MONTHLY_PAY_HOURS, "天": MONTHLY_PAY_DAYS,
                  "日": MONTHLY_PAY_DAYS, "月": 1.0, "年": 1 / 12}
_CLAUSE = re.compile(r"[,;；。]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


@dataclass(frozen=True)
class WageRange:
    """A monthly wage range in yuan; either end may be open. ``text`` is the cell as written (cleaned)."""

    minimum: int | None
    maximum: int | None
    text: str


def parse_wage(raw: object, *, label: str = "月薪") -> WageRange | None:
    """Monthly wages as real lists write them.

    "4500-6000元/月" → 4500–6000; "5千" → 5000; "5000以上" → 5000–open; "底薪3000+提成" → 3000–open;
    "面议", "计件" → no figures (text kept); "200元/天" → 4350 (× 21.75 days); "25元/小时" → 4350 (× 174 hours);
    "年薪6万" → 5000. Only the first clause counts when it has figures ("5000元/月，每天8小时"). Blank → None.
    """
    if is_blank(raw):
        return None
    shown = clean_text(raw, limit=64, label=label) or ""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = _checked_wage(float(raw), shown, label)
        return WageRange(value, value, shown)
    text = _THOUSANDS.sub("", _code_text(raw).replace("，", ","))
    _refuse_negative(text, shown, label)
    first = _CLAUSE.split(text, maxsplit=1)[0]
    if _amounts(first):
        text = first
    amounts = _amounts(text)
    if not amounts:
        if any(word in text for word in _NEGOTIABLE + _PIECEWORK):
            return WageRange(None, None, shown)
        raise _wage_error(shown, label)
    values = [_checked_wage(value, shown, label) for value in amounts]
    if any(word in text for word in _BASE_WORDS) or (
        len(values) == 1 and any(word in text for word in _OPEN_TOP)
    ):
        return WageRange(values[0], None, shown)
    if len(values) >= 2 and _RANGE_SEP.search(text):
        low, high = values[0], values[1]
        if low > high:
            raise CellError(f"{label}“{shown}”的最低值大于最高值，请写成“4000-5000”这样从低到高的范围。")
        return WageRange(low, high, shown)
    if len(values) == 1:
        if any(mark in text for mark in _UPPER_MARKS):
            return WageRange(None, values[0], shown)
        if any(mark in text for mark in _LOWER_MARKS):
            return WageRange(values[0], None, shown)
        return WageRange(values[0], values[0], shown)
    raise _wage_error(shown, label)


def _amounts(text: str) -> list[float]:
    """The monthly amounts in a wage text.

    A unit (千/万) or period (元/天) written after the last figure of a range applies to the first too
    ("4-6千", "150-200元/天"). Chinese numerals count only with a unit ("五千") and when there are no Arabic
    figures, so that "五险一金" is no amount.
    """
    matches = list(_ARABIC_AMOUNT.finditer(text)) or list(_CHINESE_AMOUNT.finditer(text))
    found = [[_number(m.group(1)) or 0.0, m.group(2), m.group(3)] for m in matches]
    if len(found) >= 2:
        first, second = found[0], found[1]
        if second[1] and not first[1] and first[0] < second[0] * 10:
            first[1] = second[1]
        if second[2] and not first[2]:
            first[2] = second[2]
    prefix = next((period for word, period in _PERIOD_PREFIX.items() if word in text), None)
    units = {"千": 1000, "k": 1000, "万": 10000, "w": 10000}
    return [
        value * units.get(unit or "", 1) * _PERIOD_FACTOR[period or prefix or "月"] for value, unit, period in found
    ]


def _checked_wage(value: float, shown: str, label: str) -> int:
    if not math.isfinite(value):  # a numeric cell written "1e999" reads as infinity
        raise _wage_error(shown, label)
    amount = int(round(value))
    if amount < MIN_MONTHLY_WAGE:
        raise CellError(
            f"{label}“{shown}”过低：请以元为单位填写每月工资（如5000或“5千”），按天或按小时的请写明“元/天”“元/小时”。"
        )
    if amount > MAX_MONTHLY_WAGE:
        raise CellError(f"{label}“{shown}”过高：请以元为单位填写每月工资（如5000），年薪请写明“年薪”。")
    return amount


def _wage_error(shown: str, label: str) -> CellError:
    return CellError(f"{label}“{shown}”无法识别，请填写如5000、4000-5000、5000以上、底薪3000+提成或面议。")


def format_wage(minimum: int | None, maximum: int | None) -> str:
    """The wage cell that :func:`parse_wage` reads back as ``(minimum, maximum)``: 5000, 4000-5000, 5000以上."""
    if minimum is None and maximum is None:
        return ""
    if minimum is None:
        return f"{maximum}以下"
    if maximum is None:
        return f"{minimum}以上"
    return str(minimum) if minimum == maximum else f"{minimum}-{maximum}"


# --------------------------------------------------------------------------------------------------------
# Ages

# 《中华人民共和国劳动法》第十五条: 禁止用人单位招用未满十六周岁的未成年人.
MIN_WORKING_AGE = 16
MAX_AGE_LIMIT = 80
_ANY_AGE = ("不限", "无要求", "无限制", "均可", "无")
_AGE_NUMBER = r"(\d{1,3}|[一二三四五六七八九十]+)"
_AGE_RANGE = re.compile(_AGE_NUMBER + r"(?:周岁|岁)?\s*(?:-|~|～|—|–|至|到)+\s*" + _AGE_NUMBER)
_AGE_SINGLE = re.compile(_AGE_NUMBER)


@dataclass(frozen=True)
class AgeRange:
    minimum: int | None
    maximum: int | None


def parse_age_range(raw: object) -> AgeRange | None:
    """年龄要求: "18-45周岁" → 18–45, "45岁以下" → –45, "18岁以上" → 18–, "不限" / blank → None.

    Several ranges ("男18-55岁，女18-50岁") give the widest, so that nobody the employer would take is
    left out.
    """
    if is_blank(raw):
        return None
    shown = display_value(raw)
    text = _code_text(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise _age_error(shown)
    _refuse_negative(text, shown, "年龄要求")
    ranges = [(int(_number(a) or 0), int(_number(b) or 0)) for a, b in _AGE_RANGE.findall(text)]
    if ranges:
        low, high = min(r[0] for r in ranges), max(r[1] for r in ranges)
        return _checked_ages(low, high, shown)
    numbers = [int(_number(n) or 0) for n in _AGE_SINGLE.findall(text)]
    if not numbers:
        if any(word in text for word in _ANY_AGE):
            return None
        raise _age_error(shown)
    if len(numbers) == 1 and any(mark in text for mark in _UPPER_MARKS):
        return _checked_ages(None, numbers[0], shown)
    if len(numbers) == 1 and (any(mark in text for mark in _LOWER_MARKS) or "年满" in text):
        return _checked_ages(numbers[0], None, shown)
    if len(numbers) == 2:  # "18岁以上45岁以下"
        return _checked_ages(min(numbers), max(numbers), shown)
    raise _age_error(shown)


def _checked_ages(low: int | None, high: int | None, shown: str) -> AgeRange:
    if low is not None and low < MIN_WORKING_AGE:
        raise CellError(f"年龄要求“{shown}”的下限低于16周岁：不得招用未满16周岁的未成年人（《劳动法》第十五条）。")
    if high is not None and (high > MAX_AGE_LIMIT or high < MIN_WORKING_AGE):
        raise CellError(f"年龄要求“{shown}”的上限不合理，请填写16至{MAX_AGE_LIMIT}之间的年龄。")
    if low is not None and high is not None and low > high:
        raise CellError(f"年龄要求“{shown}”的下限大于上限，请写成“18-45岁”这样从小到大的范围。")
    return AgeRange(low, high)


def _age_error(shown: str) -> CellError:
    return CellError(f"年龄要求“{shown}”无法识别，请填写如18-45岁、45岁以下、18岁以上或不限。")


def format_age_range(minimum: int | None, maximum: int | None) -> str:
    """The cell :func:`parse_age_range` reads back: 18-45岁, 45岁以下, 18岁以上, 不限."""
    if minimum is None and maximum is None:
        return "不限"
    if minimum is None:
        return f"{maximum}岁以下"
    if maximum is None:
        return f"{minimum}岁以上"
    return f"{minimum}-{maximum}岁"


# --------------------------------------------------------------------------------------------------------
# Headcounts and contract terms

_ANY_HEADCOUNT = ("若干", "不限", "多名", "大量", "数名", "长期", "招满为止", "批量", "不定", "待定")
_HEADCOUNT = re.compile(r"(\d+|[一二三四五六七八九十百两]+)(?:人|名|个|位)?")
MAX_HEADCOUNT = 100_000


def parse_headcount(raw: object) -> int | None:
    """招聘人数: 20, "20人", "约20名", "10-20人" (the upper figure), "若干" / blank → None (not stated)."""
    if is_blank(raw):
        return None
    shown = display_value(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if not float(raw).is_integer():
            raise CellError(f"招聘人数“{shown}”应为整数。")
        return _checked_headcount(int(raw), shown)
    text = _code_text(raw)
    _refuse_negative(text, shown, "招聘人数")
    numbers = [int(_number(n) or 0) for n in _HEADCOUNT.findall(text)]
    if numbers:
        return _checked_headcount(max(numbers), shown)
    if any(word in text for word in _ANY_HEADCOUNT):
        return None
    raise CellError(f"招聘人数“{shown}”无法识别，请填写人数（如20或“20人”），人数不定的填“若干”。")


def _checked_headcount(value: int, shown: str) -> int:
    if value <= 0:
        raise CellError(f"招聘人数“{shown}”应大于0；人数不定的请填“若干”。")
    if value > MAX_HEADCOUNT:
        raise CellError(f"招聘人数“{shown}”过大，请核对。")
    return value


_ANY_TERM = ("长期", "无固定期限", "不限", "面议", "协商", "待定", "无")
_TERM_NUMBER = r"(\d+(?:\.\d+)?|[一二三四五六七八九十两]+)"
_TERM = re.compile(_TERM_NUMBER + r"?(半)?(个?月|年|周年)(半)?")
_TERM_RANGE = re.compile(_TERM_NUMBER + r"(?:个?月|年)?(?:-|至|到)" + _TERM_NUMBER + r"(半)?(个?月|年|周年)")
MAX_CONTRACT_MONTHS = 240


def parse_contract_months(raw: object) -> int | None:
    """合同期限 in months: "1年" 12, "12个月" 12, "三年" 36, "一年半" 18, "半年" 6, a bare number = months.

    "长期", "无固定期限" and blank → None (no fixed term stated). A range ("1-3年") gives its lower end, the
    term the worker can count on.
    """
    if is_blank(raw):
        return None
    shown = display_value(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _checked_months(float(raw), shown)
    text = _code_text(raw).replace("～", "-").replace("~", "-")
    _refuse_negative(text, shown, "合同期限")
    plain = _number(text)
    if plain is not None:
        return _checked_months(plain, shown)
    ranged = _TERM_RANGE.search(text)
    if ranged is not None:
        low = _number(ranged.group(1))
        if low is None:
            raise _term_error(shown)
        return _checked_months(low * (1 if "月" in ranged.group(4) else 12), shown)
    match = _TERM.search(text)
    if match is not None and (match.group(1) or match.group(2)):
        count = _number(match.group(1)) if match.group(1) else 0.0
        if count is None:
            raise _term_error(shown)
        if match.group(2) or match.group(4):  # 半年, 一年半
            count += 0.5
        unit = 1 if "月" in match.group(3) else 12
        return _checked_months(count * unit, shown)
    if any(word in text for word in _ANY_TERM):
        return None
    raise _term_error(shown)


def _checked_months(value: float, shown: str) -> int:
    if not value.is_integer() or value <= 0 or value > MAX_CONTRACT_MONTHS:
        raise CellError(f"合同期限“{shown}”不合理，请填写如1年、12个月或三年。")
    return int(value)


def _term_error(shown: str) -> CellError:
    return CellError(f"合同期限“{shown}”无法识别，请填写如1年、12个月、三年，或“长期”。")


def format_contract_months(months: int | None) -> str:
    """The cell :func:`parse_contract_months` reads back: "12个月", or "" when no fixed term is stated."""
    return "" if months is None else f"{months}个月"


# --------------------------------------------------------------------------------------------------------
# Dates

MIN_YEAR = 1990
MAX_YEAR = 2100
_EXCEL_SERIAL_MAX = 2958465  # 9999-12-31
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\d{1,2}:\d{2}(?::\d{2})?)?")
_MONTH_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_ANY_DATE = ("长期", "招满为止", "不限", "无", "长期有效", "常年", "待定")


def parse_date(raw: object, *, label: str = "日期") -> dt.date | None:
    """Dates as Excel and clerks write them: date cells, serial numbers (45657), 2025-12-31, 2025/12/31,
    2025.3.1, 2025年3月1日, 20250301; "2025年12月" is the month's last day; "长期" / blank → None."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return _checked_date(raw.date(), raw, label)
    if isinstance(raw, dt.date):
        return _checked_date(raw, raw, label)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _from_serial(float(raw), raw, label)
    text = _code_text(raw)
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_serial(float(text), raw, label)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_TEXT.fullmatch(text)
    if match is not None:
        return _checked_date(_make_date(*map(int, match.groups()), raw=raw, label=label), raw, label)
    match = _MONTH_TEXT.fullmatch(text)
    if match is not None:
        year, month = map(int, match.groups())
        first = _make_date(year, month, 1, raw=raw, label=label)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return _checked_date(last, raw, label)
    if any(word in text for word in _ANY_DATE):
        return None
    raise CellError(f"{label}“{display_value(raw)}”无法识别，请写成2025-12-31或2025年12月31日。")


def _from_serial(serial: float, raw: object, label: str) -> dt.date:
    if not 1 <= serial <= _EXCEL_SERIAL_MAX:
        raise CellError(f"{label}“{display_value(raw)}”无法识别，请写成2025-12-31或2025年12月31日。")
    return _checked_date(from_excel(serial).date(), raw, label)


def _make_date(year: int, month: int, day: int, *, raw: object, label: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{label}“{display_value(raw)}”不是存在的日期，请核对年月日。") from None


def _checked_date(day: dt.date, raw: object, label: str) -> dt.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CellError(f"{label}“{display_value(raw)}”的年份{day.year}不合理，请核对。")
    return day


# --------------------------------------------------------------------------------------------------------
# Board and lodging

_NOT_PROVIDED = re.compile(r"(?:不包|不提供|不管|无|没有)(吃住|食宿|吃|住|餐|宿|饭)|(吃住|食宿|伙食|住宿|吃|住)自理")
_ALLOWANCES = re.compile(r"餐补|饭补|房补|住房补贴|伙食补贴|餐费补贴|交通补贴|补贴|补助")
_BOTH = ("食宿", "吃住")
_BOARD = ("吃", "餐", "饭", "伙食", "膳")
_LODGING = ("住", "宿")


@dataclass(frozen=True)
class Board:
    """食宿: whether the employer provides meals (``board``) and accommodation (``lodging``)."""

    board: bool
    lodging: bool


def parse_board(raw: object) -> Board | None:
    """食宿: 包吃包住 / 包食宿 → both; 包住, 提供住宿 → lodging; 包工作餐 → board; 不包, 食宿自理 → neither."""
    if is_blank(raw):
        return None
    text = _code_text(raw)
    board = lodging = None
    for match in _NOT_PROVIDED.finditer(text):
        word = match.group(1) or match.group(2)
        if word in _BOTH or word == "吃住":
            board = lodging = False
        elif any(w in word for w in _BOARD):
            board = False
        else:
            lodging = False
    rest = _ALLOWANCES.sub("", _NOT_PROVIDED.sub("", text))
    if any(word in rest for word in _BOTH):
        board = True if board is None else board
        lodging = True if lodging is None else lodging
    if any(word in rest for word in _BOARD):
        board = True if board is None else board
    if any(word in rest for word in _LODGING):
        lodging = True if lodging is None else lodging
    if board is None and lodging is None:
        if text in _YES or text in ("提供", "包"):
            return Board(True, True)
        if text in _NO or text in ("不包", "不提供", "自理") or _ALLOWANCES.search(text):
            return Board(False, False)
        raise CellError(f"食宿“{display_value(raw)}”无法识别，请填写包吃包住、包吃、包住或不包吃住。")
    return Board(bool(board), bool(lodging))


def format_board(board: bool, lodging: bool) -> str:
    """The cell :func:`parse_board` reads back: 包吃包住, 包吃, 包住, 不包吃住."""
    if board and lodging:
        return "包吃包住"
    if board:
        return "包吃"
    if lodging:
        return "包住"
    return "不包吃住"
