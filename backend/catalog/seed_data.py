"""Reference data of the demo installation: Khánh Hòa agencies, procedures, calendar entries.

Plain data, loaded through the same schemas as the admin API (``AgencyInputSchema``,
``ProcedureInputSchema``, ``CalendarEntryInputSchema``); every builder below returns fresh
dicts, so a loader may modify what it gets.

Sources
=======

- Procedures: the records of the National TTHC Database as published on the National Public
  Service Portal (dichvucong.gov.vn) in 2026, i.e. after the two-tier local government reform of
  1 July 2025 (Nghị định 120/2025/NĐ-CP for civil status, Nghị định 168/2025/NĐ-CP for business
  registration, Nghị định 175/2024/NĐ-CP and 140/2025/NĐ-CP for construction permits): codes,
  names, competent level, processing times, required documents, legal bases, national fees. The
  official declaration forms (tờ khai, Thông tư 04/2020/TT-BTP; Tờ khai LLTP Thông tư
  06/2024/TT-BTP; Mẫu số 1 Phụ lục II Nghị định 175/2024/NĐ-CP; Thông tư 68/2025/TT-BTC) shaped
  the e-forms, simplified where the data comes from the population database.
- Fees decided by the provincial People's Council (Thông tư 85/2019/TT-BTC) are Khánh Hòa's
  where known; otherwise the common level of other provinces, marked unverified.
- Agencies: the 2025 merger of Khánh Hòa and Ninh Thuận (Nghị quyết 202/2025/QH15) and the
  commune arrangement (Nghị quyết 1667/NQ-UBTVQH15); the service-centre addresses from the
  provincial press (Báo Khánh Hòa 2023, Báo Đại biểu Nhân dân 2025).
- Calendar: the government's yearly decisions on public-sector days off as reported by the press
  (VietnamPlus/TTXVN, Văn bản 12729/VPCP-KGVX), compared with the ``holidays`` package 0.109.

Convention: a ``# unverified`` comment marks a value that could not be confirmed in a source read
while writing this file (best knowledge, or the usual value elsewhere); anything not so marked was
found in one of the sources above. Agency identification codes other than the four already in
the demo seed (``000.00.00.H56``, ``000.00.15.H56``, ``000.00.22.H56``, ``000.31.01.H56``) are
placeholders in the ``000.XX.YY.H56`` form and are unverified.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AGENCIES", "CALENDAR_ENTRIES", "PROCEDURES"]

PROVINCE = "000.00.00.H56"
DEPT_JUSTICE = "000.00.15.H56"
DEPT_CONSTRUCTION = "000.00.22.H56"
DEPT_FINANCE = "000.00.13.H56"
SERVICE_CENTRE = "000.00.01.H56"
WARD_NHA_TRANG = "000.31.01.H56"
COMMUNE_DIEN_KHANH = "000.32.01.H56"
WARD_CAM_RANH = "000.33.01.H56"

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_DOCUMENTS = ("application/pdf", "image/jpeg", "image/png")
_DECLARATION_VI = (
    "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp "
    "luật về lời cam đoan của mình."
)
_DECLARATION_EN = (
    "I declare that the information above is true and accept legal responsibility for this "
    "declaration."
)


# --- builders ---------------------------------------------------------------------------------


def _tr(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def _hours(*, saturday: list[list[str]] | None = None) -> dict[str, list[list[str]]]:
    """Office hours of Khánh Hòa administrative bodies: 07:00–11:30 and 13:30–17:00."""
    week = {day: [["07:00", "11:30"], ["13:30", "17:00"]] for day in _WEEKDAYS}
    return week | {"sat": saturday or [], "sun": []}


def _options(*items: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"value": value, "label": _tr(vi, en)} for value, vi, en in items]


def _field(
    name: str,
    kind: str,
    label_vi: str,
    label_en: str,
    *,
    required: bool = False,
    hint: tuple[str, str] | None = None,
    **options: Any,
) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": name,
        "type": kind,
        "label": _tr(label_vi, label_en),
        "required": required,
    }
    if hint:
        field["help"] = _tr(*hint)
    field.update(options)
    return field


def _group(name: str, label_vi: str, label_en: str, fields: list[dict], **options: Any) -> dict:
    """A group of fields; groups take no ``required`` (use ``min_items``)."""
    group = {"name": name, "type": "group", "label": _tr(label_vi, label_en), "fields": fields}
    return group | options


def _section(key: str, title_vi: str, title_en: str, fields: list[dict]) -> dict[str, Any]:
    return {"key": key, "title": _tr(title_vi, title_en), "fields": fields}


def _name(name: str, label_vi: str, label_en: str, *, required: bool = True, **kw: Any) -> dict:
    return _field(
        name, "text", label_vi, label_en, required=required, min_length=2, max_length=100, **kw
    )


def _birth_date(name: str, label_vi: str, label_en: str, *, required: bool = True) -> dict:
    return _field(
        name, "date", label_vi, label_en, required=required, min="1900-01-01", max="today"
    )


def _gender(name: str, label_vi: str = "Giới tính", label_en: str = "Sex") -> dict:
    return _field(
        name, "radio", label_vi, label_en, required=True,
        options=_options(("male", "Nam", "Male"), ("female", "Nữ", "Female")),
    )  # fmt: skip


def _personal_id(name: str, label_vi: str, label_en: str, *, required: bool = True) -> dict:
    return _field(
        name, "personal_id", label_vi, label_en, required=required,
        hint=(
            "Số định danh cá nhân gồm 12 chữ số, in trên thẻ căn cước.",
            "The 12-digit personal identification number printed on the ID card.",
        ),
    )  # fmt: skip


def _copies(name: str, label_vi: str, label_en: str, *, low: int = 0, high: int = 20) -> dict:
    return _field(
        name, "number", label_vi, label_en, required=True, min=low, max=high, integer=True
    )


def _declaration(name: str = "declaration") -> dict[str, Any]:
    return _field(name, "checkbox", _DECLARATION_VI, _DECLARATION_EN, required=True)


def _yes_no(name: str, label_vi: str, label_en: str, **kw: Any) -> dict[str, Any]:
    options = _options(("yes", "Có", "Yes"), ("no", "Không", "No"))
    return _field(name, "radio", label_vi, label_en, required=True, options=options, **kw)


#: The 54 ethnic groups with the General Statistics Office codes (QĐ 121-TCTK/PPCĐ, 1979).
ETHNIC_GROUPS: tuple[tuple[str, str, str], ...] = (  # code order: unverified
    ("01", "Kinh", "Kinh"), ("02", "Tày", "Tay"), ("03", "Thái", "Thai"),
    ("04", "Hoa", "Hoa"), ("05", "Khơ-me", "Khmer"), ("06", "Mường", "Muong"),
    ("07", "Nùng", "Nung"), ("08", "HMông", "Hmong"), ("09", "Dao", "Dao"),
    ("10", "Gia-rai", "Gia Rai"), ("11", "Ngái", "Ngai"), ("12", "Ê-đê", "E De"),
    ("13", "Ba-na", "Ba Na"), ("14", "Xơ-đăng", "Xo Dang"), ("15", "Sán Chay", "San Chay"),
    ("16", "Cơ-ho", "Co Ho"), ("17", "Chăm", "Cham"), ("18", "Sán Dìu", "San Diu"),
    ("19", "Hrê", "Hre"), ("20", "Mnông", "Mnong"), ("21", "Ra-glai", "Ra Glai"),
    ("22", "Xtiêng", "Xtieng"), ("23", "Bru-Vân Kiều", "Bru-Van Kieu"), ("24", "Thổ", "Tho"),
    ("25", "Giáy", "Giay"), ("26", "Cơ-tu", "Co Tu"), ("27", "Giẻ-Triêng", "Gie Trieng"),
    ("28", "Mạ", "Ma"), ("29", "Khơ-mú", "Kho Mu"), ("30", "Co", "Co"),
    ("31", "Tà-ôi", "Ta Oi"), ("32", "Chơ-ro", "Cho Ro"), ("33", "Kháng", "Khang"),
    ("34", "Xinh-mun", "Xinh Mun"), ("35", "Hà Nhì", "Ha Nhi"), ("36", "Chu-ru", "Chu Ru"),
    ("37", "Lào", "Lao"), ("38", "La Chí", "La Chi"), ("39", "La Ha", "La Ha"),
    ("40", "Phù Lá", "Phu La"), ("41", "La Hủ", "La Hu"), ("42", "Lự", "Lu"),
    ("43", "Lô Lô", "Lo Lo"), ("44", "Chứt", "Chut"), ("45", "Mảng", "Mang"),
    ("46", "Pà Thẻn", "Pa Then"), ("47", "Cơ Lao", "Co Lao"), ("48", "Cống", "Cong"),
    ("49", "Bố Y", "Bo Y"), ("50", "Si La", "Si La"), ("51", "Pu Péo", "Pu Peo"),
    ("52", "Brâu", "Brau"), ("53", "Ơ Đu", "O Du"), ("54", "Rơ-măm", "Ro Mam"),
)  # fmt: skip


def _ethnicity(name: str, label_vi: str = "Dân tộc", label_en: str = "Ethnicity") -> dict:
    return _field(
        name, "select", label_vi, label_en, required=True, options=_options(*ETHNIC_GROUPS)
    )


def _component(
    code: str,
    name_vi: str,
    name_en: str,
    *,
    kind: str = "original",
    required: bool = True,
    description_vi: str = "",
    description_en: str = "",
    reusable: bool = False,
    max_size_mb: int = 10,
    accepted_types: tuple[str, ...] = _DOCUMENTS,
) -> dict[str, Any]:
    return {
        "code": code,
        "name_vi": name_vi,
        "name_en": name_en,
        "description_vi": description_vi,
        "description_en": description_en,
        "kind": kind,
        "required": required,
        "accepted_types": list(accepted_types),
        "max_size_mb": max_size_mb,
        "reusable": reusable,
    }


def _declaration_form_component(code: str, name_vi: str, name_en: str) -> dict[str, Any]:
    """The paper declaration; online, the e-form of the procedure replaces it."""
    return _component(
        code, name_vi, name_en, required=False,
        description_vi=(
            "Nộp khi nộp hồ sơ trực tiếp hoặc qua bưu chính. Khi nộp trực tuyến, thông tin được "
            "khai trên biểu mẫu điện tử tương tác, không phải tải tờ khai lên."
        ),
        description_en=(
            "For submissions at the counter or by post. Online, the interactive e-form replaces "
            "it and no scan is needed."
        ),
    )  # fmt: skip


def _identity_component(code: str = "GTTT") -> dict[str, Any]:
    return _component(
        code,
        "Giấy tờ tùy thân (hộ chiếu, thẻ căn cước, căn cước điện tử hoặc giấy tờ khác có ảnh)",
        "Identity document (passport, ID card, electronic ID or another photo ID)",
        kind="copy", required=False,
        description_vi=(
            "Chỉ cần khi cơ quan không khai thác được thông tin từ Cơ sở dữ liệu quốc gia về dân "
            "cư; tài khoản VNeID mức 2 được điền thông tin tự động."
        ),
        description_en=(
            "Only needed when the data cannot be read from the National Population Database; "
            "level-2 VNeID accounts are filled in automatically."
        ),
    )  # fmt: skip


def _authorisation_component(code: str = "VBUQ") -> dict[str, Any]:
    return _component(
        code,
        "Văn bản ủy quyền (trường hợp ủy quyền thực hiện thủ tục)",
        "Power of attorney (when someone else files on the person's behalf)",
        required=False,
        description_vi=(
            "Phải được chứng thực, trừ khi người được ủy quyền là ông, bà, cha, mẹ, con, vợ, "
            "chồng, anh, chị, em ruột của người ủy quyền."
        ),
        description_en=(
            "Must be certified unless the representative is a grandparent, parent, child, "
            "spouse or sibling of the person."
        ),
    )  # fmt: skip


def _fee(
    code: str, name_vi: str, name_en: str, amount: int, kind: str, payable: str = "at_submission"
) -> dict[str, Any]:
    return {
        "code": code,
        "name_vi": name_vi,
        "name_en": name_en,
        "amount": amount,
        "kind": kind,
        "payable": payable,
    }


_CIVIL_STATUS = {"code": "HO_TICH", "name_vi": "Hộ tịch", "name_en": "Civil status"}

#: The legal bases every civil-status procedure cites in the national database (2026).
_CIVIL_STATUS_LAW = (
    "Luật Hộ tịch số 60/2014/QH13",
    "Nghị định số 123/2015/NĐ-CP quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
    "Nghị định số 87/2020/NĐ-CP về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến",
    "Nghị định số 104/2022/NĐ-CP (bỏ yêu cầu nộp, xuất trình sổ hộ khẩu, sổ tạm trú giấy)",
    "Nghị định số 07/2025/NĐ-CP sửa đổi, bổ sung các Nghị định trong lĩnh vực hộ tịch, quốc tịch, "
    "chứng thực",
    "Nghị định số 120/2025/NĐ-CP về phân định thẩm quyền của chính quyền địa phương 02 cấp trong "
    "lĩnh vực quản lý nhà nước của Bộ Tư pháp",
    "Nghị định số 18/2026/NĐ-CP cắt giảm, đơn giản hóa thủ tục hành chính, điều kiện kinh doanh "
    "thuộc phạm vi quản lý của Bộ Tư pháp",
    "Nghị quyết số 66.7/2025/NQ-CP quy định cắt giảm, đơn giản hóa thủ tục hành chính dựa trên "
    "dữ liệu",
    "Thông tư số 04/2020/TT-BTP quy định chi tiết thi hành Luật Hộ tịch và Nghị định số "
    "123/2015/NĐ-CP",
    "Thông tư số 04/2024/TT-BTP sửa đổi, bổ sung Thông tư số 02/2020/TT-BTP và Thông tư số "
    "04/2020/TT-BTP",
    "Thông tư số 01/2022/TT-BTP quy định chi tiết Nghị định số 87/2020/NĐ-CP",
    "Thông tư số 08/2025/TT-BTP về phân định thẩm quyền của chính quyền địa phương 02 cấp và "
    "phân cấp trong lĩnh vực quản lý nhà nước của Bộ Tư pháp",
    "Thông tư số 85/2019/TT-BTC hướng dẫn về phí và lệ phí thuộc thẩm quyền quyết định của Hội "
    "đồng nhân dân cấp tỉnh",
)

#: Civil-status dossiers filed at the provincial centre are forwarded to the competent commune.
_CIVIL_STATUS_RECEIVERS = (WARD_NHA_TRANG, SERVICE_CENTRE)


# --- agencies ---------------------------------------------------------------------------------

AGENCIES: list[dict[str, Any]] = [
    {
        "code": PROVINCE,
        "name_vi": "UBND tỉnh Khánh Hòa",
        "name_en": "Khanh Hoa Provincial People's Committee",
        "level": "province",
        "parent_code": None,
        "address": "01 Trần Phú, phường Nha Trang, tỉnh Khánh Hòa",  # unverified (ward)
        "working_hours": _hours(),
    },
    {
        "code": SERVICE_CENTRE,  # unverified (code)
        "name_vi": "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
        "name_en": "Khanh Hoa Provincial Public Administration Service Centre",
        "level": "department",
        "parent_code": PROVINCE,
        # Street from Báo Khánh Hòa (opening, 30/9/2023); the post-2025 ward: unverified.
        "address": "26 Hoàng Hoa Thám, phường Nha Trang, tỉnh Khánh Hòa",
        "working_hours": _hours(),
    },
    {
        "code": DEPT_JUSTICE,
        "name_vi": "Sở Tư pháp tỉnh Khánh Hòa",
        "name_en": "Khanh Hoa Department of Justice",
        "level": "department",
        "parent_code": PROVINCE,
        "address": "07 Lý Tự Trọng, phường Nha Trang, tỉnh Khánh Hòa",  # unverified
        "working_hours": _hours(),
    },
    {
        "code": DEPT_FINANCE,  # unverified (code)
        "name_vi": "Sở Tài chính tỉnh Khánh Hòa",
        "name_en": "Khanh Hoa Department of Finance",
        "level": "department",
        "parent_code": PROVINCE,
        "address": "04 Phan Chu Trinh, phường Nha Trang, tỉnh Khánh Hòa",  # unverified
        "working_hours": _hours(),
    },
    {
        "code": DEPT_CONSTRUCTION,
        "name_vi": "Sở Xây dựng tỉnh Khánh Hòa",
        "name_en": "Khanh Hoa Department of Construction",
        "level": "department",
        "parent_code": PROVINCE,
        "address": "04 Phan Chu Trinh, phường Nha Trang, tỉnh Khánh Hòa",  # unverified
        "working_hours": _hours(),
    },
    {
        "code": WARD_NHA_TRANG,
        "name_vi": "UBND phường Nha Trang",
        "name_en": "Nha Trang Ward People's Committee",
        "level": "commune",
        "parent_code": PROVINCE,
        # The ward's Public Administration Service Centre (Báo Đại biểu Nhân dân, 17/10/2025).
        "address": "42 Lê Thánh Tôn, phường Nha Trang, tỉnh Khánh Hòa",
        "working_hours": _hours(saturday=[["07:30", "11:30"]]),
    },
    {
        "code": COMMUNE_DIEN_KHANH,  # unverified (code)
        "name_vi": "UBND xã Diên Khánh",
        "name_en": "Dien Khanh Commune People's Committee",
        "level": "commune",
        "parent_code": PROVINCE,
        # unverified: the commune centre's street address
        "address": "Trung tâm Phục vụ hành chính công xã Diên Khánh, tỉnh Khánh Hòa",
        "working_hours": _hours(),
    },
    {
        "code": WARD_CAM_RANH,  # unverified (code, and the ward name from the 2025 plan)
        "name_vi": "UBND phường Cam Ranh",
        "name_en": "Cam Ranh Ward People's Committee",
        "level": "commune",
        "parent_code": PROVINCE,
        # unverified: the ward centre's street address
        "address": "Trung tâm Phục vụ hành chính công phường Cam Ranh, tỉnh Khánh Hòa",
        "working_hours": _hours(),
    },
]


# --- procedures: civil status (commune) -------------------------------------------------------


def _birth_registration() -> dict[str, Any]:
    relationships = _options(
        ("father", "Cha", "Father"),
        ("mother", "Mẹ", "Mother"),
        ("grandparent", "Ông, bà", "Grandparent"),
        ("relative", "Người thân thích khác", "Other relative"),
        ("carer", "Cá nhân, tổ chức đang nuôi dưỡng trẻ em", "Person or body caring for the child"),
        ("representative", "Người được ủy quyền", "Authorised representative"),
    )
    nationalities = _options(("VN", "Việt Nam", "Vietnamese"), ("OTHER", "Khác", "Other"))
    form = {
        "sections": [
            _section("requester", "Người yêu cầu đăng ký khai sinh", "Person registering", [
                _name("requester_name", "Họ, chữ đệm, tên người yêu cầu", "Requester's full name"),
                _personal_id("requester_personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field(
                    "requester_relationship", "select", "Quan hệ với người được khai sinh",
                    "Relationship to the child", required=True, options=relationships,
                ),
                _field("requester_phone", "phone", "Số điện thoại", "Phone number", required=True),
                _field("requester_email", "email", "Thư điện tử", "E-mail"),
            ]),
            _section("child", "Người được khai sinh", "The child", [
                _name(
                    "child_name", "Họ, chữ đệm, tên", "Full name",
                    hint=(
                        "Tên phù hợp với pháp luật và bản sắc dân tộc, không quá dài, khó sử dụng.",
                        "A lawful name in keeping with Vietnamese tradition; not overly long.",
                    ),
                ),
                _birth_date("child_birth_date", "Ngày, tháng, năm sinh", "Date of birth"),
                _gender("child_gender"),
                _ethnicity("child_ethnicity"),
                _field(
                    "child_nationality", "select", "Quốc tịch", "Nationality", required=True,
                    options=nationalities,
                    hint=(
                        "Cha hoặc mẹ là người nước ngoài: dùng thủ tục đăng ký khai sinh có yếu tố "
                        "nước ngoài (2.000528).",
                        "A foreign parent: use the birth registration with a foreign element "
                        "(2.000528).",
                    ),
                ),
                _field(
                    "child_birth_place", "text", "Nơi sinh", "Place of birth", required=True,
                    max_length=255,
                    hint=(
                        "Tên cơ sở y tế và địa chỉ; sinh ngoài cơ sở y tế thì ghi xã/phường, "
                        "tỉnh/thành phố.",
                        "The health facility and its address, or else the commune and province.",
                    ),
                ),
                _field(
                    "child_hometown", "text", "Quê quán", "Place of origin", required=True,
                    max_length=255,
                    hint=(
                        "Theo quê quán của cha hoặc mẹ theo thỏa thuận: xã/phường, tỉnh/thành phố.",
                        "The father's or mother's place of origin, as the parents agree.",
                    ),
                ),
            ]),
            _section("parents", "Cha, mẹ của người được khai sinh", "The child's parents", [
                _name("mother_name", "Họ, chữ đệm, tên người mẹ", "Mother's full name"),
                _personal_id(
                    "mother_personal_id", "Số định danh cá nhân của người mẹ",
                    "Mother's personal ID number",
                ),
                _yes_no("father_known", "Đã xác định được người cha?", "Is the father known?"),
                _name(
                    "father_name", "Họ, chữ đệm, tên người cha", "Father's full name",
                    visible_if={"field": "father_known", "equals": "yes"},
                ),
                _personal_id(
                    "father_personal_id", "Số định danh cá nhân của người cha",
                    "Father's personal ID number", required=False,
                ) | {"visible_if": {"field": "father_known", "equals": "yes"}},
            ]),
            _section("request", "Yêu cầu", "Request", [
                _copies(
                    "copies", "Số bản sao Giấy khai sinh đề nghị cấp",
                    "Certified copies of the birth certificate requested",
                ),
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        "code": "1.001193",
        "name_vi": "Thủ tục đăng ký khai sinh",
        "name_en": "Birth registration",
        "field": dict(_CIVIL_STATUS),
        "competent_agency_code": WARD_NHA_TRANG,
        "receiving_agency_codes": list(_CIVIL_STATUS_RECEIVERS),
        "online_level": "full",
        "description_vi": (
            "Cha, mẹ (hoặc ông, bà, người thân thích, người nuôi dưỡng) đăng ký khai sinh cho trẻ "
            "trong 60 ngày kể từ ngày sinh. Trẻ được cấp Giấy khai sinh và số định danh cá nhân."
        ),
        "description_en": (
            "Parents (or grandparents, relatives, carers) register a child's birth within 60 days. "
            "The child receives a birth certificate and a personal identification number."
        ),
        "legal_basis": list(_CIVIL_STATUS_LAW),
        # "Trả trong ngày; tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo".
        "duration": {"amount": 0, "unit": "working_days", "cutoff": "15:00"},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "TK", "Tờ khai đăng ký khai sinh theo mẫu", "Birth registration declaration form"
            ),
            _component(
                "GCS",
                "Giấy chứng sinh (hoặc văn bản của người làm chứng, giấy cam đoan về việc sinh)",
                "Medical birth certificate (or a witness statement, or a sworn statement)",
                reusable=True,
                description_vi=(
                    "Không phải nộp bản giấy nếu đã có Giấy chứng sinh điện tử có ký số hoặc cơ "
                    "quan đăng ký hộ tịch khai thác được dữ liệu này."
                ),
                description_en=(
                    "Not needed on paper when a digitally signed electronic birth certificate "
                    "exists or the registry can read it."
                ),
            ),
            _component(
                "MTH",
                "Văn bản xác nhận của cơ sở y tế đã thực hiện kỹ thuật hỗ trợ sinh sản cho việc "
                "mang thai hộ",
                "Statement of the clinic that performed the surrogacy",
                required=False,
                description_vi="Chỉ trong trường hợp trẻ sinh ra do mang thai hộ.",
                description_en="Only for a child born through surrogacy.",
            ),
            _component(
                "BBBR",
                "Biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập",
                "Official record of the child's abandonment",
                required=False,
                description_vi="Chỉ trong trường hợp trẻ em bị bỏ rơi.",
                description_en="Only for an abandoned child.",
            ),
            _authorisation_component(),
            _identity_component(),
        ],
        "fees": [],  # free when registered on time (Luật Hộ tịch, Article 11)
        "result": {
            "type_code": "GKS",
            "name_vi": "Giấy khai sinh",
            "name_en": "Birth certificate",
            "template": "birth_certificate",
        },
        "form": form,
    }


def _marital_status_certificate() -> dict[str, Any]:
    statuses = _options(
        ("single", "Chưa đăng ký kết hôn với ai", "Never married"),
        ("married", "Đang có vợ/chồng", "Married"),
        ("divorced", "Đã ly hôn", "Divorced"),
        ("widowed", "Vợ/chồng đã chết", "Widowed"),
    )
    purposes = _options(
        ("marriage", "Để đăng ký kết hôn", "To register a marriage"),
        ("other", "Mục đích khác", "Another purpose"),
    )
    form = {
        "sections": [
            _section("applicant", "Người yêu cầu xác nhận", "Applicant", [
                _name("full_name", "Họ, chữ đệm, tên", "Full name"),
                _birth_date("birth_date", "Ngày, tháng, năm sinh", "Date of birth"),
                _gender("gender"),
                _ethnicity("ethnicity"),
                _personal_id("personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field("residence", "address", "Nơi cư trú", "Place of residence", required=True),
                _field("phone", "phone", "Số điện thoại", "Phone number", required=True),
            ]),
            _section("status", "Tình trạng hôn nhân", "Marital status", [
                _field(
                    "marital_status", "select", "Tình trạng hôn nhân hiện nay",
                    "Current marital status", required=True, options=statuses,
                ),
                _name(
                    "spouse_name", "Họ, chữ đệm, tên vợ/chồng", "Spouse's full name",
                    visible_if={
                        "field": "marital_status",
                        "in": ["married", "divorced", "widowed"],
                    },
                ),
                _field(
                    "termination_document", "text",
                    "Số, ngày, cơ quan ban hành Bản án/Quyết định ly hôn hoặc Trích lục khai tử",
                    "Number, date and issuer of the divorce judgment or the death extract",
                    required=True, max_length=255,
                    visible_if={"field": "marital_status", "in": ["divorced", "widowed"]},
                    hint=(
                        "Cơ quan đăng ký hộ tịch tự tra cứu giấy tờ này trong cơ sở dữ liệu.",
                        "The registry looks the document up in the databases itself.",
                    ),
                ),
            ]),
            _section("purpose", "Mục đích sử dụng", "Purpose", [
                _field(
                    "purpose", "radio", "Mục đích sử dụng Giấy xác nhận",
                    "What the certificate is for", required=True, options=purposes,
                ),
                _name(
                    "intended_spouse_name", "Họ, chữ đệm, tên người dự định kết hôn",
                    "Full name of the intended spouse",
                    visible_if={"field": "purpose", "equals": "marriage"},
                ),
                _birth_date(
                    "intended_spouse_birth_date", "Ngày sinh của người dự định kết hôn",
                    "Intended spouse's date of birth",
                ) | {"visible_if": {"field": "purpose", "equals": "marriage"}},
                _field(
                    "other_purpose", "text", "Mục đích sử dụng cụ thể", "The purpose",
                    required=True, max_length=255,
                    visible_if={"field": "purpose", "equals": "other"},
                    placeholder=_tr("Ví dụ: bổ sung hồ sơ vay vốn", "E.g. a bank loan file"),
                ),
                _copies(
                    "copies", "Số lượng Giấy xác nhận đề nghị cấp", "Certificates requested",
                    low=1, high=10,
                ) | {
                    "visible_if": {"field": "purpose", "equals": "other"},
                    "help": _tr(
                        "Để đăng ký kết hôn chỉ được cấp 01 bản.",
                        "Only one certificate is issued for a marriage registration.",
                    ),
                },
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        "code": "1.004873",
        "name_vi": "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "name_en": "Marital status certificate",
        "field": dict(_CIVIL_STATUS),
        "competent_agency_code": WARD_NHA_TRANG,
        "receiving_agency_codes": list(_CIVIL_STATUS_RECEIVERS),
        "online_level": "full",
        "description_vi": (
            "Công dân Việt Nam đề nghị xác nhận tình trạng hôn nhân để đăng ký kết hôn hoặc sử "
            "dụng vào mục đích khác. Giấy xác nhận có giá trị 06 tháng kể từ ngày cấp."
        ),
        "description_en": (
            "A Vietnamese citizen asks for a certificate of marital status, to marry or for "
            "another purpose. The certificate is valid for six months."
        ),
        "legal_basis": [*_CIVIL_STATUS_LAW, "Luật Hôn nhân và gia đình số 52/2014/QH13"],
        "duration": {"amount": 3, "unit": "working_days", "cutoff": None},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "TK",
                "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu",
                "Marital status certificate declaration form",
            ),
            _component(
                "GXN_CU",
                "Giấy xác nhận tình trạng hôn nhân đã được cấp trước đây",
                "The marital status certificate issued before",
                required=False,
                reusable=True,
                description_vi=(
                    "Nộp lại khi xin cấp lại để dùng vào mục đích khác hoặc do giấy cũ đã hết "
                    "thời hạn sử dụng."
                ),
                description_en=(
                    "Returned when asking again for another purpose or because the old one expired."
                ),
            ),
            _authorisation_component(),
            _identity_component(),
        ],
        "fees": [
            _fee(
                "LP_XNTTHN",
                "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân",
                "Fee for the marital status certificate",
                5000,  # unverified: Khánh Hòa's People's Council resolution not found
                "fee",
            )
        ],
        "result": {
            "type_code": "GXNTTHN",
            "name_vi": "Giấy xác nhận tình trạng hôn nhân",
            "name_en": "Certificate of marital status",
            "template": "marital_status_certificate",
        },
        "form": form,
    }


def _marriage_registration() -> dict[str, Any]:
    def party(prefix: str, side_vi: str, side_en: str) -> list[dict[str, Any]]:
        return [
            _name(f"{prefix}_name", f"Họ, chữ đệm, tên {side_vi}", f"{side_en}: full name"),
            _birth_date(f"{prefix}_birth_date", f"Ngày sinh {side_vi}", f"{side_en}: birth date"),
            _ethnicity(f"{prefix}_ethnicity", f"Dân tộc {side_vi}", f"{side_en}: ethnicity"),
            _personal_id(
                f"{prefix}_personal_id", f"Số định danh cá nhân {side_vi}", f"{side_en}: ID number"
            ),
            _field(
                f"{prefix}_residence", "address", f"Nơi cư trú {side_vi}", f"{side_en}: residence",
                required=True,
            ),
            _field(
                f"{prefix}_marriage_count", "number", f"Kết hôn lần thứ ({side_vi})",
                f"{side_en}: number of this marriage", required=True, min=1, max=10, integer=True,
            ),
        ]  # fmt: skip

    form = {
        "sections": [
            _section("bride", "Bên nữ", "The bride", party("bride", "bên nữ", "Bride")),
            _section("groom", "Bên nam", "The groom", party("groom", "bên nam", "Groom")),
            _section("request", "Yêu cầu", "Request", [
                _field(
                    "contact_phone", "phone", "Số điện thoại liên hệ", "Contact phone number",
                    required=True,
                ),
                _copies(
                    "copies", "Số bản sao Trích lục kết hôn đề nghị cấp",
                    "Certified copies of the marriage extract requested",
                ),
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        "code": "1.000894",
        "name_vi": "Thủ tục đăng ký kết hôn",
        "name_en": "Marriage registration",
        "field": dict(_CIVIL_STATUS),
        "competent_agency_code": WARD_NHA_TRANG,
        "receiving_agency_codes": list(_CIVIL_STATUS_RECEIVERS),
        # Both parties must be present to sign the register and the certificate.
        "online_level": "partial",
        "description_vi": (
            "Hai bên nam, nữ là công dân Việt Nam cư trú trong nước đăng ký kết hôn. Khi nhận "
            "Giấy chứng nhận kết hôn, hai bên phải có mặt để ký vào Sổ hộ tịch."
        ),
        "description_en": (
            "A man and a woman, Vietnamese citizens living in Viet Nam, register their marriage. "
            "Both must attend to sign the register when the certificate is handed over."
        ),
        "legal_basis": [*_CIVIL_STATUS_LAW, "Luật Hôn nhân và gia đình số 52/2014/QH13"],
        "duration": {"amount": 1, "unit": "working_days", "cutoff": None},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "TK",
                "Tờ khai đăng ký kết hôn theo mẫu (hai bên có thể khai chung một tờ khai)",
                "Marriage registration declaration form (one form for both parties)",
            ),
            _authorisation_component(),
            _identity_component(),
        ],
        "fees": [],  # free for Vietnamese citizens living in Viet Nam (Luật Hộ tịch, Article 11)
        "result": {
            "type_code": "GCNKH",
            "name_vi": "Giấy chứng nhận kết hôn",
            "name_en": "Marriage certificate",
            "template": "marriage_certificate",
        },
        "form": form,
    }


def _death_registration() -> dict[str, Any]:
    form = {
        "sections": [
            _section("requester", "Người đi đăng ký khai tử", "Person registering the death", [
                _name("requester_name", "Họ, chữ đệm, tên người yêu cầu", "Requester's full name"),
                _personal_id("requester_personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field(
                    "requester_relationship", "text", "Quan hệ với người đã chết",
                    "Relationship to the deceased", required=True, max_length=100,
                ),
                _field("requester_phone", "phone", "Số điện thoại", "Phone number", required=True),
            ]),
            _section("deceased", "Người đã chết", "The deceased", [
                _name("deceased_name", "Họ, chữ đệm, tên", "Full name"),
                _birth_date("deceased_birth_date", "Ngày, tháng, năm sinh", "Date of birth"),
                _gender("deceased_gender"),
                _ethnicity("deceased_ethnicity"),
                _personal_id(
                    "deceased_personal_id", "Số định danh cá nhân", "Personal ID number",
                    required=False,
                ),
                _field(
                    "last_residence", "address", "Nơi cư trú cuối cùng", "Last place of residence",
                    required=True,
                ),
            ]),
            _section("death", "Thông tin về việc chết", "The death", [
                _field(
                    "death_date", "date", "Ngày chết", "Date of death", required=True,
                    min="1900-01-01", max="today",
                ),
                _field(
                    "death_time", "text", "Giờ, phút chết", "Time of death",
                    pattern="([01][0-9]|2[0-3]):[0-5][0-9]",
                    placeholder=_tr("hh:mm", "hh:mm"),
                ),
                _field(
                    "death_place", "text", "Nơi chết", "Place of death", required=True,
                    max_length=255,
                ),
                _field(
                    "death_cause", "text", "Nguyên nhân chết", "Cause of death", required=True,
                    max_length=255,
                ),
                _field(
                    "death_notice", "text", "Giấy báo tử (số, ngày, nơi cấp)",
                    "Death notice (number, date, issuer)", max_length=255,
                    hint=(
                        "Bỏ trống nếu cơ quan đăng ký hộ tịch đã có Giấy báo tử điện tử.",
                        "Leave empty if the registry already has the electronic death notice.",
                    ),
                ),
            ]),
            _section("request", "Yêu cầu", "Request", [
                _copies(
                    "copies", "Số bản sao Trích lục khai tử đề nghị cấp",
                    "Certified copies of the death extract requested",
                ),
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        "code": "1.000656",
        "name_vi": "Thủ tục đăng ký khai tử",
        "name_en": "Death registration",
        "field": dict(_CIVIL_STATUS),
        "competent_agency_code": WARD_NHA_TRANG,
        "receiving_agency_codes": list(_CIVIL_STATUS_RECEIVERS),
        "online_level": "full",
        "description_vi": (
            "Người thân thích (vợ, chồng, con, cha, mẹ…) đăng ký khai tử trong 15 ngày kể từ ngày "
            "có người chết; không có người thân thích thì đại diện cơ quan, tổ chức liên quan."
        ),
        "description_en": (
            "A relative (spouse, child, parent…) registers the death within 15 days; without "
            "relatives, the body concerned does."
        ),
        "legal_basis": list(_CIVIL_STATUS_LAW),
        "duration": {"amount": 0, "unit": "working_days", "cutoff": "15:00"},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "TK", "Tờ khai đăng ký khai tử theo mẫu", "Death registration declaration form"
            ),
            _component(
                "GBT",
                "Giấy báo tử hoặc giấy tờ thay Giấy báo tử do cơ quan có thẩm quyền cấp",
                "Death notice, or the document that replaces it",
                reusable=True,
                description_vi=(
                    "Không phải nộp nếu đã nộp bản điện tử hoặc cơ quan đăng ký hộ tịch khai thác "
                    "được dữ liệu điện tử có ký số của Giấy báo tử."
                ),
                description_en=(
                    "Not needed when filed electronically or when the registry can read the "
                    "signed electronic notice."
                ),
            ),
            _component(
                "CCSC",
                "Giấy tờ, tài liệu chứng minh sự kiện chết (người chết đã lâu, không có Giấy báo "
                "tử)",
                "Evidence of the death (old deaths without a death notice)",
                required=False,
            ),
            _authorisation_component(),
            _identity_component(),
        ],
        "fees": [],  # free when registered on time (Luật Hộ tịch, Article 11)
        "result": {
            "type_code": "TLKT",
            "name_vi": "Trích lục khai tử",
            "name_en": "Death registration extract",
            "template": "death_extract",
        },
        "form": form,
    }


def _civil_status_change() -> dict[str, Any]:
    relationships = _options(
        ("self", "Bản thân", "Myself"),
        ("parent", "Cha, mẹ (người chưa thành niên)", "Parent of a minor"),
        ("guardian", "Người giám hộ", "Guardian"),
        ("representative", "Người được ủy quyền", "Authorised representative"),
    )
    documents = _options(
        ("birth", "Giấy khai sinh", "Birth certificate"),
        ("marriage", "Giấy chứng nhận kết hôn", "Marriage certificate"),
        ("death", "Trích lục khai tử", "Death extract"),
        ("other", "Giấy tờ hộ tịch khác", "Another civil status document"),
    )
    changes = _options(
        ("change", "Thay đổi thông tin hộ tịch (họ, chữ đệm, tên…)", "Change (e.g. of name)"),
        ("correction", "Cải chính thông tin hộ tịch", "Correction of an error"),
        ("addition", "Bổ sung thông tin hộ tịch", "Addition of missing information"),
        ("ethnicity", "Xác định lại dân tộc", "Redetermination of ethnicity"),
    )
    form = {
        "sections": [
            _section("requester", "Người yêu cầu", "Requester", [
                _name("requester_name", "Họ, chữ đệm, tên người yêu cầu", "Requester's full name"),
                _personal_id("requester_personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field(
                    "requester_relationship", "select", "Quan hệ với người có thông tin thay đổi",
                    "Relationship to the person concerned", required=True, options=relationships,
                ),
                _field("requester_phone", "phone", "Số điện thoại", "Phone number", required=True),
            ]),
            _section("subject", "Người có thông tin hộ tịch cần thay đổi", "Person concerned", [
                _name("subject_name", "Họ, chữ đệm, tên", "Full name"),
                _birth_date("subject_birth_date", "Ngày, tháng, năm sinh", "Date of birth"),
                _personal_id("subject_personal_id", "Số định danh cá nhân", "Personal ID number"),
            ]),
            _section("record", "Việc hộ tịch đã đăng ký", "The registration to amend", [
                _field(
                    "record_type", "select", "Giấy tờ hộ tịch", "Civil status document",
                    required=True, options=documents,
                ),
                _field(
                    "record_number", "text", "Số đăng ký", "Registration number", max_length=50
                ),
                _field(
                    "record_date", "date", "Ngày đăng ký", "Registration date", required=True,
                    min="1900-01-01", max="today",
                ),
                _field(
                    "record_place", "text", "Nơi đăng ký", "Registry", required=True,
                    max_length=255,
                ),
            ]),
            _section("change", "Nội dung đề nghị", "Requested change", [
                _field(
                    "change_type", "radio", "Loại yêu cầu", "Kind of request", required=True,
                    options=changes,
                ),
                _field(
                    "current_value", "text", "Nội dung hiện ghi", "Current entry", max_length=255,
                    visible_if={
                        "field": "change_type",
                        "in": ["change", "correction", "ethnicity"],
                    },
                    required=True,
                ),
                _field(
                    "new_value", "text", "Nội dung đề nghị ghi", "Requested entry", required=True,
                    max_length=255,
                ),
                _field(
                    "reason", "textarea", "Lý do", "Reason", required=True, max_length=2000
                ),
                _copies(
                    "copies", "Số bản sao Trích lục đề nghị cấp", "Certified copies requested"
                ),
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        "code": "1.004859",
        "name_vi": "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
        "name_en": "Change, correction or addition of civil status information; redetermining "
        "ethnicity",
        "field": dict(_CIVIL_STATUS),
        "competent_agency_code": WARD_NHA_TRANG,
        "receiving_agency_codes": list(_CIVIL_STATUS_RECEIVERS),
        "online_level": "full",  # unverified
        "description_vi": (
            "Cá nhân (hoặc cha, mẹ, người giám hộ) đề nghị thay đổi, cải chính, bổ sung thông tin "
            "trong giấy tờ hộ tịch hoặc xác định lại dân tộc. Bổ sung thông tin giải quyết trong "
            "ngày."
        ),
        "description_en": (
            "A person (or their parent or guardian) asks to change, correct or complete a civil "
            "status record, or to redetermine their ethnicity. Additions are done the same day."
        ),
        "legal_basis": [*_CIVIL_STATUS_LAW, "Bộ luật Dân sự số 91/2015/QH13"],
        # Change and correction: 3 working days; a plain addition: the same day.
        "duration": {"amount": 3, "unit": "working_days", "cutoff": None},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "TK",
                "Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân "
                "tộc theo mẫu",
                "Declaration form for changing civil status information",
            ),
            _component(
                "CANCU",
                "Giấy tờ làm căn cứ thay đổi, cải chính, bổ sung thông tin hộ tịch",
                "Documents supporting the change",
                kind="original_or_copy",
                reusable=True,
            ),
            _authorisation_component(),
            _identity_component(),
        ],
        "fees": [
            _fee(
                "LP_TDCC",
                "Lệ phí thay đổi, cải chính, bổ sung thông tin hộ tịch",
                "Fee for changing civil status information",
                15000,  # unverified: Khánh Hòa's level not found; the former commune-level cap
                "fee",
            )
        ],
        "result": {
            "type_code": "TLTDHT",
            "name_vi": "Trích lục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại "
            "dân tộc",
            "name_en": "Extract of the amended civil status record",
            "template": "civil_status_change_extract",
        },
        "form": form,
    }


# --- procedures: other commune procedures -----------------------------------------------------


def _certified_copy() -> dict[str, Any]:
    form = {
        "sections": [
            _section("requester", "Người yêu cầu chứng thực", "Requester", [
                _name("requester_name", "Họ, chữ đệm, tên", "Full name"),
                _personal_id("requester_personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field("requester_phone", "phone", "Số điện thoại", "Phone number", required=True),
            ]),
            _section("document", "Giấy tờ, văn bản cần chứng thực", "Document to certify", [
                _field(
                    "document_name", "text", "Tên giấy tờ, văn bản", "Document", required=True,
                    max_length=255,
                    placeholder=_tr("Ví dụ: Bằng tốt nghiệp đại học", "E.g. university diploma"),
                ),
                _field(
                    "issuing_authority", "text", "Cơ quan, tổ chức cấp", "Issued by",
                    required=True, max_length=255,
                ),
                _field(
                    "issue_date", "date", "Ngày cấp", "Date of issue", min="1900-01-01",
                    max="today",
                ),
                _field(
                    "page_count", "number", "Số trang của bản chính", "Pages of the original",
                    required=True, min=1, max=500, integer=True,
                ),
                _copies("copies", "Số bản sao cần chứng thực", "Copies to certify", low=1, high=50),
                _yes_no(
                    "foreign_issued", "Giấy tờ do cơ quan nước ngoài cấp?",
                    "Issued by a foreign authority?",
                ),
                _field(
                    "legalised", "radio", "Hợp pháp hóa lãnh sự", "Consular legalisation",
                    required=True, visible_if={"field": "foreign_issued", "equals": "yes"},
                    options=_options(
                        ("legalised", "Đã hợp pháp hóa lãnh sự", "Legalised"),
                        ("exempt", "Được miễn hợp pháp hóa lãnh sự", "Exempt from legalisation"),
                    ),
                ),
            ]),
            _section("confirmation", "Cam kết", "Undertaking", [
                _field(
                    "declaration", "checkbox",
                    "Tôi chịu trách nhiệm về nội dung, tính hợp lệ, hợp pháp của bản chính giấy "
                    "tờ, văn bản đề nghị chứng thực.",
                    "I am responsible for the content, validity and lawfulness of the original "
                    "document.",
                    required=True,
                ),
            ]),
        ]
    }  # fmt: skip
    return {
        "code": "2.000815",
        "name_vi": "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có "
        "thẩm quyền của Việt Nam; cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ "
        "chức có thẩm quyền của Việt Nam liên kết với cơ quan, tổ chức có thẩm quyền của nước "
        "ngoài cấp hoặc chứng nhận",
        "name_en": "Certification of copies from originals",
        "field": {"code": "CHUNG_THUC", "name_vi": "Chứng thực", "name_en": "Certification"},
        "competent_agency_code": WARD_NHA_TRANG,
        "receiving_agency_codes": [WARD_NHA_TRANG],
        # The original must be shown; the certified paper copy is collected at the counter.
        "online_level": "partial",
        "description_vi": (
            "Cá nhân, tổ chức yêu cầu chứng thực bản sao từ bản chính giấy tờ, văn bản. Người yêu "
            "cầu xuất trình bản chính khi nhận bản sao đã chứng thực."
        ),
        "description_en": (
            "Anyone may have copies of an original document certified. The original is shown "
            "when the certified copies are collected."
        ),
        "legal_basis": [  # unverified: the national record was not read for this procedure
            "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, "
            "chứng thực chữ ký và chứng thực hợp đồng, giao dịch",
            "Nghị định số 07/2025/NĐ-CP sửa đổi, bổ sung các Nghị định trong lĩnh vực hộ tịch, "
            "quốc tịch, chứng thực",
            "Nghị định số 120/2025/NĐ-CP về phân định thẩm quyền của chính quyền địa phương 02 cấp "
            "trong lĩnh vực quản lý nhà nước của Bộ Tư pháp",
            "Thông tư số 01/2020/TT-BTP quy định chi tiết và hướng dẫn thi hành Nghị định số "
            "23/2015/NĐ-CP",
            "Thông tư số 226/2016/TT-BTC quy định mức thu, chế độ thu, nộp, quản lý và sử dụng "
            "phí chứng thực",
        ],
        # "Trong ngày; tiếp nhận sau 15 giờ thì trong ngày làm việc tiếp theo" (Nghị định
        # 23/2015/NĐ-CP, Article 7).
        "duration": {"amount": 0, "unit": "working_days", "cutoff": "15:00"},  # unverified
        "supplement_policy": "restart",
        "components": [
            _component(
                "BC",
                "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao",
                "The original document",
                description_vi=(
                    "Tải lên bản chụp để cán bộ kiểm tra trước; xuất trình bản chính khi nhận kết "
                    "quả. Giấy tờ nước ngoài phải được hợp pháp hóa lãnh sự, trừ trường hợp được "
                    "miễn."
                ),
                description_en=(
                    "Upload a scan for a first check and show the original on collection. Foreign "
                    "documents must be legalised unless exempt."
                ),
            ),
            _component(
                "BS",
                "Bản sao cần chứng thực (nếu người yêu cầu tự chuẩn bị)",
                "The copies to certify (when the requester brings them)",
                kind="copy",
                required=False,
            ),
            _identity_component(),
        ],
        "fees": [
            _fee(
                "PHI_CTBS",
                "Phí chứng thực bản sao từ bản chính: 2.000 đồng/trang; từ trang thứ ba trở đi "
                "1.000 đồng/trang, tối đa 200.000 đồng/bản",
                "Certification charge: VND 2,000 a page; VND 1,000 a page from the third page, "
                "at most VND 200,000 a copy",
                2000,
                "charge",
                payable="on_request",  # the total depends on the pages counted at the counter
            )
        ],
        "result": {
            "type_code": "BSCT",
            "name_vi": "Bản sao được chứng thực từ bản chính",
            "name_en": "Certified copy",
            "template": "certified_copy",
        },
        "form": form,
    }


def _business_household() -> dict[str, Any]:
    founders = _options(
        ("individual", "Một cá nhân", "One individual"),
        ("household", "Các thành viên hộ gia đình", "Members of a family household"),
    )
    form = {
        "sections": [
            _section("business", "Thông tin hộ kinh doanh", "The business household", [
                _field(
                    "business_name", "text", "Tên hộ kinh doanh", "Business name", required=True,
                    min_length=3, max_length=200,
                    hint=(
                        "Gồm cụm từ “Hộ kinh doanh” và tên riêng; không trùng tên hộ kinh doanh "
                        "khác trong phạm vi cấp xã.",
                        "“Hộ kinh doanh” followed by a name not used by another household business "
                        "in the commune.",
                    ),
                ),
                _field(
                    "business_address", "address", "Địa điểm kinh doanh", "Business premises",
                    required=True,
                ),
                _field("business_phone", "phone", "Điện thoại", "Phone number", required=True),
                _field("business_email", "email", "Thư điện tử", "E-mail"),
                _field(
                    "business_lines", "textarea", "Ngành, nghề kinh doanh", "Business lines",
                    required=True, max_length=4000,
                    hint=(
                        "Ghi tên và mã ngành cấp bốn trong Hệ thống ngành kinh tế Việt Nam.",
                        "Names and level-4 codes of the Vietnamese economic classification.",
                    ),
                ),
                _field(
                    "capital", "number", "Vốn kinh doanh (đồng)", "Capital (VND)", required=True,
                    min=0, integer=True,
                ),
                _field(
                    "employee_count", "number", "Số lượng lao động", "Number of workers",
                    required=True, min=0, max=10000, integer=True,
                ),
            ]),
            _section("owner", "Chủ hộ kinh doanh", "Owner", [
                _name("owner_name", "Họ, chữ đệm, tên", "Full name"),
                _birth_date("owner_birth_date", "Ngày sinh", "Date of birth"),
                _gender("owner_gender"),
                _personal_id("owner_personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field(
                    "owner_residence", "address", "Nơi thường trú", "Permanent residence",
                    required=True,
                ),
                _field(
                    "founded_by", "radio", "Hộ kinh doanh do ai đăng ký", "Registered by",
                    required=True, options=founders,
                ),
                _group(
                    "members", "Thành viên hộ gia đình tham gia đăng ký",
                    "Household members taking part",
                    [
                        _name("member_name", "Họ, chữ đệm, tên", "Full name"),
                        _personal_id("member_personal_id", "Số định danh cá nhân", "ID number"),
                    ],
                ) | {
                    "repeat": True, "min_items": 1, "max_items": 20,
                    "visible_if": {"field": "founded_by", "equals": "household"},
                },
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        # 2.000720 is "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh"; founding is 1.001612.
        "code": "1.001612",
        "name_vi": "Đăng ký thành lập hộ kinh doanh",
        "name_en": "Registration of a business household",
        "field": {
            "code": "HO_KINH_DOANH",
            "name_vi": "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)",
            "name_en": "Business households",
        },
        # Since 1 July 2025 the commune's business registration office handles it (the
        # national database lists "Ủy ban nhân dân cấp xã"; promulgated by Bộ Tài chính).
        "competent_agency_code": WARD_NHA_TRANG,
        "receiving_agency_codes": [WARD_NHA_TRANG],
        "online_level": "full",
        "description_vi": (
            "Cá nhân hoặc các thành viên hộ gia đình đăng ký thành lập hộ kinh doanh tại cơ quan "
            "đăng ký kinh doanh cấp xã nơi đặt địa điểm kinh doanh."
        ),
        "description_en": (
            "An individual or the members of a family household register a household business "
            "with the business registration office of the commune where it operates."
        ),
        "legal_basis": [  # unverified: the national record was not read for this procedure
            "Luật Doanh nghiệp số 59/2020/QH14",
            "Luật số 76/2025/QH15 sửa đổi, bổ sung một số điều của Luật Doanh nghiệp",
            "Nghị định số 168/2025/NĐ-CP về đăng ký doanh nghiệp",
            "Thông tư số 68/2025/TT-BTC ban hành biểu mẫu sử dụng trong đăng ký doanh nghiệp, "
            "đăng ký hộ kinh doanh",
            "Thông tư số 85/2019/TT-BTC hướng dẫn về phí và lệ phí thuộc thẩm quyền quyết định "
            "của Hội đồng nhân dân cấp tỉnh",
        ],
        "duration": {"amount": 3, "unit": "working_days", "cutoff": None},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "GDN",
                "Giấy đề nghị đăng ký hộ kinh doanh",
                "Application for registration of a business household",
            ),
            _component(
                "BBHOP",
                "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh",
                "Minutes of the household members' meeting on founding the business",
                required=False,
                description_vi="Khi các thành viên hộ gia đình cùng đăng ký hộ kinh doanh.",
                description_en="When the members of a family household register together.",
            ),
            _component(
                "UQTV",
                "Văn bản ủy quyền của thành viên hộ gia đình cho một thành viên làm chủ hộ kinh "
                "doanh",
                "Members' authorisation of one of them as owner",
                required=False,
            ),
            _component(
                "HDTN",
                "Bản sao hợp đồng thuê, mượn địa điểm kinh doanh",
                "Copy of the lease of the premises",
                kind="copy",
                required=False,
                # unverified: when this copy is asked for
                description_vi="Khi địa điểm kinh doanh không thuộc quyền sử dụng của chủ hộ.",
                description_en="When the owner does not hold the premises.",
            ),
            _authorisation_component(),
            _identity_component(),
        ],
        "fees": [
            _fee(
                "LP_DKHKD",
                "Lệ phí đăng ký hộ kinh doanh",
                "Business household registration fee",
                100000,  # unverified: Khánh Hòa's People's Council level not found
                "fee",
            )
        ],
        "result": {
            "type_code": "GCNDKHKD",
            "name_vi": "Giấy chứng nhận đăng ký hộ kinh doanh",
            "name_en": "Business household registration certificate",
            "template": "business_household_certificate",
        },
        "form": form,
    }


def _construction_permit() -> dict[str, Any]:
    form = {
        "sections": [
            _section("investor", "Chủ đầu tư", "Owner (investor)", [
                _name("investor_name", "Tên chủ đầu tư (chủ hộ)", "Owner's full name"),
                _personal_id("investor_personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field("investor_phone", "phone", "Số điện thoại", "Phone number", required=True),
                _field(
                    "investor_address", "address", "Địa chỉ liên hệ", "Contact address",
                    required=True,
                ),
            ]),
            _section("site", "Địa điểm xây dựng", "Building site", [
                _field("site_address", "address", "Địa điểm xây dựng", "Site", required=True),
                _field(
                    "land_plot_number", "text", "Thửa đất số", "Land plot number", required=True,
                    max_length=20,
                ),
                _field(
                    "map_sheet_number", "text", "Tờ bản đồ số", "Cadastral map sheet",
                    required=True, max_length=20,
                ),
                _field(
                    "land_area", "number", "Diện tích thửa đất (m²)", "Plot area (m²)",
                    required=True, min=1, max=100000,
                ),
                _field(
                    "land_certificate_number", "text",
                    "Số phát hành Giấy chứng nhận quyền sử dụng đất",
                    "Serial number of the land use right certificate", required=True,
                    max_length=30,
                ),
            ]),
            _section("building", "Nội dung đề nghị cấp phép", "The house", [
                _field(
                    "building_area", "number", "Diện tích xây dựng tầng 1 (m²)",
                    "Ground floor footprint (m²)", required=True, min=1, max=100000,
                ),
                _field(
                    "total_floor_area", "number", "Tổng diện tích sàn (m²)",
                    "Total floor area (m²)", required=True, min=1, max=1000000,
                ),
                _field(
                    "building_height", "number", "Chiều cao công trình (m)", "Height (m)",
                    required=True, min=1, max=200,
                ),
                _field(
                    "floor_count", "number", "Số tầng (kể cả tầng hầm, tầng lửng, tum)",
                    "Storeys (basements, mezzanines and roof structures included)",
                    required=True, min=1, max=50, integer=True,
                ),
                _yes_no("has_basement", "Có tầng hầm?", "Is there a basement?"),
                _field(
                    "designer_name", "text", "Tổ chức, cá nhân thiết kế", "Designer",
                    required=True, max_length=255,
                    hint=(
                        "Nhà ở riêng lẻ dưới 07 tầng, tổng diện tích sàn dưới 1.000 m² hộ gia đình "
                        "được tự thiết kế.",
                        "Families may design a house under 7 storeys and 1,000 m² themselves.",
                    ),
                ),
                _field(
                    "designer_licence", "text", "Số chứng chỉ hành nghề của chủ nhiệm thiết kế",
                    "Lead designer's practising certificate number", max_length=50,
                ),
                _field(
                    "completion_months", "number", "Thời gian dự kiến hoàn thành (tháng)",
                    "Expected duration of the works (months)", required=True, min=1, max=120,
                    integer=True,
                ),
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        # Replaces 1.009972 (Nghị định 15/2021/NĐ-CP) since Nghị định 175/2024/NĐ-CP.
        "code": "1.013225",
        "name_vi": "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng "
        "lẻ",
        "name_en": "New construction permit for grade III–IV works and individual houses",
        "field": {
            "code": "HOAT_DONG_XAY_DUNG",
            "name_vi": "Hoạt động xây dựng",
            "name_en": "Construction",
        },
        # District-level powers passed to the commune on 1 July 2025 (national database:
        # "Ủy ban nhân dân cấp xã").
        "competent_agency_code": WARD_NHA_TRANG,
        "receiving_agency_codes": [WARD_NHA_TRANG],
        "online_level": "partial",  # unverified
        "description_vi": (
            "Hộ gia đình, cá nhân đề nghị cấp giấy phép xây dựng mới nhà ở riêng lẻ trước khi khởi "
            "công. Giấy phép kèm theo hồ sơ thiết kế có đóng dấu của cơ quan cấp phép."
        ),
        "description_en": (
            "Families and individuals apply for a permit before starting to build a house. The "
            "permit comes with the design drawings stamped by the issuing authority."
        ),
        "legal_basis": [
            "Luật Xây dựng số 50/2014/QH13",
            "Luật số 62/2020/QH14 sửa đổi, bổ sung một số điều của Luật Xây dựng",
            "Nghị định số 175/2024/NĐ-CP quy định chi tiết một số điều và biện pháp thi hành "
            "Luật Xây dựng về quản lý hoạt động xây dựng",
            "Nghị định số 140/2025/NĐ-CP",
            "Nghị định số 144/2025/NĐ-CP",
            "Nghị định số 105/2025/NĐ-CP",
            "Nghị định số 14/2026/NĐ-CP",
            "Nghị quyết số 66.18/2026/NQ-CP",
            "Thông tư số 85/2019/TT-BTC hướng dẫn về phí và lệ phí thuộc thẩm quyền quyết định "
            "của Hội đồng nhân dân cấp tỉnh",
        ],
        # "10 ngày làm việc đối với công trình (hoặc 7 ngày làm việc đối với nhà ở riêng lẻ)".
        "duration": {"amount": 7, "unit": "working_days", "cutoff": None},
        "supplement_policy": "restart",
        "components": [
            _component(
                "DON",
                "Đơn đề nghị cấp giấy phép xây dựng theo Mẫu số 1 Phụ lục II Nghị định số "
                "175/2024/NĐ-CP",
                "Application form (Form 1, Appendix II, Decree 175/2024/ND-CP)",
                required=False,
                description_vi=(
                    "Khi nộp trực tuyến, đơn được lập từ biểu mẫu điện tử; chỉ tải lên khi nộp "
                    "đơn giấy đã ký."
                ),
                description_en="Online, the e-form produces it; upload only a signed paper form.",
            ),
            _component(
                "GCNQSDD",
                "Giấy chứng nhận quyền sử dụng đất hoặc giấy tờ hợp pháp về đất đai theo Điều 53 "
                "Nghị định số 175/2024/NĐ-CP",
                "Land use right certificate or other lawful land document (Article 53)",
                kind="copy",
                reusable=True,
                description_vi=(
                    "Thay bằng dữ liệu khi thông tin đã có trong Cơ sở dữ liệu quốc gia về đất đai."
                ),
                description_en="Replaced by the data once it is in the National Land Database.",
            ),
            _component(
                "BVTK",
                "02 bộ bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng, đấu nối hạ "
                "tầng kỹ thuật)",
                "Two sets of design drawings (plans, sections, elevations, foundations, utility "
                "connections)",
                accepted_types=("application/pdf",),
                max_size_mb=50,
            ),
            _component(
                "PCCC",
                "Kết quả thực hiện thủ tục hành chính về phòng cháy, chữa cháy (nếu có)",
                "Fire safety approval, where the law requires one",
                required=False,
            ),
            _component(
                "CKAT",
                "Bản cam kết bảo đảm an toàn đối với công trình liền kề",
                "Undertaking on the safety of adjoining buildings",
                required=False,
                description_vi="Khi công trình có tầng hầm hoặc xây chen.",  # unverified
                description_en="For houses with a basement or built between existing houses.",
            ),
            _authorisation_component(),
        ],
        "fees": [
            _fee(
                "LP_GPXD",
                "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ",
                "Construction permit fee for an individual house",
                75000,  # unverified: the usual provincial level; Khánh Hòa's not found
                "fee",
            )
        ],
        "result": {
            "type_code": "GPXD",
            "name_vi": "Giấy phép xây dựng",
            "name_en": "Construction permit",
            "template": "construction_permit",
        },
        "form": form,
    }


# --- procedures: provincial departments -------------------------------------------------------


def _judicial_record() -> dict[str, Any]:
    card_types = _options(
        ("1", "Phiếu lý lịch tư pháp số 1", "Judicial record certificate No. 1"),
        ("2", "Phiếu lý lịch tư pháp số 2", "Judicial record certificate No. 2"),
    )
    form = {
        "sections": [
            _section("personal", "Thông tin cá nhân", "Personal information", [
                _name(
                    "full_name", "Họ, chữ đệm, tên", "Full name",
                    hint=(
                        "Viết bằng chữ in hoa, đủ dấu, đúng như trên thẻ căn cước.",
                        "In capitals with diacritics, exactly as on the ID card.",
                    ),
                ),
                _name("other_names", "Tên gọi khác (nếu có)", "Other names", required=False),
                _gender("gender"),
                _birth_date("birth_date", "Ngày, tháng, năm sinh", "Date of birth"),
                _field(
                    "birth_place", "text", "Nơi sinh", "Place of birth", required=True,
                    max_length=255,
                ),
                _personal_id("personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field(
                    "residence", "address", "Nơi cư trú (thường trú hoặc tạm trú)",
                    "Place of residence", required=True,
                ),
                _field("phone", "phone", "Số điện thoại", "Phone number", required=True),
                _field("email", "email", "Thư điện tử", "E-mail"),
            ]),
            _section("family", "Thông tin về cha, mẹ, vợ/chồng", "Parents and spouse", [
                _name("father_name", "Họ, chữ đệm, tên cha", "Father's full name", required=False),
                _name("mother_name", "Họ, chữ đệm, tên mẹ", "Mother's full name"),
                _name("spouse_name", "Họ, chữ đệm, tên vợ/chồng", "Spouse's name", required=False),
            ]),
            _section("history", "Quá trình cư trú (từ khi đủ 14 tuổi)", "Residence since age 14", [
                _group(
                    "residence_history", "Các nơi đã cư trú", "Places of residence",
                    [
                        _field(
                            "period_from", "date", "Từ ngày", "From", required=True,
                            min="1900-01-01", max="today",
                        ),
                        _field(
                            "period_to", "date", "Đến ngày", "To", min="1900-01-01", max="today",
                            hint=("Bỏ trống nếu đến nay.", "Leave empty for the current place."),
                        ),
                        _field(
                            "place", "text", "Nơi thường trú/tạm trú", "Address", required=True,
                            max_length=255,
                        ),
                        _field(
                            "occupation", "text", "Nghề nghiệp, nơi làm việc",
                            "Occupation and workplace", max_length=255,
                        ),
                    ],
                ) | {"repeat": True, "min_items": 1, "max_items": 30},
            ]),
            _section("request", "Nội dung yêu cầu", "Request", [
                _field(
                    "certificate_type", "radio", "Loại Phiếu yêu cầu cấp", "Certificate",
                    required=True, options=card_types,
                    hint=(
                        "Phiếu số 2 ghi đầy đủ án tích, kể cả án tích đã được xóa, và chỉ cấp cho "
                        "chính người được cấp Phiếu.",
                        "No. 2 lists every conviction, expunged ones included, and is issued only "
                        "to the person concerned.",
                    ),
                ),
                _field(
                    "ban_confirmation", "checkbox",
                    "Yêu cầu xác nhận về việc có bị cấm đảm nhiệm chức vụ, thành lập, quản lý "
                    "doanh nghiệp, hợp tác xã hay không",
                    "Also certify whether I am banned from holding office in or managing a "
                    "company or cooperative",
                    visible_if={"field": "certificate_type", "equals": "1"},
                ),
                _field(
                    "purpose", "text", "Mục đích sử dụng Phiếu", "Purpose", required=True,
                    max_length=255,
                    placeholder=_tr("Ví dụ: bổ sung hồ sơ xin việc", "E.g. a job application"),
                ),
                _copies(
                    "copies", "Số lượng Phiếu yêu cầu cấp", "Certificates requested", low=1,
                    high=10,
                ) | {
                    "help": _tr(
                        "Một lần yêu cầu được cấp 02 Phiếu; từ Phiếu thứ 3 nộp thêm 5.000 "
                        "đồng/Phiếu.",
                        "Two certificates per request; VND 5,000 for each further one.",
                    ),
                },
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        # Demo choice as briefed: the former Sở Tư pháp procedure. Since 1 March 2025 judicial
        # records are managed by Bộ Công an and issued by the provincial police; the national
        # database now lists 3.000333 (Bộ Công an) and no longer 2.000488.
        "code": "2.000488",
        "name_vi": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư "
        "trú tại Việt Nam",
        "name_en": "Judicial record certificate for Vietnamese citizens and foreigners residing in "
        "Viet Nam",
        "field": {
            "code": "LY_LICH_TU_PHAP",
            "name_vi": "Lý lịch tư pháp",
            "name_en": "Judicial records",
        },
        "competent_agency_code": DEPT_JUSTICE,
        "receiving_agency_codes": [SERVICE_CENTRE],
        "online_level": "full",
        "description_vi": (
            "Công dân Việt Nam thường trú hoặc tạm trú trong tỉnh, người nước ngoài đang cư trú "
            "tại Việt Nam yêu cầu cấp Phiếu lý lịch tư pháp chứng minh có hay không có án tích."
        ),
        "description_en": (
            "Vietnamese citizens residing in the province and foreigners residing in Viet Nam ask "
            "for a certificate stating whether they have a criminal record."
        ),
        "legal_basis": [
            "Luật Lý lịch tư pháp số 28/2009/QH12",
            "Nghị định số 111/2010/NĐ-CP quy định chi tiết và hướng dẫn thi hành một số điều của "
            "Luật Lý lịch tư pháp",
            "Thông tư số 06/2024/TT-BTP sửa đổi, bổ sung một số điều của các Thông tư ban hành và "
            "hướng dẫn sử dụng biểu mẫu và mẫu sổ lý lịch tư pháp",
            # Replaced Thông tư số 244/2016/TT-BTC; its content: unverified.
            "Thông tư số 16/2025/TT-BTC quy định mức thu, chế độ thu, nộp, quản lý, sử dụng phí "
            "cung cấp thông tin lý lịch tư pháp",
        ],
        # Luật Lý lịch tư pháp, Article 48: "không quá 10 ngày" (15 days when verification
        # abroad or in several places is needed); counted here in working days: unverified.
        "duration": {"amount": 10, "unit": "working_days", "cutoff": None},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "TK",
                "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP; trực tuyến: "
                "Mẫu số 12/2024/LLTP)",
                "Judicial record application form",
            ),
            _component(
                "CCCD",
                "Bản sao thẻ căn cước, căn cước công dân hoặc hộ chiếu của người được cấp Phiếu",
                "Copy of the ID card or passport of the person concerned",
                kind="copy",
                required=False,
                description_vi=(
                    "Không phải đính kèm khi nộp trực tuyến trên Cổng Dịch vụ công quốc gia hoặc "
                    "Hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh."
                ),
                description_en=(
                    "Not needed for applications through the National Public Service Portal or "
                    "the provincial system."
                ),
            ),
            _component(
                "GTCT",
                "Bản sao giấy tờ chứng minh nơi thường trú hoặc tạm trú",
                "Copy of a proof of residence",
                kind="copy",
                required=False,
                description_vi=(
                    "Chỉ khi thông tin cư trú không khai thác được từ Cơ sở dữ liệu quốc gia về "
                    "dân cư."
                ),
                description_en="Only when the population database has no residence data.",
            ),
            _component(
                "UQ",
                "Văn bản ủy quyền (chỉ đối với Phiếu số 1)",
                "Power of attorney (certificate No. 1 only)",
                required=False,
                description_vi=(
                    "Không cần khi người được ủy quyền là cha, mẹ, vợ, chồng, con của người ủy "
                    "quyền. Phiếu số 2 không được ủy quyền."
                ),
                description_en=(
                    "Not needed for a parent, spouse or child. Certificate No. 2 cannot be "
                    "requested through a representative."
                ),
            ),
        ],
        "fees": [
            _fee(
                "PHI_LLTP",
                "Phí cung cấp thông tin lý lịch tư pháp",
                "Judicial record information charge",
                # Students, people with merit to the revolution and martyrs' relatives pay
                # 100.000 đồng; children, the elderly, the disabled and the poor are exempt.
                200000,
                "charge",
            )
        ],
        "result": {
            "type_code": "PLLTP",
            "name_vi": "Phiếu lý lịch tư pháp",
            "name_en": "Judicial record certificate",
            "template": "judicial_record",
        },
        "form": form,
    }


def _civil_status_extract_copy() -> dict[str, Any]:
    relationships = _options(
        ("self", "Bản thân", "Myself"),
        ("relative", "Cha, mẹ, con, vợ, chồng, anh, chị, em ruột", "Close relative"),
        ("representative", "Người được ủy quyền", "Authorised representative"),
    )
    documents = _options(
        ("birth", "Bản sao Giấy khai sinh", "Copy of the birth certificate"),
        ("marriage", "Bản sao Trích lục kết hôn", "Copy of the marriage extract"),
        ("death", "Bản sao Trích lục khai tử", "Copy of the death extract"),
        ("change", "Bản sao Trích lục thay đổi, cải chính hộ tịch", "Copy of a change extract"),
        ("other", "Bản sao Trích lục hộ tịch khác", "Another civil status extract"),
    )
    form = {
        "sections": [
            _section("requester", "Người yêu cầu", "Requester", [
                _name("requester_name", "Họ, chữ đệm, tên", "Full name"),
                _personal_id("requester_personal_id", "Số định danh cá nhân", "Personal ID number"),
                _field("requester_phone", "phone", "Số điện thoại", "Phone number", required=True),
                _field(
                    "requester_relationship", "select", "Quan hệ với người được cấp bản sao",
                    "Relationship to the person concerned", required=True, options=relationships,
                ),
            ]),
            _section("record", "Giấy tờ hộ tịch đề nghị cấp bản sao", "The record", [
                _name("subject_name", "Họ, chữ đệm, tên người có tên trong giấy tờ", "Full name"),
                _birth_date(
                    "subject_birth_date", "Ngày, tháng, năm sinh", "Date of birth", required=False
                ),
                _field(
                    "document_type", "select", "Loại bản sao đề nghị cấp", "Copy requested",
                    required=True, options=documents,
                ),
                _field("record_number", "text", "Số đăng ký", "Registration number", max_length=50),
                _field(
                    "record_date", "date", "Ngày đăng ký", "Registration date",
                    min="1900-01-01", max="today",
                ),
                _field(
                    "record_place", "text", "Nơi đăng ký", "Registry", required=True,
                    max_length=255,
                ),
            ]),
            _section("request", "Yêu cầu", "Request", [
                _field("purpose", "text", "Mục đích sử dụng", "Purpose", max_length=255),
                _copies("copies", "Số bản sao đề nghị cấp", "Copies requested", low=1, high=20),
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        "code": "2.000635",
        "name_vi": "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        "name_en": "Copies of civil status extracts and birth certificates",
        "field": dict(_CIVIL_STATUS),
        # National database (2026): "Sở Tư pháp; Cơ quan quản lý cơ sở dữ liệu hộ tịch điện tử".
        "competent_agency_code": DEPT_JUSTICE,
        "receiving_agency_codes": [SERVICE_CENTRE],
        "online_level": "full",
        "description_vi": (
            "Cá nhân, cơ quan, tổ chức đề nghị cấp bản sao Giấy khai sinh, bản sao Trích lục hộ "
            "tịch của người đã đăng ký trong Cơ sở dữ liệu hộ tịch điện tử."
        ),
        "description_en": (
            "People and organisations ask for copies of birth certificates and civil status "
            "extracts recorded in the electronic civil status database."
        ),
        "legal_basis": [
            *_CIVIL_STATUS_LAW,
            "Thông tư số 281/2016/TT-BTC quy định mức thu, chế độ thu, nộp, quản lý và sử dụng "
            "phí khai thác, sử dụng thông tin trong cơ sở dữ liệu hộ tịch, phí xác nhận có quốc "
            "tịch Việt Nam, phí xác nhận là người gốc Việt Nam, lệ phí quốc tịch",
        ],
        "duration": {"amount": 0, "unit": "working_days", "cutoff": "15:00"},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "TK",
                "Tờ khai đề nghị cấp bản sao Trích lục hộ tịch theo mẫu",
                "Application for copies of civil status extracts",
            ),
            _authorisation_component(),
            _identity_component(),
        ],
        "fees": [
            _fee(
                "PHI_BSTL",
                "Phí cấp bản sao Trích lục hộ tịch (mỗi bản sao)",
                "Charge per copy of a civil status extract",
                8000,
                "charge",
            )
        ],
        "result": {
            "type_code": "BSTLHT",
            "name_vi": "Bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
            "name_en": "Copy of a civil status extract or birth certificate",
            "template": "civil_status_extract_copy",
        },
        "form": form,
    }


def _sole_proprietorship() -> dict[str, Any]:
    form = {
        "sections": [
            _section("enterprise", "Thông tin doanh nghiệp", "The enterprise", [
                _field(
                    "enterprise_name", "text", "Tên doanh nghiệp viết bằng tiếng Việt",
                    "Name in Vietnamese", required=True, min_length=3, max_length=255,
                    placeholder=_tr("Doanh nghiệp tư nhân …", "Doanh nghiệp tư nhân …"),
                ),
                _field(
                    "enterprise_name_foreign", "text", "Tên doanh nghiệp viết bằng tiếng nước "
                    "ngoài", "Name in a foreign language", max_length=255,
                ),
                _field(
                    "enterprise_name_short", "text", "Tên doanh nghiệp viết tắt", "Abbreviation",
                    max_length=100,
                ),
                _field(
                    "head_office", "address", "Địa chỉ trụ sở chính", "Head office", required=True
                ),
                _field("enterprise_phone", "phone", "Điện thoại", "Phone number", required=True),
                _field("enterprise_email", "email", "Thư điện tử", "E-mail"),
                _field(
                    "business_lines", "textarea", "Ngành, nghề kinh doanh", "Business lines",
                    required=True, max_length=4000,
                    hint=(
                        "Ghi tên và mã ngành cấp bốn trong Hệ thống ngành kinh tế Việt Nam.",
                        "Names and level-4 codes of the Vietnamese economic classification.",
                    ),
                ),
                _field(
                    "investment_capital", "number", "Vốn đầu tư (đồng)", "Capital (VND)",
                    required=True, min=1, integer=True,
                ),
                _field(
                    "employee_count", "number", "Số lao động dự kiến", "Expected workers",
                    required=True, min=0, max=100000, integer=True,
                ),
            ]),
            _section("owner", "Chủ doanh nghiệp tư nhân", "Owner", [
                _name("owner_name", "Họ, chữ đệm, tên", "Full name"),
                _birth_date("owner_birth_date", "Ngày sinh", "Date of birth"),
                _gender("owner_gender"),
                _personal_id(
                    "owner_personal_id", "Số định danh cá nhân", "Personal ID number"
                ) | {
                    "help": _tr(
                        "Kê khai số định danh cá nhân thì không phải nộp bản sao giấy tờ pháp lý "
                        "của cá nhân.",
                        "With the personal ID number no copy of an identity document is needed.",
                    ),
                },
                _field("owner_residence", "address", "Nơi cư trú", "Residence", required=True),
                _yes_no(
                    "from_household_business", "Thành lập trên cơ sở chuyển đổi từ hộ kinh doanh?",
                    "Converted from a business household?",
                ),
                _field(
                    "household_certificate_number", "text",
                    "Mã số hộ kinh doanh đã được cấp", "Business household number",
                    required=True, max_length=30,
                    visible_if={"field": "from_household_business", "equals": "yes"},
                ),
                _declaration(),
            ]),
        ]
    }  # fmt: skip
    return {
        "code": "2.001610",
        "name_vi": "Đăng ký thành lập doanh nghiệp tư nhân",
        "name_en": "Registration of a sole proprietorship",
        "field": {
            "code": "DANG_KY_DOANH_NGHIEP",
            "name_vi": "Thành lập và hoạt động doanh nghiệp",
            "name_en": "Enterprise registration",
        },
        "competent_agency_code": DEPT_FINANCE,
        "receiving_agency_codes": [SERVICE_CENTRE],
        "online_level": "full",
        "description_vi": (
            "Cá nhân đăng ký thành lập doanh nghiệp tư nhân (kể cả chuyển đổi từ hộ kinh doanh) "
            "tại Phòng Đăng ký kinh doanh thuộc Sở Tài chính."
        ),
        "description_en": (
            "An individual registers a sole proprietorship (or converts a business household) "
            "with the business registration office of the Department of Finance."
        ),
        "legal_basis": [
            "Luật Doanh nghiệp số 59/2020/QH14",
            "Luật số 76/2025/QH15 sửa đổi, bổ sung một số điều của Luật Doanh nghiệp",
            "Nghị định số 168/2025/NĐ-CP về đăng ký doanh nghiệp",
            "Thông tư số 68/2025/TT-BTC ban hành biểu mẫu sử dụng trong đăng ký doanh nghiệp, "
            "đăng ký hộ kinh doanh",
            "Thông tư số 47/2019/TT-BTC quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí, "
            "lệ phí cung cấp thông tin doanh nghiệp, lệ phí đăng ký doanh nghiệp",
            "Nghị quyết số 66.7/2025/NQ-CP quy định cắt giảm, đơn giản hóa thủ tục hành chính dựa "
            "trên dữ liệu",
        ],
        "duration": {"amount": 3, "unit": "working_days", "cutoff": None},
        "supplement_policy": "restart",
        "components": [
            _declaration_form_component(
                "GDN", "Giấy đề nghị đăng ký doanh nghiệp", "Enterprise registration application"
            ),
            _component(
                "GTPL",
                "Bản sao giấy tờ pháp lý của cá nhân đối với chủ doanh nghiệp tư nhân",
                "Copy of the owner's identity document",
                kind="copy",
                required=False,
                description_vi=(
                    "Không phải nộp nếu chủ doanh nghiệp kê khai số định danh cá nhân (khoản 1 "
                    "Điều 11 Nghị định số 168/2025/NĐ-CP)."
                ),
                description_en="Not needed when the owner gives the personal ID number.",
            ),
            _component(
                "GCNHKD",
                "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh",
                "Copy of the business household registration certificate",
                kind="copy",
                required=False,
                reusable=True,
                description_vi="Khi thành lập trên cơ sở chuyển đổi từ hộ kinh doanh.",
                description_en="When converting a business household.",
            ),
            _component(
                "UQ",
                "Văn bản ủy quyền cho cá nhân thực hiện thủ tục đăng ký doanh nghiệp",
                "Authorisation of the person filing",
                required=False,
                description_vi="Không bắt buộc phải công chứng, chứng thực.",
                description_en="Need not be notarised or certified.",
            ),
        ],
        "fees": [
            # The registration fee (lệ phí, 50.000 đồng) is waived for online filings.
            _fee(
                "PHI_CBTT",
                "Phí công bố nội dung đăng ký doanh nghiệp",
                "Charge for publishing the registration",
                100000,
                "charge",
            )
        ],
        "result": {
            "type_code": "GCNDKDN",
            "name_vi": "Giấy chứng nhận đăng ký doanh nghiệp",
            "name_en": "Enterprise registration certificate",
            "template": "enterprise_registration_certificate",
        },
        "form": form,
    }


PROCEDURES: list[dict[str, Any]] = [
    _birth_registration(),
    _marital_status_certificate(),
    _marriage_registration(),
    _death_registration(),
    _civil_status_change(),
    _certified_copy(),
    _business_household(),
    _construction_permit(),
    _judicial_record(),
    _civil_status_extract_copy(),
    _sole_proprietorship(),
]


# --- calendar ---------------------------------------------------------------------------------

#: Public-sector days off and make-up working days beyond ``holidays.country_holidays("VN")``
#: (0.109). The package already has Tết 2025 (27/1–1/2), 2/5/2025 (swapped with 26/4), 1–2/9/2025,
#: Tết 2026 (16–20/2), 27/4/2026 (Giỗ Tổ observed), 31/8/2026 (swapped with 22/8) and the 2027
#: statutory days; it has no make-up working days at all, and no 2026 New Year swap. Nothing
#: official was announced for 2027 when this was written.
CALENDAR_ENTRIES: list[dict[str, str]] = [
    {
        "date": "2025-04-26",
        "kind": "working_day",
        "name_vi": "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025 (dịp 30/4 – 1/5)",
        "name_en": "Make-up working day for Friday 2 May 2025 (Reunification and Labour Day)",
    },
    {
        "date": "2026-01-02",
        "kind": "day_off",
        "name_vi": "Nghỉ Tết Dương lịch (hoán đổi với thứ Bảy 10/01/2026)",
        "name_en": "New Year holiday (swapped with Saturday 10 January 2026)",
    },
    {
        "date": "2026-01-10",
        "kind": "working_day",
        "name_vi": "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026 (Tết Dương lịch)",
        "name_en": "Make-up working day for Friday 2 January 2026 (New Year)",
    },
    {
        # The counterpart of the package's 31/8/2026 day off; not found in the press: unverified.
        "date": "2026-08-22",
        "kind": "working_day",
        "name_vi": "Làm bù cho ngày nghỉ thứ Hai 31/8/2026 (dịp Quốc khánh)",
        "name_en": "Make-up working day for Monday 31 August 2026 (National Day)",
    },
]
