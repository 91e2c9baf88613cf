"""E-form definitions and data validation (backend/catalog/forms.py): no database, no Flask."""

from __future__ import annotations

import copy
import re
import string
import unicodedata
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.accounts.validators import MESSAGES as VALIDATOR_MESSAGES
from backend.accounts.validators import PROVINCE_CODES, personal_id_errors
from backend.catalog import units
from backend.catalog.forms import (
    MESSAGES,
    FormDefinitionError,
    definition_errors,
    validate_data,
    validate_definition,
)
from backend.core.i18n import Message, has_message, translate

TODAY = date(2025, 6, 15)
HA_NOI, HOAN_KIEM = "01", "00070"  # Phường Hoàn Kiếm is in Hà Nội
HO_CHI_MINH, THU_DAU_MOT = "79", "25747"  # Phường Thủ Dầu Một is in TP Hồ Chí Minh
VALID_PID = "001090012345"  # Hà Nội, male born 1990


def label(vi: str, en: str | None = None) -> dict[str, str]:
    return {"vi": vi, "en": en or vi}


def field(name: str, kind: str, **options: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "label": label(name), **options}


def opts(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": label(v)} for v in values]


def form(*fields: dict, key: str = "main") -> dict[str, Any]:
    return {"sections": [{"key": key, "title": label("Thông tin"), "fields": list(fields)}]}


def keys(errors: dict, path: str) -> list[str]:
    """The message keys at ``path``."""
    return [str(m) for m in errors.get(path, [])]


#: A realistic definition: a birth-registration-like application.
DEFINITION: dict[str, Any] = {
    "sections": [
        {
            "key": "applicant",
            "title": label("Người yêu cầu", "Applicant"),
            "description": label("Thông tin người nộp hồ sơ", "The person applying"),
            "fields": [
                field(
                    "full_name",
                    "text",
                    label=label("Họ và tên", "Full name"),
                    required=True,
                    min_length=2,
                    max_length=100,
                    pattern="^[^0-9]+$",
                    help=label("Viết có dấu", "With diacritics"),
                    placeholder=label("Nguyễn Văn A"),
                ),
                field("birth_date", "date", required=True, min="1900-01-01", max="today"),
                field("gender", "radio", required=True, options=opts("male", "female")),
                field("personal_id", "personal_id", required=True),
                field("phone", "phone", required=True),
                field("email", "email"),
                field(
                    "marital_status",
                    "select",
                    required=True,
                    options=opts("single", "married", "divorced"),
                ),
                field(
                    "spouse_name",
                    "text",
                    required=True,
                    visible_if={"field": "marital_status", "equals": "married"},
                ),
                field(
                    "spouse_id",
                    "personal_id",
                    visible_if={
                        "all": [
                            {"field": "marital_status", "in": ["married"]},
                            {"field": "spouse_name", "not_empty": True},
                        ]
                    },
                ),
                field("address", "address", required=True),
            ],
        },
        {
            "key": "household",
            "title": label("Hộ gia đình", "Household"),
            "fields": [
                field("household_size", "number", required=True, integer=True, min=1, max=20),
                field("income", "number", min=0),
                field(
                    "services",
                    "checkbox",
                    options=opts("health", "school", "pension"),
                    min_items=1,
                    max_items=2,
                ),
                field("notes", "textarea", max_length=500),
                field(
                    "children",
                    "group",
                    repeat=True,
                    min_items=0,
                    max_items=5,
                    fields=[
                        field("name", "text", required=True),
                        field("birth_date", "date", required=True, max="today"),
                        field("studying", "checkbox"),
                        field(
                            "school",
                            "text",
                            required=True,
                            visible_if={"field": "studying", "equals": True},
                        ),
                        field(
                            "spouse_school",
                            "text",
                            visible_if={"field": "marital_status", "equals": "married"},
                        ),
                    ],
                ),
                field("has_representative", "checkbox"),
                field(
                    "representative",
                    "group",
                    visible_if={"field": "has_representative", "equals": True},
                    fields=[
                        field("name", "text", required=True),
                        field("phone", "phone"),
                    ],
                ),
                field(
                    "declaration",
                    "checkbox",
                    required=True,
                    label=label("Tôi cam đoan", "I declare"),
                ),
            ],
        },
    ]
}

VALID_DATA: dict[str, Any] = {
    "full_name": "Nguyễn Văn An",
    "birth_date": "1990-05-20",
    "gender": "male",
    "personal_id": VALID_PID,
    "phone": "0912345678",
    "marital_status": "single",
    "address": {"province_code": HA_NOI, "ward_code": HOAN_KIEM, "street": "12 Tràng Tiền"},
    "household_size": 3,
    "services": ["health"],
    "declaration": True,
}


def check(data: dict, *, partial: bool = False, definition: dict = DEFINITION):
    return validate_data(definition, data, partial=partial, today=TODAY)


# --- definitions ------------------------------------------------------------------------------


def test_the_realistic_definition_is_valid():
    assert definition_errors(DEFINITION) == []
    validate_definition(DEFINITION)


def test_the_module_docstring_example_is_valid():
    definition = form(
        field("full_name", "text", required=True, min_length=2, max_length=100),
        field("birth_date", "date", required=True, min="1900-01-01", max="today"),
        field("marital_status", "select", required=True, options=opts("single", "married")),
        field(
            "spouse_name",
            "text",
            required=True,
            visible_if={"field": "marital_status", "equals": "married"},
        ),
        field(
            "children",
            "group",
            repeat=True,
            min_items=0,
            max_items=10,
            fields=[field("name", "text", required=True)],
        ),
        field("address", "address", required=True),
    )
    assert definition_errors(definition) == []


def _fields(definition: dict, section: int = 0) -> list[dict]:
    return definition["sections"][section]["fields"]


def _set(index: int, **changes: Any):
    def mutate(d: dict) -> None:
        _fields(d)[index].update(changes)

    return mutate


def _drop(index: int, key: str):
    def mutate(d: dict) -> None:
        del _fields(d)[index][key]

    return mutate


def _append(*fields: dict, section: int = 0):
    def mutate(d: dict) -> None:
        _fields(d, section).extend(copy.deepcopy(fields))

    return mutate


def _nested_groups(depth: int) -> dict:
    inner = field("leaf", "text")
    for level in range(depth, 0, -1):
        inner = field(f"g{level}", "group", fields=[inner])
    return inner


F = "sections[0].fields"
CHILD = "sections[1].fields[4]"  # the children group

BROKEN_DEFINITIONS = [
    # (mutation, path, message)
    (lambda d: d.update(title="x"), "title", "unknown key 'title'"),
    (lambda d: d.update(sections=[]), "sections", "at least one section is required"),
    (lambda d: d.pop("sections"), "sections", "sections is required and must be a list"),
    (
        lambda d: d.update(sections=d["sections"] * 16),
        "sections",
        "too many sections (at most 30)",
    ),
    (lambda d: d["sections"][0].pop("title"), "sections[0].title", "title is required"),
    (
        lambda d: d["sections"][1].update(key="applicant"),
        "sections[1].key",
        "duplicate section key 'applicant'",
    ),
    (
        lambda d: d["sections"][0].update(feilds=[]),
        "sections[0].feilds",
        "unknown key 'feilds' (did you mean 'fields'?)",
    ),
    (lambda d: d["sections"][0].update(fields=[]), F, "at least one field is required"),
    (lambda d: d["sections"][0].update(fields=["x"]), f"{F}[0]", "a field must be an object"),
    (_set(0, type="txt"), f"{F}[0].type", "unknown type 'txt' (did you mean 'text'?)"),
    (_set(0, type="widget"), f"{F}[0].type", "unknown type 'widget'"),
    (_drop(0, "type"), f"{F}[0].type", "type is required"),
    (_drop(0, "name"), f"{F}[0].name", "field name is required"),
    (
        _set(0, name="FullName"),
        f"{F}[0].name",
        "invalid field name 'FullName': use a-z, 0-9 and _, start with a letter, "
        "at most 50 characters",
    ),
    (_set(1, name="full_name"), f"{F}[1].name", "duplicate field name 'full_name'"),
    (
        _append(field("full_name", "text"), section=1),
        "sections[1].fields[8].name",
        "duplicate field name 'full_name'",
    ),
    (_drop(0, "label"), f"{F}[0].label", "label is required"),
    (_set(0, label={"en": "Name"}), f"{F}[0].label.vi", "the Vietnamese text is required"),
    (_set(0, label={"vi": " "}), f"{F}[0].label.vi", "must be a non-empty string"),
    (_set(0, label={"vi": "Tên", "fr": "Nom"}), f"{F}[0].label.fr", "unknown key 'fr'"),
    (_set(0, label="Tên"), f"{F}[0].label", 'must be an object {"vi": ..., "en": ...}'),
    (_set(0, requird=True), f"{F}[0].requird", "unknown key 'requird' (did you mean 'required'?)"),
    (_set(0, required="yes"), f"{F}[0].required", "must be true or false"),
    (_set(0, options=opts("a")), f"{F}[0].options", "unknown key 'options'"),
    (_set(6, options=[]), f"{F}[6].options", "select needs at least one option"),
    (_drop(6, "options"), f"{F}[6].options", "select needs at least one option"),
    (_set(2, options=[]), f"{F}[2].options", "radio needs at least one option"),
    (
        _set(6, options=opts("single", "single")),
        f"{F}[6].options[1].value",
        "duplicate option value 'single'",
    ),
    (
        _set(6, options=[{"value": 1, "label": label("Một")}]),
        f"{F}[6].options[0].value",
        "must be a non-empty string without padding",
    ),
    (
        _set(6, options=[{"value": "a", "lable": label("A")}]),
        f"{F}[6].options[0].lable",
        "unknown key 'lable' (did you mean 'label'?)",
    ),
    (_set(6, options=[{"value": "a"}]), f"{F}[6].options[0].label", "label is required"),
    (
        _set(0, min_length=5, max_length=3),
        f"{F}[0].min_length",
        "min_length greater than max_length",
    ),
    (_set(0, max_length=20_000), f"{F}[0].max_length", "must be between 1 and 10000"),
    (_set(0, min_length=-1), f"{F}[0].min_length", "must be between 0 and 10000"),
    (_set(0, min_length="2"), f"{F}[0].min_length", "must be an integer"),
    (
        _set(0, pattern="([a-z]"),
        f"{F}[0].pattern",
        "invalid regular expression: …",  # then Python's explanation
    ),
    (
        _set(0, pattern="(?P<name>[a-z]+)"),
        f"{F}[0].pattern",
        "regular expression syntax JavaScript lacks: '(?P'",
    ),
    (
        _set(0, pattern=r"\A[a-z]+\Z"),
        f"{F}[0].pattern",
        "regular expression syntax JavaScript lacks: '\\\\A'",
    ),
    (
        _set(0, pattern="^([A-Za-z]+ ?)+$"),
        f"{F}[0].pattern",
        "nested quantifiers like '(a+)+' can make matching extremely slow",
    ),
    (_set(0, pattern="x" * 501), f"{F}[0].pattern", "too long (at most 500)"),
    (_set(1, min="01/01/1900"), f"{F}[1].min", 'must be a date "YYYY-MM-DD" or "today"'),
    (_set(1, min="2000-01-01", max="1999-12-31"), f"{F}[1].min", "min later than max"),
    (
        _set(1, max="tomorrow"),
        f"{F}[1].max",
        'must be a date "YYYY-MM-DD" or "today"',
    ),
    (
        lambda d: _fields(d, 1)[0].update(min=30),
        "sections[1].fields[0].min",
        "min greater than max",
    ),
    (
        lambda d: _fields(d, 1)[0].update(max=float("inf")),
        "sections[1].fields[0].max",
        "must be a finite number",
    ),
    (
        lambda d: _fields(d, 1)[0].update(integer="yes"),
        "sections[1].fields[0].integer",
        "must be true or false",
    ),
    (
        _set(2, placeholder=label("x")),
        f"{F}[2].placeholder",
        "placeholder is not allowed for type 'radio'",
    ),
    (
        _append(field("agree", "checkbox", min_items=1)),
        f"{F}[10].min_items",
        "min_items needs options",
    ),
    (
        lambda d: _fields(d, 1)[2].update(min_items=4),
        "sections[1].fields[2].min_items",
        "min_items greater than the number of options",
    ),
    (
        lambda d: _fields(d, 1)[4].update(required=True),
        f"{CHILD}.required",
        "a group cannot be required: use min_items or its fields' required",
    ),
    (
        lambda d: _fields(d, 1)[4].update(repeat=False),
        f"{CHILD}.min_items",
        "min_items needs repeat: true",
    ),
    (
        lambda d: _fields(d, 1)[4].update(max_items=1000),
        f"{CHILD}.max_items",
        "must be between 1 and 100",
    ),
    (
        lambda d: _fields(d, 1)[4].update(min_items=6),
        f"{CHILD}.min_items",
        "min_items greater than max_items",
    ),
    (
        lambda d: _fields(d, 1)[4].update(fields=[]),
        f"{CHILD}.fields",
        "at least one field is required",
    ),
    (
        lambda d: _fields(d, 1)[4]["fields"].append(field("name", "text")),
        f"{CHILD}.fields[5].name",
        "duplicate field name 'name'",
    ),
    (
        _append(_nested_groups(3)),
        f"{F}[10].fields[0].fields[0]",
        "groups nested too deeply (at most 2 levels)",
    ),
    (
        _append(*[field(f"f{i}", "text") for i in range(200)]),
        f"{F}[200]",  # the 201st field in all: section 0 is checked first
        "too many fields (at most 200 in all)",
    ),
    # conditions
    (
        _set(7, visible_if={"field": "maritalstatus", "equals": "married"}),
        f"{F}[7].visible_if.field",
        "condition refers to unknown field 'maritalstatus'",
    ),
    (
        _set(7, visible_if={"field": "spouse_name", "not_empty": True}),
        f"{F}[7].visible_if.field",
        "condition refers to the field itself",
    ),
    (
        _set(7, visible_if={"field": "marital_status", "equals": "maried"}),
        f"{F}[7].visible_if.equals",
        "'maried' is not an option of 'marital_status'",
    ),
    (
        _set(7, visible_if={"field": "marital_status", "in": ["single", "widowed"]}),
        f"{F}[7].visible_if.in[1]",
        "'widowed' is not an option of 'marital_status'",
    ),
    (
        _set(7, visible_if={"field": "marital_status", "in": []}),
        f"{F}[7].visible_if.in",
        "must be a non-empty list",
    ),
    (
        _set(7, visible_if={"field": "marital_status", "equals": "married", "not_empty": True}),
        f"{F}[7].visible_if",
        "a condition needs exactly one of equals, in, not_empty (or all/any)",
    ),
    (
        _set(7, visible_if={"field": "marital_status", "equal": "married"}),
        f"{F}[7].visible_if.equal",
        "unknown key 'equal' (did you mean 'equals'?)",
    ),
    (
        _set(7, visible_if={"field": "marital_status", "not_empty": False}),
        f"{F}[7].visible_if.not_empty",
        "must be true",
    ),
    (
        _set(7, visible_if={"all": [{"field": "gender", "equals": "male"}, {"field": "x"}]}),
        f"{F}[7].visible_if.all[1].field",
        "condition refers to unknown field 'x'",
    ),
    (
        _set(7, visible_if={"any": []}),
        f"{F}[7].visible_if.any",
        "must be a non-empty list of conditions",
    ),
    (_set(7, visible_if="married"), f"{F}[7].visible_if", "a condition must be an object"),
    (
        _set(7, visible_if={"field": "address", "equals": "x"}),
        f"{F}[7].visible_if.equals",
        "only not_empty can test a address field",
    ),
    (
        _set(7, visible_if={"field": "household_size", "equals": "3"}),
        f"{F}[7].visible_if.equals",
        "'household_size' is a number: compare with a number",
    ),
    (
        _set(7, visible_if={"field": "declaration", "equals": "yes"}),
        f"{F}[7].visible_if.equals",
        "'declaration' is a checkbox: compare with true or false",
    ),
    (
        _set(7, visible_if={"field": "full_name", "equals": 1}),
        f"{F}[7].visible_if.equals",
        "'full_name' holds text: compare with a string",
    ),
    (
        _set(7, visible_if={"field": "studying", "equals": True}),  # inside the children group
        f"{F}[7].visible_if.field",
        "condition refers to unknown field 'studying'",
    ),
    (
        _set(6, visible_if={"field": "spouse_name", "not_empty": True}),
        f"{F}[6].visible_if",  # reported once, at the first field of the cycle
        "circular visibility conditions: marital_status → spouse_name → marital_status",
    ),
    (
        lambda d: _fields(d, 1)[4]["fields"][2].update(
            visible_if={"field": "school", "not_empty": True}
        ),
        f"{CHILD}.fields[2].visible_if",
        "circular visibility conditions: studying → school → studying",
    ),
    (
        lambda d: _fields(d, 1)[4]["fields"][3].update(
            visible_if={"field": "phone", "not_empty": True, "extra": 1}
        ),
        f"{CHILD}.fields[3].visible_if.extra",
        "unknown key 'extra'",
    ),
    (
        lambda d: _fields(d, 1)[4]["fields"][3].update(
            visible_if={"field": "representative", "equals": "x"}
        ),
        f"{CHILD}.fields[3].visible_if.equals",
        "only not_empty can test a group field",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "message"), BROKEN_DEFINITIONS)
def test_definition_errors(mutate, path, message):
    definition = copy.deepcopy(DEFINITION)
    mutate(definition)
    errors = definition_errors(definition)
    if message.endswith("…"):
        assert any(p == path and m.startswith(message[:-1]) for p, m in errors), errors
    else:
        assert (path, message) in errors, errors


@pytest.mark.parametrize(
    ("definition", "path", "message"),
    [
        (None, "", "the definition must be an object"),
        ([], "", "the definition must be an object"),
        ({"sections": "x"}, "sections", "sections is required and must be a list"),
        ({"sections": [1]}, "sections[0]", "a section must be an object"),
    ],
)
def test_definition_errors_on_non_objects(definition, path, message):
    assert (path, message) in definition_errors(definition)


def test_condition_nesting_is_limited():
    condition: dict = {"field": "marital_status", "equals": "married"}
    for _ in range(6):
        condition = {"all": [condition]}
    definition = copy.deepcopy(DEFINITION)
    _fields(definition)[7]["visible_if"] = condition
    path = f"{F}[7].visible_if" + ".all[0]" * 5
    assert (path, "conditions nested too deeply (at most 5)") in definition_errors(definition)


def test_conditions_inside_groups_may_refer_to_siblings_and_top_level_fields():
    definition = form(
        field("kind", "select", options=opts("a", "b")),
        field(
            "items",
            "group",
            repeat=True,
            fields=[
                field("kind", "radio", options=opts("x", "y")),  # shadows the top-level one
                field("detail", "text", visible_if={"field": "kind", "equals": "x"}),
                field("other", "text", visible_if={"field": "items", "not_empty": True}),
                field(
                    "inner",
                    "group",
                    fields=[
                        field("z", "text", visible_if={"field": "kind", "equals": "a"}),
                    ],
                ),
            ],
        ),
    )
    assert definition_errors(definition) == []
    _fields(definition)[1]["fields"][1]["visible_if"]["equals"] = "a"  # sibling wins
    assert definition_errors(definition) == [
        (f"{F}[1].fields[1].visible_if.equals", "'a' is not an option of 'kind'")
    ]


def test_two_levels_of_groups_are_allowed():
    assert definition_errors(form(_nested_groups(2))) == []
    assert definition_errors(form(_nested_groups(3))) == [
        (f"{F}[0].fields[0].fields[0]", "groups nested too deeply (at most 2 levels)")
    ]


def test_200_fields_are_allowed():
    assert definition_errors(form(*[field(f"f{i}", "text") for i in range(200)])) == []
    errors = definition_errors(form(*[field(f"f{i}", "text") for i in range(250)]))
    assert errors == [(f"{F}[200]", "too many fields (at most 200 in all)")]


def test_errors_are_capped_and_messages_cut():
    long_key = "k" * 100
    definition = form(field("n", "text", **{f"k{i}": 1 for i in range(150)}, **{long_key: 1}))
    errors = definition_errors(definition)
    assert len(errors) == 101
    assert errors[-1] == ("", "too many errors: only the first 100 shown")
    errors = definition_errors(form(field("n", "text", **{long_key: 1})))
    assert errors == [(f"{F}[0].{'k' * 57}...", f"unknown key '{'k' * 57}...'")]


def test_validate_definition_raises_with_the_errors():
    broken = form(field("x", "txt"), field("x", "text"))
    with pytest.raises(FormDefinitionError) as raised:
        validate_definition(broken)
    assert isinstance(raised.value, ValueError)
    assert raised.value.errors == [
        (f"{F}[0].type", "unknown type 'txt' (did you mean 'text'?)"),
        (f"{F}[1].name", "duplicate field name 'x'"),
    ]
    assert "unknown type 'txt'" in str(raised.value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            [
                *("sections", "key", "title", "fields", "name", "type", "label", "vi", "options"),
                *("value", "visible_if", "field", "equals", "in", "all", "repeat", "min", "x"),
            ]
        )
        | st.text(max_size=5),
        children,
        max_size=5,
    ),
    max_leaves=30,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_definition_errors_never_raise(definition):
    errors = definition_errors(definition)
    assert all(isinstance(p, str) and isinstance(m, str) for p, m in errors)


