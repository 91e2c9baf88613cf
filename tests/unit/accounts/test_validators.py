"""Account validators: personal ID number, mobile phone number, password (no database)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.accounts.validators import (
    MESSAGES,
    PASSWORD_MIN_LENGTH,
    PROVINCE_CODES,
    common_passwords,
    normalize_phone,
    password_errors,
    personal_id_errors,
    personal_id_gender,
    phone_errors,
)


def _full_width(digits: str) -> str:
    """Return the digits in full-width form ("0" -> U+FF10); Python counts them as digits."""
    return "".join(chr(ord(digit) + 0xFEE0) for digit in digits)


# --- personal ID number ---------------------------------------------------------------------


def test_province_codes_are_the_63_official_ones():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert "003" not in PROVINCE_CODES


@pytest.mark.parametrize(
    ("personal_id", "date_of_birth", "gender"),
    [
        ("001090123456", date(1990, 5, 15), "male"),  # Hà Nội, 1990
        ("001099012345", date(1999, 12, 31), "male"),  # Hà Nội, 1999
        ("079303001234", date(2003, 7, 1), "female"),  # Hồ Chí Minh, 2003
        ("048200000001", date(2000, 2, 29), "male"),  # Đà Nẵng, first year of the 2000s
        ("096119654321", date(1919, 1, 1), "female"),  # Cà Mau, 1919
        ("001401000000", date(2101, 1, 1), "male"),  # 2100s
        ("001090123456", None, "male"),  # without a birth date only the structure is checked
    ],
)
def test_valid_personal_ids(personal_id, date_of_birth, gender):
    assert personal_id_errors(personal_id, date_of_birth) == []
    assert personal_id_gender(personal_id) == gender


@pytest.mark.parametrize(
    ("personal_id", "date_of_birth", "expected"),
    [
        ("00109012345", None, ["personal_id.format"]),  # 11 digits
        ("0010901234567", None, ["personal_id.format"]),  # 13 digits
        ("00109012345a", None, ["personal_id.format"]),  # a letter
        ("001 090 123 456", None, ["personal_id.format"]),  # separators are not accepted here
        (_full_width("001090123456"), None, ["personal_id.format"]),
        ("", None, ["personal_id.format"]),
        ("0031x", date(1990, 1, 1), ["personal_id.format"]),  # format error comes alone
        ("003090123456", None, ["personal_id.province"]),  # 003 is not a province code
        ("100090123456", None, ["personal_id.province"]),
        ("001290123456", date(1990, 5, 15), ["personal_id.century"]),  # 2 = 2000s
        ("079003001234", date(2003, 7, 1), ["personal_id.century"]),  # 0 = 1900s
        ("001091123456", date(1990, 5, 15), ["personal_id.birth_year"]),
        (
            "003291123456",
            date(1990, 5, 15),
            ["personal_id.province", "personal_id.century", "personal_id.birth_year"],
        ),
    ],
)
def test_each_broken_personal_id_rule_has_its_own_key(personal_id, date_of_birth, expected):
    assert personal_id_errors(personal_id, date_of_birth) == expected


def test_century_digit_is_not_checked_without_a_birth_date():
    assert personal_id_errors("001290123456") == []


@pytest.mark.parametrize("personal_id", ["00109012345", "003090123456"])
def test_gender_of_a_malformed_personal_id_is_refused(personal_id):
    with pytest.raises(ValueError, match="not a structurally valid"):
        personal_id_gender(personal_id)


def _shift_year(day: date, years: int) -> date:
    return date(day.year + years, day.month, min(day.day, 28))


@settings(database=None)
@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    female=st.booleans(),
    date_of_birth=st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    serial=st.text("0123456789", min_size=6, max_size=6),
)
def test_built_personal_id_matches_its_birth_date_only(province, female, date_of_birth, serial):
    century_digit = (date_of_birth.year // 100 - 19) * 2 + female
    personal_id = f"{province}{century_digit}{date_of_birth.year % 100:02d}{serial}"

    assert personal_id_errors(personal_id, date_of_birth) == []
    assert personal_id_gender(personal_id) == ("female" if female else "male")
    for years in (-1, 1):
        errors = personal_id_errors(personal_id, _shift_year(date_of_birth, years))
        assert "personal_id.birth_year" in errors


# --- mobile phone number --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "national"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("(+84) 912 345 678", "0912345678"),
        ("+84 0912 345 678", "0912345678"),
        (" 0912345678 ", "0912345678"),
        ("0321234567", "0321234567"),  # 032 (former 0162)
        ("0561234567", "0561234567"),
        ("0701234567", "0701234567"),
        ("0812345678", "0812345678"),
        ("0991234567", "0991234567"),
    ],
)
def test_mobile_numbers_are_normalized_to_national_form(raw, national):
    assert normalize_phone(raw) == national
    assert phone_errors(raw) == []


@pytest.mark.parametrize(
    "raw",
    [
        "02438253536",  # Hà Nội landline
        "+842438253536",
        "091234567",  # 9 digits
        "09123456789",  # 11 digits
        "01234567890",  # retired 11-digit 01x mobile number
        "0312345678",  # 031 is not a mobile range
        "0512345678",
        "0712345678",
        "0612345678",
        "+85912345678",  # another country code
        "09123456ab",
        "abcdefghij",
        _full_width("0912345678"),
        "",
    ],
)
def test_invalid_mobile_numbers(raw):
    assert normalize_phone(raw) is None
    assert phone_errors(raw) == ["phone.invalid"]


# --- password -------------------------------------------------------------------------------

PASSPHRASE = "ngựa ô chạy qua cầu tre"


def test_a_good_passphrase_passes_even_with_personal_data_given():
    errors = password_errors(
        PASSPHRASE, personal_id="001090123456", email="an@example.vn", phone="0912345678"
    )
    assert errors == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("x7#kq2!mz", ["password.too_short"]),  # 9 characters
        ("x7#kq2!mzp", []),  # 10 characters
        ("x" * 128, []),
        ("x" * 129, ["password.too_long"]),
        ("Password123", ["password.common"]),
        ("PASSWORD1234", ["password.common"]),
        ("  matkhau123 ", ["password.common"]),
        ("QwertyUIOP", ["password.common"]),
        ("1qaz2wsx3edc", ["password.common"]),
        ("anhyeuem123", ["password.common"]),
        ("DichVuCong2026", ["password.common"]),
    ],
)
def test_password_length_and_common_passwords(password, expected):
    assert password_errors(password) == expected


@pytest.mark.parametrize(
    ("password", "personal_data"),
    [
        ("toi-001090123456", {"personal_id": "001090123456"}),
        ("so0912345678!", {"phone": "+84 912 345 678"}),
        ("goi84912345678", {"phone": "0912345678"}),
        ("Nguyen.Van.An", {"email": "nguyen.van.an@example.vn"}),
        ("An.Nguyen@Example.VN", {"email": "an.nguyen@example.vn"}),
    ],
)
def test_password_with_personal_data_is_refused(password, personal_data):
    assert password_errors(password, **personal_data) == ["password.personal_data"]


def test_password_merely_containing_the_email_local_part_is_allowed():
    assert password_errors("nguyen.van.an thích đi bộ", email="nguyen.van.an@example.vn") == []


def test_several_password_rules_are_reported_together():
    errors = password_errors("0912345678", phone="0912345678")
    assert errors == ["password.common", "password.personal_data"]


def test_common_password_list_only_holds_lower_case_entries_that_meet_the_minimum():
    entries = common_passwords()
    assert len(entries) >= 400
    assert all(len(entry) >= PASSWORD_MIN_LENGTH and entry == entry.lower() for entry in entries)


# --- messages -------------------------------------------------------------------------------


def test_every_returned_key_has_vietnamese_and_english_messages():
    returned = {
        *personal_id_errors("1"),
        *personal_id_errors("003291123456", date(1990, 1, 1)),
        *phone_errors("1"),
        *password_errors("short"),
        *password_errors("x" * 129),
        *password_errors("password123", email="password123@example.vn"),
    }
    assert returned == set(MESSAGES)
    for key, texts in MESSAGES.items():
        assert set(texts) == {"vi", "en"}, key
        assert all(text.strip() for text in texts.values()), key
