"""Normalisation of Chinese job text (岗位名称, 意向工种, 技能特长).

Job boards and county lists word the same job in many ways: full-width letters, brackets, recruiting noise
("急招", "包吃住", "月入过万"), head counts, wages, ages and the odd traditional character. The functions here
reduce a raw string to its *core* (the words that name the job) and its *qualifiers* (what the brackets and the
remaining modifiers say about it: 长白班, 持证上岗, 二保焊).

Every function is cached: a data set with 10^6 rows holds far fewer unique strings, and each unique string is
normalised once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "JobText",
    "clean",
    "normalise_title",
    "split_titles",
    "is_any",
]

# Traditional → simplified, limited to characters that occur in job titles, places and skills. A full
# conversion table (OpenCC) is not a dependency; the cheap map covers what real lists from Hong Kong, Taiwan or
# old templates contain.
_TRADITIONAL = (
    "電电銲焊車车員员師师廠厂機机裝装維维術术務务業业總总經经銷销貨货運运輸输駕驾駛驶護护養养飯饭廚厨"
    "設设計计質质檢检驗验庫库倉仓數数據据縫缝紉纫鋼钢層层園园藝艺綠绿潔洁環环衛卫門门塗涂噴喷鍍镀壓压"
    "鑄铸鍛锻銑铣鉗钳組组線线產产製制準准備备營营銀银會会財财記记帳账賬账單单腦脑網网絡络軟软體体醫医"
    "療疗藥药學学課课導导遊游館馆廳厅樓楼寶宝嬰婴兒儿託托齡龄歲岁長长時时間间來来個个區区縣县鄉乡鎮镇"
    "東东廣广蘇苏開开關关動动勞劳資资險险錄录職职場场點点擊击鍋锅爐炉氣气溫温熱热塊块"
    "紡纺織织針针繡绣傢家麵面調调賓宾鏟铲裡里鍵键盤盘彈弹劑剂農农漁渔標标證证書书執执費费應应聯联"
    "實实習习這这裏里類类項项顧顾問问貿贸專专責责監监測测繪绘圖图紙纸張张訂订"
)
_T2S = str.maketrans(_TRADITIONAL[0::2], _TRADITIONAL[1::2])

# Brackets of every width; their content becomes a qualifier.
_OPEN = "(（[【〔「『〈《{｛"
_CLOSE = ")）]】〕」』〉》}｝"
_BRACKET_RE = re.compile(r"\(([^()]*)\)")  # after clean(), every bracket is ( or )

# Recruiting noise: words that say nothing about the job itself. Longer phrases first so that "包吃包住" goes
# before "包吃". Applied to the whole string, brackets included.
_NOISE_WORDS = sorted(
    {
        # recruiting verbs and urgency
        "高薪诚聘", "高薪招聘", "高薪急招", "长期招聘", "常年招聘", "大量招聘", "急招", "急聘", "诚聘", "直招",
        "直聘", "热招", "热聘", "现招", "火热招聘", "紧急招聘", "聘请", "正在招",
        # head counts
        "若干名", "若干人", "若干", "数名", "多名", "大量",
        # board, lodging, pay, hours, benefits
        "包吃包住", "包吃住", "包食宿", "管吃管住", "管吃住", "提供食宿", "提供住宿", "免费住宿", "食宿全包",
        "包住宿", "包住", "包吃", "包三餐", "包工作餐", "工作餐", "有宿舍", "住宿", "月入过万", "月薪过万",
        "年薪过万", "过万", "高薪", "薪资高", "工资高", "待遇优厚", "待遇从优", "待遇好", "工资面议", "薪资面议",
        "面议", "双休", "单休", "大小周", "五险一金", "六险一金", "五险", "缴纳社保", "交社保", "缴社保",
        "买社保", "社保", "入职即买", "多劳多得", "按时发薪", "工资日结", "日结", "周结", "月结", "现结",
        "日薪", "时薪", "计件", "保底", "底薪", "提成", "加班费", "加班多", "不加班", "有加班", "节假日福利",
        "年终奖", "包车接送", "报销路费", "报路费", "车费报销",
        # who may apply
        "男女不限", "限男性", "限女性", "男女均可", "不限男女", "学历不限", "不限学历", "经验不限", "无经验可",
        "无需经验", "无经验", "有经验者优先", "有经验优先", "经验优先", "熟手优先", "新手可带", "可带徒",
        "包教包会", "零基础", "可培训", "岗前培训", "年龄不限",
        # filler
        "岗位", "职位",
    },
    key=len,
    reverse=True,
)


def _trie_pattern(words: list[str]) -> str:
    """One regex alternation for many words, factored by common prefixes (much faster than a flat list)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return walk(trie)


