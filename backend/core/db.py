"""Database kernel: declarative base, column types and mixins, the session registry.

Plain SQLAlchemy 2 (``select()``, ``Mapped[...]``) with one scoped session per request or task.
Services ``flush()``; only the transaction boundary (``core.transaction``) commits.
"""

from __future__ import annotations

import functools
import time
import uuid
from datetime import UTC, date, datetime
from typing import ClassVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    scoped_session,
    sessionmaker,
)

from backend.core.clock import utcnow

#: Constraint names stable across databases, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator):
    """Timezone-aware datetimes stored in UTC; SQLite returns them aware too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: JSON that is JSONB on PostgreSQL (indexable) and plain JSON elsewhere.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict] = {datetime: UTCDateTime()}


class IdMixin:
    """Integer primary key for joins plus a UUID for every public URL."""

    #: Internal key, never exposed through the API.
    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    #: Public identifier used in URLs and payloads.
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)


class TimestampMixin:
    #: When the row was created (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the row was last changed (UTC).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked, and WAL lets readers work during a write.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


class AppSession(Session):
    """A session that uses the engine of the current application.

    Several applications may live in one process (tests, tools); each keeps its own engine in
    ``app.extensions``. An explicit bind (tests bind to one connection) takes precedence.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is not None:
            return bind
        if self.bind is not None:
            return self.bind
        return current_app.extensions["db_engine"]


class Database:
    """The scoped session registry shared by every application in the process."""

    def __init__(self) -> None:
        self.session = scoped_session(
            sessionmaker(class_=AppSession, expire_on_commit=False, autoflush=True)
        )

    def init_app(self, app) -> None:
        url = app.config["DATABASE_URL"]
        # No JIT: queue counts over large agencies cost far less to run than to compile, and
        # PostgreSQL's cost model would compile them on every call.
        options: dict = {"connect_args": {"options": "-c jit=off"}}
        if url.startswith("sqlite"):
            options = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        engine = sa.create_engine(url, **options)
        if not url.startswith("sqlite"):
            _ping_when_idle(engine)
        app.extensions["db_engine"] = engine
        app.extensions["db"] = self

        @app.teardown_appcontext
        def _remove_session(exc):
            self.session.remove()

    @property
    def engine(self) -> Engine:
        """The current application's engine."""
        return current_app.extensions["db_engine"]


#: A pooled connection unused for longer than this is pinged before it is handed out (the
#: server restarted, a proxy or firewall dropped it). One in steady use is not: a ping is a
#: round trip, and a disconnection found while in use invalidates the whole pool anyway.
PING_IDLE_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """``pool_pre_ping`` for idle connections only."""

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool discards this connection and checks out (or opens) another.
            raise sa.exc.DisconnectionError(str(exc)) from exc


# --- append-only rows written in bulk -------------------------------------------------------

_APPENDED = "appended_rows"


def append_row(table: sa.Table, values: dict) -> None:
    """Queue an append-only row (an audit row, an outbox event, a gateway message) of this
    transaction, for a hot path (the VNPay IPN) where each statement is a round trip: the
    queued rows are written together by :func:`write_appended`, at the latest before the
    commit or before the session's next ORM statement (so the session reads them, as with
    autoflush). Rows of one table must have the same keys; they keep their order."""
    from backend.extensions import db

    session = db.session()
    session.connection()  # the rows belong to this transaction: its rollback forgets them
    session.info.setdefault(_APPENDED, {}).setdefault(table, []).append(values)


def appended_rows(table: sa.Table) -> list[dict]:
    """The rows of ``table`` queued in this transaction and not yet written."""
    from backend.extensions import db

    return db.session().info.get(_APPENDED, {}).get(table, [])


