"""Administrative units and text folding (backend/catalog/units.py): no database, no Flask."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.catalog.units import (
    get_province,
    get_ward,
    list_provinces,
    list_wards,
    unaccent,
    ward_in_province,
)

HA_NOI = "01"
HO_CHI_MINH = "79"
HOAN_KIEM = "00070"  # Phường Hoàn Kiếm, Hà Nội


def test_there_are_34_provinces_with_unique_two_digit_codes():
    provinces = list_provinces()
    assert len(provinces) == 34
    codes = [p["code"] for p in provinces]
    assert codes == sorted(codes)
    assert len(set(codes)) == 34
    assert all(len(code) == 2 and code.isdigit() for code in codes)
    assert {p["type"] for p in provinces} == {"Tỉnh", "Thành phố Trung ương"}
    assert sum(p["type"] == "Thành phố Trung ương" for p in provinces) == 6


def test_ha_noi():
    ha_noi = get_province(HA_NOI)
    assert ha_noi == {
        "code": "01",
        "name": "Thành phố Hà Nội",
        "type": "Thành phố Trung ương",
        "search_name": "thanh pho ha noi",
    }
    wards = list_wards(HA_NOI)
    assert wards is not None
    assert len(wards) == 126
    assert all(w["province_code"] == HA_NOI for w in wards)
    assert {w["type"] for w in wards} == {"Phường", "Xã"}
    names = {w["name"] for w in wards}
    assert {"Phường Hoàn Kiếm", "Phường Ba Đình", "Phường Cửa Nam"} <= names
    assert [w["code"] for w in wards] == sorted(w["code"] for w in wards)


def test_there_are_3321_wards_in_all_and_each_province_has_some():
    total = 0
    for province in list_provinces():
        wards = list_wards(province["code"])
        assert wards
        total += len(wards)
    assert total == 3321


def test_special_zones_are_a_ward_type():
    types = {w["type"] for p in list_provinces() for w in list_wards(p["code"]) or []}
    assert types == {"Phường", "Xã", "Đặc khu"}


def test_get_ward():
    assert get_ward(HOAN_KIEM) == {
        "code": "00070",
        "name": "Phường Hoàn Kiếm",
        "type": "Phường",
        "province_code": "01",
        "search_name": "phuong hoan kiem",
    }
    assert get_ward("70") is None  # codes are zero-padded strings
    assert get_ward("99999") is None
    assert get_ward(70) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["1", "00", "02", "100", "", None, 1])
def test_unknown_provinces(code):
    assert get_province(code) is None
    assert list_wards(code) is None


def test_ward_in_province():
    assert ward_in_province(HOAN_KIEM, HA_NOI)
    assert not ward_in_province(HOAN_KIEM, HO_CHI_MINH)
    assert not ward_in_province("99999", HA_NOI)
    assert not ward_in_province(HOAN_KIEM, "1")
    some_hcmc_ward = (list_wards(HO_CHI_MINH) or [])[0]["code"]
    assert ward_in_province(some_hcmc_ward, HO_CHI_MINH)
    assert not ward_in_province(some_hcmc_ward, HA_NOI)


def test_results_are_copies():
    list_provinces()[0]["name"] = "changed"
    (list_wards(HA_NOI) or [])[0]["name"] = "changed"
    (get_ward(HOAN_KIEM) or {})["name"] = "changed"
    assert get_province(HA_NOI)["name"] == "Thành phố Hà Nội"  # type: ignore[index]
    assert "changed" not in {w["name"] for w in list_wards(HA_NOI) or []}
    assert get_ward(HOAN_KIEM)["name"] == "Phường Hoàn Kiếm"  # type: ignore[index]


def test_search_names_are_folded():
    for province in list_provinces():
        assert province["search_name"] == unaccent(province["name"])
        assert province["search_name"].isascii()
    assert {p["search_name"] for p in list_provinces()} >= {"thanh pho ho chi minh", "dak lak"}


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("Giấy phép xây dựng", "giay phep xay dung"),
        ("HỘ KINH DOANH", "ho kinh doanh"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("Uỷ ban nhân dân", "uy ban nhan dan"),
        ("Thành phố Hồ Chí Minh", "thanh pho ho chi minh"),
        ("Đắk Lắk", "dak lak"),
        ("Quyết định số 123/QĐ-UBND", "quyet dinh so 123 qd ubnd"),
        ("  cấp,  đổi...thẻ—CCCD!  ", "cap doi the cccd"),
        ("snake_case-name", "snake case name"),
        ("", ""),
        ("!!!", ""),
        ("abc 123", "abc 123"),
        ("Ａｂｃ", "abc"),
        ("àáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaa"),
        ("èéẻẽẹêềếểễệ", "eeeeeeeeeee"),
        ("ìíỉĩị òóỏõọôồốổỗộơờớởỡợ", "iiiii ooooooooooooooooo"),
        ("ùúủũụưừứửữự ỳýỷỹỵ đĐ", "uuuuuuuuuuu yyyyy dd"),
        ("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "aaaaaaaaaaaaaaaaa"),
        ("ÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊ", "eeeeeeeeeeeiiiii"),
        ("ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", "ooooooooooooooooo"),
        ("ÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ", "uuuuuuuuuuuyyyyy"),
    ],
)
def test_unaccent(text, folded):
    assert unaccent(text) == folded


@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKC", "NFKD"])
def test_unaccent_ignores_the_unicode_normal_form(form):
    text = "Cấp Giấy chứng nhận quyền sử dụng đất"
    assert unaccent(unicodedata.normalize(form, text)) == "cap giay chung nhan quyen su dung dat"


@given(st.text())
def test_unaccent_is_idempotent_and_clean(text):
    folded = unaccent(text)
    assert unaccent(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded
    assert folded == folded.lower() or not folded.isascii()
