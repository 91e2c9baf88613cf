"""``Idempotency-Key`` for unsafe operations that must happen once (submit, pay, refund).

The first request with a key stores its answer in the same transaction as its effect; a retry
with the same key and the same body gets that answer again, without doing anything; the same
key with another body is a 422. Keys are scoped to the caller and the operation.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from flask import Response, request
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.api import openapi_meta
from backend.core.clock import utcnow
from backend.core.db import Base, JSONType, upsert_insert
from backend.core.errors import AppError, Conflict
from backend.core.i18n import register_messages
from backend.extensions import db

HEADER = "Idempotency-Key"


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    #: Who asked (user public id) and for what (method and URL path).
    scope: Mapped[str] = mapped_column(sa.String(300))
    key: Mapped[str] = mapped_column(sa.String(128))
    #: SHA-256 of the request body.
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int] = mapped_column(sa.SmallInteger)
    body: Mapped[dict | list | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),)


class IdempotencyKeyMissing(AppError):
    status, code, title_key = 400, "idempotency.key-required", "problem.bad-request"


class IdempotencyKeyReused(AppError):
    status, code, title_key = 422, "idempotency.key-reused", "problem.validation-failed"


class IdempotencyInProgress(Conflict):
    code = "idempotency.in-progress"


register_messages(
    {
        "idempotency.key-required.detail": {
            "vi": "Thiếu tiêu đề Idempotency-Key (một chuỗi ngẫu nhiên cho mỗi thao tác).",
            "en": "The Idempotency-Key header is required (a random string per operation).",
        },
        "idempotency.key-reused.detail": {
            "vi": "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
            "en": "This Idempotency-Key was already used for a different request.",
        },
        "idempotency.in-progress.detail": {
            "vi": "Một yêu cầu cùng Idempotency-Key đang được xử lý; hãy thử lại sau giây lát.",
            "en": "A request with this Idempotency-Key is being processed; retry shortly.",
        },
    }
)


def idempotent(scope_of):
    """Make a view idempotent under the ``Idempotency-Key`` header (required).

    ``scope_of()`` names the caller (e.g. the user's public id). The view's JSON answer and
    status are stored with the key in the view's own transaction.
    """

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            key = request.headers.get(HEADER, "").strip()
            if not key or len(key) > 128:
                raise IdempotencyKeyMissing()
            scope = f"{scope_of()}:{request.method}:{request.path}"[:300]
            digest = hashlib.sha256(request.get_data(cache=True)).hexdigest()
            existing = db.session.scalar(
                sa.select(IdempotencyRecord).where(
                    IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
                )
            )
            if existing is not None:
                if existing.request_hash != digest:
                    raise IdempotencyKeyReused()
                response = Response(
                    json.dumps(existing.body, ensure_ascii=False),
                    status=existing.status,
                    mimetype="application/json",
                )
                response.headers["Idempotent-Replayed"] = "true"
                return response
            result = func(*args, **kwargs)
            body, status = result if isinstance(result, tuple) else (result, 200)
            # One statement, no savepoint: a concurrent twin that got there first makes the
            # insert do nothing (after waiting for the twin's commit on PostgreSQL).
            table = IdempotencyRecord.__table__
            stored = db.session.execute(
                upsert_insert(table)
                .values(
                    scope=scope,
                    key=key,
                    request_hash=digest,
                    status=status,
                    body=body,
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=[table.c.scope, table.c.key])
                .returning(table.c.id)
            ).first()
            if stored is None:
                raise IdempotencyInProgress()
            return result

        wrapper.__openapi__ = openapi_meta(func)
        meta = wrapper.__openapi__
        meta["errors"].update({400, 409, 422})
        meta.setdefault("headers", []).append(
            {
                "in": "header",
                "name": HEADER,
                "required": True,
                "schema": {"type": "string", "maxLength": 128},
                "description": "A unique key per operation; retries with it replay the answer",
            }
        )
        return wrapper

    return decorator
