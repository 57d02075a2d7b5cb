"""Specification of identity values: GB 11643 ID numbers, phones, GB 32100 credit codes, masking."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest

from jobs.people.identity import (
    IdNumber,
    InvalidCreditCode,
    InvalidIdNumber,
    InvalidPhone,
    InvalidValue,
    check_digit,
    generate_id_number,
    mask_id,
    mask_phone,
    normalise_contact_phone,
    normalise_credit_code,
    normalise_mobile,
    normalise_text,
    parse_id_number,
)

TODAY = date(2025, 6, 1)
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# GB 11643-1999 §8.2, written out independently of the code under test.
GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
GB11643_CHECK = "10X98765432"


def gb11643_check(first17: str) -> str:
    return GB11643_CHECK[sum(int(d) * w for d, w in zip(first17, GB11643_WEIGHTS)) % 11]


# GB 32100-2015 §5: character values 0-30 over this alphabet, weights 3^i mod 31, C18 = 31 - (sum mod 31).
GB32100_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def gb32100_code(first17: str) -> str:
    total = sum(GB32100_ALPHABET.index(c) * w for c, w in zip(first17, GB32100_WEIGHTS))
    return first17 + GB32100_ALPHABET[(31 - total % 31) % 31]


def parse(raw: object, **kwargs: object) -> IdNumber:
    return parse_id_number(raw, today=TODAY, **kwargs)


def error_of(func, raw: object) -> InvalidValue:
    with pytest.raises(InvalidValue) as info:
        func(raw)
    return info.value


# County codes in use today, across all provinces (GB/T 2260, as in python-stdnum's loc.dat).
CURRENT_COUNTIES = (
    "110101 120103 130302 130926 140828 150801 150823 210502 220881 222403 230724 320322 320402 330108 "
    "330381 330483 340311 340521 340822 341882 350604 350901 370801 371082 371601 410184 410301 410526 "
    "410883 411102 411201 411503 420901 421303 430182 431025 440981 441900 445224 450202 450226 450721 "
    "451103 510502 511323 511526 513334 520115 520301 520302 522723 530325 530401 530927 532932 540122 "
    "610602 620121 620423 620521 621102 652801 652927"
).split()


# --- GB 11643 resident ID numbers -------------------------------------------------------------------


class TestTheFormatsExample:
    def test_430124199003154513_has_a_correct_gb11643_check_digit(self):
        assert gb11643_check("43012419900315451") == "3"
        assert check_digit("43012419900315451") == "3"

    def test_it_parses_into_birth_date_sex_and_issuing_code(self):
        person = parse("430124199003154513")
        assert person == IdNumber(
            number="430124199003154513", birth_date=date(1990, 3, 15), sex="男", issuing_code="430124"
        )
        assert person.masked == "430124********4513"
        assert person.age_on(TODAY) == 35


def test_100k_generated_numbers_follow_gb11643_and_round_trip_through_parse():
    rng = random.Random(11643)
    first, span = date(1930, 1, 1), (date(2010, 12, 31) - date(1930, 1, 1)).days
    for _ in range(100_000):
        county = rng.choice(CURRENT_COUNTIES)
        born = first + timedelta(days=rng.randrange(span + 1))
        sequence = rng.randrange(1000)
        number = generate_id_number(county, born, sequence)
        assert number[17] == gb11643_check(number[:17])
        person = parse(number)
        assert (person.number, person.birth_date, person.issuing_code) == (number, born, county)
        assert person.sex == ("男" if sequence % 2 else "女")


class TestAcceptedSpellings:
    @pytest.mark.parametrize(
        "raw",
        [
            "43052419800101002x",
            "430524 19800101 002X",
            "430524-19800101-002X",
            "４３０５２４１９８００１０１００２ｘ",
            "\u3000430524198001010\u200b02X ",
            "'43052419800101002X",
        ],
    )
    def test_lower_case_x_full_width_spaces_dashes_and_invisible_characters_are_accepted(self, raw):
        assert gb11643_check("43052419800101002") == "X"
        assert parse(raw).number == "43052419800101002X"

    def test_an_exact_integer_cell_is_accepted(self):
        assert parse(430124199003154513).number == "430124199003154513"


class TestRetiredCountyCodesAreValidInTheirYears:
    @pytest.mark.parametrize(
        ("county", "born"),
        [
            ("230824", date(1986, 7, 1)),  # 友谊县, 1984-1991
            ("342426", date(1998, 12, 31)),  # 金寨县, until 1999
            ("342426", date(1960, 1, 1)),
            ("432324", date(1979, 5, 20)),  # 宁乡县 under 湘潭地区, until 1994
            ("430124", date(1990, 3, 15)),  # 宁乡县 under 长沙市, 1983-2017
        ],
    )
    def test_a_code_in_use_in_the_birth_year_is_accepted(self, county, born):
        assert parse(generate_id_number(county, born, 451)).issuing_code == county

    def test_a_code_created_after_the_birth_year_is_accepted(self):
        # Numbers were first assigned with the 1984 ID cards: people born before their county's code
        # existed carry the newer code (430124 dates from 1983, 441900 from 1988).
        assert parse(generate_id_number("430124", date(1965, 5, 1), 123)).birth_date.year == 1965
        assert parse(generate_id_number("441900", date(1975, 5, 1), 124)).sex == "女"

    def test_a_code_retired_before_the_birth_year_is_rejected(self):
        error = error_of(parse, generate_id_number("432324", date(2000, 1, 1), 123))
        assert error.code == "id.region_unknown"
        assert "432324" in error.message and "2000" in error.message

    def test_a_code_not_yet_created_on_the_day_checked_is_rejected(self):
        # 441204 (高要区) dates from 2015: on a day in 2012 no number could carry it.
        with pytest.raises(InvalidIdNumber) as info:
            parse_id_number(generate_id_number("441204", date(2010, 5, 1), 12), today=date(2012, 1, 1))
        assert info.value.code == "id.region_unknown"
        assert info.value.message == ("身份证号前6位地区码“441204”自2015年起才启用，2012年时还不是有效的行政区划代码，"
                                      "号码可能录入有误。")

    @pytest.mark.parametrize("county", ["439999", "990101"])
    def test_an_unknown_county_code_is_rejected(self, county):
        error = error_of(parse, generate_id_number(county, date(1990, 1, 1), 123))
        assert error.code == "id.region_unknown"
        assert county in error.message


class TestValidForYearCallbackReplacesTheBuiltInRegionData:
    def test_the_callback_is_asked_from_the_birth_year_onwards(self):
        asked: list[tuple[str, int]] = []

        def valid_for_year(code: str, year: int) -> bool:
            asked.append((code, year))
            return year >= 1992

        person = parse(generate_id_number("439999", date(1990, 1, 1), 1), valid_for_year=valid_for_year)
        assert person.issuing_code == "439999"
        assert asked == [("439999", 1990), ("439999", 1991), ("439999", 1992)]

    def test_a_code_the_callback_never_accepts_is_rejected(self):
        number = generate_id_number("110101", date(1990, 1, 1), 1)
        with pytest.raises(InvalidIdNumber) as info:
            parse(number, valid_for_year=lambda code, year: False)
        assert info.value.code == "id.region_unknown"


def _id_with_date(digits8: str) -> str:
    first17 = "430182" + digits8 + "123"
    return first17 + gb11643_check(first17)


ID_FAILURES = {
    "id.empty": "",
    "id.excel_number": "4.30182E+17",
    "id.illegal_characters": "43012419900315451a",
    "id.old_15_digit": "430124900315451",
    "id.wrong_length": "43012419900315451",
    "id.checksum": "430124199003154514",
    "id.birth_date_invalid": _id_with_date("19900230"),
    "id.birth_date_future": _id_with_date("20300101"),
    "id.too_old": _id_with_date("19000101"),
    "id.region_unknown": generate_id_number("432324", date(2000, 1, 1), 123),
}


class TestEachIdFailureHasItsOwnCodeAndMessage:
    @pytest.mark.parametrize(("code", "raw"), ID_FAILURES.items())
    def test_failure_kind(self, code, raw):
        error = error_of(parse, raw)
        assert isinstance(error, InvalidIdNumber)
        assert error.code == code
        assert CHINESE.search(error.message) and str(error) == error.message

    def test_codes_and_messages_are_all_distinct(self):
        errors = [error_of(parse, raw) for raw in ID_FAILURES.values()]
        assert len({e.code for e in errors}) == len({e.message for e in errors}) == len(ID_FAILURES)

    @pytest.mark.parametrize("raw", [None, "   ", "\u3000", float("nan")])
    def test_blank_cells_are_empty(self, raw):
        assert error_of(parse, raw).code == "id.empty"

    @pytest.mark.parametrize(
        "raw",
        ["4.30182E+17", "4.30124e17", 4.30124199003154e17, "430124199003154000.0", "430124199003154000"],
    )
    def test_excel_number_mangling_says_to_re_enter_as_text(self, raw):
        error = error_of(parse, raw)
        assert error.code == "id.excel_number"
        assert "Excel" in error.message and "文本" in error.message and "丢失" in error.message

    def test_wrong_length_says_how_many_characters_were_found(self):
        assert "17位" in error_of(parse, "43012419900315451").message
        assert "19位" in error_of(parse, "4301241990031545131").message

    def test_old_15_digit_numbers_must_be_converted_to_18_digits(self):
        assert "18位" in error_of(parse, "430124900315451").message

    def test_illegal_characters_are_named(self):
        assert "“a”" in error_of(parse, "43012419900315451a").message
        assert "“②”" in error_of(parse, "43012419900315451②").message

    def test_x_anywhere_but_last_is_illegal(self):
        assert error_of(parse, "4301241990031X4513").code == "id.illegal_characters"

    def test_checksum_message_says_the_number_was_probably_mistyped(self):
        assert error_of(parse, "430124199003154514").message.startswith("身份证号校验码错误")


class TestBirthDateBounds:
    def test_someone_born_today_is_accepted(self):
        assert parse(generate_id_number("430182", TODAY, 1)).birth_date == TODAY

    def test_someone_born_tomorrow_is_rejected(self):
        number = generate_id_number("430182", TODAY + timedelta(days=1), 1)
        assert error_of(parse, number).code == "id.birth_date_future"

    def test_age_120_is_accepted_and_121_rejected(self):
        assert parse(generate_id_number("110101", date(1904, 6, 2), 1)).age_on(TODAY) == 120
        assert error_of(parse, generate_id_number("110101", date(1904, 6, 1), 1)).code == "id.too_old"

    def test_a_29_february_birthday_ages_on_1_march(self):
        person = parse(generate_id_number("110101", date(2004, 2, 29), 2))
        assert person.age_on(date(2025, 2, 28)) == 20
        assert person.age_on(date(2025, 3, 1)) == 21


class TestSex:
    def test_an_odd_17th_digit_is_male_and_an_even_one_female(self):
        assert parse(generate_id_number("110101", date(1990, 1, 1), 7)).sex == "男"
        assert parse(generate_id_number("110101", date(1990, 1, 1), 8)).sex == "女"


class TestGenerator:
    def test_check_digit_x_stands_for_ten(self):
        assert check_digit("11010519491231002") == "X" == gb11643_check("11010519491231002")

    @pytest.mark.parametrize("first17", ["1101051949123100", "1101051949123100X", "１１０１０５１９４９１２３１００２"])
    def test_check_digit_needs_17_ascii_digits(self, first17):
        with pytest.raises(ValueError):
            check_digit(first17)

    @pytest.mark.parametrize(("county", "sequence"), [("43012", 1), ("430124", 1000), ("430124", -1)])
    def test_generate_rejects_bad_arguments(self, county, sequence):
        with pytest.raises(ValueError):
            generate_id_number(county, date(1990, 1, 1), sequence)


# --- normalise_text ------------------------------------------------------------------------------------


class TestNormaliseText:
    def test_full_width_is_folded_and_all_whitespace_removed(self):
        assert normalise_text("\ufeff１３８\u3000０\u00a0０\u200b０\t0 ｘ－Ａ\n") == "1380000x-A"

    def test_compatibility_forms_that_are_not_width_variants_are_kept(self):
        assert normalise_text("①²½") == "①²½"

    def test_none_is_empty(self):
        assert normalise_text(None) == ""


# --- phones -----------------------------------------------------------------------------------------------


class TestMobile:
    @pytest.mark.parametrize(
        "raw",
        [
            "13800000000",
            "138 0000 0000",
            "138-0000-0000",
            "+86 13800000000",
            "+86-138-0000-0000",
            "(+86)138 0000 0000",
            "0086 138 0000 0000",
            "86 13800000000",
            "１３８００００００００",
            13800000000,
            13800000000.0,
            "13800000000.0",
        ],
    )
    def test_spellings_of_one_mobile_number_normalise_to_11_digits(self, raw):
        assert normalise_mobile(raw) == "13800000000"

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("", "phone.empty"),
            ("1.38E+10", "phone.excel_number"),
            ("138000000000", "phone.wrong_length"),
            ("1380000000", "phone.wrong_length"),
            ("12800000000", "phone.not_mobile"),
            ("0769-85551234", "phone.not_mobile"),
            ("+852 91234567", "phone.not_mobile"),
            ("138abc00000", "phone.illegal_characters"),
            ("13800000000/13900000000", "phone.multiple_numbers"),
        ],
    )
    def test_failure_kinds(self, raw, code):
        error = error_of(normalise_mobile, raw)
        assert isinstance(error, InvalidPhone) and error.code == code and CHINESE.search(error.message)

    def test_wrong_length_says_how_many_digits_were_found(self):
        assert "10位" in error_of(normalise_mobile, "1380000000").message

    def test_a_landline_where_a_mobile_is_needed_says_so(self):
        assert "固定电话" in error_of(normalise_mobile, "0769-85551234").message

    def test_illegal_characters_are_named(self):
        assert "“a”" in error_of(normalise_mobile, "138a0000000").message


class TestContactPhone:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("0769-85551234", "0769-85551234"),
            ("(0769)85551234", "0769-85551234"),
            ("（０７６９）８５５５１２３４", "0769-85551234"),
            ("076985551234", "0769-85551234"),
            ("0769 8555 1234", "0769-85551234"),
            ("+86 769 85551234", "0769-85551234"),
            ("010-12345678", "010-12345678"),
            ("01062345678", "010-62345678"),
            ("+86 10 62345678", "010-62345678"),
            ("020-8765-4321", "020-87654321"),
            ("0898-6234567", "0898-6234567"),
            ("0769-85551234转123", "0769-85551234-123"),
            ("0769-85551234 分机 8", "0769-85551234-8"),
            ("0769-85551234-123", "0769-85551234-123"),
            ("400-800-8888", "400-800-8888"),
            ("4008008888", "400-800-8888"),
            ("800 820 8820", "800-820-8820"),
            ("13900139001", "13900139001"),
            ("+86 139 0013 9001", "13900139001"),
        ],
    )
    def test_accepted_forms(self, raw, expected):
        assert normalise_contact_phone(raw) == expected
        assert normalise_contact_phone(expected) == expected

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("", "phone.empty"),
            ("85551234", "phone.missing_area_code"),
            ("12345678", "phone.missing_area_code"),
            ("010-1234567", "phone.bad_landline"),
            ("0769-123", "phone.bad_landline"),
            ("0769-05551234", "phone.bad_landline"),
            ("0012-85551234", "phone.bad_landline"),
            ("12345", "phone.wrong_length"),
            ("0769-85551234（总机）", "phone.illegal_characters"),
            ("0769-85551234，13800000000", "phone.multiple_numbers"),
        ],
    )
    def test_failure_kinds(self, raw, code):
        error = error_of(normalise_contact_phone, raw)
        assert isinstance(error, InvalidPhone) and error.code == code and CHINESE.search(error.message)

    def test_missing_area_code_says_how_to_write_it(self):
        assert "区号" in error_of(normalise_contact_phone, "85551234").message


# --- GB 32100 unified social credit codes ---------------------------------------------------------------


def test_1000_generated_credit_codes_validate_and_round_trip():
    rng = random.Random(32100)
    for _ in range(1000):
        head = rng.choice("159ANY") + rng.choice("123")
        region = rng.choice(CURRENT_COUNTIES)
        organisation = "".join(rng.choice(GB32100_ALPHABET) for _ in range(9))
        code = gb32100_code(head + region + organisation)
        assert normalise_credit_code(code) == code


class TestCreditCode:
    VALID = gb32100_code("91441900MA4W" + "12345")

    def test_lower_case_spaces_and_full_width_are_accepted(self):
        spaced = " ".join(self.VALID.lower())
        assert normalise_credit_code(spaced) == self.VALID
        assert normalise_credit_code("９１" + self.VALID[2:]) == self.VALID

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("", "credit_code.empty"),
            ("91441900MA4W1234", "credit_code.wrong_length"),
            ("9144190OMA4W12345X", "credit_code.illegal_characters"),
            ("91441900MA4W1234@", "credit_code.illegal_characters"),
            (gb32100_code("9144A900MA4W12345"), "credit_code.bad_region"),
        ],
    )
    def test_failure_kinds(self, raw, code):
        error = error_of(normalise_credit_code, raw)
        assert isinstance(error, InvalidCreditCode) and error.code == code and CHINESE.search(error.message)

    def test_a_wrong_check_character_is_a_checksum_error(self):
        wrong = self.VALID[:-1] + ("0" if self.VALID[-1] != "0" else "1")
        assert error_of(normalise_credit_code, wrong).code == "credit_code.checksum"

    def test_the_letters_i_o_z_s_v_are_named_as_never_used(self):
        message = error_of(normalise_credit_code, "9144190OMA4W12345X").message
        assert "“O”" in message and "I、O、Z、S、V" in message

    def test_length_message_counts_characters_and_recognises_old_numbers(self):
        assert "16位" in error_of(normalise_credit_code, "91441900MA4W1234").message
        assert "工商注册号" in error_of(normalise_credit_code, "441900000123456").message
        assert "组织机构代码" in error_of(normalise_credit_code, "MA4W1234-5").message


# --- masking --------------------------------------------------------------------------------------------


class TestMasking:
    def test_an_id_number_keeps_its_first_6_and_last_4(self):
        assert mask_id("430124199003154513") == "430124********4513"
        assert mask_id("43052419800101002x") == "430524********002X"

    def test_masking_a_malformed_id_refuses_rather_than_leaking(self):
        with pytest.raises(InvalidIdNumber):
            mask_id("4301241990031545")

    def test_a_mobile_keeps_its_first_3_and_last_4(self):
        assert mask_phone("13812345678") == "138****5678"
        assert mask_phone("+86 138 1234 5678") == "138****5678"

    def test_a_landline_keeps_its_area_code_and_last_4(self):
        assert mask_phone("0769-85551234") == "0769-****1234"
        assert mask_phone("0898-6234567") == "0898-***4567"
        assert mask_phone("0769-85551234转123") == "0769-****1234-123"

    def test_a_service_number_keeps_its_prefix_and_last_4(self):
        assert mask_phone("400-800-8888") == "400-***-8888"
