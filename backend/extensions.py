"""The shared extension objects, created unbound and initialised by ``create_app``."""

from __future__ import annotations

from celery import Celery
from flask import Blueprint
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from backend.core.api import ProblemApi
from backend.core.db import Database

db = Database()
jwt = JWTManager()
#: No default limits: each sensitive endpoint declares its own.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
celery = Celery("backend")

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
#: Flask-RESTX routes under /api/v1; its own Swagger 2 output is off: we publish OpenAPI 3.
api = ProblemApi(title="Dịch vụ công trực tuyến", version="1.0", doc=False)
api.init_app(api_blueprint, add_specs=False)
