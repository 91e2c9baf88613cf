"""Statistics schemas: the rating input and view, the report query and the report."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.catalog.schemas import CODE
from backend.core.api import DateTime
from backend.core.clock import VN_TZ, utcnow
from backend.statistics.queries import COUNTERS, Period

SCORE = validate.Range(min=0, max=2)


def _score(description: str) -> fields.Integer:
    return fields.Integer(
        required=True, strict=True, validate=SCORE, metadata={"description": description}
    )


class RatingInputSchema(Schema):
    """Scores 2 / 1 / 0 (very satisfied or good / satisfied / dissatisfied), TT 01/2018 annex."""

    timeliness = _score("1. Total time against the legal time (2 early, 1 on time, 0 late)")
    contacts = _score("3. Contacts needed (2 none beyond submitting, 1 one more, 0 several)")
    agencies = _score("4. Agencies dealt with (2 one, 1 two, 0 more)")
    attitude = _score("7. Staff attitude (2 courteous, 1 acceptable, 0 complaint)")
    ease = _score("10. Ease of use (2 very satisfied, 1 satisfied, 0 dissatisfied)")
    overall = _score("11. Overall (2 very satisfied, 1 satisfied, 0 dissatisfied)")
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class RatingSchema(Schema):
    timeliness = fields.Integer(required=True)
    contacts = fields.Integer(required=True)
    agencies = fields.Integer(required=True)
    attitude = fields.Integer(required=True)
    ease = fields.Integer(required=True)
    overall = fields.Integer(required=True)
    comment = fields.String(allow_none=True)
    rated_at = DateTime(required=True)
    updated_at = DateTime(required=True)
    editable_until = DateTime(required=True)


class ReportQuerySchema(Schema):
    """``period`` month / quarter / year / custom; the agency by code (default: the caller's,
    or the whole province for province-level officers and admins)."""

    period = fields.String(
        load_default="year", validate=validate.OneOf(["month", "quarter", "year", "custom"])
    )
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "Default: this year (Vietnam time)"},
    )
    month = fields.Integer(load_default=None, validate=validate.Range(min=1, max=12))
    quarter = fields.Integer(load_default=None, validate=validate.Range(min=1, max=4))
    first = fields.Date(
        data_key="from",
        load_default=None,
        validate=validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31)),
        metadata={"description": "Custom period: first day (YYYY-MM-DD)"},
    )
    last = fields.Date(
        data_key="to",
        load_default=None,
        validate=validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31)),
        metadata={"description": "Custom period: last day, inclusive"},
    )
    agency = fields.String(
        load_default=None,
        validate=CODE,
        metadata={"description": "Agency code; 'province' for the whole province"},
    )

    @validates_schema
    def _complete(self, data, **kwargs):
        kind = data["period"]
        if kind == "month" and data["month"] is None:
            raise ValidationError("statistics.month-required", "month")
        if kind == "quarter" and data["quarter"] is None:
            raise ValidationError("statistics.quarter-required", "quarter")
        if kind == "custom":
            if data["first"] is None or data["last"] is None:
                raise ValidationError("statistics.range-required", "from")
            if data["last"] < data["first"]:
                raise ValidationError("statistics.range-order", "to")
            if (data["last"] - data["first"]).days > 5 * 366:
                raise ValidationError("statistics.range-too-long", "to")


def period_from(query: dict) -> Period:
    """The :class:`Period` a loaded :class:`ReportQuerySchema` asks for."""
    year = query["year"] or utcnow().astimezone(VN_TZ).year
    kind = query["period"]
    if kind == "month":
        return Period.month(year, query["month"])
    if kind == "quarter":
        return Period.quarter(year, query["quarter"])
    if kind == "custom":
        return Period("custom", query["first"], query["last"])
    return Period.year(year)


class ExportQuerySchema(ReportQuerySchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["csv", "xlsx"]))


CountsSchema = Schema.from_dict(
    {key: fields.Integer(required=True) for key in COUNTERS if key != "processing_seconds"},
    name="StatisticsCounts",
)

RATES = (
    "on_time",
    "online",
    "online_payment",
    "e_result",
    "digitisation",
    "reuse",
    "repository",
    "population_db",
    "sync",
    "satisfied",
)
RatesSchema = Schema.from_dict(
    {key: fields.Float(allow_none=True) for key in RATES}, name="StatisticsRates"
)


class ReportPeriodSchema(Schema):
    kind = fields.String(required=True)
    first = fields.Date(required=True)
    last = fields.Date(required=True)


class ReportAgencySchema(Schema):
    code = fields.String(required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)


class CatalogueCountsSchema(Schema):
    procedures = fields.Integer(required=True)
    online_services = fields.Integer(required=True)
    online_services_used = fields.Integer(required=True)
    fee_procedures = fields.Integer(required=True)
    fee_procedures_payable_online = fields.Integer(required=True)


class SatisfactionAveragesSchema(Schema):
    timeliness = fields.Float(allow_none=True)
    contacts = fields.Float(allow_none=True)
    agencies = fields.Float(allow_none=True)
    attitude = fields.Float(allow_none=True)
    ease = fields.Float(allow_none=True)
    overall = fields.Float(allow_none=True)


class SatisfactionSchema(Schema):
    rated = fields.Integer(required=True)
    very_satisfied = fields.Integer(required=True)
    satisfied = fields.Integer(required=True)
    dissatisfied = fields.Integer(required=True)
    averages = fields.Nested(SatisfactionAveragesSchema, required=True)


class ScorecardIndicatorSchema(Schema):
    id = fields.String(required=True, metadata={"example": "2.1"})
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)
    unit = fields.String(required=True, metadata={"description": "ratio (0–1) or days"})
    numerator = fields.Float(allow_none=True)
    denominator = fields.Integer(allow_none=True)
    rate = fields.Float(allow_none=True)
    threshold = fields.Float(allow_none=True, metadata={"description": "Rate for full score"})
    points = fields.Float(allow_none=True)
    score = fields.Float(allow_none=True)


class ReportLineSchema(Schema):
    code = fields.String(required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)
    counts = fields.Nested(CountsSchema, required=True)
    rates = fields.Nested(RatesSchema, required=True)
    average_processing_days = fields.Float(allow_none=True)


class ReportSchema(Schema):
    period = fields.Nested(ReportPeriodSchema, required=True)
    agency = fields.Nested(ReportAgencySchema, allow_none=True)
    counts = fields.Nested(CountsSchema, required=True)
    fee_dossiers_received = fields.Integer(required=True)
    catalogue = fields.Nested(CatalogueCountsSchema, required=True)
    rates = fields.Nested(RatesSchema, required=True)
    average_processing_days = fields.Float(allow_none=True)
    satisfaction = fields.Nested(SatisfactionSchema, required=True)
    scorecard = fields.List(fields.Nested(ScorecardIndicatorSchema), required=True)
    score = fields.Float(required=True)
    score_max = fields.Float(required=True)
    procedures = fields.List(fields.Nested(ReportLineSchema), required=True)
    agencies = fields.List(fields.Nested(ReportLineSchema), required=True)


class SeriesQuerySchema(Schema):
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "Default: this year (Vietnam time)"},
    )
    agency = fields.String(
        load_default=None,
        validate=CODE,
        metadata={"description": "Agency code; 'province' for the whole province"},
    )


class SeriesPointSchema(Schema):
    month = fields.Integer(required=True)
    received = fields.Integer(required=True)
    received_counter = fields.Integer(required=True)
    received_online = fields.Integer(required=True)
    received_postal = fields.Integer(required=True)
    early = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    late = fields.Integer(required=True)
    rated = fields.Integer(required=True)
    rated_dissatisfied = fields.Integer(required=True)
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "Of those finished"})
    online_rate = fields.Float(allow_none=True)


class SeriesSchema(Schema):
    year = fields.Integer(required=True)
    agency = fields.Nested(ReportAgencySchema, allow_none=True)
    months = fields.List(fields.Nested(SeriesPointSchema), required=True)
