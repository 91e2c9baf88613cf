"""The QĐ 766 indicators from the report's counters, and the whole report.

Score rule (DOMAIN.md §7.2 [C]): ``score = points × min(rate / threshold, 1)``; an indicator
without a published threshold scores in proportion to its rate (threshold 1).

The points of each indicator are **configuration, not law**: the only weight confirmed in
DOMAIN.md is 18/100 for satisfaction; the other group weights (publicity 18, progress 20,
online 22, digitisation 22) come from secondary sources, and are split equally between the
group's indicators here (2.1 carries the whole progress weight, as the production system's
"rate × 20" does). Change :data:`INDICATORS` when the official table is known.
"""

from __future__ import annotations

from datetime import datetime

from backend.statistics import queries
from backend.statistics.queries import Period

#: id → (Vietnamese name, English name, threshold for full score, points).
INDICATORS = {
    "1.4": ("Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", "Synced to the national portal", 1.0, 4.5),
    "2.1": ("Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", "Handled early or on time", 1.0, 20.0),
    "2.2": ("Thời gian giải quyết trung bình (ngày)", "Average processing days", None, None),
    "3.1": ("Tỷ lệ TTHC cung cấp DVCTT", "Procedures offered online", 0.8, 4.4),
    "3.2": ("Tỷ lệ DVCTT có phát sinh hồ sơ trực tuyến", "Online services used", 1.0, 4.4),
    "3.3": ("Tỷ lệ hồ sơ trực tuyến", "Dossiers submitted online", 0.5, 4.4),
    "3.5": ("Tỷ lệ TTHC có phí thanh toán trực tuyến", "Fee procedures payable online", 0.8, 4.4),
    "3.6": ("Tỷ lệ hồ sơ thanh toán trực tuyến", "Dossiers paid online", 1.0, 4.4),
    "4.1": ("Tỷ lệ hồ sơ có kết quả điện tử", "With an electronic result", 1.0, 4.4),
    "4.2": ("Tỷ lệ hồ sơ số hóa", "Digitised dossiers", 0.8, 4.4),
    "4.3": ("Tỷ lệ tái sử dụng dữ liệu số hóa", "Reusing digitised data", 0.8, 4.4),
    "4.4": ("Tỷ lệ kết nối kho dữ liệu cá nhân", "Linked to the personal data store", 1.0, 4.4),
    "4.5": ("Tỷ lệ khai thác CSDL quốc gia về dân cư", "Using the population database", 1.0, 4.4),
    "5.4": ("Mức độ hài lòng khi giải quyết TTHC", "Satisfaction with handling", 0.9, 4.5),
}


def ratio(numerator, denominator) -> float | None:
    """``numerator / denominator``, or None when there is nothing to divide (no dossiers)."""
    if not denominator:
        return None
    return numerator / denominator


def indicator(key: str, numerator, denominator, *, rate=None, unit="ratio") -> dict:
    """One scorecard line: the rate (or, for 2.2, days), and its score against the threshold."""
    name_vi, name_en, threshold, points = INDICATORS[key]
    if rate is None:
        rate = ratio(numerator, denominator)
    score = None
    if rate is not None and points is not None:
        score = points * min(max(rate, 0.0) / threshold, 1.0)
    return {
        "id": key,
        "name_vi": name_vi,
        "name_en": name_en,
        "numerator": numerator,
        "denominator": denominator,
        "unit": unit,
        "rate": rate,
        "threshold": threshold,
        "points": points,
        "score": score,
    }


def on_time_base(c: dict) -> int:
    """Dossiers with a timeliness class: finished with a due date, or open with one."""
    return c["early"] + c["on_time"] + c["late"] + c["open_within"] + c["open_overdue"]


def average_days(c: dict) -> float | None:
    if not c["timed"]:
        return None
    return c["processing_seconds"] / c["timed"] / 86400


def rates(c: dict, fee_received: int) -> dict:
    """The plain rates of the dashboard (0–1, None when the denominator is 0)."""
    base = on_time_base(c)
    return {
        "on_time": ratio(c["early"] + c["on_time"] + c["open_within"], base),
        "online": ratio(c["received_online"], c["received"]),
        "online_payment": ratio(c["received_paid_online"], fee_received),
        "e_result": ratio(c["resolved_with_e_result"], c["resolved"]),
        "digitisation": ratio(c["received_digitised"], c["received"]),
        "reuse": ratio(c["received_reused"], c["received"]),
        "repository": ratio(c["received_from_repository"], c["received"]),
        "population_db": ratio(c["received_population"], c["received"]),
        "sync": ratio(c["received_synced"], c["received"]),
        "satisfied": ratio(c["rated_very_satisfied"] + c["rated_satisfied"], c["rated"]),
    }


