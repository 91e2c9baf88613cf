"""Vietnamese (default) and English messages, chosen by ``Accept-Language``.

Code raises message *keys*; the response is translated at the edge. Domains add their keys with
``register_messages``. Text that is not a key (marshmallow's built-in messages) is translated
by pattern, or passed through unchanged.
"""

from __future__ import annotations

import re

from flask import has_request_context, request

SUPPORTED = ("vi", "en")
DEFAULT_LOCALE = "vi"

_CATALOG: dict[str, dict[str, str]] = {}


def register_messages(messages: dict[str, dict[str, str]]) -> None:
    """Add ``{key: {"vi": ..., "en": ...}}`` entries to the catalogue."""
    for key, texts in messages.items():
        if not {"vi", "en"} <= texts.keys():
            raise ValueError(f"message {key!r} needs both vi and en texts")
        _CATALOG[key] = texts


def has_message(key: str) -> bool:
    return key in _CATALOG


def get_locale() -> str:
    """The best supported language of the current request (Vietnamese when unsure)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    best = request.accept_languages.best_match(SUPPORTED)
    return best or DEFAULT_LOCALE


#: marshmallow's built-in English messages, with Vietnamese equivalents.
_BUILTIN_VI = [
    (r"Missing data for required field\.", "Trường này là bắt buộc."),
    (r"Field may not be null\.", "Trường này không được để trống."),
    (r"Not a valid string\.", "Giá trị phải là chuỗi ký tự."),
    (r"Not a valid integer\.", "Giá trị phải là số nguyên."),
    (r"Not a valid number\.", "Giá trị phải là số."),
    (r"Not a valid boolean\.", "Giá trị phải là đúng hoặc sai."),
    (r"Not a valid date\.", "Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    (r"Not a valid datetime\.", "Thời điểm không hợp lệ (định dạng ISO 8601)."),
    (r"Not a valid email address\.", "Địa chỉ e-mail không hợp lệ."),
    (r"Not a valid UUID\.", "Mã định danh (UUID) không hợp lệ."),
    (r"Not a valid list\.", "Giá trị phải là một danh sách."),
    (r"Not a valid mapping type\.", "Giá trị phải là một đối tượng."),
    (r"Invalid input type\.", "Kiểu dữ liệu không hợp lệ."),
    (r"Invalid value\.", "Giá trị không hợp lệ."),
    (r"Unknown field\.", "Trường này không được hỗ trợ."),
    (r"Shorter than minimum length (\d+)\.", r"Độ dài tối thiểu là \1 ký tự."),
    (r"Longer than maximum length (\d+)\.", r"Độ dài tối đa là \1 ký tự."),
    (r"Length must be between (\d+) and (\d+)\.", r"Độ dài phải từ \1 đến \2 ký tự."),
    (r"Length must be (\d+)\.", r"Độ dài phải đúng \1 ký tự."),
    (r"Must be one of: (.*)\.", r"Giá trị phải là một trong: \1."),
    (
        r"Must be greater than or equal to (.+) and less than or equal to (.+)\.",
        r"Giá trị phải từ \1 đến \2.",
    ),
    (r"Must be greater than or equal to (.+)\.", r"Giá trị phải lớn hơn hoặc bằng \1."),
    (r"Must be less than or equal to (.+)\.", r"Giá trị phải nhỏ hơn hoặc bằng \1."),
    (r"String does not match expected pattern\.", "Giá trị không đúng định dạng."),
]
_BUILTIN_VI_COMPILED = [(re.compile(f"^{p}$"), r) for p, r in _BUILTIN_VI]


class Message(str):
    """A message key that carries format parameters, e.g. ``Message("form.min", min=2)``.

    It is a ``str`` (the key), so it travels in marshmallow-style error structures and is
    translated with its parameters by :func:`translate_errors`.
    """

    params: dict

    def __new__(cls, key: str, **params):
        obj = super().__new__(cls, key)
        obj.params = params
        return obj

    def __reduce__(self):
        return (_message, (str(self), self.params))


def _message(key: str, params: dict) -> Message:
    return Message(key, **params)


def translate(text: str, locale: str | None = None, **params) -> str:
    """Translate a message key (or a marshmallow built-in message) into ``locale``."""
    locale = locale or get_locale()
    entry = _CATALOG.get(text)
    if entry is not None:
        message = entry.get(locale) or entry[DEFAULT_LOCALE]
        return message.format(**params) if params else message
    if locale == "vi":
        for pattern, replacement in _BUILTIN_VI_COMPILED:
            if pattern.match(text):
                return pattern.sub(replacement, text)
    return text


def translate_errors(errors, locale: str | None = None):
    """Translate a marshmallow error structure (nested dicts and lists of messages)."""
    locale = locale or get_locale()
    if isinstance(errors, dict):
        return {str(k): translate_errors(v, locale) for k, v in errors.items()}
    if isinstance(errors, list):
        return [translate_errors(v, locale) for v in errors]
    if isinstance(errors, Message):
        return translate(str(errors), locale, **errors.params)
    if isinstance(errors, str):
        return translate(errors, locale)
    return errors
