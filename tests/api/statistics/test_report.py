"""The province/agency report over a hand-computed history of fifteen dossiers in 2026.

The clock is frozen at Tue 15/12/2026 10:00 (Vietnam), so the year 2026 is still running and
open dossiers are judged against now. Every expected number below is worked out by hand in the
comment next to the dossier that causes it.
"""

from __future__ import annotations

import pytest

from backend.core import clock
from backend.dossiers.deadlines import timeliness
from backend.extensions import db
from backend.statistics import queries
from backend.statistics.queries import Period
from tests.catalog_fixtures import publish
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory
from tests.helpers import bearer
from tests.statistics_fixtures import (
    attachment,
    dossier,
    issued_document,
    payment,
    rating,
    supplement,
    sync_flag,
    vn,
)

REPORT = "/api/v1/statistics/report"
NOW = vn(2026, 12, 15, 10, 0)
FEE = [
    {
        "code": "LP",
        "name_vi": "Lệ phí",
        "name_en": "Fee",
        "amount": 8000,
        "kind": "fee",
        "payable": "at_submission",
    }
]
DAY = 86400


class History:
    """Agency X with procedures A (free) and B (with a fee), and the dossiers D1–D17."""

    def __init__(self):
        clock.freeze(NOW)
        self.agency = AgencyFactory(code="000.00.31.H29", name_vi="Sở Tư pháp")
        self.other = AgencyFactory(code="000.00.32.H29", name_vi="Sở Y tế")
        self.a = publish(self.agency.code, code="1.000001")
        self.b = publish(self.agency.code, code="1.000002", fees=FEE)
        self.c = publish(self.other.code, code="1.000003")
        # Verified through VNeID on 01/06 08:00: D6 (submitted at that very minute) and every
        # later dossier count in 4.5, D1–D5 (submitted before) do not.
        self.citizen = CitizenFactory(
            identity_verified_at=vn(2026, 6, 1, 8), identity_source="vneid"
        )
        self.rows = {}
        a, b, x, me = self.a, self.b, self.agency, self.citizen
        S = "delivered"

        def add(name, version, status, **kw):
            self.rows[name] = dossier(version, x, me, status=status, **kw)
            return self.rows[name]

        # D1 early (finished 04/03 < due 05/03), online; result issued, a reused document.
        d1 = add("D1", a, S, channel=2, submitted_at=vn(2026, 3, 2, 8),
                 received_at=vn(2026, 3, 2, 8, 30), due_at=vn(2026, 3, 5, 17),
                 finished_at=vn(2026, 3, 4, 10), delivered_at=vn(2026, 3, 5, 9))  # fmt: skip
        stored = issued_document(None, me)
        attachment(d1, reused=True, document=stored)
        issued_document(d1, me)
        rating(d1, me, 2)
        sync_flag(d1, known=True, synced=1, synced_at=vn(2026, 3, 2, 8, 5))  # on the portal
        # D2 on time (finished 05/03 16:00, due 05/03 17:00), counter, fee paid at the counter.
        d2 = add("D2", b, "resolved", channel=1, submitted_at=vn(2026, 3, 2, 9),
                 received_at=vn(2026, 3, 2, 9), due_at=vn(2026, 3, 5, 17),
                 finished_at=vn(2026, 3, 5, 16))  # fmt: skip
        attachment(d2)
        issued_document(d2, me)
        rating(d2, me, 0, timeliness=1, contacts=1, agencies=1, attitude=0, ease=1)
        # Pushed once, then a later step set the flag back to 0: still on the portal.
        sync_flag(d2, known=True, synced=0, synced_at=vn(2026, 3, 2, 9, 5))
        # D3 late (finished 06/03 > due 05/03), postal, paid online, attachment but no e-result.
        d3 = add("D3", b, S, channel=3, submitted_at=vn(2026, 3, 2, 10),
                 received_at=vn(2026, 3, 2, 10), due_at=vn(2026, 3, 5, 17),
                 finished_at=vn(2026, 3, 6, 9))  # fmt: skip
        attachment(d3)
        payment(d3, me)
        rating(d3, me, 1)
        # The portal accepted the dossier but not its process log: on the portal, never synced.
        sync_flag(d3, known=True, attempts=1)
        # D4 finished before its due date, but after two supplement requests: late.
        # Processing: 01/04 08:00 → 10/04 08:00 = 9 days, minus 1 day and 12 hours paused.
        d4 = add("D4", a, S, submitted_at=vn(2026, 4, 1, 8), received_at=vn(2026, 4, 1, 8),
                 due_at=vn(2026, 4, 20, 17), finished_at=vn(2026, 4, 10, 8))  # fmt: skip
        supplement(d4, 1, vn(2026, 4, 2, 8), vn(2026, 4, 3, 8))
        supplement(d4, 2, vn(2026, 4, 6, 8), vn(2026, 4, 6, 20))
        sync_flag(d4, known=False, attempts=3)  # the portal refused it so far: not on it
        # D5 pause policy: first due 07/05 17:00; the supplement 05/05 08:00 → 07/05 08:00 kept
        # it two working days with the citizen, so accepting it moved the due date to 11/05
        # 17:00. Finished 08/05: after the first due date, before the paused one: early.
        # Processing: 04/05 08:00 → 08/05 10:00 = 4 days 2 hours, minus 2 days paused.
        d5 = add("D5", a, S, submitted_at=vn(2026, 5, 4, 8), received_at=vn(2026, 5, 4, 8),
                 due_at=vn(2026, 5, 11, 17), finished_at=vn(2026, 5, 8, 10))  # fmt: skip
        supplement(d5, 1, vn(2026, 5, 5, 8), vn(2026, 5, 7, 8))
        # D6 apology: re-dated from 04/06 to 10/06, finished 08/06 — late against the original.
        add("D6", a, S, channel=1, submitted_at=vn(2026, 6, 1, 8), received_at=vn(2026, 6, 1, 8),
            original_due_at=vn(2026, 6, 4, 17), due_at=vn(2026, 6, 10, 17),
            apologized=True, finished_at=vn(2026, 6, 8, 8))  # fmt: skip
        # D7 open, due 17/12 ≥ now: within. Has an attachment (digitised, still open).
        d7 = add("D7", a, "processing", submitted_at=vn(2026, 12, 14, 8),
                 received_at=vn(2026, 12, 14, 8), due_at=vn(2026, 12, 17, 17))  # fmt: skip
        attachment(d7)
        # D8 open, due 04/12 < now: overdue.
        add("D8", a, "processing", submitted_at=vn(2026, 12, 1, 8), received_at=vn(2026, 12, 1, 8),
            due_at=vn(2026, 12, 4, 17))  # fmt: skip
        # D9 waiting for a supplement (clock stopped): within, although 04/12 has passed.
        d9 = add("D9", a, "supplement_requested", submitted_at=vn(2026, 12, 1, 8),
                 received_at=vn(2026, 12, 1, 8), due_at=vn(2026, 12, 4, 17))  # fmt: skip
        supplement(d9, 1, vn(2026, 12, 3, 8))
        # D10 waiting for a payment, due 16/12: within, paused.
        add("D10", b, "payment_requested", submitted_at=vn(2026, 12, 10, 8),
            received_at=vn(2026, 12, 10, 8), due_at=vn(2026, 12, 16, 17))  # fmt: skip
        # D11 awaiting reception: no due date, no class.
        add("D11", a, "submitted", submitted_at=vn(2026, 12, 15, 8))
        # D12 refused at reception (counter): no due date, no class.
        add("D12", a, "refused", channel=1, submitted_at=vn(2026, 7, 1, 8),
            closed_at=vn(2026, 7, 1, 10))  # fmt: skip
        # D13 withdrawn on 03/07 before its due date 07/07: early.
        add("D13", a, "withdrawn", submitted_at=vn(2026, 7, 2, 8), received_at=vn(2026, 7, 2, 8),
            due_at=vn(2026, 7, 7, 17), closed_at=vn(2026, 7, 3, 8))  # fmt: skip
        # D14 stopped on 10/08 after its due date 06/08: late.
        add("D14", a, "stopped", submitted_at=vn(2026, 8, 3, 8), received_at=vn(2026, 8, 3, 8),
            due_at=vn(2026, 8, 6, 17), closed_at=vn(2026, 8, 10, 8))  # fmt: skip
        # D15 carried over from 2025, finished 05/01/2026 after its due date 25/12/2025: late.
        # Processing: 22/12/2025 08:00 → 05/01/2026 08:00 = 14 days.
        add("D15", a, S, submitted_at=vn(2025, 12, 20, 8), received_at=vn(2025, 12, 22, 8),
            due_at=vn(2025, 12, 25, 17), finished_at=vn(2026, 1, 5, 8))  # fmt: skip
        # D16 finished in 2025: out of the 2026 report. D17 a draft: never counted.
        d16 = add("D16", a, S, submitted_at=vn(2025, 11, 1, 8), received_at=vn(2025, 11, 1, 8),
                  due_at=vn(2025, 11, 5, 17), finished_at=vn(2025, 11, 4, 8))  # fmt: skip
        sync_flag(d16, known=True, synced=1, synced_at=vn(2025, 11, 1, 9))
        add("D17", a, "draft")
        # Another agency's dossier: only in the province report (online, early).
        self.rows["Y1"] = dossier(
            self.c, self.other, me, status=S, submitted_at=vn(2026, 3, 10, 8),
            received_at=vn(2026, 3, 10, 8), due_at=vn(2026, 3, 13, 17),
            finished_at=vn(2026, 3, 11, 8))  # fmt: skip
        sync_flag(self.rows["Y1"], known=True, synced=1, synced_at=vn(2026, 3, 10, 9))