def scorecard(c: dict, fee_received: int, catalogue: dict) -> list[dict]:
    """The 766 indicators this platform can compute, with their formulas' parts."""
    base = on_time_base(c)
    sync_rate = ratio(c["received_synced"], c["received"])
    lines = [indicator("1.4", c["received_synced"], c["received"])]
    lines.append(indicator("2.1", c["early"] + c["on_time"] + c["open_within"], base))
    average = indicator(
        "2.2", c["processing_seconds"], c["timed"], rate=average_days(c), unit="days"
    )
    average["numerator"] = c["processing_seconds"] / 86400
    lines.append(average)
    lines.append(indicator("3.1", catalogue["online_services"], catalogue["procedures"]))
    lines.append(indicator("3.2", catalogue["online_services_used"], catalogue["online_services"]))
    online = ratio(c["received_online"], c["received"])
    if online is not None:
        online *= sync_rate  # the national formula multiplies by the sync rate
    lines.append(indicator("3.3", c["received_online"], c["received"], rate=online))
    lines.append(
        indicator("3.5", catalogue["fee_procedures_payable_online"], catalogue["fee_procedures"])
    )
    lines.append(indicator("3.6", c["received_paid_online"], fee_received))
    lines.append(indicator("4.1", c["resolved_with_e_result"], c["resolved"]))
    lines.append(indicator("4.2", c["received_digitised"], c["received"]))
    lines.append(indicator("4.3", c["received_reused"], c["received"]))
    lines.append(indicator("4.4", c["received_from_repository"], c["received"]))
    lines.append(indicator("4.5", c["received_population"], c["received"]))
    late = c["late"] + c["open_overdue"]
    satisfaction = None
    if base:
        satisfaction = 1 - (late / base + c["rated_dissatisfied"] / base)
    line = indicator("5.4", late + c["rated_dissatisfied"], base, rate=satisfaction)
    lines.append(line)
    return lines


def _counts_view(c: dict) -> dict:
    return {key: c[key] for key in queries.COUNTERS if key not in ("processing_seconds",)}


def _satisfaction(c: dict) -> dict:
    averages = {}
    for name in ("timeliness", "contacts", "agencies", "attitude", "ease", "overall"):
        total = c[f"rating_{name}"]
        averages[name] = total / c["rated"] if c["rated"] else None
    return {
        "rated": c["rated"],
        "very_satisfied": c["rated_very_satisfied"],
        "satisfied": c["rated_satisfied"],
        "dissatisfied": c["rated_dissatisfied"],
        "averages": averages,
    }


def _line(c: dict, fee_received: int, info: dict) -> dict:
    return {
        **info,
        "counts": _counts_view(c),
        "rates": rates(c, fee_received),
        "average_processing_days": average_days(c),
    }


def build_report(period: Period, agency=None, now: datetime | None = None) -> dict:
    """The whole report for ``period`` over ``agency`` (an Agency, or None for the province):
    counters, rates, the 766 scorecard, and the same per procedure and per competent agency.

    Four small statements: the grouped aggregation over ``dossier_facts``, the catalogue, and
    the names of the procedures and agencies that appear."""
    agency_id = agency.id if agency is not None else None
    groups = queries.count_dossiers(period, agency_id, now)
    versions = queries.versions_info({version for version, _ in groups})
    agencies = queries.agencies_info({agency for _, agency in groups})

    def fee_received(keys) -> int:
        return sum(groups[k]["received"] for k in keys if versions[k[0]]["has_fee"])

    totals = queries.sum_groups(groups.values())
    by_procedure: dict[str, list] = {}
    by_agency: dict[int, list] = {}
    for key in groups:
        by_procedure.setdefault(versions[key[0]]["code"], []).append(key)
        by_agency.setdefault(key[1], []).append(key)
    procedures = []
    for code in sorted(by_procedure):
        keys = by_procedure[code]
        info = versions[keys[0][0]]
        c = queries.sum_groups([groups[k] for k in keys])
        procedures.append(
            _line(c, fee_received(keys), {k: info[k] for k in ("code", "name_vi", "name_en")})
        )
    agency_lines = []
    for agency_key in sorted(by_agency, key=lambda a: agencies[a]["code"]):
        keys = by_agency[agency_key]
        c = queries.sum_groups([groups[k] for k in keys])
        agency_lines.append(_line(c, fee_received(keys), agencies[agency_key]))
    used = {
        versions[version]["procedure_id"]
        for (version, _agency), values in groups.items()
        if values["received_online"]
    }
    catalogue = queries.catalogue_counts(agency_id, used)
    fees = fee_received(list(groups))
    card = scorecard(totals, fees, catalogue)
    scored = [line for line in card if line["score"] is not None]
    return {
        "period": {"kind": period.kind, "first": period.first, "last": period.last},
        "agency": None
        if agency is None
        else {"code": agency.code, "name_vi": agency.name_vi, "name_en": agency.name_en},
        "counts": _counts_view(totals),
        "fee_dossiers_received": fees,
        "catalogue": catalogue,
        "rates": rates(totals, fees),
        "average_processing_days": average_days(totals),
        "satisfaction": _satisfaction(totals),
        "scorecard": card,
        "score": sum(line["score"] for line in scored),
        "score_max": round(sum(line["points"] for line in scored), 6),
        "procedures": procedures,
        "agencies": agency_lines,
    }
