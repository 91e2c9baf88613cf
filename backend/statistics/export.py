"""The report as a CSV file (UTF-8 with BOM, so Excel reads the Vietnamese text) or an XLSX
workbook (openpyxl): one sheet for the indicators and the 766 scorecard, one per procedure,
one per agency. Labels follow the request's language."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from backend.core.i18n import get_locale

#: Counter labels (vi, en), in report order.
LABELS = {
    "received": ("Tiếp nhận trong kỳ", "Received in the period"),
    "received_counter": ("— trực tiếp", "— at the counter"),
    "received_online": ("— trực tuyến", "— online"),
    "received_postal": ("— qua bưu chính công ích", "— by public postal service"),
    "carried_over": ("Kỳ trước chuyển sang", "Carried over"),
    "in_scope": ("Tổng số hồ sơ xử lý trong kỳ", "Handled in the period"),
    "early": ("Đã giải quyết trước hạn", "Finished early"),
    "on_time": ("Đã giải quyết đúng hạn", "Finished on time"),
    "late": ("Đã giải quyết quá hạn", "Finished late"),
    "late_by_supplements": ("— quá hạn do bổ sung nhiều lần", "— late: several supplements"),
    "open_within": ("Đang giải quyết trong hạn", "Open within the deadline"),
    "open_overdue": ("Đang giải quyết quá hạn", "Open past the deadline"),
    "awaiting_reception": ("Chờ tiếp nhận", "Awaiting reception"),
    "resolved": ("Đã có kết quả", "Result ready"),
    "withdrawn": ("Rút hồ sơ", "Withdrawn"),
    "refused": ("Từ chối tiếp nhận", "Refused"),
    "stopped": ("Dừng xử lý", "Stopped"),
    "paused_supplement": ("Tạm dừng: chờ bổ sung", "Paused: awaiting a supplement"),
    "paused_payment": ("Tạm dừng: chờ thực hiện nghĩa vụ tài chính", "Paused: awaiting payment"),
    "timed": ("Hồ sơ tính thời gian giải quyết", "Dossiers timed"),
    "received_paid_online": ("Thanh toán trực tuyến", "Paid online"),
    "resolved_with_e_result": ("Có kết quả điện tử", "With an electronic result"),
    "received_digitised": ("Được số hóa", "Digitised"),
    "received_reused": ("Tái sử dụng dữ liệu số hóa", "Reusing digitised data"),
    "received_from_repository": ("Kết nối kho dữ liệu cá nhân", "Linked to the data store"),
    "received_synced": ("Đồng bộ lên DVCQG", "Synced to the national portal"),
    "received_population": (
        "Chủ hồ sơ đã xác thực qua CSDL dân cư hoặc VNeID",
        "Owner verified by the population database or VNeID",
    ),
    "rated": ("Lượt đánh giá", "Ratings"),
    "rated_very_satisfied": ("Rất hài lòng", "Very satisfied"),
    "rated_satisfied": ("Hài lòng", "Satisfied"),
    "rated_dissatisfied": ("Không hài lòng", "Dissatisfied"),
}
RATE_LABELS = {
    "on_time": ("Tỷ lệ trước hạn, đúng hạn", "Early or on time"),
    "online": ("Tỷ lệ trực tuyến", "Online rate"),
    "online_payment": ("Tỷ lệ thanh toán trực tuyến", "Online payment rate"),
    "e_result": ("Tỷ lệ kết quả điện tử", "E-result rate"),
    "digitisation": ("Tỷ lệ số hóa", "Digitisation rate"),
    "reuse": ("Tỷ lệ tái sử dụng", "Reuse rate"),
    "repository": ("Tỷ lệ kết nối kho dữ liệu", "Data-store rate"),
    "population_db": ("Tỷ lệ khai thác CSDL dân cư", "Population-database rate"),
    "sync": ("Tỷ lệ đồng bộ", "Sync rate"),
    "satisfied": ("Tỷ lệ hài lòng", "Satisfied rate"),
}
HEAD = {
    "indicator": ("Chỉ tiêu", "Indicator"),
    "value": ("Giá trị", "Value"),
    "average_days": ("Thời gian giải quyết trung bình (ngày)", "Average processing days"),
    "score_id": ("Chỉ số 766", "766 indicator"),
    "rate": ("Tỷ lệ / giá trị", "Rate / value"),
    "threshold": ("Ngưỡng điểm tối đa", "Full-score threshold"),
    "points": ("Điểm tối đa", "Points"),
    "score": ("Điểm", "Score"),
    "code": ("Mã", "Code"),
    "name": ("Tên", "Name"),
    "total": ("Tổng điểm", "Total score"),
    "summary": ("Chỉ tiêu", "Indicators"),
    "procedures": ("Theo thủ tục", "By procedure"),
    "agencies": ("Theo cơ quan", "By agency"),
    "period": ("Kỳ báo cáo", "Period"),
    "scope": ("Phạm vi", "Scope"),
    "province": ("Toàn tỉnh", "Whole province"),
}
LINE_COUNTERS = (
    "received",
    "received_online",
    "resolved",
    "early",
    "on_time",
    "late",
    "open_within",
    "open_overdue",
)


def _pick(pair) -> str:
    return pair[0] if get_locale() == "vi" else pair[1]


def _summary_rows(report: dict) -> list[list]:
    name_key = "name_vi" if get_locale() == "vi" else "name_en"
    agency = report["agency"]
    period = report["period"]
    rows = [
        [_pick(HEAD["period"]), f"{period['first'].isoformat()} – {period['last'].isoformat()}"],
        [_pick(HEAD["scope"]), agency[name_key] if agency else _pick(HEAD["province"])],
        [],
        [_pick(HEAD["indicator"]), _pick(HEAD["value"])],
    ]
    rows += [[_pick(LABELS[key]), report["counts"][key]] for key in LABELS]
    rows += [[_pick(RATE_LABELS[key]), report["rates"][key]] for key in RATE_LABELS]
    rows.append([_pick(HEAD["average_days"]), report["average_processing_days"]])
    rows += [
        [],
        [
            _pick(HEAD["score_id"]),
            _pick(HEAD["indicator"]),
            _pick(HEAD["rate"]),
            _pick(HEAD["threshold"]),
            _pick(HEAD["points"]),
            _pick(HEAD["score"]),
        ],
    ]
    for line in report["scorecard"]:
        rows.append(
            [
                line["id"],
                line[name_key],
                line["rate"],
                line["threshold"],
                line["points"],
                line["score"],
            ]
        )
    rows.append(["", _pick(HEAD["total"]), "", "", report["score_max"], report["score"]])
    return rows


def _line_rows(lines: list[dict]) -> list[list]:
    name_key = "name_vi" if get_locale() == "vi" else "name_en"
    header = [_pick(HEAD["code"]), _pick(HEAD["name"])]
    header += [_pick(LABELS[key]) for key in LINE_COUNTERS]
    header += [_pick(RATE_LABELS["on_time"]), _pick(HEAD["average_days"])]
    rows = [header]
    for line in lines:
        row = [line["code"], line[name_key]]
        row += [line["counts"][key] for key in LINE_COUNTERS]
        row += [line["rates"]["on_time"], line["average_processing_days"]]
        rows.append(row)
    return rows


def to_csv(report: dict) -> bytes:
    """The summary, then the per-procedure and per-agency tables, separated by empty lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_summary_rows(report))
    for key in ("procedures", "agencies"):
        writer.writerows([[], [_pick(HEAD[key])]])
        writer.writerows(_line_rows(report[key]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: dict) -> bytes:
    workbook = Workbook()
    sheets = [
        (workbook.active, "summary", _summary_rows(report)),
        (workbook.create_sheet(), "procedures", _line_rows(report["procedures"])),
        (workbook.create_sheet(), "agencies", _line_rows(report["agencies"])),
    ]
    for sheet, key, rows in sheets:
        sheet.title = _pick(HEAD[key])[:31]
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows(min_row=1, max_row=1):
            for cell in cells:
                cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 14 if key != "summary" else 48
        sheet.column_dimensions["B"].width = 48 if key != "summary" else 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
