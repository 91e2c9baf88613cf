"""Reference data (the official calendar) and demo data for the embedded default: the demo
province's agencies and procedures, and one account per role.

Idempotent: rows are looked up by their natural key and created only when missing. The
passwords here are development-only values; production never seeds demo data (the CLI
refuses) and production accounts are created with ``flask officers create``.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backend.accounts import passwords
from backend.accounts.models import Role, User, UserKind
from backend.catalog.models import Agency, CalendarEntry, Procedure
from backend.extensions import db

DEMO_PASSWORD_NOTE = "demo data, refused in production"  # noqa: S105 (not a password)
#: DEV-ONLY demo passwords, printed by `make run` and listed in the README.
DEMO_OFFICER_PASSWORD = "demo-CanBo-2026!"  # noqa: S105 (dev-only demo value)
DEMO_CITIZEN_PASSWORD = "demo-CongDan-2026!"  # noqa: S105 (dev-only demo value)

DEMO_OFFICERS = [
    # e-mail, name, roles
    ("tiepnhan@demo.dvc.local", "Lê Thị Tiếp Nhận", [Role.RECEPTION_OFFICER]),
    ("chuyenvien@demo.dvc.local", "Trần Văn Chuyên", [Role.SPECIALIST]),
    ("truongphong@demo.dvc.local", "Phạm Thị Trưởng", [Role.DEPT_HEAD]),
    ("lanhdao@demo.dvc.local", "Nguyễn Văn Lãnh", [Role.LEADER]),
    ("vanthu@demo.dvc.local", "Đỗ Thị Văn Thư", [Role.CLERK]),
    ("thuphi@demo.dvc.local", "Hoàng Văn Thu", [Role.CASHIER]),
    ("quantri@demo.dvc.local", "Vũ Thị Quản Trị", [Role.ADMIN]),
]

DEMO_CITIZEN = {
    "email": "congdan@demo.dvc.local",
    "full_name": "Nguyễn Văn An",
    "personal_id": "056090001234",
    "date_of_birth": date(1990, 5, 15),
    "phone": "0912345678",
}


def seed_reference_data() -> int:
    """The official days off and make-up working days (valid in production too).
    Returns how many entries were added."""
    from backend.catalog import seed_data

    added = 0
    for entry in seed_data.CALENDAR_ENTRIES:
        day = date.fromisoformat(entry["date"])
        exists = sa.select(CalendarEntry.id).where(
            CalendarEntry.day == day, CalendarEntry.agency_id.is_(None)
        )
        if db.session.scalar(exists) is None:
            db.session.add(
                CalendarEntry(
                    day=day, kind=entry["kind"], name_vi=entry["name_vi"], name_en=entry["name_en"]
                )
            )
            added += 1
    db.session.flush()
    return added


def seed_catalog() -> None:
    """The demo province's agencies and its published procedures (skipped when present)."""
    from backend.catalog import seed_data, services
    from backend.catalog.schemas import AgencyInputSchema, ProcedureInputSchema

    agency_schema = AgencyInputSchema()
    for item in seed_data.AGENCIES:
        if db.session.scalar(sa.select(Agency.id).where(Agency.code == item["code"])) is None:
            services.create_agency(agency_schema.load(item), actor=None)
    procedure_schema = ProcedureInputSchema()
    for item in seed_data.PROCEDURES:
        if db.session.scalar(sa.select(Procedure.id).where(Procedure.code == item["code"])):
            continue
        services.publish_procedure(procedure_schema.load(item), actor=None)


def seed_demo_data() -> list[tuple[str, str, str]]:
    """Create what is missing; returns ``(login, password, description)`` for each account."""
    seed_reference_data()
    seed_catalog()
    department = db.session.scalar(sa.select(Agency).where(Agency.code == "000.00.15.H56"))
    officer_hash = None
    accounts = []
    for email, name, roles in DEMO_OFFICERS:
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is None:
            officer_hash = officer_hash or passwords.hash_password(DEMO_OFFICER_PASSWORD)
            officer = User(
                kind=UserKind.OFFICER,
                full_name=name,
                email=email,
                password_hash=officer_hash,
                agency=department,
            )
            officer.set_roles(roles)
            db.session.add(officer)
        accounts.append(
            (email, DEMO_OFFICER_PASSWORD, ", ".join(roles) + " — " + department.name_vi)
        )
    citizen = DEMO_CITIZEN
    if db.session.scalar(sa.select(User.id).where(User.email == citizen["email"])) is None:
        db.session.add(
            User(
                kind=UserKind.CITIZEN,
                password_hash=passwords.hash_password(DEMO_CITIZEN_PASSWORD),
                **citizen,
            )
        )
    accounts.append((citizen["email"], DEMO_CITIZEN_PASSWORD, "citizen " + citizen["full_name"]))
    db.session.flush()
    return accounts
