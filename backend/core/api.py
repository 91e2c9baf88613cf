"""API helpers shared by every domain: the RESTX ``Api`` that speaks problem+json, the
load/dump decorators that are also the source of the OpenAPI document, and pagination.

A resource method reads::

    @accepts(LoginSchema)
    @responds(UserSchema, status=200)
    def post(self, data): ...

``accepts`` loads and validates the JSON body (or the query string) with marshmallow and
passes the result as the first argument; field errors become a 422 problem. ``responds``
dumps the return value with the schema for the caller's audience.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import Response, request
from flask_restx import Api
from marshmallow import Schema, ValidationError, fields, validate

from backend.core.errors import BadRequest, ValidationFailed, handle_exception


class ProblemApi(Api):
    """Flask-RESTX API whose every error is an RFC 9457 problem."""

    def handle_error(self, e):
        return handle_exception(e)


def openapi_meta(func) -> dict:
    """The OpenAPI notes attached to a view function by the decorators below."""
    if not hasattr(func, "__openapi__"):
        func.__openapi__ = {"responses": {}, "errors": set(), "security": None}
    return func.__openapi__


def _carry_meta(wrapper, wrapped) -> None:
    wrapper.__openapi__ = openapi_meta(wrapped)


def accepts(schema: Schema | type[Schema], location: str = "json"):
    """Load the request body (``json``) or query string (``query``) with ``schema``."""
    instance = schema() if isinstance(schema, type) else schema

    def decorator(func):
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            if location == "query":
                raw: Any = _query_dict(instance)
            else:
                if not request.is_json and request.get_data(cache=True):
                    from werkzeug.exceptions import UnsupportedMediaType

                    raise UnsupportedMediaType()
                raw = request.get_json(silent=True)
                if raw is None:
                    raw = {} if not request.get_data(cache=True) else None
                if not isinstance(raw, dict):
                    raise BadRequest("request.body-not-object")
            nul = _nul_paths(raw)
            if nul:
                raise ValidationFailed(errors={path: ["request.nul-character"] for path in nul})
            try:
                data = instance.load(raw)
            except ValidationError as exc:
                raise ValidationFailed(errors=exc.normalized_messages()) from exc
            return func(self, data, *args, **kwargs)

        _carry_meta(wrapper, func)
        meta = openapi_meta(wrapper)
        meta["request"] = (instance, location)
        meta["errors"].add(422)
        if location == "json":
            meta["errors"].add(400)
        return wrapper

    return decorator


def _query_dict(schema: Schema) -> dict:
    result: dict = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key in request.args:
            values = request.args.getlist(key)
            result[key] = values if isinstance(field, fields.List) else values[-1]
    return result


def responds(
    schema: Schema | type[Schema] | None = None,
    *,
    status: int = 200,
    many: bool = False,
    description: str = "",
    headers: dict | None = None,
):
    """Dump the view's return value with ``schema`` and answer with ``status``.

    A view may return a ready ``Response`` (cookies, redirects), which passes through.
    """
    instance = None
    if schema is not None:
        instance = schema(many=many) if isinstance(schema, type) else schema

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            result = func(*args, **kwargs)
            if isinstance(result, Response):
                return result
            if instance is None:
                return Response(status=status)
            return instance.dump(result), status

        _carry_meta(wrapper, func)
        openapi_meta(wrapper)["responses"][status] = (instance, description, headers)
        return wrapper

    return decorator


def documents_errors(*statuses: int):
    """Declare the error statuses a view can answer, for the OpenAPI document."""

    def decorator(func):
        openapi_meta(func)["errors"].update(statuses)
        return func

    return decorator


class PageQuerySchema(Schema):
    """``?page=1&size=20`` pagination (size at most 100)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """A schema for one page of ``item_schema`` items: items, page, size, total."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "size": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
        name=name,
    )


def paginate(session, stmt, page: int, size: int) -> dict:
    """One page of ``stmt`` (a select of one entity, ordered) and the number of all matches.

    The total comes from a window function in the same statement; only a page past the end
    needs a second, counting statement."""
    import sqlalchemy as sa

    rows = session.execute(
        stmt.add_columns(sa.func.count().over().label("_total"))
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    if rows:
        total = rows[0]._total
    elif page == 1:
        total = 0
    else:
        total = session.scalar(
            sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
        )
    return {"items": [row[0] for row in rows], "page": page, "size": size, "total": total}


class Amount(fields.Decimal):
    """A decimal quantity in JSON as a number: an integer when whole (3), else a float (0.5)."""

    def __init__(self, **kwargs):
        super().__init__(as_string=False, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        number = super()._serialize(value, attr, obj, **kwargs)
        if number is None:
            return None
        return int(number) if number == number.to_integral_value() else float(number)


class Pattern(validate.Regexp):
    """A regular expression the *whole* value must match.

    ``re.match`` with ``$`` accepts a trailing newline ("001090123456\\n"); this does not. The
    pattern is written with ``^…$`` so the OpenAPI document shows the same rule.
    """

    def __call__(self, value):
        body = self.regex.pattern.removeprefix("^").removesuffix("$")
        if not isinstance(value, str) or re.fullmatch(body, value, self.regex.flags) is None:
            raise ValidationError(self._format_error(value))
        return value


class EmailAddress(fields.Email):
    """An e-mail address, stripped and lower-cased before its validators run."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        return value.strip().lower() if isinstance(value, str) else value


