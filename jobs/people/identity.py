"""Validation, normalisation and masking of identity values found in users' spreadsheets.

Covers the resident ID number (居民身份证号码, GB 11643-1999), mainland mobile and landline phone numbers
(《电信网编号计划（2017年版）》, MIIT) and the unified social credit code (统一社会信用代码, GB 32100-2015).

Every parser takes the raw cell value (a string, or the int/float that Excel or openpyxl produced), returns
one canonical string or value object, and raises a subclass of :class:`InvalidValue` whose ``message`` tells
a county clerk in Chinese exactly what is wrong and whose ``code`` is a stable machine code.

Resident ID numbers and phone numbers are sensitive personal information (PIPL art. 28): show them through
:func:`mask_id` / :func:`mask_phone` and store them through :mod:`jobs.storage.crypto`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric, uscc

from jobs.storage.clock import age_on

__all__ = [
    "InvalidValue",
    "InvalidIdNumber",
    "InvalidPhone",
    "InvalidCreditCode",
    "IdNumber",
    "normalise_text",
    "parse_id_number",
    "generate_id_number",
    "check_digit",
    "normalise_mobile",
    "normalise_contact_phone",
    "normalise_credit_code",
    "mask_id",
    "mask_phone",
    "MAX_AGE",
]


# --------------------------------------------------------------------------------------------------------
# Errors


class InvalidValue(ValueError):
    """A user-supplied value that cannot be accepted.

    ``message`` is a complete Simplified Chinese sentence for the user; ``code`` is a stable machine code
    such as ``"id.checksum"`` that callers and tests can branch on.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class InvalidIdNumber(InvalidValue):
    """A resident ID number that is not a valid GB 11643 number."""


class InvalidPhone(InvalidValue):
    """A phone number that is neither a mainland mobile nor a landline with area code."""


class InvalidCreditCode(InvalidValue):
    """A unified social credit code that is not a valid GB 32100 code."""


# --------------------------------------------------------------------------------------------------------
# Text normalisation

# Dash-like characters people and word processors put between digit groups.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_TABLE = str.maketrans(_DASHES, "-" * len(_DASHES))


class _TextTable(dict):
    """Translation table: drop whitespace and invisible format characters, fold width variants.

    Only characters whose Unicode compatibility decomposition is ``<wide>`` or ``<narrow>`` are folded
    (full-width digits, letters, punctuation): that is the part of NFKC that is safe for codes. Other NFKC
    foldings (circled digits, superscripts, fractions) would turn junk into plausible digits, so those
    characters are kept and reported as illegal by the parsers. Each character's entry is worked out when the
    character is first seen (a process sees a few hundred, not the 65,000 of the Basic Multilingual Plane);
    characters outside the BMP and the tag block are left as they are.
    """

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        value: str | None = ch
        if cp < 0x10000 or 0xE0000 <= cp < 0xE0080:
            if ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc"):
                value = None
            elif unicodedata.decomposition(ch).startswith(("<wide>", "<narrow>")):
                value = unicodedata.normalize("NFKC", ch)
        self[cp] = value
        return value


@lru_cache(maxsize=1)
def _text_table() -> dict[int, str | None]:
    """The one :class:`_TextTable` of the process."""
    return _TextTable()


def normalise_text(raw: object) -> str:
    """Normalise a code-like cell value: fold full-width to half-width, remove all whitespace.

    Removes ASCII and Unicode whitespace (including the ideographic space U+3000 and NBSP) and invisible
    format characters (zero-width space, zero-width joiners, BOM, direction marks). ``None`` gives ``""``.
    Meant for codes and numbers, not for names or free text.
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""  # NaN is how pandas reads an empty cell
    return str(raw).translate(_text_table())


def _cell_text(raw: object) -> str:
    """Normalised text of a code-like cell, without Excel's leading text marker (an apostrophe)."""
    text = normalise_text(raw)
    if text[:1] in ("'", "`"):
        text = text[1:]
    return text.translate(_DASH_TABLE)