@settings(max_examples=200)
@given(st.data())
def test_definition_errors_never_raise_on_mutated_definitions(data):
    definition = copy.deepcopy(DEFINITION)
    target = data.draw(st.sampled_from(_fields(definition) + _fields(definition, 1)))
    key = data.draw(
        st.sampled_from(["type", "options", "visible_if", "fields", "min", "label", "name"])
    )
    target[key] = data.draw(JSON)
    errors = definition_errors(definition)
    assert all(isinstance(p, str) and isinstance(m, str) for p, m in errors)


# --- field types ------------------------------------------------------------------------------

FIELD_CASES: list[tuple[str, dict, Any, Any, list[str]]] = [
    # text
    ("text", {}, "  Nguyễn Văn A  ", "Nguyễn Văn A", []),
    ("text", {}, unicodedata.normalize("NFD", "Hoà"), "Hoà", []),
    ("text", {}, "   ", None, []),
    ("text", {}, 12, None, ["form.text"]),
    ("text", {}, "a\nb", None, ["form.control_characters"]),
    ("text", {}, "a\x00b", None, ["form.control_characters"]),
    ("text", {"min_length": 2}, "A", None, ["form.min_length"]),
    ("text", {"max_length": 3}, "abcd", None, ["form.max_length"]),
    ("text", {}, "x" * 1000, "x" * 1000, []),
    ("text", {}, "x" * 1001, None, ["form.max_length"]),
    ("text", {"pattern": "^[^0-9]+$"}, "Lê Thị B", "Lê Thị B", []),
    ("text", {"pattern": "^[^0-9]+$"}, "B2", None, ["form.pattern"]),
    ("text", {"pattern": "[0-9]{3}"}, "1234", None, ["form.pattern"]),  # whole value
    # textarea
    ("textarea", {}, " dòng 1\r\ndòng 2\t \n", "dòng 1\ndòng 2", []),
    ("textarea", {}, "a\x07", None, ["form.control_characters"]),
    ("textarea", {}, "x" * 10_001, None, ["form.max_length"]),
    # number
    ("number", {}, 3, 3, []),
    ("number", {}, 2.5, 2.5, []),
    ("number", {}, " 42 ", 42, []),
    ("number", {}, "-1.25", -1.25, []),
    ("number", {}, "", None, []),
    ("number", {}, "1,5", None, ["form.number"]),
    ("number", {}, "1e3", None, ["form.number"]),
    ("number", {}, True, None, ["form.number"]),
    ("number", {}, [1], None, ["form.number"]),
    ("number", {}, 10**16, None, ["form.number"]),
    ("number", {}, 10**400, None, ["form.number"]),
    ("number", {}, "9" * 5000, None, ["form.number"]),
    ("number", {}, float("nan"), None, ["form.number"]),
    ("number", {"integer": True}, 4.0, 4, []),
    ("number", {"integer": True}, "4", 4, []),
    ("number", {"integer": True}, 4.5, None, ["form.integer"]),
    ("number", {"min": 1, "max": 10}, 0, None, ["form.min"]),
    ("number", {"min": 1, "max": 10}, 10.5, None, ["form.max"]),
    ("number", {"min": 1, "max": 10}, 10, 10, []),
    # date
    ("date", {}, "2024-02-29", "2024-02-29", []),
    ("date", {}, " 2024-02-29 ", "2024-02-29", []),
    ("date", {}, "2023-02-29", None, ["form.date"]),
    ("date", {}, "20240229", None, ["form.date"]),
    ("date", {}, "29/02/2024", None, ["form.date"]),
    ("date", {}, "2024-02-29T00:00:00", None, ["form.date"]),
    ("date", {}, 20240229, None, ["form.date"]),
    ("date", {"min": "1900-01-01"}, "1899-12-31", None, ["form.date_min"]),
    ("date", {"max": "today"}, TODAY.isoformat(), TODAY.isoformat(), []),
    ("date", {"max": "today"}, (TODAY + timedelta(1)).isoformat(), None, ["form.date_max"]),
    ("date", {"min": "today"}, (TODAY - timedelta(1)).isoformat(), None, ["form.date_min"]),
    # select / radio
    ("select", {"options": opts("a", "b")}, "b", "b", []),
    ("select", {"options": opts("a", "b")}, "", None, []),
    ("select", {"options": opts("a", "b")}, "c", None, ["form.choice"]),
    ("select", {"options": opts("a", "b")}, " a", None, ["form.choice"]),
    ("select", {"options": opts("1", "2")}, 1, None, ["form.choice"]),
    ("radio", {"options": opts("male", "female")}, "female", "female", []),
    ("radio", {"options": opts("male", "female")}, ["male"], None, ["form.choice"]),
    # checkbox
    ("checkbox", {}, True, True, []),
    ("checkbox", {}, False, False, []),
    ("checkbox", {}, "true", None, ["form.boolean"]),
    ("checkbox", {}, 1, None, ["form.boolean"]),
    ("checkbox", {"options": opts("a", "b", "c")}, ["c", "a"], ["a", "c"], []),
    ("checkbox", {"options": opts("a", "b", "c")}, [], [], []),
    ("checkbox", {"options": opts("a", "b", "c")}, "a", None, ["form.list"]),
    ("checkbox", {"options": opts("a", "b", "c")}, ["a", "d"], None, ["form.choice"]),
    ("checkbox", {"options": opts("a", "b", "c")}, ["a", "a"], None, ["form.duplicate_choice"]),
    (
        "checkbox",
        {"options": opts("a", "b", "c"), "max_items": 1},
        ["a", "b"],
        None,
        ["form.max_items"],
    ),
    # personal_id
    ("personal_id", {}, VALID_PID, VALID_PID, []),
    ("personal_id", {}, " 001 090 012 345 ", VALID_PID, []),
    ("personal_id", {}, "00109001234", None, ["personal_id.format"]),
    ("personal_id", {}, "003090012345", None, ["personal_id.province"]),
    ("personal_id", {}, 1090012345, None, ["form.text"]),
    # phone
    ("phone", {}, "0912345678", "0912345678", []),
    ("phone", {}, "+84 912.345.678", "0912345678", []),
    ("phone", {}, "(+84) 0912-345-678", "0912345678", []),
    ("phone", {}, "0241234567", None, ["phone.invalid"]),
    ("phone", {}, "091234567", None, ["phone.invalid"]),
    ("phone", {}, 912345678, None, ["form.text"]),
    # email
    ("email", {}, " an.nguyen+dvc@Example.GOV.vn ", "an.nguyen+dvc@example.gov.vn", []),
    ("email", {}, "An@xn--80ak6aa92e.com", "An@xn--80ak6aa92e.com", []),
    ("email", {}, "an@example", None, ["form.email"]),
    ("email", {}, "an@@example.vn", None, ["form.email"]),
    ("email", {}, "an nguyen@example.vn", None, ["form.email"]),
    ("email", {}, ".an@example.vn", None, ["form.email"]),
    ("email", {}, "an..b@example.vn", None, ["form.email"]),
    ("email", {}, "an@-example.vn", None, ["form.email"]),
    ("email", {}, "an@example.v", None, ["form.email"]),
    ("email", {}, "x" * 65 + "@example.vn", None, ["form.email"]),
    ("email", {}, "an@" + "a" * 250 + ".vn", None, ["form.email"]),
]


