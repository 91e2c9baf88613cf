"""Operator endpoints: ``/healthz`` (process up) and ``/readyz`` (dependencies reachable)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from backend.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks: dict[str, str] = {}
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unreachable"
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        try:
            import redis

            redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:
            checks["redis"] = "unreachable"
    ready = all(value == "ok" for value in checks.values())
    response = jsonify(status="ready" if ready else "not-ready", checks=checks)
    response.status_code = 200 if ready else 503
    return response