def _quote_chars(chars: list[str]) -> str:
    """List the distinct offending characters in order of appearance, quoted for a message."""
    seen = list(dict.fromkeys(chars))
    return "、".join(f"“{c}”" for c in seen)


# --------------------------------------------------------------------------------------------------------
# Resident ID numbers (GB 11643-1999 公民身份号码)

# GB 11643-1999 §4: 6-digit address code, 8-digit birth date, 3-digit sequence, 1 check character.
ID_LENGTH = 18
OLD_ID_LENGTH = 15  # 15-digit numbers issued before GB 11643-1999 (2-digit year, no check character)
# Ages above this are treated as a mistyped birth date (the oldest living person is about 117).
MAX_AGE = 120

_ID_CHARS = re.compile(r"[0-9X]*")
# Excel shows an 18-digit number with 15 significant digits in scientific notation ("4.30182E+17");
# pandas and openpyxl write it back as a float ("430124199003154000.0"). Either way the tail is lost.
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?E[+-]?\d+", re.IGNORECASE)
_FLOAT_TEXT = re.compile(r"\d{12,}\.\d*")
_EXCEL_ZEROED_TAIL = "000"
_LAST = frozenset("0123456789xX")  # the characters an ID number may end with, as written


@dataclass(frozen=True)
class IdNumber:
    """A validated resident ID number and what it encodes."""

    number: str
    """Canonical form: 18 characters, the check character as upper-case ``X`` where it is 10."""
    birth_date: date
    sex: str
    """``'男'`` or ``'女'``, from the parity of the 17th digit (GB 11643-1999 §4.3)."""
    issuing_code: str
    """The first 6 digits as printed: the county where the number was issued, possibly a retired code."""

    @property
    def masked(self) -> str:
        """The number as shown to users without the right to see it, e.g. ``430124********4513``."""
        return _masked_id(self.number)  # already canonical: no need for mask_id's normalising

    def age_on(self, day: date) -> int:
        """Age in completed years on ``day``."""
        return age_on(self.birth_date, day)


def check_digit(first17: str) -> str:
    """The GB 11643-1999 check character (``'0'``-``'9'`` or ``'X'``) for the first 17 digits.

    GB 11643-1999 §8.2: ISO 7064:1983 MOD 11-2, weights 2^(18-i) mod 11.
    """
    if len(first17) != ID_LENGTH - 1 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"check_digit needs exactly 17 ASCII digits, got {first17!r}")
    # stdnum's calc_check_digit expects the full number and ignores its last character.
    return ric.calc_check_digit(first17 + "0")


def generate_id_number(county_code: str, birth_date: date, sequence: int) -> str:
    """Build a well-formed ID number for demo data and tests (never for real people).

    ``sequence`` is the 3-digit order code (0-999); odd for men, even for women (GB 11643-1999 §4.3).
    """
    if len(county_code) != 6 or not county_code.isascii() or not county_code.isdigit():
        raise ValueError(f"county_code must be 6 digits, got {county_code!r}")
    if not 0 <= sequence <= 999:
        raise ValueError(f"sequence must be between 0 and 999, got {sequence}")
    if not 1 <= birth_date.year <= 9999:
        raise ValueError(f"birth_date out of range: {birth_date}")
    first17 = f"{county_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def parse_id_number(
    raw: object,
    *,
    today: date,
    valid_for_year: Callable[[str, int], bool] | None = None,
) -> IdNumber:
    """Validate a resident ID number from a spreadsheet cell and return what it encodes.

    Accepts lower-case ``x``, full-width digits, spaces and dashes inside, a leading apostrophe and ints.
    ``today`` bounds the birth date (not in the future, age at most :data:`MAX_AGE`).

    The first 6 digits must be a county code that was in use in some year between the birth year and
    ``today``: numbers are assigned at household registration or at the first ID card (from 1984 on), never
    before birth, so a code retired before the birth year is impossible, while a code created after the
    birth year is normal for anyone born before their county's code was created. ``valid_for_year(code,
    year)`` answers "was this code in use in that year"; without it the region data shipped with
    python-stdnum (``stdnum/cn/loc.dat``) is used.

    Raises :class:`InvalidIdNumber` with one of the codes ``id.empty``, ``id.excel_number``,
    ``id.illegal_characters``, ``id.old_15_digit``, ``id.wrong_length``, ``id.checksum``,
    ``id.birth_date_invalid``, ``id.birth_date_future``, ``id.too_old``, ``id.region_unknown``.
    """
    number = _id_text(raw)
    _check_id_checksum(number)
    birth = _id_birth_date(number, today)
    _check_issuing_code(number[:6], birth.year, today.year, valid_for_year)
    return IdNumber(
        number=number,
        birth_date=birth,
        sex="男" if int(number[16]) % 2 == 1 else "女",
        issuing_code=number[:6],
    )