def write_appended(
    session: Session | None = None, *, with_statement=None, parameters: dict | None = None
) -> None:
    """Write the queued append-only rows. On PostgreSQL all of them in one statement
    (``WITH a AS (INSERT …), b AS (INSERT …) INSERT …``, the rows of a table in call order),
    joined by a data-modifying ``with_statement`` executed with ``parameters``: one round trip,
    which is what a request waiting on the database pays for. Elsewhere one executemany per
    table, then ``with_statement``."""
    if session is None:
        from backend.extensions import db

        session = db.session()
    pending = session.info.pop(_APPENDED, None) or {}
    if not pending and with_statement is None:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for table, rows in pending.items():
            connection.execute(table.insert(), rows)
        if with_statement is not None:
            connection.execute(with_statement, parameters)
        return
    shape = tuple((table, tuple(rows[0])) for table, rows in pending.items())
    values = dict(parameters or {})
    for index, (table, keys) in enumerate(shape):
        values[f"appended_{index}"] = [
            {key: _json_value(row[key]) for key in keys} for row in pending[table]
        ]
    connection.execute(_appended_statement(shape, with_statement), values)


def _json_value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


@functools.lru_cache(maxsize=256)
def _appended_statement(shape: tuple, with_statement):
    """The PostgreSQL statement of :func:`write_appended` for one shape of queued rows (tables
    and their keys, whatever the number of rows): each table's rows are one JSON parameter,
    ``INSERT INTO t (…) SELECT … FROM jsonb_to_recordset(:rows) AS r(col type, …)`` (rows in
    array order). Built and compiled once, with few parameters (the driver parses and
    prepares it once too)."""
    inserts = []
    for index, (table, keys) in enumerate(shape):
        rows = (
            sa.func.jsonb_to_recordset(sa.bindparam(f"appended_{index}", type_=postgresql.JSONB))
            .table_valued(*(sa.column(key, table.c[key].type) for key in keys))
            .render_derived(name=f"appended_rows_{index}", with_types=True)
        )
        inserts.append(table.insert().from_select(list(keys), sa.select(*rows.c)))
    if with_statement is not None:
        inserts.append(with_statement)
    *others, statement = inserts
    for index, other in enumerate(others):
        statement = statement.add_cte(other.cte(f"appended_{index}"))
    return statement


@event.listens_for(AppSession, "before_commit")
def _write_appended_before_commit(session) -> None:
    write_appended(session)


@event.listens_for(AppSession, "do_orm_execute")
def _write_appended_before_orm_statements(state) -> None:
    # Like autoflush: what the session reads includes what it queued. Statements executed on
    # the connection (Core, the hot path's own) do not write the queue.
    if _APPENDED in state.session.info:
        write_appended(state.session)


@event.listens_for(AppSession, "after_soft_rollback")
def _forget_appended(session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_APPENDED, None)


def upsert_insert(table: sa.Table):
    """An INSERT with ``on_conflict_do_*`` for the current database (PostgreSQL or SQLite)."""
    from sqlalchemy.dialects import sqlite

    from backend.extensions import db  # not at import time: extensions imports this module

    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@functools.cache
def _counter_upsert(table: sa.Table, dialect: str, names: tuple[str, ...]):
    from sqlalchemy.dialects import sqlite

    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return (
        insert.values({**{name: sa.bindparam(name) for name in names}, "last_value": 1})
        .on_conflict_do_update(
            index_elements=[table.c[name] for name in names],
            set_={"last_value": table.c.last_value + 1},
        )
        .returning(table.c.last_value)
    )


def next_counter_value(table: sa.Table, **key) -> int:
    """Increment the ``last_value`` of the counter row ``key`` (created at 1) and return it.

    One upsert: concurrent callers queue on the row until the first commits, so values never
    repeat, and a rolled-back caller gives its value back. The statement is built once per
    table and database, and runs on the session's connection (no autoflush)."""
    from backend.extensions import db

    connection = db.session.connection()
    stmt = _counter_upsert(table, connection.dialect.name, tuple(sorted(key)))
    return connection.execute(stmt, key).scalar_one()
