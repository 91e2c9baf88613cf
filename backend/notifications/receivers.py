"""What each dossier step tells whom: the receiver of ``dossiers.events.step_recorded``.

It runs inside the step's transaction and only adds rows (in-app notifications and queued
messages); the messages leave after commit (:func:`services.notify`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from backend.accounts.models import OfficerRole, User
from backend.dossiers.events import step_recorded
from backend.dossiers.models import Dossier, ProcessLogEntry
from backend.extensions import db
from backend.notifications import services, templates
from backend.notifications.templates import format_amount, format_moment


def dossier_context(dossier: Dossier, locale: str) -> dict:
    """Fields every dossier template may use, in ``locale``."""
    version = dossier.procedure_version
    en = locale == "en"
    agency = dossier.receiving_agency
    return {
        "name": dossier.applicant_name,
        "code": dossier.code,
        "procedure": version.name_en if en else version.name_vi,
        "agency": (agency.name_en if en else agency.name_vi) if agency else "",
        "submitted_at": format_moment(dossier.submitted_at, locale),
        "received_at": format_moment(dossier.received_at, locale),
        "due_at": format_moment(dossier.due_at, locale),
        "lookup_link": services.lookup_link(dossier.code),
        "dossier_link": services.dossier_link(dossier.uuid),
        "officer_link": services.officer_link(dossier.uuid),
    }


def officers(agency_id: int, roles: Iterable[str], *, with_roles: bool = False) -> list[User]:
    """Active officers of an agency holding any of ``roles`` (their role rows and agency are
    loaded only ``with_roles``: telling them needs neither)."""
    stmt = sa.select(User)
    if not with_roles:
        stmt = stmt.options(lazyload(User.role_rows), lazyload(User.agency))
    rows = db.session.scalars(
        stmt.join(OfficerRole, OfficerRole.user_id == User.id)
        .where(
            User.agency_id == agency_id,
            User.kind == "officer",
            User.is_active.is_(True),
            OfficerRole.role.in_(list(roles)),
        )
        .distinct()
        .order_by(User.id)
    ).all()
    return list(rows)


class Step:
    """One recorded step, with helpers to notify the owner and officers about it."""

    def __init__(self, dossier: Dossier, entry: ProcessLogEntry, actor, event_data: dict):
        self.dossier, self.entry, self.actor, self.data = dossier, entry, actor, event_data
        self.pending: list[tuple[User, str, str, dict]] = []

    def tell_owner(self, template: str, url: str, **extra) -> None:
        owner = self.dossier.owner
        self._tell(owner, template, url, extra)

    def tell_officers(self, users: Iterable[User], template: str = "new_in_queue", **extra):
        for user in users:
            if self.actor is None or user.id != self.actor.id:
                self._tell(user, template, services.officer_link(self.dossier.uuid), extra)

    def _tell(self, user: User, template: str, url: str, extra: dict) -> None:
        self.pending.append((user, template, url, extra))

    def send(self) -> None:
        """Add the notifications: the preferences in one query, then only new rows (they go
        to the database together with the transaction's next flush)."""
        if not self.pending:
            return
        prefs = services.preferences_for({user for user, *_ in self.pending})
        for user, template, url, extra in self.pending:

            def context(locale: str, extra=extra) -> dict:
                values = dossier_context(self.dossier, locale)
                for name, value in extra.items():
                    values[name] = value(locale) if callable(value) else value
                return values

            services.notify(
                user,
                template,
                key=f"step:{self.entry.id}:{template}",
                context=context,
                url=url,
                dossier_id=self.dossier.id,
                pref=prefs[user.id],
            )


def _due_line(dossier: Dossier) -> Callable[[str], str]:
    def line(locale: str) -> str:
        if dossier.due_at is None:
            return ""
        label = "Due" if locale == "en" else "Hạn giải quyết"
        return f"{label}: {format_moment(dossier.due_at, locale)}"

    return line


def _on_submit(step: Step) -> None:
    d = step.dossier

    def fee_line(locale: str) -> str:
        if not d.awaiting_payment:
            return ""
        amount = format_amount(d.amount_due, locale)
        pay = services.dossier_link(d.uuid, "thanh-toan")
        if locale == "en":
            return f"Fees to pay before reception: {amount}. Pay online: {pay}\n"
        return f"Phí, lệ phí cần nộp trước khi tiếp nhận: {amount}. Thanh toán: {pay}\n"

    step.tell_owner("submitted", services.dossier_link(d.uuid), fee_line=fee_line)
    if not d.awaiting_payment:
        step.tell_officers(officers(d.receiving_agency_id, ["reception_officer"]))


def _receipt_of(step: Step) -> tuple[str, int | None]:
    """(receipt number, amount) of the payment that settled this step."""
    from backend.payments.models import Payment

    payment_id = step.data.get("payment")
    if payment_id:
        payment_uuid = uuid.UUID(str(payment_id))
        payment = db.session.scalar(sa.select(Payment).where(Payment.uuid == payment_uuid))
        if payment is not None and payment.receipt is not None:
            return payment.receipt.number, payment.amount
    return step.data.get("receipt") or step.entry.note or "", step.data.get("amount")


def _on_paid(step: Step) -> None:
    d = step.dossier
    receipt, amount = _receipt_of(step)
    step.tell_owner(
        "payment_succeeded",
        services.dossier_link(d.uuid, "thanh-toan"),
        receipt=receipt,
        amount=lambda locale: format_amount(amount, locale) if amount else "",
        paid_at=lambda locale: format_moment(step.entry.occurred_at, locale),
        action_link=services.dossier_link(d.uuid, "thanh-toan"),
    )
    if step.entry.action == "pay":  # the fee at submission: it now enters the reception queue
        step.tell_officers(officers(d.receiving_agency_id, ["reception_officer"]))
    elif d.assignee is not None:
        step.tell_officers([d.assignee])


def _on_accept(step: Step) -> None:
    d = step.dossier
    step.tell_owner("received", services.dossier_link(d.uuid))
    step.tell_officers(officers(d.competent_agency_id, ["dept_head"]), due_line=_due_line(d))


def _on_refuse(step: Step) -> None:
    step.tell_owner("refused", services.dossier_link(step.dossier.uuid), reason=step.entry.note)


def _items_text(items: list, locale: str) -> str:
    lines = []
    for item in items or []:
        text = item.get("description") or item.get("name") or item.get("component_code") or ""
        code = item.get("component_code")
        lines.append(f"- {text}" + (f" ({code})" if code and code != text else ""))
    return "\n".join(lines) or templates.NONE.get(locale, "")


def _on_request_supplement(step: Step) -> None:
    d = step.dossier
    current = d.supplements[-1]
    url = services.dossier_link(d.uuid, "bo-sung")

    def note_line(locale: str) -> str:
        if not current.note:
            return ""
        return ("Note: " if locale == "en" else "Ghi chú: ") + current.note + "\n"

    step.tell_owner(
        "supplement_requested",
        url,
        items=lambda locale: _items_text(current.items, locale),
        note_line=note_line,
        deadline=lambda locale: format_moment(current.deadline_at, locale),
        action_link=url,
    )


def _on_supply(step: Step) -> None:
    d = step.dossier
    if d.assignee is not None:
        step.tell_officers([d.assignee])
    else:
        step.tell_officers(officers(d.receiving_agency_id, ["reception_officer"]))


def _on_request_payment(step: Step) -> None:
    d = step.dossier
    url = services.dossier_link(d.uuid, "thanh-toan")
    total = step.data.get("total") or d.amount_due

    def note_line(locale: str) -> str:
        lines = [
            f"- {line.get('name') or line.get('description') or ''}: "
            f"{format_amount(line['amount'], locale)}"
            for line in step.data.get("lines") or []
            if "amount" in line
        ]
        if step.entry.note:
            lines.append(("Note: " if locale == "en" else "Ghi chú: ") + step.entry.note)
        return "\n".join(lines) + ("\n" if lines else "")

    step.tell_owner(
        "payment_requested",
        url,
        amount=lambda locale: format_amount(total, locale),
        note_line=note_line,
        action_link=url,
    )


def _on_assign(step: Step) -> None:
    if step.dossier.assignee is not None:
        step.tell_officers([step.dossier.assignee], "assigned")


def _on_forward(step: Step) -> None:
    role = step.data.get("to")
    if role:
        step.tell_officers(officers(step.dossier.competent_agency_id, [role]))


def _on_decide(step: Step) -> None:
    step.tell_officers(officers(step.dossier.competent_agency_id, ["clerk"]))


def _on_issue(step: Step) -> None:
    d = step.dossier
    url = services.dossier_link(d.uuid, "ket-qua")
    step.tell_owner(
        "result_ready",
        url,
        result_number=f"{d.result_number}/{d.result_symbol}",
        action_link=url,
    )


def _on_apologize(step: Step) -> None:
    d = step.dossier
    step.tell_owner(
        "overdue_apology",
        services.dossier_link(d.uuid),
        reason=step.entry.note,
        new_due_at=lambda locale: format_moment(d.due_at, locale),
        old_due_at=lambda locale: format_moment(d.original_due_at, locale),
    )


def _on_deliver(step: Step) -> None:
    step.tell_owner("delivered", services.dossier_link(step.dossier.uuid))


def _on_stop(step: Step) -> None:
    step.tell_owner("stopped", services.dossier_link(step.dossier.uuid), reason=step.entry.note)


def _on_withdraw(step: Step) -> None:
    step.tell_owner("withdrawn", services.dossier_link(step.dossier.uuid), reason=step.entry.note)


def _on_resume_reception(step: Step) -> None:
    step.tell_officers(officers(step.dossier.receiving_agency_id, ["reception_officer"]))


#: Process-log action → what it tells whom.
HANDLERS: dict[str, Callable[[Step], None]] = {
    "submit": _on_submit,
    "pay": _on_paid,
    "payment_settled": _on_paid,
    "accept": _on_accept,
    "refuse": _on_refuse,
    "request_supplement": _on_request_supplement,
    "supply": _on_supply,
    "resume_reception": _on_resume_reception,
    "request_payment": _on_request_payment,
    "assign": _on_assign,
    "forward": _on_forward,
    "approve": _on_decide,
    "reject": _on_decide,
    "issue": _on_issue,
    "apologize": _on_apologize,
    "deliver": _on_deliver,
    "stop": _on_stop,
    "withdraw": _on_withdraw,
}


@step_recorded.connect
def on_step_recorded(dossier: Dossier, *, entry, actor=None, event_data=None, **_):
    """Notify the citizen and the officers concerned by a dossier step (rows only)."""
    handler = HANDLERS.get(entry.action)
    if handler is not None:
        step = Step(dossier, entry, actor, event_data or {})
        handler(step)
        step.send()