def _id_text(raw: object) -> str:
    """The canonical 18-character text of an ID cell, or the error for its shape."""
    if type(raw) is str and len(raw) == ID_LENGTH and raw.isascii() and raw[:17].isdigit() and raw[17] in _LAST:
        return raw.upper()  # already 17 digits and a check character: what the steps below would give
    if isinstance(raw, float) and not math.isnan(raw):
        raise _excel_number_error(repr(raw))
    text = _cell_text(raw).replace("-", "")
    if not text:
        raise InvalidIdNumber("id.empty", "身份证号为空，请填写18位身份证号。")
    if _SCIENTIFIC.fullmatch(text) or _FLOAT_TEXT.fullmatch(text):
        raise _excel_number_error(normalise_text(raw))
    bad = [c for c in text if not ("0" <= c <= "9" or c in "xX")]
    text = text.upper()
    if bad:
        raise InvalidIdNumber(
            "id.illegal_characters",
            f"身份证号中有不允许的字符：{_quote_chars(bad)}。身份证号只能由数字组成，最后一位可以是X。",
        )
    if "X" in text[:-1]:
        raise InvalidIdNumber(
            "id.illegal_characters", "身份证号中的X只能出现在最后一位，其余各位都必须是数字。"
        )
    if len(text) == OLD_ID_LENGTH and "X" not in text:
        raise InvalidIdNumber(
            "id.old_15_digit",
            "这是15位的旧身份证号，请换成18位身份证号后再填写（以居民身份证上的号码为准）。",
        )
    if len(text) != ID_LENGTH:
        raise InvalidIdNumber(
            "id.wrong_length", f"身份证号应为18位，这里有{len(text)}位，请核对是否多填或漏填。"
        )
    return text


def _excel_number_error(shown: str) -> InvalidIdNumber:
    return InvalidIdNumber(
        "id.excel_number",
        f"身份证号“{shown}”在Excel中被存成了数字，后几位已经丢失，无法恢复。"
        "请把这一列设置为“文本”格式，再重新录入完整的18位身份证号。",
    )


def _check_id_checksum(number: str) -> None:
    """GB 11643-1999 §8.2: the 18th character must equal the MOD 11-2 check character."""
    if number[-1] == ric.calc_check_digit(number):  # ``number`` is 17 ASCII digits and a last character
        return
    if number.endswith(_EXCEL_ZEROED_TAIL):
        # Excel keeps 15 significant digits: an 18-digit number typed into a numeric cell comes back
        # with its last three digits zeroed, which almost never passes the check.
        raise _excel_number_error(number)
    raise InvalidIdNumber("id.checksum", "身份证号校验码错误，号码可能录入有误，请逐位核对。")