@pytest.fixture
def history(db):
    return History()


def officer_headers(client, agency, roles=("leader",)):
    return bearer(client, OfficerFactory(agency=agency, roles=list(roles)).email)


def get_report(client, headers, **params):
    response = client.get(REPORT, query_string=params, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_agency_year_counts_match_the_hand_computed_history(client, history):
    report = get_report(client, officer_headers(client, history.agency), year=2026)

    assert report["period"] == {"kind": "year", "first": "2026-01-01", "last": "2026-12-31"}
    assert report["agency"]["code"] == "000.00.31.H29"
    counts = report["counts"]
    assert counts["in_scope"] == 15  # D1–D15
    assert counts["received"] == 14  # D1–D14
    assert counts["carried_over"] == 1  # D15
    assert (counts["received_counter"], counts["received_online"], counts["received_postal"]) == (
        3,  # D2, D6, D12
        10,
        1,  # D3
    )
    assert (counts["early"], counts["on_time"], counts["late"]) == (3, 1, 5)
    assert counts["late_by_supplements"] == 1  # D4: finished before its due date
    assert (counts["open_within"], counts["open_overdue"]) == (3, 1)  # D7, D9, D10 / D8
    assert counts["awaiting_reception"] == 1  # D11
    assert counts["resolved"] == 7  # D1–D6, D15
    assert (counts["withdrawn"], counts["refused"], counts["stopped"]) == (1, 1, 1)
    assert (counts["paused_supplement"], counts["paused_payment"]) == (1, 1)  # D9, D10


def test_processing_time_subtracts_the_supplement_pauses(client, history):
    report = get_report(client, officer_headers(client, history.agency), year=2026)

    seconds = {
        "D1": 2 * DAY + 1.5 * 3600,
        "D2": 3 * DAY + 7 * 3600,
        "D3": 3 * DAY + 23 * 3600,
        "D4": 9 * DAY - 1.5 * DAY,  # two pauses: 1 day and 12 hours
        "D5": 4 * DAY + 2 * 3600 - 2 * DAY,  # one pause of 2 days
        "D6": 7 * DAY,
        "D15": 14 * DAY,
    }
    assert report["counts"]["timed"] == 7
    expected = sum(seconds.values()) / 7 / DAY
    assert report["average_processing_days"] == pytest.approx(expected, abs=1e-4)
    by_code = {line["code"]: line for line in report["procedures"]}
    a_days = [seconds[k] for k in ("D1", "D4", "D5", "D6", "D15")]
    assert by_code["1.000001"]["average_processing_days"] == pytest.approx(
        sum(a_days) / 5 / DAY, abs=1e-4
    )
    assert by_code["1.000002"]["average_processing_days"] == pytest.approx(
        (seconds["D2"] + seconds["D3"]) / 2 / DAY, abs=1e-4
    )


def test_rates_and_the_766_scorecard(client, history):
    report = get_report(client, officer_headers(client, history.agency), year=2026)

    rates = report["rates"]
    assert rates["on_time"] == pytest.approx(7 / 13)  # (3 early + 1 on time + 3 within) / 13
    assert rates["online"] == pytest.approx(10 / 14)
    assert report["fee_dossiers_received"] == 3  # D2, D3, D10 (procedure B)
    assert rates["online_payment"] == pytest.approx(1 / 3)  # D3
    assert rates["e_result"] == pytest.approx(2 / 7)  # D1, D2 of the 7 resolved
    assert rates["digitisation"] == pytest.approx(3 / 14)  # D1, D2 (with e-result), D7 (open)
    assert rates["reuse"] == pytest.approx(1 / 14)  # D1
    assert rates["repository"] == pytest.approx(2 / 14)  # D1 (from the store), D2 (result)
    assert rates["sync"] == pytest.approx(3 / 14)  # D1, D2, D3 are on the portal
    assert rates["population_db"] == pytest.approx(9 / 14)  # D6–D14: owner verified before
    assert rates["satisfied"] == pytest.approx(2 / 3)

    card = {line["id"]: line for line in report["scorecard"]}
    assert card["2.1"]["numerator"] == 7 and card["2.1"]["denominator"] == 13
    assert card["2.1"]["score"] == pytest.approx(20 * 7 / 13, abs=1e-4)
    # 3.3: the online rate times the sync rate (the national formula), threshold 50 %.
    assert card["3.3"]["rate"] == pytest.approx(10 / 14 * 3 / 14)
    assert card["3.3"]["score"] == pytest.approx(4.4 * (10 / 14 * 3 / 14) / 0.5, abs=1e-4)
    assert card["4.2"]["score"] == pytest.approx(4.4 * (3 / 14) / 0.8, abs=1e-4)
    # 5.4: 100 % − (late 5 + overdue 1) / 13 − dissatisfied 1 / 13 = 6/13, threshold 90 %.
    assert card["5.4"]["rate"] == pytest.approx(6 / 13)
    assert card["5.4"]["score"] == pytest.approx(4.5 * (6 / 13) / 0.9, abs=1e-4)
    assert card["2.2"]["unit"] == "days" and card["2.2"]["score"] is None
    assert card["3.1"]["numerator"] == 2 and card["3.1"]["denominator"] == 2
    assert card["3.2"]["numerator"] == 2  # A and B both received online dossiers in 2026
    assert card["3.5"]["numerator"] == 1 and card["3.5"]["denominator"] == 1
    scored = [line for line in report["scorecard"] if line["score"] is not None]
    assert report["score"] == pytest.approx(sum(line["score"] for line in scored), abs=1e-3)
    assert report["score_max"] == pytest.approx(sum(line["points"] for line in scored))

    satisfaction = report["satisfaction"]
    assert (satisfaction["rated"], satisfaction["very_satisfied"]) == (3, 1)
    assert (satisfaction["satisfied"], satisfaction["dissatisfied"]) == (1, 1)
    assert satisfaction["averages"]["overall"] == pytest.approx(1.0)  # (2 + 0 + 1) / 3
    assert satisfaction["averages"]["attitude"] == pytest.approx(1.0)  # (2 + 0 + 1) / 3
    assert satisfaction["averages"]["contacts"] == pytest.approx(4 / 3)  # (2 + 1 + 1) / 3


def test_sql_classes_agree_with_timeliness_for_every_dossier(history):
    classes = queries.classify(Period.year(2026), NOW)
    for name, row in history.rows.items():
        if name in ("D16", "D17"):
            assert row.id not in classes  # out of the 2026 scope
            continue
        db.session.refresh(row)
        assert classes[row.id] == timeliness(row, NOW)["class"], name


def test_province_report_adds_every_agency_and_breaks_it_down(client, history):
    admin = officer_headers(client, history.agency, roles=("admin",))
    report = get_report(client, admin, year=2026, agency="province")

    assert report["agency"] is None
    assert report["counts"]["in_scope"] == 16  # D1–D15 and Y1
    assert report["counts"]["early"] == 4
    assert [line["code"] for line in report["agencies"]] == ["000.00.31.H29", "000.00.32.H29"]
    assert report["agencies"][1]["counts"]["received"] == 1
    assert [line["code"] for line in report["procedures"]] == ["1.000001", "1.000002", "1.000003"]
    assert report["procedures"][1]["counts"]["received"] == 3  # D2, D3, D10


def test_month_quarter_and_custom_periods(client, history):
    headers = officer_headers(client, history.agency)

    march = get_report(client, headers, period="month", year=2026, month=3)
    assert march["period"] == {"kind": "month", "first": "2026-03-01", "last": "2026-03-31"}
    assert march["counts"]["received"] == 3  # D1, D2, D3
    assert (march["counts"]["early"], march["counts"]["on_time"], march["counts"]["late"]) == (
        1,
        1,
        1,
    )
    q2 = get_report(client, headers, period="quarter", year=2026, quarter=2)
    assert q2["period"]["first"] == "2026-04-01" and q2["period"]["last"] == "2026-06-30"
    assert q2["counts"]["received"] == 3  # D4, D5, D6
    # D15 was open during the first days of January: carried over, and late on 05/01.
    first_week = get_report(
        client, headers, period="custom", **{"from": "2026-01-01", "to": "2026-01-07"}
    )
    assert first_week["counts"]["carried_over"] == 1 and first_week["counts"]["late"] == 1
    assert first_week["counts"]["received"] == 0
    # A past period judges the dossiers still open at its end against its end: D4 was
    # received 01/04 with a due date of 20/04, so on 03/04 (end of a custom range) it was open
    # within its deadline.
    early_april = get_report(
        client, headers, period="custom", **{"from": "2026-04-01", "to": "2026-04-03"}
    )
    assert early_april["counts"]["open_within"] == 1 and early_april["counts"]["late"] == 0


def test_the_vietnam_day_decides_the_class_whatever_the_server_time_zone(client, db):
    """Finished 06/03 00:30 Vietnam time (05/03 17:30 UTC) with a due date of 05/03 17:00:
    late, because the Vietnam calendar date is the 6th."""
    clock.freeze(NOW)
    agency = AgencyFactory()
    version = publish(agency.code, code="1.000009")
    owner = CitizenFactory()
    dossier(version, agency, owner, status="resolved", submitted_at=vn(2026, 3, 2, 8),
            received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 5, 17),
            finished_at=vn(2026, 3, 6, 0, 30))  # fmt: skip
    report = get_report(client, officer_headers(client, agency), period="month", year=2026, month=3)
    assert report["counts"]["late"] == 1 and report["counts"]["on_time"] == 0


