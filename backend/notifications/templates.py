"""Message templates in Vietnamese and English (pure: no Flask, no database).

Every template has a ``subject`` (the e-mail subject and the in-app title), a ``short`` text (the
in-app body and the SMS) and a ``body`` (the e-mail). Placeholders are ``str.format`` fields
filled by :func:`render`; links are absolute URLs built by the caller.

``REQUIRED`` lists the notices that must reach the person on at least one channel whatever
their preferences: the legally required ones (refused, supplement requested, payment requested,
result ready, overdue apology) and the reminders of something expected of them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from backend.core.clock import VN_TZ

SIGNATURE = {
    "vi": "\n\n--\nCổng Dịch vụ công trực tuyến. Thư tự động, vui lòng không trả lời.",
    "en": "\n\n--\nOnline Public Services Portal. Automatic message, please do not reply.",
}

T: dict[str, dict[str, dict[str, str]]] = {
    # --- citizens -------------------------------------------------------------------------
    "submitted": {
        "vi": {
            "subject": "Đã nộp hồ sơ {code}",
            "short": "Hồ sơ {code} ({procedure}) đã được nộp. Tra cứu: {lookup_link}",
            "body": "Kính gửi {name},\n\nHồ sơ của Ông/Bà đã được nộp thành công.\n\n"
            "Mã hồ sơ: {code}\nThủ tục: {procedure}\nCơ quan tiếp nhận: {agency}\n"
            "Thời điểm nộp: {submitted_at}\n{fee_line}\n"
            "Tra cứu tình trạng hồ sơ (không cần đăng nhập): {lookup_link}\n"
            "Xem hồ sơ: {dossier_link}",
        },
        "en": {
            "subject": "Dossier {code} submitted",
            "short": "Dossier {code} ({procedure}) was submitted. Track it: {lookup_link}",
            "body": "Dear {name},\n\nYour dossier was submitted.\n\n"
            "Dossier code: {code}\nProcedure: {procedure}\nReceiving agency: {agency}\n"
            "Submitted at: {submitted_at}\n{fee_line}\n"
            "Track its status (no sign-in needed): {lookup_link}\n"
            "Open the dossier: {dossier_link}",
        },
    },
    "received": {
        "vi": {
            "subject": "Hồ sơ {code} đã được tiếp nhận, hẹn trả kết quả {due_at}",
            "short": "Hồ sơ {code} đã được tiếp nhận. Hẹn trả kết quả: {due_at}.",
            "body": "Kính gửi {name},\n\n{agency} đã tiếp nhận hồ sơ {code} ({procedure}).\n\n"
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: {code}\n"
            "Người nộp: {name}\nThời điểm tiếp nhận: {received_at}\n"
            "Ngày hẹn trả kết quả: {due_at}\n\n"
            "Xem và tải giấy tiếp nhận: {dossier_link}",
        },
        "en": {
            "subject": "Dossier {code} received, result due {due_at}",
            "short": "Dossier {code} was received. Result due: {due_at}.",
            "body": "Dear {name},\n\n{agency} received dossier {code} ({procedure}).\n\n"
            "RECEIPT AND APPOINTMENT SLIP\nDossier code: {code}\nApplicant: {name}\n"
            "Received at: {received_at}\nResult due: {due_at}\n\n"
            "View and download the slip: {dossier_link}",
        },
    },
    "refused": {
        "vi": {
            "subject": "Hồ sơ {code} không được tiếp nhận",
            "short": "Hồ sơ {code} không được tiếp nhận. Lý do: {reason}",
            "body": "Kính gửi {name},\n\n{agency} từ chối tiếp nhận hồ sơ {code} ({procedure}).\n\n"
            "Lý do: {reason}\n\nXem hồ sơ: {dossier_link}",
        },
        "en": {
            "subject": "Dossier {code} refused",
            "short": "Dossier {code} was refused. Reason: {reason}",
            "body": "Dear {name},\n\n{agency} refused dossier {code} ({procedure}).\n\n"
            "Reason: {reason}\n\nOpen the dossier: {dossier_link}",
        },
    },
    "supplement_requested": {
        "vi": {
            "subject": "Yêu cầu bổ sung hồ sơ {code} trước {deadline}",
            "short": "Hồ sơ {code} cần bổ sung giấy tờ trước {deadline}. {action_link}",
            "body": "Kính gửi {name},\n\n"
            "Hồ sơ {code} ({procedure}) cần được bổ sung, hoàn thiện.\n\n"
            "Giấy tờ cần bổ sung:\n{items}\n{note_line}"
            "Hạn bổ sung: {deadline}\n\nBổ sung hồ sơ tại: {action_link}",
        },
        "en": {
            "subject": "Dossier {code}: documents needed by {deadline}",
            "short": "Dossier {code} needs more documents by {deadline}. {action_link}",
            "body": "Dear {name},\n\nDossier {code} ({procedure}) needs more documents.\n\n"
            "Documents needed:\n{items}\n{note_line}"
            "Deadline: {deadline}\n\nAdd them here: {action_link}",
        },
    },
    "payment_requested": {
        "vi": {
            "subject": "Hồ sơ {code}: đề nghị thanh toán {amount}",
            "short": "Hồ sơ {code} cần thanh toán {amount}. Thanh toán: {action_link}",
            "body": "Kính gửi {name},\n\nĐể tiếp tục giải quyết hồ sơ {code} ({procedure}), "
            "Ông/Bà cần thực hiện nghĩa vụ tài chính.\n\nSố tiền: {amount}\n{note_line}\n"
            "Thanh toán trực tuyến: {action_link}",
        },
        "en": {
            "subject": "Dossier {code}: payment of {amount} requested",
            "short": "Dossier {code} requires a payment of {amount}. Pay: {action_link}",
            "body": "Dear {name},\n\nTo continue processing dossier {code} ({procedure}), "
            "a payment is required.\n\nAmount: {amount}\n{note_line}\n"
            "Pay online: {action_link}",
        },
    },
    "payment_succeeded": {
        "vi": {
            "subject": "Đã thanh toán {amount} cho hồ sơ {code}",
            "short": "Đã nhận thanh toán {amount} cho hồ sơ {code}. Biên lai: {receipt}.",
            "body": "Kính gửi {name},\n\nĐã nhận thanh toán cho hồ sơ {code} ({procedure}).\n\n"
            "BIÊN LAI ĐIỆN TỬ\nSố biên lai: {receipt}\nSố tiền: {amount}\n"
            "Thời điểm: {paid_at}\n\nXem biên lai: {action_link}",
        },
        "en": {
            "subject": "Payment of {amount} received for dossier {code}",
            "short": "Payment of {amount} received for dossier {code}. Receipt: {receipt}.",
            "body": "Dear {name},\n\n"
            "Your payment for dossier {code} ({procedure}) was received.\n\n"
            "ELECTRONIC RECEIPT\nReceipt number: {receipt}\nAmount: {amount}\n"
            "Paid at: {paid_at}\n\nView the receipt: {action_link}",
        },
    },
    "result_ready": {
        "vi": {
            "subject": "Đã có kết quả hồ sơ {code}",
            "short": "Hồ sơ {code} đã có kết quả. Tải kết quả: {action_link}",
            "body": "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) đã được giải quyết xong.\n\n"
            "Văn bản kết quả: số {result_number}\n\n"
            "Tải kết quả điện tử: {action_link}",
        },
        "en": {
            "subject": "The result of dossier {code} is ready",
            "short": "The result of dossier {code} is ready. Download: {action_link}",
            "body": "Dear {name},\n\nDossier {code} ({procedure}) has been decided.\n\n"
            "Result document: number {result_number}\n\n"
            "Download the electronic result: {action_link}",
        },
    },
    "overdue_apology": {
        "vi": {
            "subject": "Thư xin lỗi: hẹn lại ngày trả kết quả hồ sơ {code}",
            "short": "Xin lỗi vì hồ sơ {code} chậm. Ngày hẹn trả mới: {new_due_at}.",
            "body": "Kính gửi {name},\n\n{agency} xin lỗi Ông/Bà vì hồ sơ {code} ({procedure}) "
            "không được giải quyết đúng hạn {old_due_at}.\n\nLý do: {reason}\n"
            "Ngày hẹn trả kết quả mới: {new_due_at}\n\nXem hồ sơ: {dossier_link}",
        },
        "en": {
            "subject": "Apology: new result date for dossier {code}",
            "short": "We apologise: dossier {code} is late. New result date: {new_due_at}.",
            "body": "Dear {name},\n\n{agency} apologises that dossier {code} ({procedure}) "
            "could not be decided by {old_due_at}.\n\nReason: {reason}\n"
            "New result date: {new_due_at}\n\nOpen the dossier: {dossier_link}",
        },
    },
    "delivered": {
        "vi": {
            "subject": "Đã trả kết quả hồ sơ {code}",
            "short": "Hồ sơ {code} đã được trả kết quả. Cảm ơn Ông/Bà.",
            "body": "Kính gửi {name},\n\nKết quả hồ sơ {code} ({procedure}) đã được trả.\n"
            "Xin mời Ông/Bà đánh giá mức độ hài lòng: {dossier_link}",
        },
        "en": {
            "subject": "Dossier {code}: result delivered",
            "short": "The result of dossier {code} was delivered. Thank you.",
            "body": "Dear {name},\n\nThe result of dossier {code} ({procedure}) was delivered.\n"
            "Please rate the service: {dossier_link}",
        },
    },
    "stopped": {
        "vi": {
            "subject": "Dừng giải quyết hồ sơ {code}",
            "short": "Hồ sơ {code} đã bị dừng giải quyết. Lý do: {reason}",
            "body": "Kính gửi {name},\n\n{agency} thông báo dừng giải quyết hồ sơ {code} "
            "({procedure}).\n\nLý do: {reason}\n\nXem hồ sơ: {dossier_link}",
        },
        "en": {
            "subject": "Processing of dossier {code} stopped",
            "short": "Processing of dossier {code} was stopped. Reason: {reason}",
            "body": "Dear {name},\n\n{agency} stopped processing dossier {code} ({procedure})."
            "\n\nReason: {reason}\n\nOpen the dossier: {dossier_link}",
        },
    },
    "withdrawn": {
        "vi": {
            "subject": "Đã rút hồ sơ {code}",
            "short": "Hồ sơ {code} đã được rút theo yêu cầu của Ông/Bà.",
            "body": "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) đã được rút theo yêu cầu "
            "của Ông/Bà.\n\nLý do: {reason}\n\nXem hồ sơ: {dossier_link}",
        },
        "en": {
            "subject": "Dossier {code} withdrawn",
            "short": "Dossier {code} was withdrawn at your request.",
            "body": "Dear {name},\n\nDossier {code} ({procedure}) was withdrawn at your "
            "request.\n\nReason: {reason}\n\nOpen the dossier: {dossier_link}",
        },
    },
    # --- reminders to citizens -------------------------------------------------------------
    "supplement_reminder": {
        "vi": {
            "subject": "Nhắc: hạn bổ sung hồ sơ {code} là {deadline}",
            "short": "Nhắc: còn 2 ngày làm việc để bổ sung hồ sơ {code} (hạn {deadline}). "
            "{action_link}",
            "body": "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) đang chờ Ông/Bà bổ sung.\n"
            "Hạn bổ sung: {deadline}\n\nGiấy tờ cần bổ sung:\n{items}\n\n"
            "Bổ sung hồ sơ tại: {action_link}",
        },
        "en": {
            "subject": "Reminder: documents for dossier {code} are due {deadline}",
            "short": "Reminder: 2 working days left to complete dossier {code} (by {deadline}). "
            "{action_link}",
            "body": "Dear {name},\n\nDossier {code} ({procedure}) is waiting for your documents.\n"
            "Deadline: {deadline}\n\nDocuments needed:\n{items}\n\nAdd them here: {action_link}",
        },
    },
    "payment_expiring": {
        "vi": {
            "subject": "Nhắc: giao dịch thanh toán hồ sơ {code} sắp hết hạn",
            "short": "Giao dịch thanh toán {amount} cho hồ sơ {code} hết hạn lúc {expires_at}. "
            "{action_link}",
            "body": "Kính gửi {name},\n\nGiao dịch thanh toán {amount} cho hồ sơ {code} chưa hoàn "
            "tất và sẽ hết hạn lúc {expires_at}.\nNếu chưa thanh toán, vui lòng hoàn tất hoặc "
            "tạo giao dịch mới tại: {action_link}",
        },
        "en": {
            "subject": "Reminder: the payment for dossier {code} is about to expire",
            "short": "The payment of {amount} for dossier {code} expires at {expires_at}. "
            "{action_link}",
            "body": "Dear {name},\n\nThe payment of {amount} for dossier {code} is not finished "
            "and expires at {expires_at}.\nIf you have not paid, finish it or start a new "
            "payment here: {action_link}",
        },
    },
    "result_reminder": {
        "vi": {
            "subject": "Nhắc: kết quả hồ sơ {code} đang chờ Ông/Bà nhận",
            "short": "Kết quả hồ sơ {code} đã có từ {finished_at}, chưa được nhận. {action_link}",
            "body": "Kính gửi {name},\n\nKết quả hồ sơ {code} ({procedure}) đã có từ "
            "{finished_at} nhưng chưa được nhận.\n\nTải kết quả điện tử: {action_link}",
        },
        "en": {
            "subject": "Reminder: the result of dossier {code} is waiting for you",
            "short": "The result of dossier {code} has been ready since {finished_at}. "
            "{action_link}",
            "body": "Dear {name},\n\nThe result of dossier {code} ({procedure}) has been ready "
            "since {finished_at} and was not collected yet.\n\n"
            "Download the electronic result: {action_link}",
        },
    },
    # --- officers --------------------------------------------------------------------------
    "new_in_queue": {
        "vi": {
            "subject": "Hồ sơ mới cần xử lý: {code}",
            "short": "Hồ sơ {code} ({procedure}) vừa vào hàng chờ của bạn.",
            "body": "Hồ sơ {code} ({procedure}) vừa vào hàng chờ của bạn.\n"
            "Người nộp: {name}\n{due_line}\nXử lý hồ sơ: {officer_link}",
        },
        "en": {
            "subject": "New dossier in your queue: {code}",
            "short": "Dossier {code} ({procedure}) is now in your queue.",
            "body": "Dossier {code} ({procedure}) is now in your queue.\n"
            "Applicant: {name}\n{due_line}\nOpen it: {officer_link}",
        },
    },
    "assigned": {
        "vi": {
            "subject": "Bạn được phân công hồ sơ {code}",
            "short": "Bạn được phân công xử lý hồ sơ {code}, hạn {due_at}.",
            "body": "Bạn được phân công xử lý hồ sơ {code} ({procedure}).\n"
            "Hạn giải quyết: {due_at}\n\nXử lý hồ sơ: {officer_link}",
        },
        "en": {
            "subject": "Dossier {code} assigned to you",
            "short": "Dossier {code} is assigned to you, due {due_at}.",
            "body": "Dossier {code} ({procedure}) is assigned to you.\nDue: {due_at}\n\n"
            "Open it: {officer_link}",
        },
    },
    "due_tomorrow": {
        "vi": {
            "subject": "Hồ sơ {code} đến hạn vào {due_at}",
            "short": "Hồ sơ {code} đến hạn vào {due_at}.",
            "body": "Hồ sơ {code} ({procedure}) đến hạn giải quyết vào {due_at}.\n\n"
            "Xử lý hồ sơ: {officer_link}",
        },
        "en": {
            "subject": "Dossier {code} is due {due_at}",
            "short": "Dossier {code} is due {due_at}.",
            "body": "Dossier {code} ({procedure}) is due {due_at}.\n\nOpen it: {officer_link}",
        },
    },
    "daily_digest": {
        "vi": {
            "subject": "Tổng hợp ngày {day}: {due_count} hồ sơ sắp đến hạn, "
            "{overdue_count} quá hạn",
            "short": "{due_count} hồ sơ sắp đến hạn, {overdue_count} hồ sơ quá hạn.",
            "body": "Tổng hợp hồ sơ của {agency} ngày {day}.\n\n"
            "Quá hạn ({overdue_count}):\n{overdue}\n\n"
            "Đến hạn hôm nay và ngày làm việc tiếp theo ({due_count}):\n{due}\n\n"
            "Hàng chờ: {queue_link}",
        },
        "en": {
            "subject": "Digest of {day}: {due_count} dossiers due soon, {overdue_count} overdue",
            "short": "{due_count} dossiers due soon, {overdue_count} overdue.",
            "body": "Dossiers of {agency} on {day}.\n\n"
            "Overdue ({overdue_count}):\n{overdue}\n\n"
            "Due today and on the next working day ({due_count}):\n{due}\n\n"
            "Queue: {queue_link}",
        },
    },
}

#: Notices that go out on at least one channel whatever the preferences.
REQUIRED = frozenset(
    {
        "refused",
        "supplement_requested",
        "payment_requested",
        "result_ready",
        "overdue_apology",
        "stopped",
        "supplement_reminder",
        "payment_expiring",
        "result_reminder",
    }
)
#: Templates addressed to officers.
OFFICER_TEMPLATES = frozenset({"new_in_queue", "assigned", "due_tomorrow", "daily_digest"})
#: Names shown in the lists "none" items (empty lists).
NONE = {"vi": "(không có)", "en": "(none)"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    short: str
    body: str

    @property
    def sms(self) -> str:
        """The SMS text: without diacritics (GSM 7-bit: one SMS holds 160 characters instead
        of 70, as Vietnamese brandname SMS are usually sent)."""
        return fold(self.short)


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, locale: str, context: dict) -> Rendered:
    """Fill ``template`` in ``locale`` (Vietnamese when unknown); missing fields are empty."""
    texts = T[template].get(locale) or T[template]["vi"]
    values = _Defaults(context)
    body = texts["body"].format_map(values).replace("\n\n\n", "\n\n")
    return Rendered(
        subject=texts["subject"].format_map(values),
        short=texts["short"].format_map(values),
        body=body + SIGNATURE.get(locale, SIGNATURE["vi"]),
    )


def fold(text: str) -> str:
    """Vietnamese without diacritics, case kept ("Hồ sơ Đã" → "Ho so Da")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def format_moment(moment: datetime | None, locale: str) -> str:
    """``17:00 05/03/2026`` in Vietnam's time (both languages: the legal time)."""
    if moment is None:
        return ""
    return moment.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def format_day(moment: datetime | None) -> str:
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y") if moment else ""


def format_amount(amount: int, locale: str) -> str:
    """``200.000 đồng`` / ``200,000 VND``."""
    if locale == "en":
        return f"{amount:,} VND"
    return f"{amount:,}".replace(",", ".") + " đồng"