def _nul_paths(value, path: str = "") -> list[str]:
    """Where NUL characters hide in a JSON value (PostgreSQL text cannot hold them)."""
    if isinstance(value, str):
        return [path or "_schema"] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            key_path = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                found.append(key_path)
            found.extend(_nul_paths(item, key_path))
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _nul_paths(item, f"{path}.{i}")]
    return []


def accepts_upload(schema: Schema | type[Schema], file_field: str = "file"):
    """Load a ``multipart/form-data`` request: the text parts with ``schema``, plus one file.

    The view receives ``(data, file)`` where ``file`` is a Werkzeug ``FileStorage`` (or None).
    """
    instance = schema() if isinstance(schema, type) else schema

    def decorator(func):
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            if not request.mimetype.startswith("multipart/form-data"):
                from werkzeug.exceptions import UnsupportedMediaType

                raise UnsupportedMediaType()
            raw = {key: request.form.get(key) for key in request.form}
            nul = _nul_paths(raw)
            if nul:
                raise ValidationFailed(errors={path: ["request.nul-character"] for path in nul})
            try:
                data = instance.load(raw)
            except ValidationError as exc:
                raise ValidationFailed(errors=exc.normalized_messages()) from exc
            upload = request.files.get(file_field)
            if upload is not None and not upload.filename and not upload.content_length:
                upload = None
            return func(self, data, upload, *args, **kwargs)

        _carry_meta(wrapper, func)
        meta = openapi_meta(wrapper)
        meta["upload"] = (instance, file_field)
        meta["errors"].update({413, 415, 422})
        return wrapper

    return decorator


class DateTime(fields.DateTime):
    """ISO 8601 in Vietnam's time zone (+07:00), whatever the database hands back."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is not None:
            from backend.core.clock import VN_TZ

            value = value.astimezone(VN_TZ)
        return super()._serialize(value, attr, obj, **kwargs)


def file_response(stream, *, content_type: str, size: int, filename: str, inline: bool = False):
    """Stream a stored file to the client with a safe download header and no sniffing."""
    from flask import current_app

    from backend.core.files import content_disposition

    def chunks(chunk_size: int = 64 * 1024):
        try:
            while chunk := stream.read(chunk_size):
                yield chunk
        finally:
            stream.close()

    response = current_app.response_class(chunks(), mimetype=content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