def test_sync_indicator_counts_the_received_dossiers_the_portal_has(client, history):
    """1.4: received in the period and known to the portal (``known_to_portal``), whether or
    not the flag was set back to 0 by a later step or the process log is still owed."""
    report = get_report(client, officer_headers(client, history.agency), year=2026)

    assert report["counts"]["received_synced"] == 3  # D1 synced, D2 reset, D3 log owed
    card = {line["id"]: line for line in report["scorecard"]}
    # D4's first push keeps failing, D5–D14 never had one, D16 is from 2025: 3 of 14.
    assert (card["1.4"]["numerator"], card["1.4"]["denominator"]) == (3, 14)
    assert card["1.4"]["score"] == pytest.approx(4.5 * 3 / 14, abs=1e-4)  # threshold 100 %
    by_code = {line["code"]: line for line in report["procedures"]}
    assert by_code["1.000001"]["counts"]["received_synced"] == 1  # D1 (D4 refused)
    assert by_code["1.000002"]["rates"]["sync"] == pytest.approx(2 / 3)  # D2, D3 of D2, D3, D10

    march = get_report(client, officer_headers(client, history.agency), period="month",
                       year=2026, month=3)  # fmt: skip
    assert march["rates"]["sync"] == 1.0  # D1, D2, D3: all of March's dossiers
    admin = officer_headers(client, history.agency, roles=("admin",))
    province = get_report(client, admin, year=2026, agency="province")
    assert province["counts"]["received_synced"] == 4  # and the other agency's Y1
    assert province["rates"]["sync"] == pytest.approx(4 / 15)


