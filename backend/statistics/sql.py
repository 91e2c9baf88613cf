"""Portable SQL pieces for the reports (PostgreSQL and the embedded SQLite default)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class vn_date(FunctionElement):
    """The calendar date of a UTC timestamp in Vietnam (Asia/Ho_Chi_Minh, UTC+7, no DST)."""

    type = sa.Date()
    name = "vn_date"
    inherit_cache = True


@compiles(vn_date, "postgresql")
def _vn_date_pg(element, compiler, **kw):
    (arg,) = list(element.clauses)
    return f"CAST(timezone('Asia/Ho_Chi_Minh', {compiler.process(arg, **kw)}) AS DATE)"


@compiles(vn_date)
def _vn_date_sqlite(element, compiler, **kw):
    (arg,) = list(element.clauses)
    return f"date({compiler.process(arg, **kw)}, '+7 hours')"


class seconds_between(FunctionElement):
    """``later - earlier`` in seconds (a float), NULL when either is NULL."""

    type = sa.Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _seconds_pg(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(seconds_between)
def _seconds_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def count_if(condition) -> sa.ColumnElement:
    """``count(*) FILTER (WHERE condition)``."""
    return sa.func.count().filter(condition)


def sum_if(value, condition) -> sa.ColumnElement:
    """``sum(value) FILTER (WHERE condition)``."""
    return sa.func.sum(value).filter(condition)


class vn_month(FunctionElement):
    """The month (1–12) in Vietnam of a UTC timestamp of ``year`` (0 or 13 outside it).

    PostgreSQL: a binary search among the twelve month starts (``width_bucket``), which costs
    far less per row than converting every timestamp to local time."""

    type = sa.Integer()
    name = "vn_month"
    inherit_cache = False

    def __init__(self, column, year: int):
        self.year = int(year)
        super().__init__(column)


def _month_starts(year: int) -> list[str]:
    return [
        f"{year + (m - 1) // 12:04d}-{(m - 1) % 12 + 1:02d}-01 00:00:00+07" for m in range(1, 14)
    ]


@compiles(vn_month, "postgresql")
def _vn_month_pg(element, compiler, **kw):
    (arg,) = list(element.clauses)
    bounds = ", ".join(f"'{start}'" for start in _month_starts(element.year))
    return f"width_bucket({compiler.process(arg, **kw)}, ARRAY[{bounds}]::timestamptz[])"


@compiles(vn_month)
def _vn_month_sqlite(element, compiler, **kw):
    (arg,) = list(element.clauses)
    return f"CAST(strftime('%m', {compiler.process(arg, **kw)}, '+7 hours') AS INTEGER)"