@pytest.mark.parametrize(("kind", "options", "value", "cleaned", "errors"), FIELD_CASES)
def test_field_types(kind, options, value, cleaned, errors):
    definition = form(field("f", kind, **options))
    assert definition_errors(definition) == []
    for partial in (True, False):
        result, found = validate_data(definition, {"f": value}, partial=partial, today=TODAY)
        assert keys(found, "f") == errors
        assert list(found) == (["f"] if errors else [])
        if errors:
            assert "f" not in result
        else:
            assert result == {"f": cleaned}
            assert type(result["f"]) is type(cleaned)


def test_null_is_empty_for_every_type():
    for kind, options, *_ in FIELD_CASES:
        definition = form(field("f", kind, **options))
        assert validate_data(definition, {"f": None}, partial=False) == ({"f": None}, {})


def test_number_min_max_messages_carry_params():
    definition = form(field("age", "number", min=18, max=65))
    _, errors = check({"age": 17}, definition=definition)
    assert errors == {"age": ["form.min"]}
    assert errors["age"][0].params == {"min": 18}
    _, errors = check({"age": 66}, definition=definition)
    assert errors["age"][0].params == {"max": 65}


def test_date_messages_carry_iso_and_vietnamese_dates():
    definition = form(field("d", "date", min="1900-01-01", max="today"))
    _, errors = check({"d": "2025-06-16"}, definition=definition)
    message = errors["d"][0]
    assert message == "form.date_max"
    assert message.params == {"max": "2025-06-15", "max_vi": "15/06/2025"}
    assert translate(message, "vi", **message.params) == "Ngày không được sau 15/06/2025."
    assert translate(message, "en", **message.params) == "The date must be on or before 2025-06-15."
    _, errors = check({"d": "1899-01-01"}, definition=definition)
    assert errors["d"][0].params == {"min": "1900-01-01", "min_vi": "01/01/1900"}


