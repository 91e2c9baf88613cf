"""Dossier statuses (national sync codes, DOMAIN.md §2.2) and the transition table.

Pure: no database, no Flask. ``next_status(current, action, role)`` is the only way a status
changes; anything not in the table is an ``InvalidTransition``.
"""

from __future__ import annotations

import enum


class DossierStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECEIVED = "received"
    REFUSED = "refused"
    PROCESSING = "processing"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    PAYMENT_REQUESTED = "payment_requested"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    RESOLVED = "resolved"
    DELIVERED = "delivered"


#: TrangThaiHoSo codes synced to the National Public Service Portal.
STATUS_CODES = {
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.PAYMENT_REQUESTED: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.RESOLVED: 9,
    DossierStatus.DELIVERED: 10,
}

TERMINAL = frozenset(
    {
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.DELIVERED,
    }
)

#: Before a decision: the citizen may still withdraw.
UNDECIDED = frozenset(
    {
        DossierStatus.SUBMITTED,
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.PAYMENT_REQUESTED,
    }
)

CITIZEN = "citizen"
RECEPTION = "reception_officer"
SPECIALIST = "specialist"
DEPT_HEAD = "dept_head"
LEADER = "leader"
CLERK = "clerk"
CASHIER = "cashier"

S = DossierStatus

#: (from status, action) → (roles allowed, resulting status). ``None`` keeps the status.
TRANSITIONS: dict[tuple[DossierStatus, str], tuple[frozenset[str], DossierStatus | None]] = {
    (S.DRAFT, "submit"): (frozenset({CITIZEN}), S.SUBMITTED),
    # Reception (one-stop desk).
    (S.SUBMITTED, "accept"): (frozenset({RECEPTION}), S.RECEIVED),
    (S.SUBMITTED, "refuse"): (frozenset({RECEPTION}), S.REFUSED),
    (S.SUBMITTED, "request_supplement"): (frozenset({RECEPTION}), S.SUPPLEMENT_REQUESTED),
    # Processing.
    (S.RECEIVED, "assign"): (frozenset({DEPT_HEAD, RECEPTION}), S.PROCESSING),
    (S.PROCESSING, "assign"): (frozenset({DEPT_HEAD}), None),
    (S.PROCESSING, "forward"): (frozenset({SPECIALIST, DEPT_HEAD}), None),
    (S.PROCESSING, "return_for_rework"): (frozenset({DEPT_HEAD, LEADER}), None),
    (S.RECEIVED, "request_supplement"): (
        frozenset({RECEPTION, SPECIALIST}),
        S.SUPPLEMENT_REQUESTED,
    ),
    (S.PROCESSING, "request_supplement"): (
        frozenset({SPECIALIST, RECEPTION}),
        S.SUPPLEMENT_REQUESTED,
    ),
    (S.SUPPLEMENT_REQUESTED, "supply"): (frozenset({CITIZEN}), None),
    (S.SUPPLEMENT_REQUESTED, "accept_supplement"): (
        frozenset({RECEPTION, SPECIALIST}),
        S.PROCESSING,
    ),
    # A supplement asked at reception returns the dossier to the reception desk.
    (S.SUPPLEMENT_REQUESTED, "resume_reception"): (frozenset({RECEPTION}), S.SUBMITTED),
    (S.PROCESSING, "request_payment"): (frozenset({SPECIALIST, CASHIER}), S.PAYMENT_REQUESTED),
    (S.PAYMENT_REQUESTED, "payment_settled"): (frozenset({"system", CASHIER}), S.PROCESSING),
    (S.PROCESSING, "approve"): (frozenset({LEADER}), None),
    (S.PROCESSING, "reject"): (frozenset({LEADER}), None),
    (S.PROCESSING, "issue"): (frozenset({CLERK}), S.RESOLVED),
    (S.RESOLVED, "deliver"): (frozenset({RECEPTION, CITIZEN, "system"}), S.DELIVERED),
}
for _status in UNDECIDED:
    TRANSITIONS[(_status, "withdraw")] = (frozenset({CITIZEN, RECEPTION}), S.WITHDRAWN)
    if _status is not S.SUBMITTED:
        TRANSITIONS[(_status, "stop")] = (frozenset({LEADER, DEPT_HEAD}), S.STOPPED)
        TRANSITIONS[(_status, "apologize")] = (frozenset({LEADER}), None)


class InvalidTransition(Exception):
    """``action`` is not possible from ``status`` for ``role``."""

    def __init__(self, status: DossierStatus, action: str, role: str):
        super().__init__(f"{action} is not allowed from {status} for {role}")
        self.status, self.action, self.role = status, action, role


def next_status(current: DossierStatus | str, action: str, role: str) -> DossierStatus:
    """The status after ``action`` by ``role``; raises ``InvalidTransition``."""
    current = DossierStatus(current)
    rule = TRANSITIONS.get((current, action))
    if rule is None or role not in rule[0]:
        raise InvalidTransition(current, action, role)
    return rule[1] or current


def allowed_actions(current: DossierStatus | str, roles: set[str]) -> list[str]:
    """The actions any of ``roles`` may take now (for the UI's buttons)."""
    current = DossierStatus(current)
    return sorted(
        action
        for (status, action), (allowed, _to) in TRANSITIONS.items()
        if status is current and allowed & roles
    )