def test_population_indicator_counts_owners_verified_by_the_time_they_submitted(client, history):
    """4.5: received dossiers whose owner's identity had been verified (population database or
    VNeID) at or before submission; a verification after submission does not count."""
    report = get_report(client, officer_headers(client, history.agency), year=2026)

    # Verified 01/06 08:00: D6 (submitted at that minute), D7–D14. Not D1–D5.
    assert report["counts"]["received_population"] == 9
    card = {line["id"]: line for line in report["scorecard"]}
    assert (card["4.5"]["numerator"], card["4.5"]["denominator"]) == (9, 14)
    assert card["4.5"]["score"] == pytest.approx(4.4 * 9 / 14, abs=1e-4)
    headers = officer_headers(client, history.agency)
    q2 = get_report(client, headers, period="quarter", year=2026, quarter=2)
    assert q2["counts"]["received_population"] == 1  # D6 of D4, D5, D6

    # Another citizen verified by the population database the minute after submitting.
    late = CitizenFactory(identity_verified_at=vn(2026, 12, 14, 8, 1),
                          identity_source="population_db")  # fmt: skip
    dossier(history.a, history.agency, late, status="processing",
            submitted_at=vn(2026, 12, 14, 8), received_at=vn(2026, 12, 14, 8),
            due_at=vn(2026, 12, 17, 17))  # fmt: skip
    report = get_report(client, headers, year=2026)
    assert report["counts"]["received"] == 15
    assert report["counts"]["received_population"] == 9
    assert report["rates"]["population_db"] == pytest.approx(9 / 15)


def test_monthly_series_for_the_charts(client, history):
    response = client.get(
        "/api/v1/statistics/series",
        query_string={"year": 2026},
        headers=officer_headers(client, history.agency),
    )

    assert response.status_code == 200, response.json
    months = response.json["months"]
    assert [point["month"] for point in months] == list(range(1, 13))
    march, december = months[2], months[11]
    assert (march["received"], march["received_counter"], march["received_postal"]) == (3, 1, 1)
    assert (march["early"], march["on_time"], march["late"]) == (1, 1, 1)  # D1, D2, D3
    assert (march["rated"], march["rated_dissatisfied"]) == (3, 1)
    assert march["on_time_rate"] == pytest.approx(2 / 3)
    assert months[0]["late"] == 1 and months[0]["received"] == 0  # D15 finished 05/01
    assert december["received"] == 5  # D7–D11
    assert december["on_time_rate"] is None  # nothing finished yet
    assert sum(point["received"] for point in months) == 14