def test_today_defaults_to_the_date_in_vietnam():
    definition = form(field("d", "date", max="today"))
    far_future = (date.today() + timedelta(days=3)).isoformat()
    assert keys(validate_data(definition, {"d": far_future}, partial=True)[1], "d") == [
        "form.date_max"
    ]
    past = (date.today() - timedelta(days=3)).isoformat()
    assert validate_data(definition, {"d": past}, partial=True)[1] == {}


def test_personal_id_reuses_the_account_validator():
    definition = form(field("pid", "personal_id"))
    for value in ["001090012345", "003090012345", "12345", "079203001234", "abcdefghijkl"]:
        _, errors = check({"pid": value}, definition=definition)
        assert keys(errors, "pid") == personal_id_errors(value)
        assert all(isinstance(m, Message) for m in errors.get("pid", []))


def test_phone_is_normalised():
    cleaned, errors = check({"phone": "84 (98) 765 4321"}, partial=True)
    assert (cleaned, errors) == ({"phone": "0987654321"}, {})


# --- partial and complete ---------------------------------------------------------------------


def test_valid_data_passes_both_modes():
    for partial in (True, False):
        cleaned, errors = check(VALID_DATA, partial=partial)
        assert errors == {}
        assert cleaned == VALID_DATA


def test_a_partial_save_of_one_field_passes():
    assert check({"full_name": " Trần Thị Bình "}, partial=True) == (
        {"full_name": "Trần Thị Bình"},
        {},
    )


