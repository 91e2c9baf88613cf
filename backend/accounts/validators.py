"""Pure validators for account data: personal ID number, mobile phone number, password.

Every ``*_errors`` function returns a list of message keys (empty when the value is valid);
``MESSAGES`` maps each key to user-facing Vietnamese and English text. Nothing here touches
Flask or the database, so schemas and services can share these rules.
"""

import datetime
import re
from functools import cache
from pathlib import Path

#: Province codes that open the 12-digit personal ID number (số định danh cá nhân / CCCD), per
#: Thông tư 07/2016/TT-BCA (carried over by Thông tư 59/2021/TT-BCA). The code is that of the
#: province where the birth was registered; it never changes, even after provinces merge.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

#: First two digits of the 9-digit national significant number of current mobile ranges
#: (the digits after the leading 0 of "0912345678").
MOBILE_PREFIXES: frozenset[str] = frozenset(
    [f"3{d}" for d in "23456789"]
    + ["52", "55", "56", "58", "59", "70", "76", "77", "78", "79"]
    + [f"8{d}" for d in "123456789"]
    + [f"9{d}" for d in "0123456789"]
)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128

MESSAGES: dict[str, dict[str, str]] = {
    "personal_id.format": {
        "vi": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
        "en": "The personal ID number must have exactly 12 digits.",
    },
    "personal_id.province": {
        "vi": "Ba chữ số đầu của số định danh cá nhân không phải là mã tỉnh, thành phố hợp lệ.",
        "en": "The first three digits of the personal ID number are not a valid province code.",
    },
    "personal_id.century": {
        "vi": "Chữ số thứ 4 của số định danh cá nhân (mã giới tính và thế kỷ sinh) "
        "không khớp với thế kỷ của năm sinh.",
        "en": "The 4th digit of the personal ID number (gender and century of birth) "
        "does not match the century of the birth year.",
    },
    "personal_id.birth_year": {
        "vi": "Chữ số thứ 5 và thứ 6 của số định danh cá nhân phải là hai số cuối của năm sinh.",
        "en": "Digits 5 and 6 of the personal ID number must be the last two digits "
        "of the birth year.",
    },
    "phone.invalid": {
        "vi": "Số điện thoại di động không hợp lệ. Vui lòng nhập số di động Việt Nam "
        "gồm 10 chữ số, ví dụ 0912345678 hoặc +84912345678.",
        "en": "Invalid mobile phone number. Enter a 10-digit Vietnamese mobile number, "
        "e.g. 0912345678 or +84912345678.",
    },
    "password.too_short": {
        "vi": f"Mật khẩu phải có ít nhất {PASSWORD_MIN_LENGTH} ký tự.",
        "en": f"The password must be at least {PASSWORD_MIN_LENGTH} characters long.",
    },
    "password.too_long": {
        "vi": f"Mật khẩu không được dài quá {PASSWORD_MAX_LENGTH} ký tự.",
        "en": f"The password must be at most {PASSWORD_MAX_LENGTH} characters long.",
    },
    "password.common": {
        "vi": "Mật khẩu này quá phổ biến và dễ bị đoán. Vui lòng chọn mật khẩu khác.",
        "en": "This password is too common and easy to guess. Please choose another one.",
    },
    "password.personal_data": {
        "vi": "Mật khẩu không được chứa số định danh cá nhân, số điện thoại "
        "hoặc địa chỉ thư điện tử của bạn.",
        "en": "The password must not contain your personal ID number, phone number "
        "or e-mail address.",
    },
}

_PERSONAL_ID_RE = re.compile(r"[0-9]{12}")
_PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]")
# "0" + 9 digits, or the country code 84 (optionally "+84" / "0084") + 9 digits; people often
# keep the trunk 0 after the country code ("+84 0912 345 678"), so it is tolerated there.
_PHONE_RE = re.compile(r"(?:(?:\+|00)?840?|0)([0-9]{9})")
_COMMON_PASSWORDS_PATH = Path(__file__).with_name("data") / "common_passwords.txt"


