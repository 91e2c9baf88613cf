"""openapi.yaml is generated from the code and committed; it must not go stale."""

from __future__ import annotations

import re
from pathlib import Path

from backend.core.openapi import build_spec, dump_yaml
from backend.extensions import api

ROOT = Path(__file__).resolve().parents[2]


def test_openapi_yaml_is_up_to_date(app):
    committed = (ROOT / "openapi.yaml").read_text(encoding="utf-8")

    assert committed == dump_yaml(build_spec(api)), "run `make openapi` and commit openapi.yaml"


def test_every_api_route_is_documented_with_problem_errors(app):
    spec = build_spec(api)
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in {"api.root"}
    }
    documented = set(spec["paths"])

    assert routes <= documented, routes - documented
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"], f"{method} {path} has no summary"
            errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
            for code in errors:
                content = operation["responses"][code]["content"]
                assert "application/problem+json" in content, f"{method} {path} {code}"


def test_protected_operations_declare_security(app):
    spec = build_spec(api)

    me = spec["paths"]["/api/v1/auth/me"]["get"]
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert me["security"] == [{"bearerAuth": []}, {"cookieAuth": []}]
    assert {"401", "403"} <= set(me["responses"])
    assert login["security"] == []
