"""E-forms of the procedure catalogue: the definition format and the one validator of its data.

Each procedure version carries a JSON form definition. The SPA renders the form from it; the
server checks the citizen's data with :func:`validate_data`, both for draft saves
(``partial=True``) and for submission (``partial=False``). Admins' definitions are checked with
:func:`definition_errors` before they are stored.

Definition
==========

``{"sections": [section, ...]}`` (1-30 sections, 200 fields in all, nested groups included)::

    section = {"key": name, "title": text, "description": text?, "fields": [field, ...]}
    field   = {"name": name, "type": type, "label": text, "required": bool?, "help": text?,
               "placeholder": text?, "visible_if": condition?, ...type options}
    text    = {"vi": "Họ và tên", "en": "Full name"}      ("vi" required, "en" optional)
    name    = ^[a-z][a-z0-9_]{0,49}$

Sections are only layout: the data is ONE flat object keyed by top-level field names, so those
names are unique across all sections (and group field names unique within their group). Unknown
keys anywhere are errors. ``placeholder`` is allowed for text, textarea, number, date, select,
personal_id, phone and email.

=============  =====================================  ==============================================
type           options                                value (as returned in ``cleaned``)
=============  =====================================  ==============================================
text           min_length, max_length (default 1000,  string, NFC-normalised and stripped; no
               at most 10000), pattern                control characters
textarea       same (default max_length 10000)        same, but newlines (CR LF → LF) and tabs
                                                      are allowed
number         min, max, integer (bool)               int or float; numeric strings ("12", "-1.5")
                                                      are accepted; ``integer`` → int
date           min, max: "YYYY-MM-DD" or "today"      "YYYY-MM-DD" string
select, radio  options: [{"value": str, "label":      one of the option values
               text}] (1-500, distinct values)
checkbox       without options: -                     bool; ``required`` means it must be true
                                                      (a declaration)
checkbox       options, min_items, max_items          list of distinct option values, in the order
                                                      of the options
personal_id    -                                      12 digits (spaces removed), province code
                                                      and structure checked
phone          -                                      Vietnamese mobile, national form "0912345678"
email          -                                      address with the domain lower-cased
address        -                                      {"province_code": "01", "ward_code": "00070",
                                                      "street": "12 Tràng Tiền"} (codes of
                                                      backend.catalog.units; street 1-200 chars)
group          fields, repeat (bool), min_items,      object of its fields; with ``repeat`` a list
               max_items (repeat only; at most 100)   of such objects (at most 100)
=============  =====================================  ==============================================

``pattern`` must match the WHOLE value (like HTML's ``pattern`` attribute); write it in the
syntax shared by Python and JavaScript. Groups nest at most 2 deep and take no ``required``
(use ``min_items`` and the fields' own ``required``).

Conditions (``visible_if``)::

    {"field": name, "equals": value}      value == v; for a list value (checkbox options): v in it
    {"field": name, "in": [v, ...]}       value is one of them (lists: any chosen one of them)
    {"field": name, "not_empty": true}    value is not null, "", [], {}, false
    {"all": [condition, ...]}             {"any": [condition, ...]}

Inside a group item, ``field`` names a sibling in the same item first, then a top-level field.
Conditions test the CLEANED value (a phone number in national form, …); a field that is itself
hidden counts as empty. Groups and addresses can only be tested with ``not_empty``. Values must
fit the tested field (option values, booleans for a checkbox, numbers for a number).

Data and validation
===================

``data`` is ``{top-level name: value}``; ``null`` and ``""`` mean empty. :func:`validate_data`
returns ``(cleaned, errors)``; ``errors`` maps dotted paths (``"full_name"``,
``"children.0.name"``, ``"address.ward_code"``; ``"_schema"`` when data is not an object) to
lists of message keys with parameters (:class:`backend.core.i18n.Message`, translated at the API
edge). ``cleaned`` is only meaningful when ``errors`` is empty; otherwise it holds the values
that passed. Validating ``cleaned`` again gives the same result.

- ``partial=True`` (draft save): only the keys present are checked, each on its own. Empty values
  are accepted, and ``required``, ``min_items`` and conditions are ignored; ``max_items`` and all
  other checks of a non-empty value apply (to group items too, recursively).
- ``partial=False`` (submission): additionally every visible required field must be non-empty
  (a required checkbox must be true), ``min_items`` applies, an address given in part must be
  complete, and values of hidden fields are silently dropped (their errors too).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from backend.accounts.validators import normalize_phone, personal_id_errors
from backend.catalog import units
from backend.core.clock import utcnow
from backend.core.i18n import Message, register_messages

__all__ = [
    "FIELD_TYPES",
    "MESSAGES",
    "FormDefinitionError",
    "definition_errors",
    "validate_data",
    "validate_definition",
]

FIELD_TYPES = (
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
)

MAX_SECTIONS = 30
MAX_FIELDS = 200
MAX_GROUP_DEPTH = 2
MAX_OPTIONS = 500
MAX_REPEAT_ITEMS = 100
MAX_TEXT_LENGTH = 10_000
DEFAULT_MAX_LENGTH = {"text": 1000, "textarea": 10_000}
MAX_PATTERN_LENGTH = 500
MAX_LABEL_LENGTH = 2000
MAX_OPTION_VALUE_LENGTH = 100
MAX_CONDITION_DEPTH = 5
MAX_CONDITION_ITEMS = 50
MAX_STREET_LENGTH = 200
MAX_DEFINITION_ERRORS = 100
#: Numbers beyond this lose precision in JavaScript, and are no sensible form input anyway.
MAX_ABS_NUMBER = 10**15

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,49}")

MESSAGES: dict[str, dict[str, str]] = {
    "form.required": {"vi": "Trường này là bắt buộc.", "en": "This field is required."},
    "form.unknown_field": {
        "vi": "Trường này không có trong biểu mẫu.",
        "en": "This field is not part of the form.",
    },
    "form.text": {"vi": "Giá trị phải là chuỗi ký tự.", "en": "Must be text."},
    "form.control_characters": {
        "vi": "Giá trị chứa ký tự điều khiển không được phép.",
        "en": "Contains control characters that are not allowed.",
    },
    "form.min_length": {"vi": "Cần ít nhất {min} ký tự.", "en": "At least {min} characters."},
    "form.max_length": {"vi": "Tối đa {max} ký tự.", "en": "At most {max} characters."},
    "form.pattern": {"vi": "Giá trị không đúng định dạng.", "en": "Invalid format."},
    "form.number": {"vi": "Giá trị phải là một số.", "en": "Must be a number."},
    "form.integer": {"vi": "Giá trị phải là số nguyên.", "en": "Must be a whole number."},
    "form.min": {
        "vi": "Giá trị phải lớn hơn hoặc bằng {min}.",
        "en": "Must be greater than or equal to {min}.",
    },
    "form.max": {
        "vi": "Giá trị phải nhỏ hơn hoặc bằng {max}.",
        "en": "Must be less than or equal to {max}.",
    },
    "form.date": {
        "vi": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        "en": "Invalid date (format YYYY-MM-DD).",
    },
    "form.date_min": {
        "vi": "Ngày không được trước {min_vi}.",
        "en": "The date must be on or after {min}.",
    },
    "form.date_max": {
        "vi": "Ngày không được sau {max_vi}.",
        "en": "The date must be on or before {max}.",
    },
    "form.choice": {
        "vi": "Lựa chọn không hợp lệ.",
        "en": "Not one of the available options.",
    },
    "form.duplicate_choice": {
        "vi": "Một lựa chọn bị chọn nhiều lần.",
        "en": "An option is chosen more than once.",
    },
    "form.boolean": {"vi": "Giá trị phải là đúng hoặc sai.", "en": "Must be true or false."},
    "form.must_accept": {
        "vi": "Bạn cần đánh dấu xác nhận mục này.",
        "en": "You must tick this box to continue.",
    },
    "form.list": {"vi": "Giá trị phải là một danh sách.", "en": "Must be a list."},
    "form.object": {"vi": "Giá trị phải là một đối tượng.", "en": "Must be an object."},
    "form.min_items": {"vi": "Cần ít nhất {min} mục.", "en": "At least {min} item(s)."},
    "form.max_items": {"vi": "Tối đa {max} mục.", "en": "At most {max} item(s)."},
    "form.email": {
        "vi": "Địa chỉ thư điện tử không hợp lệ.",
        "en": "Invalid e-mail address.",
    },
    "form.province_unknown": {
        "vi": "Tỉnh, thành phố không hợp lệ.",
        "en": "Unknown province or city.",
    },
    "form.ward_unknown": {
        "vi": "Phường, xã, đặc khu không hợp lệ.",
        "en": "Unknown ward or commune.",
    },
    "form.ward_not_in_province": {
        "vi": "Phường, xã, đặc khu không thuộc tỉnh, thành phố đã chọn.",
        "en": "The ward or commune is not in the chosen province or city.",
    },
}

register_messages(MESSAGES)


class FormDefinitionError(ValueError):
    """A form definition is malformed; ``errors`` holds its ``(path, message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        summary = "; ".join(f"{path or '(definition)'}: {message}" for path, message in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"invalid form definition: {summary}{more}")


# --- definition checks ------------------------------------------------------------------------

_COMMON_KEYS = frozenset({"name", "type", "label", "required", "help", "placeholder", "visible_if"})
_TYPE_KEYS: dict[str, frozenset[str]] = {
    "text": frozenset({"min_length", "max_length", "pattern"}),
    "textarea": frozenset({"min_length", "max_length", "pattern"}),
    "number": frozenset({"min", "max", "integer"}),
    "date": frozenset({"min", "max"}),
    "select": frozenset({"options"}),
    "radio": frozenset({"options"}),
    "checkbox": frozenset({"options", "min_items", "max_items"}),
    "personal_id": frozenset(),
    "phone": frozenset(),
    "email": frozenset(),
    "address": frozenset(),
    "group": frozenset({"fields", "repeat", "min_items", "max_items"}),
}
_ALL_FIELD_KEYS = _COMMON_KEYS.union(*_TYPE_KEYS.values())
_NO_PLACEHOLDER = frozenset({"radio", "checkbox", "address", "group"})
_TEXT_LIKE = frozenset({"text", "textarea", "date", "personal_id", "phone", "email"})
_OPERATORS = ("equals", "in", "not_empty")
#: Escapes, character classes and group openings of a regular expression.
_REGEX_TOKENS = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|\(\?(?:P|#|>|[aiLmsux-]+[:)])", re.S)
#: A quantified group that contains a quantifier: "(a+)+" backtracks catastrophically.
_NESTED_QUANTIFIER = re.compile(r"\([^()]*[*+}][^()]*\)(?:[*+]|\{[0-9]*,)")


def _regex_problem(pattern: str) -> str | None:
    """Why a compilable pattern is unfit for both the SPA (JavaScript) and the server, or None."""
    simplified: list[str] = []
    last = 0
    for token in _REGEX_TOKENS.finditer(pattern):
        text = token.group()
        if text in ("\\A", "\\Z") or text.startswith("(?"):
            return f"regular expression syntax JavaScript lacks: {text!r}"
        simplified += [pattern[last : token.start()], "x"]
        last = token.end()
    simplified.append(pattern[last:])
    if _NESTED_QUANTIFIER.search("".join(simplified)):
        return "nested quantifiers like '(a+)+' can make matching extremely slow"
    return None


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _short(value: Any) -> str:
    """``value`` for an error message: a string quoted, anything cut to about 60 characters."""
    text = str(value) if isinstance(value, str) else repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"'{text}'" if isinstance(value, str) else text


def _short_key(key: Any) -> str:
    """A data or definition key, cut for use in a path."""
    text = str(key)
    return text if len(text) <= 60 else text[:57] + "..."


class _Scope:
    """The fields that share one data object: the top level, or the items of one group."""

    def __init__(self) -> None:
        self.fields: dict[str, dict] = {}
        #: field name → (visible_if path, names of siblings its condition refers to)
        self.dependencies: dict[str, tuple[str, set[str]]] = {}


class _DefinitionChecker:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.field_count = 0
        self.top = _Scope()
        self.scopes = [self.top]
        self.conditions: list[tuple[Any, str, str, _Scope]] = []

    def error(self, path: str, message: str) -> None:
        if len(self.errors) < MAX_DEFINITION_ERRORS:
            self.errors.append((path, message))
        elif len(self.errors) == MAX_DEFINITION_ERRORS:
            self.errors.append(
                ("", f"too many errors: only the first {MAX_DEFINITION_ERRORS} shown")
            )

    # structure

    def check(self, definition: Any) -> list[tuple[str, str]]:
        if not isinstance(definition, dict):
            self.error("", "the definition must be an object")
            return self.errors
        self.unknown_keys(definition, "", frozenset({"sections"}))
        sections = definition.get("sections")
        if not isinstance(sections, list):
            self.error("sections", "sections is required and must be a list")
        elif not sections:
            self.error("sections", "at least one section is required")
        elif len(sections) > MAX_SECTIONS:
            self.error("sections", f"too many sections (at most {MAX_SECTIONS})")
        else:
            keys: set[str] = set()
            for index, section in enumerate(sections):
                self.section(section, f"sections[{index}]", keys)
        for condition, path, field_name, scope in self.conditions:
            self.condition(condition, path, field_name, scope, depth=1)
        for scope in self.scopes:
            self.cycles(scope)
        return self.errors

    def unknown_keys(self, obj: dict, path: str, allowed: frozenset[str]) -> None:
        for key in obj:
            if key in allowed:
                continue
            message = f"unknown key {_short(str(key))}"
            close = difflib.get_close_matches(str(key)[:60], sorted(allowed), n=1)
            if close:
                message += f" (did you mean '{close[0]}'?)"
            self.error(_key_path(path, _short_key(key)), message)

    def section(self, section: Any, path: str, keys: set[str]) -> None:
        if not isinstance(section, dict):
            self.error(path, "a section must be an object")
            return
        self.unknown_keys(section, path, frozenset({"key", "title", "description", "fields"}))
        key = section.get("key")
        if self.name(key, f"{path}.key", "key"):
            if key in keys:
                self.error(f"{path}.key", f"duplicate section key '{key}'")
            keys.add(key)
        self.text(section.get("title"), f"{path}.title", required=True)
        self.text(section.get("description"), f"{path}.description", required=False)
        self.fields(section.get("fields"), f"{path}.fields", self.top, depth=0)

    def name(self, value: Any, path: str, what: str) -> bool:
        if value is None:
            self.error(path, f"{what} is required")
            return False
        if not isinstance(value, str) or not NAME_RE.fullmatch(value):
            self.error(
                path,
                f"invalid {what} {_short(value)}: use a-z, 0-9 and _, start with a letter, "
                "at most 50 characters",
            )
            return False
        return True

    def text(self, value: Any, path: str, *, required: bool) -> None:
        """A localised text: {"vi": ..., "en": ...}."""
        if value is None:
            if required:
                self.error(path, f"{path.rsplit('.', 1)[-1]} is required")
            return
        if not isinstance(value, dict):
            self.error(path, 'must be an object {"vi": ..., "en": ...}')
            return
        self.unknown_keys(value, path, frozenset({"vi", "en"}))
        for language in ("vi", "en"):
            text = value.get(language)
            if text is None:
                if language == "vi":
                    self.error(f"{path}.vi", "the Vietnamese text is required")
            elif not isinstance(text, str) or not text.strip():
                self.error(f"{path}.{language}", "must be a non-empty string")
            elif len(text) > MAX_LABEL_LENGTH:
                self.error(f"{path}.{language}", f"too long (at most {MAX_LABEL_LENGTH})")

    def fields(self, fields: Any, path: str, scope: _Scope, depth: int) -> None:
        if not isinstance(fields, list):
            self.error(path, "fields is required and must be a list")
            return
        if not fields:
            self.error(path, "at least one field is required")
        for index, field in enumerate(fields):
            self.field(field, f"{path}[{index}]", scope, depth)

    def field(self, field: Any, path: str, scope: _Scope, depth: int) -> None:
        self.field_count += 1
        if self.field_count == MAX_FIELDS + 1:
            self.error(path, f"too many fields (at most {MAX_FIELDS} in all)")
        if self.field_count > MAX_FIELDS:
            return
        if not isinstance(field, dict):
            self.error(path, "a field must be an object")
            return
        name = field.get("name")
        if self.name(name, f"{path}.name", "field name"):
            if name in scope.fields:
                self.error(f"{path}.name", f"duplicate field name '{name}'")
            else:
                scope.fields[name] = field
        kind = field.get("type")
        if kind is None:
            self.error(f"{path}.type", "type is required")
        elif not isinstance(kind, str) or kind not in _TYPE_KEYS:
            message = f"unknown type {_short(kind)}"
            close = difflib.get_close_matches(str(kind)[:60], FIELD_TYPES, n=1)
            if close:
                message += f" (did you mean '{close[0]}'?)"
            self.error(f"{path}.type", message)
        self.text(field.get("label"), f"{path}.label", required=True)
        self.text(field.get("help"), f"{path}.help", required=False)
        if "required" in field and not isinstance(field["required"], bool):
            self.error(f"{path}.required", "must be true or false")
        if "visible_if" in field and isinstance(name, str):
            self.conditions.append((field["visible_if"], f"{path}.visible_if", name, scope))
        if not isinstance(kind, str) or kind not in _TYPE_KEYS:
            self.unknown_keys(field, path, _ALL_FIELD_KEYS)
            return
        self.unknown_keys(field, path, _COMMON_KEYS | _TYPE_KEYS[kind])
        if kind in _NO_PLACEHOLDER and "placeholder" in field:
            self.error(f"{path}.placeholder", f"placeholder is not allowed for type '{kind}'")
        else:
            self.text(field.get("placeholder"), f"{path}.placeholder", required=False)
        if kind in ("text", "textarea"):
            self.text_options(field, path, kind)
        elif kind == "number":
            self.number_options(field, path)
        elif kind == "date":
            self.date_options(field, path)
        elif kind in ("select", "radio"):
            self.options(field, path, kind, required=True)
        elif kind == "checkbox":
            self.checkbox_options(field, path)
        elif kind == "group":
            self.group(field, path, depth)

    def integer(self, field: dict, path: str, key: str, low: int, high: int) -> int | None:
        value = field.get(key)
        if value is None:
            if key in field:
                self.error(f"{path}.{key}", "must be an integer")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{path}.{key}", "must be an integer")
            return None
        if not low <= value <= high:
            self.error(f"{path}.{key}", f"must be between {low} and {high}")
            return None
        return value

    def text_options(self, field: dict, path: str, kind: str) -> None:
        low = self.integer(field, path, "min_length", 0, MAX_TEXT_LENGTH)
        high = self.integer(field, path, "max_length", 1, MAX_TEXT_LENGTH)
        if low is not None and high is not None and low > high:
            self.error(f"{path}.min_length", "min_length greater than max_length")
        if "pattern" in field:
            pattern = field["pattern"]
            if not isinstance(pattern, str) or not pattern:
                self.error(f"{path}.pattern", "must be a non-empty string")
            elif len(pattern) > MAX_PATTERN_LENGTH:
                self.error(f"{path}.pattern", f"too long (at most {MAX_PATTERN_LENGTH})")
            else:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    self.error(f"{path}.pattern", f"invalid regular expression: {exc}")
                else:
                    problem = _regex_problem(pattern)
                    if problem:
                        self.error(f"{path}.pattern", problem)

    def number_options(self, field: dict, path: str) -> None:
        bounds = []
        for key in ("min", "max"):
            value = field.get(key)
            if key not in field:
                continue
            if not _is_number(value) or abs(value) > MAX_ABS_NUMBER:
                self.error(f"{path}.{key}", "must be a finite number")
            else:
                bounds.append(value)
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            self.error(f"{path}.min", "min greater than max")
        if "integer" in field and not isinstance(field["integer"], bool):
            self.error(f"{path}.integer", "must be true or false")

    def date_options(self, field: dict, path: str) -> None:
        bounds = {}
        for key in ("min", "max"):
            if key not in field:
                continue
            value = field[key]
            if value == "today":
                continue
            parsed = _parse_date(value)
            if parsed is None:
                self.error(f"{path}.{key}", 'must be a date "YYYY-MM-DD" or "today"')
            else:
                bounds[key] = parsed
        if len(bounds) == 2 and bounds["min"] > bounds["max"]:
            self.error(f"{path}.min", "min later than max")

    def options(self, field: dict, path: str, kind: str, *, required: bool) -> int:
        """Check ``options``; return how many there are."""
        options = field.get("options")
        if options is None and not required:
            return 0
        if not isinstance(options, list) or not options:
            self.error(f"{path}.options", f"{kind} needs at least one option")
            return 0
        if len(options) > MAX_OPTIONS:
            self.error(f"{path}.options", f"too many options (at most {MAX_OPTIONS})")
            return len(options)
        values: set[str] = set()
        for index, option in enumerate(options):
            option_path = f"{path}.options[{index}]"
            if not isinstance(option, dict):
                self.error(option_path, 'an option must be an object {"value", "label"}')
                continue
            self.unknown_keys(option, option_path, frozenset({"value", "label"}))
            value = option.get("value")
            if not isinstance(value, str) or not value.strip() or value != value.strip():
                self.error(f"{option_path}.value", "must be a non-empty string without padding")
            elif len(value) > MAX_OPTION_VALUE_LENGTH:
                self.error(f"{option_path}.value", f"too long (at most {MAX_OPTION_VALUE_LENGTH})")
            elif value in values:
                self.error(f"{option_path}.value", f"duplicate option value '{value}'")
            else:
                values.add(value)
            self.text(option.get("label"), f"{option_path}.label", required=True)
        return len(options)

    def checkbox_options(self, field: dict, path: str) -> None:
        count = self.options(field, path, "checkbox", required=False)
        if "options" not in field:
            for key in ("min_items", "max_items"):
                if key in field:
                    self.error(f"{path}.{key}", f"{key} needs options")
            return
        low = self.integer(field, path, "min_items", 0, MAX_OPTIONS)
        high = self.integer(field, path, "max_items", 1, MAX_OPTIONS)
        if low is not None and low > count:
            self.error(f"{path}.min_items", "min_items greater than the number of options")
        if low is not None and high is not None and low > high:
            self.error(f"{path}.min_items", "min_items greater than max_items")

    def group(self, field: dict, path: str, depth: int) -> None:
        if "required" in field:
            self.error(
                f"{path}.required",
                "a group cannot be required: use min_items or its fields' required",
            )
        repeat = field.get("repeat", False)
        if not isinstance(repeat, bool):
            self.error(f"{path}.repeat", "must be true or false")
        elif not repeat:
            for key in ("min_items", "max_items"):
                if key in field:
                    self.error(f"{path}.{key}", f"{key} needs repeat: true")
        else:
            low = self.integer(field, path, "min_items", 0, MAX_REPEAT_ITEMS)
            high = self.integer(field, path, "max_items", 1, MAX_REPEAT_ITEMS)
            if low is not None and high is not None and low > high:
                self.error(f"{path}.min_items", "min_items greater than max_items")
        if depth + 1 > MAX_GROUP_DEPTH:
            self.error(path, f"groups nested too deeply (at most {MAX_GROUP_DEPTH} levels)")
            return
        inner = _Scope()
        self.scopes.append(inner)
        self.fields(field.get("fields"), f"{path}.fields", inner, depth + 1)

    # conditions

    def resolve(self, name: str, scope: _Scope) -> tuple[dict | None, bool]:
        """The field a condition names, and whether it is a sibling (same scope)."""
        if name in scope.fields:
            return scope.fields[name], True
        return self.top.fields.get(name), False

    def condition(self, condition: Any, path: str, owner: str, scope: _Scope, depth: int) -> None:
        if depth > MAX_CONDITION_DEPTH:
            self.error(path, f"conditions nested too deeply (at most {MAX_CONDITION_DEPTH})")
            return
        if not isinstance(condition, dict):
            self.error(path, "a condition must be an object")
            return
        combinators = [key for key in ("all", "any") if key in condition]
        if combinators:
            key = combinators[0]
            self.unknown_keys(condition, path, frozenset({key}))
            items = condition[key]
            if not isinstance(items, list) or not items:
                self.error(f"{path}.{key}", "must be a non-empty list of conditions")
                return
            if len(items) > MAX_CONDITION_ITEMS:
                self.error(f"{path}.{key}", f"too many conditions (at most {MAX_CONDITION_ITEMS})")
                return
            for index, item in enumerate(items):
                self.condition(item, f"{path}.{key}[{index}]", owner, scope, depth + 1)
            return
        self.unknown_keys(condition, path, frozenset({"field", *_OPERATORS}))
        operators = [key for key in _OPERATORS if key in condition]
        if len(operators) != 1:
            self.error(path, "a condition needs exactly one of equals, in, not_empty (or all/any)")
        name = condition.get("field")
        if not isinstance(name, str):
            self.error(f"{path}.field", "field is required and must be a field name")
            return
        if name == owner and name in scope.fields:
            self.error(f"{path}.field", "condition refers to the field itself")
            return
        target, sibling = self.resolve(name, scope)
        if target is None:
            self.error(f"{path}.field", f"condition refers to unknown field {_short(name)}")
            return
        if sibling:
            scope.dependencies.setdefault(owner, (path.split(".visible_if")[0], set()))[1].add(name)
        if len(operators) == 1:
            self.operand(condition, path, operators[0], name, target)

    def operand(self, condition: dict, path: str, operator: str, name: str, target: dict) -> None:
        value = condition[operator]
        kind = target.get("type")
        if operator == "not_empty":
            if value is not True:
                self.error(f"{path}.not_empty", "must be true")
            return
        if kind in ("group", "address"):
            self.error(f"{path}.{operator}", f"only not_empty can test a {kind} field")
            return
        if operator == "in":
            if not isinstance(value, list) or not value:
                self.error(f"{path}.in", "must be a non-empty list")
                return
            if len(value) > MAX_OPTIONS:
                self.error(f"{path}.in", f"too many values (at most {MAX_OPTIONS})")
                return
            for index, item in enumerate(value):
                self.operand_value(item, f"{path}.in[{index}]", name, target)
        else:
            self.operand_value(value, f"{path}.equals", name, target)

    def operand_value(self, value: Any, path: str, name: str, target: dict) -> None:
        kind = target.get("type") if isinstance(target.get("type"), str) else None
        options = target.get("options")
        if kind in ("select", "radio") or (kind == "checkbox" and options is not None):
            if not isinstance(options, list):
                return  # reported with the options
            values = [o.get("value") for o in options if isinstance(o, dict)]
            if not isinstance(value, str) or value not in values:
                self.error(path, f"{_short(value)} is not an option of '{name}'")
        elif kind == "checkbox":
            if not isinstance(value, bool):
                self.error(path, f"'{name}' is a checkbox: compare with true or false")
        elif kind == "number":
            if not _is_number(value):
                self.error(path, f"'{name}' is a number: compare with a number")
        elif kind in _TEXT_LIKE and not isinstance(value, str):
            self.error(path, f"'{name}' holds text: compare with a string")

    def cycles(self, scope: _Scope) -> None:
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done

        def visit(name: str, trail: list[str]) -> None:
            state[name] = 1
            for target in sorted(scope.dependencies.get(name, ("", set()))[1]):
                if state.get(target) == 1:
                    cycle = [*trail[trail.index(target) :], target]
                    where = scope.dependencies[target][0]
                    self.error(
                        f"{where}.visible_if",
                        "circular visibility conditions: " + " → ".join(cycle),
                    )
                elif target not in state:
                    visit(target, [*trail, target])
            state[name] = 2

        for name in scope.dependencies:
            if name not in state:
                visit(name, [name])


def definition_errors(definition: Any) -> list[tuple[str, str]]:
    """Check a form definition's structure; return ``(path, message)`` pairs, empty if valid.

    Paths point at the offending element (``"sections[1].fields[3].options"``,
    ``"sections[0].fields[2].visible_if.field"``; ``""`` for the whole definition); messages
    are short English explanations for admins. Never raises, whatever JSON it is given.
    """
    return _DefinitionChecker().check(definition)


def validate_definition(definition: Any) -> None:
    """Raise :class:`FormDefinitionError` unless ``definition`` is a valid form definition."""
    errors = definition_errors(definition)
    if errors:
        raise FormDefinitionError(errors)


# --- data validation --------------------------------------------------------------------------

_MISSING = object()
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_EMAIL_RE = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}))"
)
_ADDRESS_KEYS = ("province_code", "ward_code", "street")