def test_a_partial_save_accepts_empty_required_fields_but_checks_present_values():
    cleaned, errors = check(
        {"full_name": "", "phone": None, "birth_date": "2030-01-01"}, partial=True
    )
    assert cleaned == {"full_name": None, "phone": None}
    assert errors == {"birth_date": ["form.date_max"]}


def test_partial_mode_still_checks_min_length_of_non_empty_values():
    _, errors = check({"full_name": "A"}, partial=True)
    assert errors == {"full_name": ["form.min_length"]}
    assert errors["full_name"][0].params == {"min": 2}


def test_complete_mode_lists_each_missing_required_field():
    cleaned, errors = check({"full_name": "Trần Thị Bình"})
    assert cleaned == {"full_name": "Trần Thị Bình"}
    assert errors == {
        "birth_date": ["form.required"],
        "gender": ["form.required"],
        "personal_id": ["form.required"],
        "phone": ["form.required"],
        "marital_status": ["form.required"],
        "address": ["form.required"],
        "household_size": ["form.required"],
        "services": ["form.min_items"],
        "declaration": ["form.must_accept"],
    }


def test_complete_mode_treats_blank_values_as_missing():
    data = {**VALID_DATA, "full_name": "   ", "gender": "", "household_size": ""}
    _, errors = check(data)
    assert errors == {
        "full_name": ["form.required"],
        "gender": ["form.required"],
        "household_size": ["form.required"],
    }


def test_invalid_values_are_not_also_reported_as_missing():
    _, errors = check({**VALID_DATA, "phone": "123"})
    assert errors == {"phone": ["phone.invalid"]}


def test_unknown_fields_are_errors_in_both_modes():
    for partial in (True, False):
        cleaned, errors = check({**VALID_DATA, "nickname": "An", "Full_name": "x"}, partial=partial)
        assert errors == {"nickname": ["form.unknown_field"], "Full_name": ["form.unknown_field"]}
        assert "nickname" not in cleaned


def test_data_must_be_an_object():
    for data in (None, [], "x", 1):
        for partial in (True, False):
            assert validate_data(DEFINITION, data, partial=partial) == (
                {},
                {"_schema": ["form.object"]},
            )


def test_cleaned_follows_the_definition_order():
    data = dict(reversed(list(VALID_DATA.items())))
    cleaned, _ = check(data)
    assert list(cleaned) == list(VALID_DATA)


# --- checkbox ---------------------------------------------------------------------------------