# --- personal ID number ---------------------------------------------------------------------


def personal_id_errors(value: str, date_of_birth: datetime.date | None = None) -> list[str]:
    """Check a 12-digit personal ID number, and its birth digits against ``date_of_birth``.

    Layout: digits 1-3 province of birth registration, digit 4 gender and century (0/1 = 1900s,
    2/3 = 2000s, … 8/9 = 2300s; even male, odd female), digits 5-6 last two digits of the
    birth year, digits 7-12 random. A format error is returned alone.
    """
    if not _PERSONAL_ID_RE.fullmatch(value):
        return ["personal_id.format"]
    errors: list[str] = []
    if value[:3] not in PROVINCE_CODES:
        errors.append("personal_id.province")
    if date_of_birth is not None:
        if _century_start(value) != date_of_birth.year // 100 * 100:
            errors.append("personal_id.century")
        if value[4:6] != f"{date_of_birth.year % 100:02d}":
            errors.append("personal_id.birth_year")
    return errors


def personal_id_gender(value: str) -> str:
    """Return ``"male"`` or ``"female"`` from digit 4; raise ``ValueError`` for a malformed ID."""
    if personal_id_errors(value):
        raise ValueError(f"not a structurally valid personal ID number: {value!r}")
    return "male" if int(value[3]) % 2 == 0 else "female"


def _century_start(value: str) -> int:
    """First year of the birth century encoded by digit 4 (``"0"``/``"1"`` → 1900)."""
    return 1900 + int(value[3]) // 2 * 100


# --- mobile phone number --------------------------------------------------------------------


def normalize_phone(value: str) -> str | None:
    """Return a Vietnamese mobile number in national form ("0912345678"), or None if invalid.

    Accepts "0912345678", "+84912345678", "84912345678", "0084912345678", and spaces,
    dots, hyphens or parentheses between digits. Landlines and retired 11-digit numbers fail.
    """
    match = _PHONE_RE.fullmatch(_PHONE_SEPARATORS_RE.sub("", value))
    if match is None or match[1][:2] not in MOBILE_PREFIXES:
        return None
    return "0" + match[1]


def phone_errors(value: str) -> list[str]:
    """Return ``["phone.invalid"]`` unless ``value`` is a Vietnamese mobile number."""
    return [] if normalize_phone(value) else ["phone.invalid"]


# --- password -------------------------------------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    """Return the lower-case common passwords, read once from ``data/common_passwords.txt``."""
    lines = _COMMON_PASSWORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_errors(
    password: str,
    *,
    personal_id: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> list[str]:
    """Check a new password's length, commonness and overlap with the user's own data.

    ``personal_data`` is reported when the password contains the personal ID number or the
    phone number (in any accepted form: its 9 significant digits are searched), or equals the
    e-mail address or its local part, ignoring case.
    """
    errors: list[str] = []
    if len(password) < PASSWORD_MIN_LENGTH:
        errors.append("password.too_short")
    if len(password) > PASSWORD_MAX_LENGTH:
        errors.append("password.too_long")
    if {password.lower(), password.strip().lower()} & common_passwords():
        errors.append("password.common")
    if _contains_personal_data(password, personal_id=personal_id, email=email, phone=phone):
        errors.append("password.personal_data")
    return errors


def _contains_personal_data(
    password: str, *, personal_id: str | None, email: str | None, phone: str | None
) -> bool:
    folded = password.strip().casefold()
    needles = []
    if personal_id and personal_id.strip():
        needles.append(personal_id.strip())
    if phone:
        national = normalize_phone(phone)
        digits = national[1:] if national else re.sub(r"[^0-9]", "", phone)
        if len(digits) >= 8:
            needles.append(digits)
    if any(needle.casefold() in folded for needle in needles):
        return True
    if email and email.strip():
        address = email.strip().casefold()
        return folded in {address, address.rsplit("@", 1)[0]}
    return False