def _is_number(value: Any) -> bool:
    """An int or a finite float (not a bool)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _is_empty(value: Any) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, str | list):
        return not value
    if isinstance(value, dict):
        return all(_is_empty(v) for v in value.values())
    return False


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


class _Context:
    def __init__(self, partial: bool, today: date):
        self.partial = partial
        self.today = today
        self.errors: dict[str, list[Message]] = {}

    def add(self, path: str, message: Message) -> None:
        self.errors.setdefault(path, []).append(message)

    def has_errors(self, path: str) -> bool:
        return path in self.errors

    def drop_under(self, path: str) -> None:
        prefix = path + "."
        for key in [k for k in self.errors if k == path or k.startswith(prefix)]:
            del self.errors[key]


def validate_data(
    definition: dict, data: Any, *, partial: bool, today: date | None = None
) -> tuple[dict, dict[str, list[Message]]]:
    """Check and normalise form ``data`` against a (valid) ``definition``.

    Returns ``(cleaned, errors)``: ``cleaned`` holds normalised values (see the module
    docstring), ``errors`` maps dotted paths to lists of :class:`Message`. ``partial=True``
    checks a draft (only the keys present, empty values allowed); ``partial=False`` a
    submission (required fields, ``min_items``, visibility: hidden values are dropped).
    ``today`` (default: today in Vietnam) resolves "today" date bounds. Never raises on bad data.
    """
    context = _Context(partial, today or utcnow().astimezone(TZ).date())
    if not isinstance(data, dict):
        context.add("_schema", Message("form.object"))
        return {}, context.errors
    fields = list(_top_fields(definition))
    cleaned = _clean_object(fields, data, "", context)
    if not partial:
        _complete_object(fields, cleaned, "", context, outer=None)
    return cleaned, context.errors


def _top_fields(definition: dict) -> Iterator[dict]:
    for section in definition.get("sections") or ():
        yield from section.get("fields") or ()


# phase 1: types and constraints of the values present


def _clean_object(fields: list[dict], raw: dict, path: str, context: _Context) -> dict:
    known = {field["name"] for field in fields}
    for key in raw:
        if key not in known:
            context.add(_key_path(path, _short_key(key)), Message("form.unknown_field"))
    cleaned = {}
    for field in fields:
        name = field["name"]
        if name in raw:
            value = _clean_value(field, raw[name], _key_path(path, name), context)
            if value is not _MISSING:
                cleaned[name] = value
    return cleaned


def _clean_value(field: dict, value: Any, path: str, context: _Context) -> Any:
    """The cleaned value, or ``_MISSING`` after recording errors."""
    if value is None:
        return None
    kind = field["type"]
    if kind in ("text", "textarea"):
        return _clean_text(field, value, path, context)
    cleaner = _CLEANERS[kind]
    return cleaner(field, value, path, context)


def _clean_text(field: dict, value: Any, path: str, context: _Context) -> Any:
    if not isinstance(value, str):
        context.add(path, Message("form.text"))
        return _MISSING
    multiline = field["type"] == "textarea"
    text = unicodedata.normalize("NFC", value).strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return None
    if (_CONTROL_MULTILINE_RE if multiline else _CONTROL_RE).search(text):
        context.add(path, Message("form.control_characters"))
        return _MISSING
    ok = True
    low = field.get("min_length")
    high = field.get("max_length", DEFAULT_MAX_LENGTH[field["type"]])
    if low is not None and len(text) < low:
        context.add(path, Message("form.min_length", min=low))
        ok = False
    if len(text) > high:
        context.add(path, Message("form.max_length", max=high))
        ok = False
    pattern = field.get("pattern")
    if ok and pattern and re.fullmatch(pattern, text) is None:
        context.add(path, Message("form.pattern"))
        ok = False
    return text if ok else _MISSING


def _clean_number(field: dict, value: Any, path: str, context: _Context) -> Any:
    number: Any = _MISSING
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) <= 40 and _NUMBER_RE.fullmatch(text):
            number = float(text) if "." in text else int(text)
    elif _is_number(value):
        number = value
    if number is _MISSING or abs(number) > MAX_ABS_NUMBER:
        context.add(path, Message("form.number"))
        return _MISSING
    if field.get("integer") and isinstance(number, float):
        if not number.is_integer():
            context.add(path, Message("form.integer"))
            return _MISSING
        number = int(number)
    ok = True
    if "min" in field and number < field["min"]:
        context.add(path, Message("form.min", min=field["min"]))
        ok = False
    if "max" in field and number > field["max"]:
        context.add(path, Message("form.max", max=field["max"]))
        ok = False
    return number if ok else _MISSING


def _date_bound(bound: Any, today: date) -> date | None:
    return today if bound == "today" else _parse_date(bound)


def _clean_date(field: dict, value: Any, path: str, context: _Context) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    parsed = _parse_date(value.strip() if isinstance(value, str) else value)
    if parsed is None:
        context.add(path, Message("form.date"))
        return _MISSING
    ok = True
    low = _date_bound(field.get("min"), context.today)
    high = _date_bound(field.get("max"), context.today)
    if low is not None and parsed < low:
        context.add(
            path, Message("form.date_min", min=low.isoformat(), min_vi=low.strftime("%d/%m/%Y"))
        )
        ok = False
    if high is not None and parsed > high:
        context.add(
            path, Message("form.date_max", max=high.isoformat(), max_vi=high.strftime("%d/%m/%Y"))
        )
        ok = False
    return parsed.isoformat() if ok else _MISSING


def _option_values(field: dict) -> list[str]:
    return [option["value"] for option in field.get("options") or ()]


def _clean_choice(field: dict, value: Any, path: str, context: _Context) -> Any:
    if value == "":
        return None
    if not isinstance(value, str) or value not in _option_values(field):
        context.add(path, Message("form.choice"))
        return _MISSING
    return value


def _clean_checkbox(field: dict, value: Any, path: str, context: _Context) -> Any:
    if "options" not in field:
        if not isinstance(value, bool):
            context.add(path, Message("form.boolean"))
            return _MISSING
        return value
    if not isinstance(value, list):
        context.add(path, Message("form.list"))
        return _MISSING
    options = _option_values(field)
    if not all(isinstance(item, str) and item in options for item in value):
        context.add(path, Message("form.choice"))
        return _MISSING
    if len(set(value)) != len(value):
        context.add(path, Message("form.duplicate_choice"))
        return _MISSING
    high = field.get("max_items")
    if high is not None and len(value) > high:
        context.add(path, Message("form.max_items", max=high))
        return _MISSING
    chosen = set(value)
    return [option for option in options if option in chosen]


def _clean_string(value: Any, path: str, context: _Context) -> str | None | object:
    """A stripped string, None when blank, or ``_MISSING`` (error recorded) when not text."""
    if not isinstance(value, str):
        context.add(path, Message("form.text"))
        return _MISSING
    return value.strip() or None


def _clean_personal_id(field: dict, value: Any, path: str, context: _Context) -> Any:
    text = _clean_string(value, path, context)
    if not isinstance(text, str):
        return text
    number = re.sub(r"\s+", "", text)
    errors = personal_id_errors(number)
    for key in errors:
        context.add(path, Message(key))
    return _MISSING if errors else number


def _clean_phone(field: dict, value: Any, path: str, context: _Context) -> Any:
    text = _clean_string(value, path, context)
    if not isinstance(text, str):
        return text
    phone = normalize_phone(text)
    if phone is None:
        context.add(path, Message("phone.invalid"))
        return _MISSING
    return phone


def _clean_email(field: dict, value: Any, path: str, context: _Context) -> Any:
    text = _clean_string(value, path, context)
    if not isinstance(text, str):
        return text
    match = _EMAIL_RE.fullmatch(text) if len(text) <= 254 else None
    if match is None or len(match["local"]) > 64:
        context.add(path, Message("form.email"))
        return _MISSING
    return f"{match['local']}@{match['domain'].lower()}"


def _clean_address(field: dict, value: Any, path: str, context: _Context) -> Any:
    if not isinstance(value, dict):
        context.add(path, Message("form.object"))
        return _MISSING
    for key in value:
        if key not in _ADDRESS_KEYS:
            context.add(_key_path(path, _short_key(key)), Message("form.unknown_field"))
    cleaned: dict[str, Any] = {}
    for key in _ADDRESS_KEYS:
        if key in value:
            part = value[key]
            part = None if part is None else _clean_string(part, f"{path}.{key}", context)
            if part is not _MISSING:
                cleaned[key] = part
    street = cleaned.get("street")
    if street is not None:
        street = unicodedata.normalize("NFC", street)
        if _CONTROL_RE.search(street):
            context.add(f"{path}.street", Message("form.control_characters"))
            del cleaned["street"]
        elif len(street) > MAX_STREET_LENGTH:
            context.add(f"{path}.street", Message("form.max_length", max=MAX_STREET_LENGTH))
            del cleaned["street"]
        else:
            cleaned["street"] = street
    province = cleaned.get("province_code")
    if province is not None and units.get_province(province) is None:
        context.add(f"{path}.province_code", Message("form.province_unknown"))
        del cleaned["province_code"]
        province = None
    ward = cleaned.get("ward_code")
    if ward is not None:
        if units.get_ward(ward) is None:
            context.add(f"{path}.ward_code", Message("form.ward_unknown"))
            del cleaned["ward_code"]
        elif province is not None and not units.ward_in_province(ward, province):
            context.add(f"{path}.ward_code", Message("form.ward_not_in_province"))
            del cleaned["ward_code"]
    return cleaned


def _clean_group(field: dict, value: Any, path: str, context: _Context) -> Any:
    fields = field["fields"]
    if not field.get("repeat"):
        if not isinstance(value, dict):
            context.add(path, Message("form.object"))
            return _MISSING
        return _clean_object(fields, value, path, context)
    if not isinstance(value, list):
        context.add(path, Message("form.list"))
        return _MISSING
    high = field.get("max_items", MAX_REPEAT_ITEMS)
    if len(value) > high:
        context.add(path, Message("form.max_items", max=high))
        return _MISSING
    items: list[dict | None] = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            items.append(_clean_object(fields, item, f"{path}.{index}", context))
        else:
            context.add(f"{path}.{index}", Message("form.object"))
            items.append(None)  # keeps the indexes of the following items
    return items


_CLEANERS: dict[str, Callable[[dict, Any, str, _Context], Any]] = {
    "number": _clean_number,
    "date": _clean_date,
    "select": _clean_choice,
    "radio": _clean_choice,
    "checkbox": _clean_checkbox,
    "personal_id": _clean_personal_id,
    "phone": _clean_phone,
    "email": _clean_email,
    "address": _clean_address,
    "group": _clean_group,
}


# phase 2 (submission): visibility, required fields, min_items

Lookup = Callable[[str], Any]


def _visibility(fields: list[dict], values: dict, outer: Lookup | None) -> tuple[dict, Lookup]:
    """Visibility of each field of one object, and a lookup of its effective values."""
    by_name = {field["name"]: field for field in fields}
    memo: dict[str, bool] = {}
    evaluating: set[str] = set()

    def visible(name: str) -> bool:
        if name not in memo:
            if name in evaluating:  # a cycle in an unchecked definition: hide
                return False
            evaluating.add(name)
            condition = by_name[name].get("visible_if")
            memo[name] = condition is None or _holds(condition, lookup)
            evaluating.discard(name)
        return memo[name]

    def lookup(name: str) -> Any:
        if name in by_name:
            return values.get(name) if visible(name) else None
        return outer(name) if outer is not None else None

    return {name: visible(name) for name in by_name}, lookup


def _holds(condition: Any, lookup: Lookup) -> bool:
    if not isinstance(condition, dict):
        return False
    if "all" in condition:
        return all(_holds(c, lookup) for c in condition["all"] or ())
    if "any" in condition:
        return any(_holds(c, lookup) for c in condition["any"] or ())
    value = lookup(condition.get("field"))
    if "not_empty" in condition:
        return not _is_empty(value)
    if "equals" in condition:
        expected = [condition["equals"]]
    elif isinstance(condition.get("in"), list):
        expected = condition["in"]
    else:
        return False
    actual = value if isinstance(value, list) else [value]
    return any(_same(a, e) for a in actual for e in expected)


def _complete_object(
    fields: list[dict], cleaned: dict, path: str, context: _Context, outer: Lookup | None
) -> None:
    visible, lookup = _visibility(fields, cleaned, outer)
    top_lookup = lookup if outer is None else outer
    for field in fields:
        name = field["name"]
        field_path = _key_path(path, name)
        if not visible[name]:
            cleaned.pop(name, None)
            context.drop_under(field_path)
            continue
        if context.has_errors(field_path):
            continue
        _complete_value(field, cleaned.get(name), field_path, context, top_lookup)


def _complete_value(field: dict, value: Any, path: str, context: _Context, top: Lookup) -> None:
    kind = field["type"]
    required = field.get("required", False)
    if kind == "group":
        if not field.get("repeat"):
            _complete_object(
                field["fields"], value if value is not None else {}, path, context, top
            )
            return
        items = value or []
        low = field.get("min_items", 0)
        if len(items) < low:
            context.add(path, Message("form.min_items", min=low))
        for index, item in enumerate(items):
            if item is not None:
                _complete_object(field["fields"], item, f"{path}.{index}", context, top)
    elif kind == "address":
        if _is_empty(value):
            if required:
                context.add(path, Message("form.required"))
            return
        for key in _ADDRESS_KEYS:
            part_path = f"{path}.{key}"
            if value.get(key) is None and not context.has_errors(part_path):
                context.add(part_path, Message("form.required"))
    elif kind == "checkbox" and "options" not in field:
        if required and value is not True:
            context.add(path, Message("form.must_accept"))
    elif kind == "checkbox":
        chosen = value or []
        if required and not chosen:
            context.add(path, Message("form.required"))
        elif len(chosen) < field.get("min_items", 0):
            context.add(path, Message("form.min_items", min=field["min_items"]))
    elif required and _is_empty(value):
        context.add(path, Message("form.required"))