def test_a_declaration_must_be_ticked_on_submission():
    for value in (False, None):
        _, errors = check({**VALID_DATA, "declaration": value})
        assert errors == {"declaration": ["form.must_accept"]}
    data = {k: v for k, v in VALID_DATA.items() if k != "declaration"}
    assert check(data)[1] == {"declaration": ["form.must_accept"]}
    assert check({"declaration": False}, partial=True) == ({"declaration": False}, {})


def test_an_optional_checkbox_may_be_false():
    definition = form(field("newsletter", "checkbox"))
    assert check({"newsletter": False}, definition=definition) == ({"newsletter": False}, {})
    assert check({}, definition=definition) == ({}, {})


def test_checkbox_options_min_and_max_items():
    _, errors = check({**VALID_DATA, "services": []})
    assert errors == {"services": ["form.min_items"]}
    assert errors["services"][0].params == {"min": 1}
    assert check({"services": []}, partial=True) == ({"services": []}, {})
    _, errors = check({**VALID_DATA, "services": ["health", "school", "pension"]})
    assert errors == {"services": ["form.max_items"]}
    assert errors["services"][0].params == {"max": 2}
    required = form(field("langs", "checkbox", required=True, options=opts("vi", "en")))
    assert check({"langs": []}, definition=required)[1] == {"langs": ["form.required"]}


# --- visibility -------------------------------------------------------------------------------


def test_a_hidden_required_field_is_not_required():
    assert check(VALID_DATA)[1] == {}  # single: no spouse_name needed
    _, errors = check({**VALID_DATA, "marital_status": "married"})
    assert errors == {"spouse_name": ["form.required"]}


def test_values_of_hidden_fields_are_dropped_on_submission_only():
    data = {**VALID_DATA, "spouse_name": "Lê Văn C", "spouse_id": "001090012345"}
    cleaned, errors = check(data)
    assert errors == {}
    assert "spouse_name" not in cleaned
    assert "spouse_id" not in cleaned
    cleaned, errors = check(data, partial=True)
    assert errors == {}
    assert cleaned["spouse_name"] == "Lê Văn C"


def test_errors_of_hidden_fields_are_dropped_on_submission():
    data = {**VALID_DATA, "spouse_name": 42, "spouse_id": "bad"}
    cleaned, errors = check(data)
    assert errors == {}
    assert "spouse_name" not in cleaned
    _, errors = check(data, partial=True)
    assert set(errors) == {"spouse_name", "spouse_id"}


def test_visible_fields_keep_their_values():
    data = {**VALID_DATA, "marital_status": "married", "spouse_name": "Lê Văn C"}
    cleaned, errors = check(data)
    assert errors == {}
    assert cleaned["spouse_name"] == "Lê Văn C"


def test_all_and_in_and_not_empty_conditions():
    base = {**VALID_DATA, "marital_status": "married", "spouse_id": "001090012345"}
    cleaned, errors = check({**base, "spouse_name": "Lê Văn C"})
    assert errors == {}
    assert cleaned["spouse_id"] == "001090012345"
    # spouse_name is visible but empty: spouse_id is hidden, and spouse_name is required
    cleaned, errors = check({**base, "spouse_name": " "})
    assert errors == {"spouse_name": ["form.required"]}
    assert "spouse_id" not in cleaned


def test_a_field_controlled_by_a_hidden_field_is_hidden():
    # single: spouse_name is hidden, so its value counts as empty and spouse_id is hidden too
    data = {**VALID_DATA, "spouse_name": "Lê Văn C", "spouse_id": "001090012345"}
    cleaned, _ = check(data)
    assert "spouse_id" not in cleaned


def test_any_condition_and_lists():
    definition = form(
        field("langs", "checkbox", options=opts("vi", "en", "fr")),
        field("kind", "select", options=opts("a", "b")),
        field(
            "translator",
            "text",
            required=True,
            visible_if={
                "any": [{"field": "langs", "equals": "fr"}, {"field": "kind", "in": ["b"]}]
            },
        ),
    )
    assert definition_errors(definition) == []
    assert check({"langs": ["vi", "en"]}, definition=definition)[1] == {}
    assert check({"langs": ["fr"]}, definition=definition)[1] == {"translator": ["form.required"]}
    assert check({"kind": "b"}, definition=definition)[1] == {"translator": ["form.required"]}


def test_conditions_compare_cleaned_values():
    definition = form(
        field("phone", "phone"),
        field(
            "vip", "checkbox", required=True, visible_if={"field": "phone", "equals": "0912345678"}
        ),
        field("n", "number"),
        field("big", "checkbox", required=True, visible_if={"field": "n", "in": [1, 2]}),
    )
    assert definition_errors(definition) == []
    _, errors = check({"phone": "+84 912 345 678", "n": "2"}, definition=definition)
    assert errors == {"vip": ["form.must_accept"], "big": ["form.must_accept"]}
    _, errors = check({"n": True}, definition=definition)  # invalid: treated as empty
    assert errors == {"n": ["form.number"]}


def test_conditions_inside_group_items_refer_to_siblings():
    children = [
        {"name": "Bé Na", "birth_date": "2015-01-01", "studying": True},
        {"name": "Bé Tí", "birth_date": "2022-01-01", "studying": False, "school": "Mầm non"},
        {"name": "Bé Bo", "birth_date": "2012-01-01", "studying": True, "school": "THCS Lê Lợi"},
    ]
    cleaned, errors = check({**VALID_DATA, "children": children})
    assert errors == {"children.0.school": ["form.required"]}
    assert "school" not in cleaned["children"][1]  # hidden: dropped
    assert cleaned["children"][2]["school"] == "THCS Lê Lợi"


def test_conditions_inside_group_items_fall_back_to_top_level_fields():
    child = {"name": "Bé Na", "birth_date": "2015-01-01", "spouse_school": "THPT X"}
    cleaned, errors = check({**VALID_DATA, "children": [child]})
    assert errors == {}
    assert "spouse_school" not in cleaned["children"][0]
    married = {**VALID_DATA, "marital_status": "married", "spouse_name": "Lê Văn C"}
    cleaned, errors = check({**married, "children": [child]})
    assert errors == {}
    assert cleaned["children"][0]["spouse_school"] == "THPT X"


def test_a_hidden_group_is_dropped_with_its_errors():
    data = {**VALID_DATA, "has_representative": False, "representative": {"phone": "123"}}
    cleaned, errors = check(data)
    assert errors == {}
    assert "representative" not in cleaned
    data["has_representative"] = True
    _, errors = check(data)
    assert errors == {
        "representative.phone": ["phone.invalid"],
        "representative.name": ["form.required"],
    }


def test_a_visible_group_without_a_value_reports_its_required_fields():
    _, errors = check({**VALID_DATA, "has_representative": True})
    assert errors == {"representative.name": ["form.required"]}


# --- groups -----------------------------------------------------------------------------------