def _id_birth_date(number: str, today: date) -> date:
    """The birth date (digits 7-14, GB 11643-1999 §4.2), checked against ``today``."""
    try:
        # ``number`` is already the canonical 18 characters: python-stdnum's get_birth_date would clean it
        # again, which costs more than the rest of the check in a list of 10^4 rows.
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        digits = number[6:14]
        raise InvalidIdNumber(
            "id.birth_date_invalid",
            f"身份证号中的出生日期“{digits[:4]}年{digits[4:6]}月{digits[6:]}日”不存在，号码可能录入有误。",
        ) from None
    if birth > today:
        raise InvalidIdNumber(
            "id.birth_date_future",
            f"身份证号中的出生日期{birth:%Y年%m月%d日}晚于今天，号码可能录入有误。",
        )
    if age_on(birth, today) > MAX_AGE:
        raise InvalidIdNumber(
            "id.too_old",
            f"身份证号中的出生日期{birth:%Y年%m月%d日}表示年龄超过{MAX_AGE}岁，号码可能录入有误。",
        )
    return birth


YearRange = tuple[int | None, int | None]
_YEARS = re.compile(r"\[(\d*)-(\d*)\]")


@lru_cache(maxsize=None)
def _code_years(code: str) -> tuple[YearRange, ...] | None:
    """Years in which a 6-digit code was in use, per stdnum's loc.dat (GB/T 2260 history); None if unknown.

    Read through ``numdb`` directly rather than ``ric.get_birth_place``, which raises KeyError (python-stdnum
    2.2) for an unknown county under a known province.
    """
    county = None
    for _part, props in numdb.get("cn/loc").info(code):
        county = props.get("county", county)
    if county is None:
        return None
    ranges: list[YearRange] = []
    for entry in county.split(","):
        match = _YEARS.match(entry)
        if match is None:
            ranges.append((None, None))
        else:
            start, end = match.groups()
            ranges.append((int(start) if start else None, int(end) if end else None))
    return tuple(ranges)


def _check_issuing_code(
    code: str, birth_year: int, this_year: int, valid_for_year: Callable[[str, int], bool] | None
) -> None:
    """The code must have been in use in some year from the birth year up to this year."""
    problem = _issuing_code_problem(code, birth_year, this_year, valid_for_year)
    if problem is not None:
        raise InvalidIdNumber("id.region_unknown", problem)


@lru_cache(maxsize=1 << 14)
def _issuing_code_problem(
    code: str, birth_year: int, this_year: int, valid_for_year: Callable[[str, int], bool] | None
) -> str | None:
    """Why ``code`` cannot begin the ID number of someone born in ``birth_year`` (None when it can), each
    distinct question answered once: a list of 10^4 people has a few hundred (``valid_for_year`` answers
    from a region table, which does not change)."""
    if valid_for_year is not None:
        if any(valid_for_year(code, year) for year in range(birth_year, this_year + 1)):
            return None
        return (
            f"身份证号前6位地区码“{code}”在出生年份{birth_year}年及以后都不是有效的行政区划代码，"
            "号码可能录入有误。"
        )
    ranges = _code_years(code)
    if ranges is None:
        return f"身份证号前6位地区码“{code}”不是已知的行政区划代码，号码可能录入有误。"
    if any(
        (end is None or end >= birth_year) and (start is None or start <= this_year) for start, end in ranges
    ):
        return None
    ends = [end for _start, end in ranges if end is not None and end < birth_year]
    if not ends:  # every period of the code starts after this year (the date checked against is an old one)
        first = min(start for start, _end in ranges if start is not None)
        return f"身份证号前6位地区码“{code}”自{first}年起才启用，{this_year}年时还不是有效的行政区划代码，号码可能录入有误。"
    return (
        f"身份证号前6位地区码“{code}”在{max(ends)}年后已停用，不可能出现在{birth_year}年出生的人的身份证号中，"
        "号码可能录入有误。"
    )


def mask_id(number: str) -> str:
    """Mask an ID number for display: first 6 and last 4 characters kept, ``430124********4513``."""
    text = normalise_text(number).upper()
    if len(text) != ID_LENGTH:
        raise InvalidIdNumber("id.wrong_length", f"身份证号应为18位，这里有{len(text)}位，无法遮盖显示。")
    return _masked_id(text)


def _masked_id(text: str) -> str:
    """An 18-character ID number with its birth date and order code hidden."""
    return text[:6] + "*" * 8 + text[-4:]


