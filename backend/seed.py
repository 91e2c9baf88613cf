"""Demo data for the embedded default: agencies and one account per role.

Idempotent: rows are looked up by their natural key and created only when missing. The
passwords here are development-only values; production never seeds demo data (the CLI
refuses) and production accounts are created with ``flask officers create``.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backend.accounts import passwords
from backend.accounts.models import Role, User, UserKind
from backend.catalog.models import Agency, AgencyLevel
from backend.extensions import db

DEMO_PASSWORD_NOTE = "demo data, refused in production"  # noqa: S105 (not a password)
#: DEV-ONLY demo passwords, printed by `make run` and listed in the README.
DEMO_OFFICER_PASSWORD = "demo-CanBo-2026!"  # noqa: S105 (dev-only demo value)
DEMO_CITIZEN_PASSWORD = "demo-CongDan-2026!"  # noqa: S105 (dev-only demo value)

DEMO_AGENCIES = [
    # code, name_vi, name_en, level, parent code
    (
        "000.00.00.H56",
        "UBND tỉnh Khánh Hòa",
        "Khanh Hoa Provincial People's Committee",
        AgencyLevel.PROVINCE,
        None,
    ),
    (
        "000.00.15.H56",
        "Sở Tư pháp tỉnh Khánh Hòa",
        "Khanh Hoa Department of Justice",
        AgencyLevel.DEPARTMENT,
        "000.00.00.H56",
    ),
    (
        "000.00.22.H56",
        "Sở Xây dựng tỉnh Khánh Hòa",
        "Khanh Hoa Department of Construction",
        AgencyLevel.DEPARTMENT,
        "000.00.00.H56",
    ),
    (
        "000.31.01.H56",
        "UBND phường Nha Trang",
        "Nha Trang Ward People's Committee",
        AgencyLevel.COMMUNE,
        "000.00.00.H56",
    ),
]

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


def seed_demo_data() -> list[tuple[str, str, str]]:
    """Create what is missing; returns ``(login, password, description)`` for each account."""
    agencies: dict[str, Agency] = {}
    for code, name_vi, name_en, level, parent in DEMO_AGENCIES:
        agency = db.session.scalar(sa.select(Agency).where(Agency.code == code))
        if agency is None:
            agency = Agency(
                code=code,
                name_vi=name_vi,
                name_en=name_en,
                level=level,
                parent_id=agencies[parent].id if parent else None,
            )
            db.session.add(agency)
            db.session.flush()
        agencies[code] = agency
    department = agencies["000.00.15.H56"]
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