def test_repeating_group_items_are_validated_with_nested_paths():
    children = [
        {"name": "Bé Na", "birth_date": "2015-01-01"},
        {"name": "", "birth_date": "2030-01-01", "hobby": "x"},
        "Bé Tí",
    ]
    cleaned, errors = check({**VALID_DATA, "children": children})
    assert errors == {
        "children.1.birth_date": ["form.date_max"],
        "children.1.hobby": ["form.unknown_field"],
        "children.2": ["form.object"],
        "children.1.name": ["form.required"],
    }
    assert cleaned["children"][0] == {"name": "Bé Na", "birth_date": "2015-01-01"}


def test_repeating_group_in_partial_mode_checks_only_present_keys():
    children = [{"name": "Bé Na"}, {}]
    cleaned, errors = check({"children": children}, partial=True)
    assert errors == {}
    assert cleaned == {"children": [{"name": "Bé Na"}, {}]}


def test_repeating_group_min_and_max_items():
    definition = form(
        field("people", "group", repeat=True, min_items=2, max_items=3, fields=[field("n", "text")])
    )
    _, errors = check({"people": [{"n": "a"}]}, definition=definition)
    assert errors == {"people": ["form.min_items"]}
    assert errors["people"][0].params == {"min": 2}
    _, errors = check({}, definition=definition)
    assert errors == {"people": ["form.min_items"]}
    assert check({"people": [{"n": "a"}]}, partial=True, definition=definition)[1] == {}
    for partial in (True, False):
        _, errors = check({"people": [{}] * 4}, partial=partial, definition=definition)
        assert errors == {"people": ["form.max_items"]}
        assert errors["people"][0].params == {"max": 3}
    _, errors = check({"people": {"n": "a"}}, definition=definition)
    assert errors == {"people": ["form.list"]}


def test_repeating_groups_are_capped_at_100_items():
    definition = form(field("people", "group", repeat=True, fields=[field("n", "text")]))
    assert check({"people": [{}] * 100}, definition=definition)[1] == {}
    assert check({"people": [{}] * 101}, definition=definition)[1] == {"people": ["form.max_items"]}


def test_single_group_and_nested_groups():
    definition = form(
        field(
            "owner",
            "group",
            fields=[
                field("name", "text", required=True),
                field(
                    "vehicles",
                    "group",
                    repeat=True,
                    fields=[
                        field("plate", "text", required=True, pattern="[0-9]{2}[A-Z]-[0-9]{4,5}"),
                        field("note", "text"),
                    ],
                ),
            ],
        )
    )
    assert definition_errors(definition) == []
    data = {"owner": {"name": "An", "vehicles": [{"plate": "29A-12345"}, {"plate": "x"}, {}]}}
    cleaned, errors = check(data, definition=definition)
    assert errors == {
        "owner.vehicles.1.plate": ["form.pattern"],
        "owner.vehicles.2.plate": ["form.required"],
    }
    assert cleaned["owner"]["vehicles"][0] == {"plate": "29A-12345"}
    assert check({"owner": []}, definition=definition)[1] == {"owner": ["form.object"]}
    assert check({"owner": {"name": "An", "x": 1}}, definition=definition)[1] == {
        "owner.x": ["form.unknown_field"]
    }


# --- address ----------------------------------------------------------------------------------


def test_a_real_address_passes():
    address = {"province_code": HO_CHI_MINH, "ward_code": THU_DAU_MOT, "street": " 5 Lê Lợi "}
    cleaned, errors = check({**VALID_DATA, "address": address})
    assert errors == {}
    assert cleaned["address"] == {**address, "street": "5 Lê Lợi"}
    assert units.ward_in_province(THU_DAU_MOT, HO_CHI_MINH)


def test_a_ward_of_another_province_fails():
    address = {"province_code": HA_NOI, "ward_code": THU_DAU_MOT, "street": "5 Lê Lợi"}
    for partial in (True, False):
        cleaned, errors = check({**VALID_DATA, "address": address}, partial=partial)
        assert errors == {"address.ward_code": ["form.ward_not_in_province"]}
        assert "ward_code" not in cleaned["address"]


@pytest.mark.parametrize(
    ("address", "errors"),
    [
        (
            {"province_code": "1", "ward_code": HOAN_KIEM, "street": "x"},
            {"province_code": "form.province_unknown"},
        ),
        (
            {"province_code": 1, "ward_code": HOAN_KIEM, "street": "x"},
            {"province_code": "form.text"},
        ),
        (
            {"province_code": HA_NOI, "ward_code": "70", "street": "x"},
            {"ward_code": "form.ward_unknown"},
        ),
        (
            {"province_code": HA_NOI, "ward_code": HOAN_KIEM, "street": "x" * 201},
            {"street": "form.max_length"},
        ),
        (
            {"province_code": HA_NOI, "ward_code": HOAN_KIEM, "street": "a\nb"},
            {"street": "form.control_characters"},
        ),
        (
            {"province_code": HA_NOI, "ward_code": HOAN_KIEM, "street": "x", "zip": "1"},
            {"zip": "form.unknown_field"},
        ),
        ({"province_code": HA_NOI, "ward_code": HOAN_KIEM}, {"street": "form.required"}),
        (
            {"province_code": HA_NOI, "street": " "},
            {"ward_code": "form.required", "street": "form.required"},
        ),
        ({"ward_code": HOAN_KIEM, "street": "x"}, {"province_code": "form.required"}),
    ],
)
def test_address_errors(address, errors):
    _, found = check({**VALID_DATA, "address": address})
    assert found == {f"address.{k}": [v] for k, v in errors.items()}


def test_an_address_must_be_an_object():
    assert check({**VALID_DATA, "address": "Hà Nội"})[1] == {"address": ["form.object"]}


def test_partial_addresses_are_allowed_in_partial_mode():
    cleaned, errors = check({"address": {"province_code": HA_NOI}}, partial=True)
    assert (cleaned, errors) == ({"address": {"province_code": HA_NOI}}, {})
    cleaned, errors = check({"address": {"ward_code": HOAN_KIEM, "street": ""}}, partial=True)
    assert (cleaned, errors) == ({"address": {"ward_code": HOAN_KIEM, "street": None}}, {})
    _, errors = check({"address": {"ward_code": "99999"}}, partial=True)
    assert errors == {"address.ward_code": ["form.ward_unknown"]}


def test_an_optional_address_is_empty_or_complete():
    definition = form(field("old_address", "address"))
    assert check({}, definition=definition)[1] == {}
    empty = {"province_code": None, "ward_code": "", "street": " "}
    assert check({"old_address": empty}, definition=definition)[1] == {}
    _, errors = check({"old_address": {"province_code": HA_NOI}}, definition=definition)
    assert errors == {
        "old_address.ward_code": ["form.required"],
        "old_address.street": ["form.required"],
    }


# --- messages ---------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_form_message_has_vietnamese_and_english_with_the_same_placeholders():
    for key, texts in MESSAGES.items():
        assert key.startswith("form.")
        assert set(texts) == {"vi", "en"}
        assert set(_PLACEHOLDER.findall(texts["vi"])) <= set(_PLACEHOLDER.findall(texts["en"])) | {
            "min_vi",
            "max_vi",
        }
        assert has_message(key)


