"""Administrative units for address pickers: the 34 provinces and 3321 wards/communes (2025).

Data comes from the ``vietnam_provinces`` package (two-tier units in force since 1 July 2025)
and is loaded once. Codes are the official GSO codes as strings, zero-padded the way the package
names them: provinces on 2 digits (``"01"`` Hà Nội), wards on 5 digits (``"00070"``).

Every function returns fresh dicts, so callers may modify them. :func:`unaccent` is the text
folding shared with the catalogue search.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from vietnam_provinces import Province, VietNamDivisionType, Ward

__all__ = [
    "get_province",
    "get_ward",
    "list_provinces",
    "list_wards",
    "unaccent",
    "ward_in_province",
]

#: Display names of the division types ("Thành phố Trung ương" = centrally governed city).
DIVISION_TYPES: dict[VietNamDivisionType, str] = {
    VietNamDivisionType.TINH: "Tỉnh",
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: "Thành phố Trung ương",
    VietNamDivisionType.PHUONG: "Phường",
    VietNamDivisionType.XA: "Xã",
    VietNamDivisionType.DAC_KHU: "Đặc khu",
}


# --- text folding -----------------------------------------------------------------------------


def _build_fold_table() -> dict[int, str | None]:
    """Map every Latin letter with diacritics (and every combining mark) to its bare form."""
    table: dict[int, str | None] = {}
    ranges = (range(0x00C0, 0x0250), range(0x1E00, 0x1F00))  # Latin-1 … Latin Extended Additional
    for codepoint in (c for r in ranges for c in r):
        char = chr(codepoint)
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).lower()
        if bare != char:
            table[codepoint] = bare
    for codepoint in range(0x0300, 0x0370):  # combining diacritical marks (text in NFD form)
        table[codepoint] = None
    table[ord("đ")] = table[ord("Đ")] = "d"  # a letter of its own, not decomposable
    return table


_FOLD = _build_fold_table()
_SEPARATORS = re.compile(r"[\W_]+")


def unaccent(text: str) -> str:
    """Fold ``text`` for searching: lower-case, no diacritics, words separated by one space.

    "Đăng ký khai sinh" → "dang ky khai sinh"; "HỘ KINH DOANH" → "ho kinh doanh". Works on
    precomposed (NFC) and decomposed (NFD) input alike; "đ"/"Đ" become "d"; punctuation and
    whitespace runs become a single space; the result is stripped.
    """
    folded = text.lower().translate(_FOLD)
    if not folded.isascii():  # rare: letters outside the table, e.g. full-width forms
        folded = (
            "".join(
                c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
            )
            .lower()
            .translate(_FOLD)
        )
    return _SEPARATORS.sub(" ", folded).strip()


# --- loading ----------------------------------------------------------------------------------


def _code(member: Any) -> str:
    """``ProvinceCode.P_01`` → ``"01"``, ``WardCode.W_00070`` → ``"00070"``."""
    return member.name.split("_", 1)[1]


def _province_dict(province: Province) -> dict[str, str]:
    return {
        "code": _code(province.code),
        "name": province.name,
        "type": DIVISION_TYPES.get(province.division_type, str(province.division_type.value)),
        "search_name": unaccent(province.name),
    }


def _ward_dict(ward: Ward) -> dict[str, str]:
    return {
        "code": _code(ward.code),
        "name": ward.name,
        "type": DIVISION_TYPES.get(ward.division_type, str(ward.division_type.value)),
        "province_code": _code(ward.province_code),
        "search_name": unaccent(ward.name),
    }


@cache
def _provinces() -> dict[str, dict[str, str]]:
    provinces = sorted((_province_dict(p) for p in Province.iter_all()), key=lambda p: p["code"])
    return {p["code"]: p for p in provinces}


@cache
def _wards() -> dict[str, dict[str, str]]:
    wards = sorted((_ward_dict(w) for w in Ward.iter_all()), key=lambda w: w["code"])
    return {w["code"]: w for w in wards}


@cache
def _wards_by_province() -> dict[str, tuple[dict[str, str], ...]]:
    grouped: dict[str, list[dict[str, str]]] = {code: [] for code in _provinces()}
    for ward in _wards().values():
        grouped.setdefault(ward["province_code"], []).append(ward)
    return {code: tuple(wards) for code, wards in grouped.items()}


# --- public API -------------------------------------------------------------------------------


def list_provinces() -> list[dict[str, str]]:
    """All provinces by code: ``code``, ``name``, ``type`` ("Tỉnh" …), ``search_name``."""
    return [dict(p) for p in _provinces().values()]


def list_wards(province_code: str) -> list[dict[str, str]] | None:
    """The wards of a province by code, or None for an unknown province code.

    Each ward: ``code``, ``name``, ``type`` ("Phường", "Xã" or "Đặc khu"), ``province_code``,
    ``search_name``.
    """
    wards = _wards_by_province().get(province_code) if isinstance(province_code, str) else None
    return None if wards is None else [dict(w) for w in wards]


def get_province(code: str) -> dict[str, str] | None:
    """The province with this code (``"01"``), or None."""
    province = _provinces().get(code) if isinstance(code, str) else None
    return None if province is None else dict(province)


def get_ward(code: str) -> dict[str, str] | None:
    """The ward with this code (``"00070"``), or None."""
    ward = _wards().get(code) if isinstance(code, str) else None
    return None if ward is None else dict(ward)


def ward_in_province(ward_code: str, province_code: str) -> bool:
    """Whether the ward exists and belongs to the province."""
    ward = _wards().get(ward_code) if isinstance(ward_code, str) else None
    return ward is not None and ward["province_code"] == province_code
