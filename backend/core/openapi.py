"""OpenAPI 3 document generated from the RESTX routes and the marshmallow schemas.

The ``accepts`` / ``responds`` / ``documents_errors`` decorators and the auth decorators record
what each operation takes and returns; this module walks the registered resources and turns
those notes into an OpenAPI 3.0 document with apispec. ``flask openapi write`` saves it to
``openapi.yaml``; ``/api/v1/openapi.json`` serves it; ``/api/docs`` browses it.
"""

from __future__ import annotations

import enum
import json
import re
from decimal import Decimal
from pathlib import Path

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify
from flask_restx import Api
from marshmallow import Schema, fields

from backend.core.api import openapi_meta

API_TITLE = "Dịch vụ công trực tuyến — API"
API_VERSION = "1.0.0"
DESCRIPTION = (
    "REST API of the online public services platform: procedures, dossiers, payments, results. "
    "Errors are RFC 9457 problem details (application/problem+json); messages follow "
    "Accept-Language (vi default, en). Browser clients authenticate with httpOnly cookies and "
    "send the X-CSRF-TOKEN header on writes; other clients use Bearer access tokens."
)

_STATUS_TEXT = {
    400: "Malformed request",
    401: "Not signed in, or the credentials are wrong",
    403: "Signed in, but not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    422: "Field validation failed",
    429: "Too many requests",
}


class ProblemSchema(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "Stable machine-readable code"})
    request_id = fields.String(allow_none=True)
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Field name → list of messages (422 only)"},
    )


def _schema_name_resolver(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    name = name[: -len("Schema")] if name.endswith("Schema") and name != "Schema" else name
    return name


_CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")
_PARAM_TYPES = {
    "uuid": {"type": "string", "format": "uuid"},
    "int": {"type": "integer"},
    "string": {"type": "string"},
    "path": {"type": "string"},
    None: {"type": "string"},
}


def build_spec(api: Api) -> dict:
    """The OpenAPI 3.0 document of every resource registered on ``api``."""
    spec = APISpec(
        title=API_TITLE,
        version=API_VERSION,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name_resolver)],
        info={"description": DESCRIPTION},
    )
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    spec.components.security_scheme(
        "cookieAuth", {"type": "apiKey", "in": "cookie", "name": "access_token"}
    )
    spec.components.security_scheme(  # integration: HMAC-signed events (README)
        "hmacSignature", {"type": "apiKey", "in": "header", "name": "X-DVC-Signature"}
    )
    prefix = api.blueprint.url_prefix if api.blueprint else ""
    for namespace in api.namespaces:
        if not namespace.resources:
            continue
        spec.tag({"name": namespace.name, "description": namespace.description or ""})
        for route in namespace.resources:
            resource = route.resource
            for url in route.urls:
                ns_path = api.get_ns_path(namespace) or namespace.path
                full = f"{prefix}{ns_path}{url}".replace("//", "/")
                path_params = [
                    {
                        "in": "path",
                        "name": m["name"],
                        "required": True,
                        "schema": _PARAM_TYPES.get(m["conv"], {"type": "string"}),
                    }
                    for m in _CONVERTER.finditer(full)
                ]
                path = _CONVERTER.sub(lambda m: "{" + m["name"] + "}", full)
                operations = {}
                for method in sorted(resource.methods or []):
                    func = getattr(resource, method.lower())
                    operations[method.lower()] = _operation(
                        namespace.name, resource, method, func, path_params
                    )
                spec.path(path=path, operations=operations)
    # Plain JSON types only (validators may carry Decimals or enums into the document).
    return json.loads(json.dumps(spec.to_dict(), default=_plain))


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot put {type(value).__name__} in the OpenAPI document")


def _problem(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _operation(tag: str, resource, method: str, func, path_params: list) -> dict:
    meta = openapi_meta(func)
    doc = (func.__doc__ or "").strip()
    summary, _, description = doc.partition("\n")
    operation: dict = {
        "tags": [tag],
        "operationId": f"{tag}.{resource.__name__}.{method.lower()}",
        "summary": summary.strip(),
        "responses": {},
    }
    if description.strip():
        operation["description"] = " ".join(description.split())
    parameters = list(path_params) + list(meta.get("headers", []))
    request = meta.get("request")
    if request is not None:
        schema, location = request
        if location == "query":
            parameters.append({"in": "query", "schema": schema})
        else:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": schema}},
            }
    upload = meta.get("upload")
    if upload is not None:
        schema, file_field = upload
        properties = {
            name: _form_property(field)
            for name, field in schema.fields.items()
            if not field.dump_only
        }
        properties[file_field] = {"type": "string", "format": "binary"}
        required = [n for n, f in schema.fields.items() if f.required] + [file_field]
        operation["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": properties, "required": required}
                }
            },
        }
    if parameters:
        operation["parameters"] = parameters
    for status, (schema, description_text, headers) in sorted(meta["responses"].items()):
        response: dict = {"description": description_text or "Success"}
        if schema is not None:
            response["content"] = {"application/json": {"schema": schema}}
        if headers:
            response["headers"] = headers
        operation["responses"][str(status)] = response
    errors = set(meta["errors"])
    if path_params:
        errors.add(404)
    security = meta.get("security")
    if security is not None:
        operation["security"] = security
        if security:
            errors.update({401, 403})
    for status in sorted(errors):
        operation["responses"][str(status)] = _problem(_STATUS_TEXT.get(status, "Error"))
    return operation


def _form_property(field) -> dict:
    prop: dict = {"type": "string"}
    for validator in getattr(field, "validators", []):
        if hasattr(validator, "max") and validator.max is not None:
            prop["maxLength"] = validator.max
        if hasattr(validator, "min") and validator.min is not None:
            prop["minLength"] = validator.min
    return prop


def write_spec(api: Api, path: Path) -> None:
    path.write_text(dump_yaml(build_spec(api)), encoding="utf-8")


def dump_yaml(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


# --- serving ------------------------------------------------------------------------------

docs_bp = Blueprint("docs", __name__)

DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API — Dịch vụ công trực tuyến</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>
"""
DOCS_INIT = (
    'window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#swagger-ui", '
    "deepLinking: true, withCredentials: true});\n"
)


@docs_bp.get("/api/v1/openapi.json")
def openapi_json():
    from backend.extensions import api

    spec = current_app.extensions.get("openapi_spec")
    if spec is None:
        spec = current_app.extensions["openapi_spec"] = build_spec(api)
    return jsonify(spec)


@docs_bp.get("/api/docs")
def docs_page():
    from backend.core.web import DOCS_CSP

    response = current_app.response_class(DOCS_HTML, mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@docs_bp.get("/api/docs/init.js")
def docs_init():
    return current_app.response_class(DOCS_INIT, mimetype="text/javascript")


@docs_bp.get("/api/docs/assets/<path:filename>")
def docs_assets(filename: str):
    import flask_restx
    from flask import send_from_directory

    static = Path(flask_restx.__file__).parent / "static"
    response = send_from_directory(static, filename)
    response.cache_control.max_age = 86400
    return response