def test_vietnamese_messages_have_diacritics():
    assert translate("form.min_length", "vi", min=2) == "Cần ít nhất 2 ký tự."
    assert translate("form.min_length", "en", min=2) == "At least 2 characters."
    assert translate("form.required", "vi") == "Trường này là bắt buộc."
    assert translate("form.ward_not_in_province", "vi") == (
        "Phường, xã, đặc khu không thuộc tỉnh, thành phố đã chọn."
    )


ALL_MESSAGE_KEYS = set(MESSAGES) | set(VALIDATOR_MESSAGES)


def _assert_messages(errors: dict) -> None:
    for path, messages in errors.items():
        assert isinstance(path, str)
        assert messages
        for message in messages:
            assert isinstance(message, Message)
            assert str(message) in ALL_MESSAGE_KEYS
            for language in ("vi", "en"):
                text = (MESSAGES | VALIDATOR_MESSAGES)[str(message)][language]
                text.format(**message.params)  # every placeholder has its parameter


def test_messages_of_the_field_cases_are_known_and_formattable():
    for kind, options, value, *_ in FIELD_CASES:
        _, errors = validate_data(form(field("f", kind, **options)), {"f": value}, partial=False)
        _assert_messages(errors)


# --- properties -------------------------------------------------------------------------------

NAME_WORDS = ["Nguyễn", "Trần", "Lê", "Văn", "Thị", "Ánh", "Đức", "Hoà", "Ngọc", "Thuỷ", "Ư"]
WARDS = [
    (w["province_code"], w["code"])
    for p in units.list_provinces()
    for w in (units.list_wards(p["code"]) or [])[:5]
]


def _spaced(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["", " ", "  "]), text, st.sampled_from(["", " ", "\t"])).map(
        "".join
    )


names = _spaced(
    st.tuples(
        st.lists(st.sampled_from(NAME_WORDS), min_size=2, max_size=5).map(" ".join),
        st.sampled_from(["NFC", "NFD"]),
    ).map(lambda t: unicodedata.normalize(t[1], t[0]))
)
dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY).map(date.isoformat)


@st.composite
def personal_ids(draw) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    number = province + draw(st.text(string.digits, min_size=9, max_size=9))
    if draw(st.booleans()):
        number = f"{number[:3]} {number[3:6]} {number[6:9]} {number[9:]}"
    return number


@st.composite
def phones(draw) -> str:
    prefix = draw(st.sampled_from(["32", "86", "90", "91", "97", "98", "70", "88"]))
    rest = draw(st.text(string.digits, min_size=7, max_size=7))
    national = "0" + prefix + rest
    style = draw(st.sampled_from(["national", "plus", "dots", "spaces"]))
    if style == "plus":
        return "+84" + national[1:]
    if style == "dots":
        return f"{national[:4]}.{national[4:7]}.{national[7:]}"
    if style == "spaces":
        return f"+84 {national[1:4]} {national[4:7]} {national[7:]}"
    return national


emails = st.tuples(
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9_+-]{1,5})?", fullmatch=True),
    st.from_regex(r"[a-zA-Z0-9]{1,10}\.(vn|gov\.vn|com|COM\.VN)", fullmatch=True),
).map(lambda t: f"{t[0]}@{t[1]}")


@st.composite
def addresses(draw) -> dict:
    province, ward = draw(st.sampled_from(WARDS))
    street = draw(
        _spaced(
            st.text(
                string.ascii_letters + string.digits + " /,-ươàđ", min_size=1, max_size=100
            ).filter(str.strip)
        )
    )
    return {"province_code": province, "ward_code": ward, "street": street}


def _maybe(draw, strategy):
    return draw(st.none() | strategy)


@st.composite
def children(draw) -> dict:
    child = {"name": draw(names), "birth_date": draw(dates)}
    studying = draw(st.none() | st.booleans())
    if studying is not None:
        child["studying"] = studying
    if studying or draw(st.booleans()):  # a school for a non-student is a hidden value
        child["school"] = draw(names)
    if draw(st.booleans()):
        child["spouse_school"] = draw(names)
    return child


@st.composite
def valid_data(draw) -> dict:
    status = draw(st.sampled_from(["single", "married", "divorced"]))
    data: dict[str, Any] = {
        "full_name": draw(names),
        "birth_date": draw(dates),
        "gender": draw(st.sampled_from(["male", "female"])),
        "personal_id": draw(personal_ids()),
        "phone": draw(phones()),
        "marital_status": status,
        "address": draw(addresses()),
        "household_size": draw(
            st.integers(1, 20).flatmap(lambda n: st.sampled_from([n, float(n), str(n)]))
        ),
        "services": draw(
            st.lists(
                st.sampled_from(["health", "school", "pension"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        ),
        "declaration": True,
    }
    if draw(st.booleans()):
        data["email"] = draw(st.sampled_from(["", None]) | emails)
    if status == "married" or draw(st.booleans()):
        data["spouse_name"] = draw(names)
    if draw(st.booleans()):
        data["spouse_id"] = draw(personal_ids())
    if draw(st.booleans()):
        data["income"] = draw(
            st.floats(0, 1e12) | st.integers(0, 10**12) | st.decimals(0, 10**9, places=2).map(str)
        )
    if draw(st.booleans()):
        data["notes"] = draw(st.text(string.ascii_letters + "ạ \n\r\t", max_size=400))
    if draw(st.booleans()):
        data["children"] = draw(st.lists(children(), max_size=5))
    has_representative = draw(st.none() | st.booleans())
    if has_representative is not None:
        data["has_representative"] = has_representative
    if has_representative or draw(st.booleans()):
        representative = {"name": draw(names)}
        if draw(st.booleans()):
            representative["phone"] = draw(phones())
        data["representative"] = representative
    items = list(data.items())
    draw(st.randoms()).shuffle(items)
    return dict(items)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_data())
def test_valid_data_passes_and_validation_is_idempotent(data):
    cleaned, errors = check(data)
    assert errors == {}
    again, errors = check(cleaned)
    assert errors == {}
    assert again == cleaned
    partial, errors = check(data, partial=True)
    assert errors == {}
    assert check(partial, partial=True) == (partial, {})
    # spot checks of the normalisation
    assert cleaned["phone"].startswith("0") and len(cleaned["phone"]) == 10
    assert cleaned["full_name"] == unicodedata.normalize("NFC", data["full_name"]).strip()
    assert " " not in cleaned["personal_id"]
    assert isinstance(cleaned["household_size"], int)
    if data["marital_status"] != "married":
        assert "spouse_name" not in cleaned
    for child in cleaned.get("children", []):
        assert ("school" in child) == (child.get("studying") is True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([*VALID_DATA, "email", "spouse_name", "children", "representative", "x"]),
        JSON,
        max_size=8,
    ),
    st.booleans(),
)
def test_validation_never_raises_on_arbitrary_data(data, partial):
    cleaned, errors = check(data, partial=partial)
    assert isinstance(cleaned, dict)
    _assert_messages(errors)