# "招聘" is noise except in the recruiter's own title (招聘专员, 招聘经理). The trie regex tries longer words
# first at each branch, like the longest-first list it replaces.
_NOISE_RE = re.compile(_trie_pattern(_NOISE_WORDS) + r"|招聘(?!专员|经理|主管|助理|顾问|师|员|官|总监)")

# Words that qualify a job rather than name it; outside brackets they are moved to the qualifiers.
_QUALIFIER_WORDS = frozenset({
    "长白班", "白班", "夜班", "两班倒", "三班倒", "倒班", "长夜班", "持证上岗", "持证", "有证", "熟手", "学徒",
    "临时工", "小时工", "兼职", "全职", "长期", "短期", "暑假工", "寒假工", "坐班", "站班", "轻松", "包装",
})
_QUALIFIER_RE = re.compile("|".join(sorted(_QUALIFIER_WORDS - {"包装", "学徒", "持证"}, key=len, reverse=True)))

# Numbers with units: wages, ages, head counts, hours. Letter-digit codes (C1, A2, 3D) are protected first.
_CN_DIGITS = "一二两三四五六七八九十百几"
_WAGE_K_RE = re.compile(r"\d+(\.\d+)?\s*k\+?\s*([-~至到]\s*\d+(\.\d+)?\s*k?\+?)?")
_CODE_RE = re.compile(r"[a-z]+\d+[a-z0-9]*|\d+[a-z]+[a-z0-9]*|[a-z]{2,}")
_NUMBER_RES = (
    re.compile(r"(月薪|月入|年薪|日薪|时薪|工资|薪资|综合|收入)?\d+(\.\d+)?\s*(千|万)?\s*"
               r"([-~至到]\s*\d+(\.\d+)?\s*(千|万)?)?\s*(元|块)?\s*(/|每)?\s*(月|天|日|小时|时|年)?"
               r"(以上|以下|左右|起|多)?"),
    re.compile(rf"[{_CN_DIGITS}]+\s*(名|人|位|个)(?![\u4e00-\u9fff]*(工|员|师))"),
    re.compile(rf"[{_CN_DIGITS}]+\s*(岁|周岁)(以下|以上|之间)?"),
    re.compile(r"(岁|周岁)(以下|以上|之间)?|(?<![\u4e00-\u9fff])(名|人|位|元)(?![\u4e00-\u9fff])"),
)

# Protected codes are written with private-use digits so that the number patterns cannot see them.
_PROTECT = str.maketrans("0123456789", "\ue000\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009")
_UNPROTECT = {v: k for k, v in _PROTECT.items()}
_PROTECTED_RE = re.compile("\x00([\ue000-\ue009]+)\x01")

# Separators between several wanted job types ("普工/电焊工、保安") and inside titles ("保姆/住家阿姨").
_SPLIT_RE = re.compile(r"[/、,;|+]|\s+|或者|或|以及|及")
_SPACE_RE = re.compile(r"[\s_\-—–·•・:：!！?？*#~～。.\"'“”‘’]+")

# Answers that mean "any job" (意向工种: 不限).
_ANY_WORDS = frozenset({"不限", "都行", "都可以", "均可", "服从安排", "任意", "无要求", "无", "没有", "any", "所有",
                        "什么都行", "什么都可以", "待定", "不确定", "暂无"})


@dataclass(frozen=True, slots=True)
class JobText:
    """A normalised job text: ``core`` names the job, ``qualifiers`` say more about it."""

    core: str
    qualifiers: tuple[str, ...] = ()

    @property
    def full(self) -> str:
        """Core and qualifiers joined by spaces (what a similarity scorer should see)."""
        return " ".join((self.core, *self.qualifiers)).strip()

    def __bool__(self) -> bool:
        return bool(self.core or self.qualifiers)