# --------------------------------------------------------------------------------------------------------
# Phone numbers (工业和信息化部《电信网编号计划（2017年版）》)

# Mainland mobile numbers: 11 digits, 13x-19x (电信网编号计划 2017: 移动业务号码 1[3-9]).
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Long-distance area codes: 010 and 02x are 3 digits with 8-digit local numbers; the rest are 0[3-9]xx,
# 4 digits, with 7- or 8-digit local numbers. A local number never starts with 0, the trunk prefix.
# (The plan reserves a leading 1 for special services, but placeholder numbers such as 010-12345678 are
# common in employers' sheets and harmless for a contact number, so a leading 1 is accepted.)
_AREA_3 = re.compile(r"0(?:10|2\d)")
_AREA_4 = re.compile(r"0[3-9]\d\d")
_LOCAL = re.compile(r"[1-9]\d{6,7}")
# Nationwide service numbers 400-xxx-xxxx / 800-xxx-xxxx (10 digits).
_SERVICE = re.compile(r"[48]00\d{7}")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|#)(\d{1,6})$", re.IGNORECASE)
_SEVERAL = re.compile(r"\d{5,}\D+\d{5,}")
_LIST_SEPARATORS = re.compile(r"[/\\,，、;；|或和及]")
_DOMESTIC_PREFIX = re.compile(r"^(?:\+86|0086)")
# "13800000000.0": a phone column read through a float; phone numbers fit a double exactly.
_INTEGRAL_FLOAT_TEXT = re.compile(r"(\d+)\.0+")


