"""Unit tests for the demo reference data (backend/catalog/seed_data.py): no database, no Flask."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from backend.catalog.seed_data import AGENCIES, CALENDAR_ENTRIES, PROCEDURES

AGENCY_KEYS = {"code", "name_vi", "name_en", "level", "parent_code", "address", "working_hours"}
PROCEDURE_KEYS = {
    "code",
    "name_vi",
    "name_en",
    "field",
    "competent_agency_code",
    "receiving_agency_codes",
    "online_level",
    "description_vi",
    "description_en",
    "legal_basis",
    "duration",
    "supplement_policy",
    "components",
    "fees",
    "result",
    "form",
}
COMPONENT_KEYS = {
    "code",
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "kind",
    "required",
    "accepted_types",
    "max_size_mb",
    "reusable",
}
FEE_KEYS = {"code", "name_vi", "name_en", "amount", "kind", "payable"}
FIELD_KEYS = {
    "name",
    "type",
    "label",
    "required",
    "help",
    "placeholder",
    "min_length",
    "max_length",
    "pattern",
    "min",
    "max",
    "integer",
    "options",
    "visible_if",
    "repeat",
    "min_items",
    "max_items",
    "fields",
}
FIELD_TYPES = {
    "text",
    "textarea",
    "number",
    "date",
    "select",
    "radio",
    "checkbox",
    "personal_id",
    "phone",
    "email",
    "address",
    "group",
}
MIME_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

AGENCY_CODE = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H56$")
PROCEDURE_CODE = re.compile(r"^[0-9]\.[0-9]{6}$")
CODE = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
TEMPLATE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

#: Birth registration, marital status, judicial record, business household, building permit.
REQUIRED_PROCEDURES = {"1.001193", "1.004873", "2.000488", "1.001612", "1.013225"}
#: The agencies the demo seed created before this data existed.
SEEDED_AGENCIES = {
    "000.00.00.H56": ("UBND tỉnh Khánh Hòa", "province"),
    "000.00.15.H56": ("Sở Tư pháp tỉnh Khánh Hòa", "department"),
    "000.00.22.H56": ("Sở Xây dựng tỉnh Khánh Hòa", "department"),
    "000.31.01.H56": ("UBND phường Nha Trang", "commune"),
}

AGENCIES_BY_CODE = {agency["code"]: agency for agency in AGENCIES}
by_code = pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])


def _is_text(value: object, max_length: int = 500) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= max_length


def _is_localised(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"vi", "en"}
        and all(map(_is_text, value.values()))
    )


def _top_level_fields(form: dict) -> list[dict]:
    return [field for section in form["sections"] for field in section["fields"]]


def _walk_fields(fields: list[dict]):
    for field in fields:
        yield field
        if field["type"] == "group":
            yield from _walk_fields(field["fields"])


def _condition_fields(condition: dict) -> set[str]:
    if "all" in condition or "any" in condition:
        return {
            name
            for part in condition.get("all", condition.get("any"))
            for name in _condition_fields(part)
        }
    return {condition["field"]}


# --- agencies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("agency", AGENCIES, ids=lambda a: a["code"])
def test_agency_has_the_admin_shape(agency):
    assert set(agency) == AGENCY_KEYS
    assert AGENCY_CODE.match(agency["code"])
    assert _is_text(agency["name_vi"], 255) and _is_text(agency["name_en"], 255)
    assert agency["level"] in {"province", "department", "commune"}
    assert _is_text(agency["address"], 255)
    if agency["level"] == "province":
        assert agency["parent_code"] is None
    else:
        assert agency["parent_code"] in AGENCIES_BY_CODE


@pytest.mark.parametrize("agency", AGENCIES, ids=lambda a: a["code"])
def test_working_hours_are_seven_days_of_ordered_intervals(agency):
    hours = agency["working_hours"]
    assert tuple(hours) == WEEKDAYS
    for intervals in hours.values():
        previous_end = "00:00"
        for start, end in intervals:
            assert HHMM.match(start) and HHMM.match(end)
            assert previous_end <= start < end
            previous_end = end
    assert all(hours[day] for day in WEEKDAYS[:5]), "every agency works Monday to Friday"
    assert hours["sun"] == []


def test_agency_codes_are_unique():
    assert len(AGENCIES_BY_CODE) == len(AGENCIES)


def test_seeded_agencies_keep_their_codes_and_names():
    for code, (name_vi, level) in SEEDED_AGENCIES.items():
        assert AGENCIES_BY_CODE[code]["name_vi"] == name_vi
        assert AGENCIES_BY_CODE[code]["level"] == level


def test_nha_trang_ward_receives_on_saturday_morning():
    assert AGENCIES_BY_CODE["000.31.01.H56"]["working_hours"]["sat"] == [["07:30", "11:30"]]


# --- procedures -------------------------------------------------------------------------------


@by_code
def test_procedure_has_the_admin_shape(procedure):
    assert set(procedure) == PROCEDURE_KEYS
    assert PROCEDURE_CODE.match(procedure["code"])
    assert _is_text(procedure["name_vi"]) and _is_text(procedure["name_en"])
    assert set(procedure["field"]) == {"code", "name_vi", "name_en"}
    assert CODE.match(procedure["field"]["code"])
    assert procedure["online_level"] in {"full", "partial"}
    assert procedure["supplement_policy"] in {"restart", "pause"}
    assert _is_text(procedure["description_vi"], 8000) and _is_text(
        procedure["description_en"], 8000
    )
    assert procedure["legal_basis"] and all(_is_text(item) for item in procedure["legal_basis"])
    assert set(procedure["result"]) == {"type_code", "name_vi", "name_en", "template"}
    assert CODE.match(procedure["result"]["type_code"])
    assert TEMPLATE.match(procedure["result"]["template"])
    json.dumps(procedure)  # stored as JSON: plain data only


@by_code
def test_duration_is_valid(procedure):
    duration = procedure["duration"]
    assert set(duration) == {"amount", "unit", "cutoff"}
    assert isinstance(duration["amount"], int) and duration["amount"] >= 0
    assert duration["unit"] in {"working_days", "calendar_days", "working_hours"}
    assert duration["cutoff"] is None or HHMM.match(duration["cutoff"])
    if duration["cutoff"]:
        assert duration["unit"] != "working_hours"
    if duration["amount"] == 0:
        assert duration["cutoff"], "a same-day procedure needs its cut-off hour"


@by_code
def test_components_are_valid_and_codes_unique(procedure):
    components = procedure["components"]
    assert components
    codes = [component["code"] for component in components]
    assert len(codes) == len(set(codes))
    for component in components:
        assert set(component) == COMPONENT_KEYS
        assert CODE.match(component["code"])
        assert _is_text(component["name_vi"]) and _is_text(component["name_en"])
        assert component["kind"] in {"original", "copy", "original_or_copy"}
        assert isinstance(component["required"], bool) and isinstance(component["reusable"], bool)
        assert component["accepted_types"] and set(component["accepted_types"]) <= MIME_TYPES
        assert isinstance(component["max_size_mb"], int) and 1 <= component["max_size_mb"] <= 50


@by_code
def test_fees_are_whole_non_negative_vnd(procedure):
    codes = [fee["code"] for fee in procedure["fees"]]
    assert len(codes) == len(set(codes))
    for fee in procedure["fees"]:
        assert set(fee) == FEE_KEYS
        assert CODE.match(fee["code"])
        assert type(fee["amount"]) is int and fee["amount"] >= 0
        assert fee["kind"] in {"fee", "charge"}
        assert fee["payable"] in {"at_submission", "on_request"}


def test_procedure_codes_are_unique():
    codes = [procedure["code"] for procedure in PROCEDURES]
    assert len(codes) == len(set(codes))


def test_every_referenced_agency_exists():
    for procedure in PROCEDURES:
        assert procedure["competent_agency_code"] in AGENCIES_BY_CODE
        receivers = procedure["receiving_agency_codes"]
        assert receivers and len(receivers) == len(set(receivers))
        assert set(receivers) <= set(AGENCIES_BY_CODE)


def test_catalogue_spans_communes_and_departments():
    assert len(PROCEDURES) >= 8
    levels = {AGENCIES_BY_CODE[p["competent_agency_code"]]["level"] for p in PROCEDURES}
    assert {"commune", "department"} <= levels


def test_required_procedures_are_present():
    codes = {procedure["code"] for procedure in PROCEDURES}
    assert codes >= REQUIRED_PROCEDURES, REQUIRED_PROCEDURES - codes


def test_known_facts():
    procedures = {procedure["code"]: procedure for procedure in PROCEDURES}
    assert procedures["1.001193"]["fees"] == []  # on-time birth registration is free
    assert procedures["1.001193"]["duration"] == {
        "amount": 0,
        "unit": "working_days",
        "cutoff": "15:00",
    }
    assert [fee["amount"] for fee in procedures["2.000488"]["fees"]] == [200_000]
    assert procedures["2.000488"]["competent_agency_code"] == "000.00.15.H56"
    assert [fee["amount"] for fee in procedures["2.000635"]["fees"]] == [8_000]
    assert procedures["1.000894"]["fees"] == []  # marriage registration is free


# --- e-forms ----------------------------------------------------------------------------------


@by_code
def test_form_fields_are_well_formed(procedure):
    form = procedure["form"]
    assert set(form) == {"sections"} and form["sections"]
    section_keys = [section["key"] for section in form["sections"]]
    assert len(section_keys) == len(set(section_keys))
    for section in form["sections"]:
        assert set(section) == {"key", "title", "fields"}
        assert FIELD_NAME.match(section["key"]) and _is_localised(section["title"])
    for field in _walk_fields(_top_level_fields(form)):
        assert set(field) <= FIELD_KEYS, field["name"]
        assert FIELD_NAME.match(field["name"])
        assert field["type"] in FIELD_TYPES
        assert _is_localised(field["label"]), field["name"]
        for key in ("help", "placeholder"):
            assert key not in field or _is_localised(field[key]), field["name"]
        if field["type"] in {"select", "radio"}:
            values = [option["value"] for option in field["options"]]
            assert values and len(values) == len(set(values))
            assert all(_is_localised(option["label"]) for option in field["options"])
        if field["type"] == "group":
            assert "required" not in field and field["fields"]


@by_code
def test_form_field_names_are_unique_at_top_level(procedure):
    names = [field["name"] for field in _top_level_fields(procedure["form"])]
    assert len(names) == len(set(names))
    assert 6 <= len(names) <= 20


@by_code
def test_form_conditions_name_earlier_top_level_fields(procedure):
    seen: set[str] = set()
    for field in _top_level_fields(procedure["form"]):
        if "visible_if" in field:
            assert _condition_fields(field["visible_if"]) <= seen, field["name"]
        seen.add(field["name"])


@by_code
def test_form_ends_with_a_required_declaration(procedure):
    last = _top_level_fields(procedure["form"])[-1]
    assert last["type"] == "checkbox" and last["required"] is True


@by_code
def test_form_has_no_definition_errors(procedure):
    try:
        from backend.catalog.forms import definition_errors
    except ImportError:
        pytest.skip("backend.catalog.forms is not available")
    assert definition_errors(procedure["form"]) == []


# --- the admin schemas ------------------------------------------------------------------------


def test_everything_loads_through_the_admin_schemas():
    try:
        from backend.catalog.schemas import (
            AgencyInputSchema,
            CalendarEntryInputSchema,
            ProcedureInputSchema,
        )
    except ImportError:
        pytest.skip("backend.catalog.schemas is not available")
    for agency in AGENCIES:
        AgencyInputSchema().load(agency)
    for procedure in PROCEDURES:
        ProcedureInputSchema().load(procedure)
    for entry in CALENDAR_ENTRIES:
        CalendarEntryInputSchema().load(
            {
                "day": entry["date"],
                "kind": entry["kind"],
                "name_vi": entry["name_vi"],
                "name_en": entry["name_en"],
            }
        )


# --- calendar ---------------------------------------------------------------------------------


def test_calendar_entries_are_valid():
    assert CALENDAR_ENTRIES
    days: dict[date, str] = {}
    for entry in CALENDAR_ENTRIES:
        assert set(entry) == {"date", "kind", "name_vi", "name_en"}
        day = date.fromisoformat(entry["date"])
        assert 2025 <= day.year <= 2027
        assert entry["kind"] in {"day_off", "working_day"}
        assert _is_text(entry["name_vi"], 255) and _is_text(entry["name_en"], 255)
        assert day not in days, f"{day} listed twice"
        days[day] = entry["kind"]
    for day, kind in days.items():
        if kind == "working_day":
            assert day.weekday() >= 5, f"make-up day {day} must be a weekend day"
        else:
            assert day.weekday() < 5, f"extra day off {day} must be a weekday"


def test_calendar_entries_add_to_the_holidays_package():
    holidays = pytest.importorskip("holidays")
    statutory = holidays.country_holidays("VN", years=[2025, 2026, 2027])
    for entry in CALENDAR_ENTRIES:
        assert date.fromisoformat(entry["date"]) not in statutory, entry["date"]