@functools.lru_cache(maxsize=1 << 18)
def clean(text: str | None) -> str:
    """Character-level normalisation: half width, lower case, simplified characters, single spaces.

    >>> clean("ＣＮＣ數控（長白班）")
    'cnc数控(长白班)'
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).translate(_T2S).casefold()
    s = s.translate(str.maketrans({o: "(" for o in _OPEN} | {c: ")" for c in _CLOSE}))
    return " ".join(s.split())


def _strip_numbers(s: str) -> str:
    codes: list[str] = []

    def _protect(match: re.Match[str]) -> str:
        codes.append(match.group(0))
        return f"\x00{len(codes) - 1}\x01".translate(_PROTECT)

    s = _CODE_RE.sub(_protect, _WAGE_K_RE.sub(" ", s))
    for pattern in _NUMBER_RES:
        s = pattern.sub(" ", s)
    return _PROTECTED_RE.sub(lambda m: codes[int(m.group(1).translate(_UNPROTECT))], s)


def _strip_noise(s: str) -> str:
    s = _NOISE_RE.sub(" ", s)
    s = _strip_numbers(s)
    return " ".join(_SPACE_RE.sub(" ", s).split())


@functools.lru_cache(maxsize=1 << 20)
def normalise_title(text: str | None) -> JobText:
    """Reduce a raw job title or wanted job type to its core and qualifiers.

    Bracket contents become qualifiers (after the same noise removal), recruiting noise and numbers go.

    >>> normalise_title("急招电焊工（二保焊）月入过万")
    JobText(core='电焊工', qualifiers=('二保焊',))
    >>> normalise_title("普工（长白班）包吃住")
    JobText(core='普工', qualifiers=('长白班',))
    """
    s = clean(text)
    qualifiers: list[str] = []

    def _take(match: re.Match[str]) -> str:
        inner = _strip_noise(match.group(1))
        if inner:
            qualifiers.append(inner)
        return " "

    previous = None
    while previous != s:  # nested brackets: innermost first
        previous, s = s, _BRACKET_RE.sub(_take, s)
    s = s.replace("(", " ").replace(")", " ")
    words = _strip_noise(s).split()
    core = next((w for w in words if w not in _QUALIFIER_WORDS and not _CODE_RE.fullmatch(w)), "")
    in_text = [w for w in words if w != core]
    if core and core not in _QUALIFIER_WORDS:
        embedded = _QUALIFIER_RE.findall(core)
        stripped = _QUALIFIER_RE.sub("", core)
        if embedded and stripped:
            core, in_text = stripped, embedded + in_text
    qualifiers = in_text + qualifiers
    if not core and qualifiers:
        core, qualifiers = qualifiers[0], qualifiers[1:]
    return JobText(core=core, qualifiers=tuple(dict.fromkeys(qualifiers)))


def is_any(text: str | None) -> bool:
    """True when a wanted job type or place means "no preference" (不限, 都可以, 服从安排 …)."""
    s = _SPACE_RE.sub("", clean(text))
    return s in _ANY_WORDS


@functools.lru_cache(maxsize=1 << 18)
def split_titles(text: str | None) -> tuple[str, ...]:
    """Split a multi-value job type field into its parts, each normalised to its core text.

    Separators inside brackets do not split. Answers that mean "any job" give an empty tuple.

    >>> split_titles("普工/电焊工、保安")
    ('普工', '电焊工', '保安')
    """
    s = clean(text)
    # Mask bracketed text so that a separator inside brackets does not split.
    masked, depth = [], 0
    for ch in s:
        depth += ch == "("
        masked.append("\x02" if depth else ch)
        depth -= depth > 0 and ch == ")"
    cuts = [(m.start(), m.end()) for m in _SPLIT_RE.finditer("".join(masked))]
    parts, begin = [], 0
    for start, end in cuts:
        parts.append(s[begin:start])
        begin = end
    parts.append(s[begin:])
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if not part or is_any(part):
            continue
        job = normalise_title(part)
        value = job.core or (job.qualifiers[0] if job.qualifiers else "")
        if value and value not in out:
            out.append(value)
    return tuple(out)