def _phone_text(raw: object) -> str:
    """Normalised text of a phone cell; ints and integral floats from Excel are taken as digits."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # 11 digits fit a double exactly
    text = _cell_text(raw)
    if not text:
        raise InvalidPhone("phone.empty", "电话号码为空，请填写。")
    if _SCIENTIFIC.fullmatch(text):
        raise InvalidPhone(
            "phone.excel_number",
            f"电话号码“{text}”在Excel中被显示成了科学计数法，数字已经丢失。"
            "请把这一列设置为“文本”格式，再重新录入完整的号码。",
        )
    integral = _INTEGRAL_FLOAT_TEXT.fullmatch(text)
    if integral is not None:
        text = integral.group(1)
    if _LIST_SEPARATORS.search(text) and _SEVERAL.search(text):
        raise InvalidPhone(
            "phone.multiple_numbers", f"“{text}”里似乎有多个号码，一个单元格只能填写一个电话号码。"
        )
    return text


def _illegal_phone_chars(text: str) -> InvalidPhone:
    bad = [c for c in text if not c.isdigit()]
    return InvalidPhone(
        "phone.illegal_characters",
        f"电话号码中有不允许的字符：{_quote_chars(bad)}。电话号码只能由数字组成"
        "（可带+86、空格、短横线，固定电话可带括号和“转”分机号）。",
    )


def _strip_country_code(text: str) -> tuple[str, bool]:
    """Drop a leading +86/0086; returns the rest and whether a prefix was there."""
    if text.startswith("+") and not text.startswith("+86"):
        raise InvalidPhone("phone.not_mobile", "只能填写中国大陆的电话号码（国家代码+86）。")
    match = _DOMESTIC_PREFIX.match(text)
    if match is None:
        return text, False
    return text[match.end():].lstrip("-"), True


def normalise_mobile(raw: object) -> str:
    """Normalise a mainland mobile number to 11 digits, e.g. ``"+86 138 0000 0000"`` → ``"13800000000"``.

    Accepts +86, 0086 and 86 prefixes, spaces, dashes, parentheses and full-width digits. Raises
    :class:`InvalidPhone` with code ``phone.empty``, ``phone.multiple_numbers``, ``phone.illegal_characters``,
    ``phone.wrong_length`` or ``phone.not_mobile``.
    """
    if type(raw) is str and len(raw) == 11 and raw.isascii() and _MOBILE.fullmatch(raw):
        return raw  # already 11 plain digits of a mobile: what the steps below would give
    text = _phone_text(raw).replace("(", "").replace(")", "")
    text, _prefixed = _strip_country_code(text)
    digits = text.replace("-", "")
    if not digits.isascii() or not digits.isdigit():
        raise _illegal_phone_chars(digits)
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        return digits
    if digits.startswith("0") or _SERVICE.fullmatch(digits):
        raise InvalidPhone(
            "phone.not_mobile", f"“{digits}”是固定电话或服务号码，这里需要填写11位手机号码。"
        )
    if len(digits) != 11:
        raise InvalidPhone("phone.wrong_length", f"手机号码应为11位数字，这里有{len(digits)}位。")
    raise InvalidPhone(
        "phone.not_mobile", f"“{digits}”不是中国大陆手机号码：手机号码以13至19开头。"
    )


def normalise_contact_phone(raw: object) -> str:
    """Normalise a contact phone: a mobile (11 digits) or a landline with area code, or a 400/800 number.

    Landlines come out as ``"0769-85551234"`` (with ``"-123"`` appended for an extension written as
    ``转123``, ``分机123`` or ``-123``); service numbers as ``"400-800-8888"``. Accepts ``(0769)85551234``,
    ``076985551234``, ``+86 769 85551234``, spaces and full-width characters. Raises :class:`InvalidPhone`
    with the mobile codes or ``phone.missing_area_code`` / ``phone.bad_landline``.
    """
    text = _phone_text(raw)
    extension = None
    match = _EXTENSION.search(text)
    if match is not None:
        extension, text = match.group(1), text[: match.start()].rstrip("-")
    text = re.sub(r"^\((\+86|0086|0\d{2,3})\)", r"\1-", text)
    text, prefixed = _strip_country_code(text)
    digits = text.replace("-", "")
    if not digits.isascii() or not digits.isdigit():
        raise _illegal_phone_chars(digits)
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    if prefixed and not digits.startswith("0") and not _MOBILE.fullmatch(digits):
        # "+86 769 85551234": after the country code the area code drops its trunk prefix 0
        text, digits = "0" + text, "0" + digits
    if digits.startswith("1") and extension is None and len(digits) not in (7, 8):
        return normalise_mobile(digits)
    if _SERVICE.fullmatch(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" + (f"-{extension}" if extension else "")
    if digits.startswith("0"):
        return _landline(text, extension)
    if len(digits) in (7, 8):
        raise InvalidPhone(
            "phone.missing_area_code", f"固定电话“{digits}”缺少区号，请写成“0769-85551234”这样的形式。"
        )
    raise InvalidPhone(
        "phone.bad_landline",
        f"“{digits}”不是有效的电话号码：请填写11位手机号码或带区号的固定电话（如0769-85551234）。",
    )


def _landline(text: str, extension: str | None) -> str:
    """Split ``area-local[-ext]`` (dashes optional) and check each part."""
    groups = [g for g in text.split("-") if g]
    if len(groups) == 1:
        digits = groups[0]
        area_len = 3 if _AREA_3.match(digits) else 4
        groups = [digits[:area_len], digits[area_len:]]
    area, rest = groups[0], groups[1:]
    if not (_AREA_3.fullmatch(area) or _AREA_4.fullmatch(area)):
        raise InvalidPhone(
            "phone.bad_landline", f"“{area}”不是有效的区号：区号为010、02X或0开头的4位数字。"
        )
    local = ""
    while rest and len(local) < 7:
        local += rest.pop(0)
    if rest:
        if extension is not None or len(rest) > 1:
            raise InvalidPhone("phone.bad_landline", f"无法识别固定电话“{text}”的号码和分机号。")
        extension = rest[0]
    wanted = "8" if len(area) == 3 else "7或8"
    if not _LOCAL.fullmatch(local) or (len(area) == 3 and len(local) != 8):
        raise InvalidPhone(
            "phone.bad_landline",
            f"区号{area}后面的号码应为{wanted}位、且不以0开头，这里是“{local}”（{len(local)}位）。",
        )
    if extension is not None and not 1 <= len(extension) <= 6:
        raise InvalidPhone("phone.bad_landline", f"分机号“{extension}”应为1至6位数字。")
    return f"{area}-{local}" + (f"-{extension}" if extension else "")


def mask_phone(number: str) -> str:
    """Mask a phone number for display.

    A mobile keeps its first 3 and last 4 digits (``138****5678``); a landline keeps its area code and the
    last 4 digits of the local number (``0769-****1234``); a 400/800 number keeps its prefix and last 4.
    The value is normalised first, so any form :func:`normalise_contact_phone` accepts can be masked.
    """
    canonical = normalise_contact_phone(number)
    if "-" not in canonical:
        return canonical[:3] + "****" + canonical[-4:]
    parts = canonical.split("-")
    if canonical[0] in "48":  # 400/800 service number; area codes always start with 0
        return "-".join([parts[0], "***", parts[2], *parts[3:]])
    area, local, *extension = parts
    return "-".join([area, "*" * (len(local) - 4) + local[-4:], *extension])


# --------------------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015 法人和其他组织统一社会信用代码编码规则)

CREDIT_CODE_LENGTH = 18
# GB 32100-2015 §4: the code's character set is the digits and the upper-case Latin letters
# except I, O, Z, S, V (easily confused with 1, 0, 2, 5, U).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_EXCLUDED_LETTERS = "IOZSV"
OLD_REGISTRATION_LENGTH = 15  # 工商注册号 issued before 2015
OLD_ORGANISATION_CODE_LENGTH = 9  # 组织机构代码 (GB 11714), 9 characters without the dash


def normalise_credit_code(raw: object) -> str:
    """Validate a unified social credit code and return it canonical (18 upper-case characters).

    GB 32100-2015: 1 registration-authority character, 1 entity-type character, 6-digit region code,
    9-character organisation code, 1 check character (weights 3^i mod 31). Raises
    :class:`InvalidCreditCode` with code ``credit_code.empty``, ``credit_code.illegal_characters``,
    ``credit_code.wrong_length``, ``credit_code.bad_region`` or ``credit_code.checksum``.
    """
    text = _cell_text(raw).replace("-", "").upper()
    if not text:
        raise InvalidCreditCode("credit_code.empty", "统一社会信用代码为空，请填写18位代码。")
    bad = [c for c in text if c not in CREDIT_CODE_ALPHABET]
    if bad:
        excluded = ""
        if set(bad) & set(_EXCLUDED_LETTERS):
            excluded = "字母I、O、Z、S、V不会出现在代码中，请检查是否把数字1、0、2、5或字母U看错了。"
        raise InvalidCreditCode(
            "credit_code.illegal_characters",
            f"统一社会信用代码中有不允许的字符：{_quote_chars(bad)}。{excluded}",
        )
    if len(text) != CREDIT_CODE_LENGTH:
        raise InvalidCreditCode("credit_code.wrong_length", _credit_code_length_message(len(text)))
    if not text[2:8].isdigit():
        raise InvalidCreditCode(
            "credit_code.bad_region",
            f"统一社会信用代码第3至8位应为6位数字的行政区划代码，这里是“{text[2:8]}”。",
        )
    if text[-1] != uscc.calc_check_digit(text):
        raise InvalidCreditCode(
            "credit_code.checksum", "统一社会信用代码校验码错误，代码可能录入有误，请逐位核对。"
        )
    return text


def _credit_code_length_message(length: int) -> str:
    if length == OLD_REGISTRATION_LENGTH:
        return "这是15位的旧工商注册号，请改填营业执照上的18位统一社会信用代码。"
    if length == OLD_ORGANISATION_CODE_LENGTH:
        return "这是9位的旧组织机构代码，请改填18位统一社会信用代码。"
    return f"统一社会信用代码应为18位，这里有{length}位，请核对是否多填或漏填。"
