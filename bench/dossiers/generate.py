"""Fill a scratch PostgreSQL database with N dossiers (default 1,000,000) for the dossier benchmark.

The catalogue goes through the services (50 agencies, 11 procedures published with
``backend.catalog.services.publish_procedure``, three of them republished so older dossiers
point at older versions); citizens, dossiers, their process-log rows and the daily code
counters are streamed with ``COPY`` (text format, built in Python), then the tables are
vacuumed and analysed.

    .venv/bin/python -m bench.dossiers.generate [--dossiers 1000000] [--citizens 100000]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_dossiers]

Run alone, it wipes and migrates the database first (as ``bench.dossiers.run`` does).

What the data looks like:

* citizens: ``cd000000@bench.dvc.vn`` … with valid-looking personal ID numbers, one fixed
  argon2id hash of :data:`PASSWORD` computed once with the configured parameters (so sign-in
  costs what it costs in production and never rehashes); ``cd000000`` owns :data:`HEAVY`
  dossiers, the next :data:`SEMI_HEAVY_COUNT` own :data:`SEMI_HEAVY` each, the rest are
  spread uniformly (about 10 per citizen at the defaults);
* dossiers: a status mix of 10 % drafts (started in the last 30 days: older ones are purged),
  recent dossiers still in reception or processing, and mostly finished ones (delivered,
  resolved, withdrawn, refused, stopped) over two years; dates follow the status (received,
  due, finished, delivered, closed), ``updated_at`` is the last step; ids follow submission
  (drafts: start) time; codes ``<receiving agency>-YYMMDD-NNNN`` numbered per agency and
  Vietnam day, and ``dossier_code_counters`` holds the last number of every (agency, day), so
  submissions made today continue the sequence;
* one ``dossier_process_log`` row (the submission) per non-draft dossier.

Attachments, audit rows and outbox events of the generated history are not generated.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import random
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import psycopg
import sqlalchemy as sa

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench_dossiers"
PASSWORD = "Mat-khau-do-tai-2026"  # benchmark accounts only
EMAIL = "cd{:06d}@bench.dvc.vn"
HEAVY = 200
SEMI_HEAVY = 60
SEMI_HEAVY_COUNT = 10
DAY = 86400.0
VN_OFFSET = 7 * 3600  # Asia/Ho_Chi_Minh has no daylight saving time
CHUNK_ROWS = 20_000
NULL = "\\N"  # COPY text format

# --- vocabulary ---------------------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
FAMILY += ["Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Hoài", "Thu", "Gia"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng"]
GIVEN += ["Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương"]
GIVEN += ["Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]
PROVINCES = ["001", "079", "031", "048", "092", "038", "040", "036", "075", "027", "022", "046"]
RELATIONSHIPS = ["mẹ", "bố", "con", "vợ", "chồng", "anh", "chị", "em"]
PURPOSES = ["Bổ sung hồ sơ học tập", "Xin việc làm", "Làm thủ tục ngân hàng", "Du học", ""]
REASONS = ["Nộp nhầm thủ tục", "Cần bổ sung thông tin", "Không còn nhu cầu"]

DEPARTMENTS = [
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Giao thông vận tải",
    "Sở Kế hoạch và Đầu tư",
    "Sở Y tế",
    "Sở Công Thương",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Nội vụ",
    "Sở Giáo dục và Đào tạo",
]
PLACES = ["Ba Đình", "Hoàn Kiếm", "Đống Đa", "Cầu Giấy", "Hai Bà Trưng", "Tây Hồ", "Long Biên"]
PLACES += ["Thanh Xuân", "Hoàng Mai", "Hà Đông", "Bắc Từ Liêm", "Nam Từ Liêm", "Gia Lâm"]
PLACES += ["Đông Anh", "Sóc Sơn", "Thanh Trì", "Mê Linh", "Sơn Tây", "Ba Vì", "Phúc Thọ"]

#: (code, name_vi, name_en, (field code, vi, en), duration in working days, fee at submission)
PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Birth registration", "HO_TICH", 1, 0),
    ("1.000894", "Đăng ký kết hôn", "Marriage registration", "HO_TICH", 3, 0),
    ("1.004873", "Cấp bản sao trích lục hộ tịch", "Civil status extract", "HO_TICH", 1, 8000),
    ("1.000656", "Xác nhận tình trạng hôn nhân", "Marital status certificate", "HO_TICH", 3, 0),
    ("2.001417", "Cấp Phiếu lý lịch tư pháp", "Criminal record certificate", "LLTP", 10, 200000),
    ("1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Building permit", "XAY_DUNG", 15, 75000),
    ("2.000575", "Đăng ký thành lập hộ kinh doanh", "Household business", "KINH_DOANH", 3, 100000),
    ("1.002804", "Cấp đổi giấy phép lái xe", "Driving licence renewal", "GIAO_THONG", 5, 135000),
    ("1.003003", "Đăng ký biến động quyền sử dụng đất", "Land use change", "DAT_DAI", 10, 0),
    ("1.005412", "Cấp chứng chỉ hành nghề dược", "Pharmacist practice certificate", "Y_TE", 20, 0),
    ("2.000293", "Cấp giấy phép lao động", "Work permit for foreigners", "LAO_DONG", 5, 600000),
]
FIELD_NAMES = {
    "HO_TICH": ("Hộ tịch", "Civil status"),
    "LLTP": ("Lý lịch tư pháp", "Criminal records"),
    "XAY_DUNG": ("Xây dựng", "Construction"),
    "KINH_DOANH": ("Thành lập và hoạt động doanh nghiệp", "Business registration"),
    "GIAO_THONG": ("Đường bộ", "Road transport"),
    "DAT_DAI": ("Đất đai", "Land"),
    "Y_TE": ("Y tế", "Health"),
    "LAO_DONG": ("Việc làm", "Employment"),
}
#: Procedures (by index) republished once or twice: (days ago of each publication).
PUBLICATIONS = {0: (760, 400, 120), 4: (760, 300), 7: (760, 200)}
FIRST_PUBLICATION = 760

#: status → (share in %, submitted between A and B days ago; drafts: started then)
STATUS_MIX = {
    "draft": (10, 0, 30),
    "submitted": (3, 0, 2),
    "received": (3, 0, 7),
    "processing": (8, 1, 60),
    "supplement_requested": (2, 2, 45),
    "payment_requested": (1, 1, 20),
    "refused": (2, 1, 728),
    "withdrawn": (3, 1, 728),
    "stopped": (1, 10, 728),
    "resolved": (7, 1, 90),
    "delivered": (60, 2, 728),
}
STATUS_CODES = {
    "submitted": 1,
    "received": 2,
    "refused": 3,
    "processing": 4,
    "supplement_requested": 5,
    "payment_requested": 6,
    "withdrawn": 7,
    "stopped": 8,
    "resolved": 9,
    "delivered": 10,
}
RECEIVED_ONWARDS = {
    "received",
    "processing",
    "supplement_requested",
    "payment_requested",
    "stopped",
    "resolved",
    "delivered",
}

# --- helpers ------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, flush=True)


def libpq_url(sa_url: str) -> str:
    """``postgresql+psycopg://…`` → ``postgresql://…`` for psycopg."""
    return "postgresql://" + sa_url.split("://", 1)[1]


_DAY_PREFIX: dict[int, str] = {}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def ts(epoch: float | None) -> str:
    """COPY text for a timestamptz in UTC (``\\N`` for none), to the millisecond."""
    if epoch is None:
        return "\\N"
    millis = int(epoch * 1000)
    seconds, millis = divmod(millis, 1000)
    day, seconds = divmod(seconds, 86400)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = _DAY_PREFIX[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat() + " "
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}+00"


def configured_password_hash() -> str:
    """One argon2id hash of :data:`PASSWORD` with the configured (production) parameters."""
    from argon2 import PasswordHasher, Type

    from backend.config import load_config

    config = load_config(environ={**os.environ, "SECRET_KEY": "bench", "APP_ENV": "development"})
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
        type=Type.ID,
    ).hash(PASSWORD)


def reset_database(url: str) -> str:
    """Create the database if needed, drop its schema and migrate; the SQLAlchemy URL."""
    from bench.auth.run import prepare_database

    return prepare_database(url)


# --- catalogue (through the services) -----------------------------------------------------------


def build_catalog(sa_url: str, agencies: int, now: datetime) -> list[dict]:
    """Agencies and procedures; returns per procedure its versions and receiving agencies."""
    import tempfile

    from backend import create_app
    from backend.catalog import services
    from backend.catalog.models import Agency, AgencyLevel, Procedure
    from backend.catalog.schemas import ProcedureInputSchema
    from backend.core.transaction import task_transaction
    from backend.extensions import db
    from tests.catalog_fixtures import procedure_payload

    with tempfile.TemporaryDirectory(prefix="bench-dossiers-gen-") as instance:
        app = create_app(
            {
                "SECRET_KEY": "bench-generator",
                "DATABASE_URL": sa_url,
                "INSTANCE_DIR": instance,
                "LOG_LEVEL": "WARNING",
            }
        )
        with app.app_context():
            with task_transaction():
                rows = []
                for i in range(agencies):
                    if i < len(DEPARTMENTS):
                        name, level = DEPARTMENTS[i] + " Hà Nội", AgencyLevel.DEPARTMENT
                    else:
                        place = PLACES[(i - len(DEPARTMENTS)) % len(PLACES)]
                        round_ = (i - len(DEPARTMENTS)) // len(PLACES)
                        name = f"UBND phường {place}" + (f" {round_ + 1}" if round_ else "")
                        level = AgencyLevel.COMMUNE
                    rows.append(
                        Agency(
                            code=f"000.{i // 100:02d}.{i % 100 + 1:02d}.H29",
                            name_vi=name,
                            name_en=f"Bench agency {i + 1}",
                            level=level,
                        )
                    )
                db.session.add_all(rows)
                db.session.flush()
                codes = [a.code for a in rows]
                for p, (code, name_vi, name_en, field, days, fee) in enumerate(PROCEDURES):
                    receiving = [codes[(p * 5 + k) % len(codes)] for k in range(8)]
                    field_vi, field_en = FIELD_NAMES[field]
                    fees = []
                    if fee:
                        fees.append(
                            {
                                "code": "LP",
                                "name_vi": "Lệ phí",
                                "name_en": "Fee",
                                "amount": fee,
                                "kind": "fee",
                                "payable": "at_submission",
                            }
                        )
                    for number, _ago in enumerate(PUBLICATIONS.get(p, (FIRST_PUBLICATION,))):
                        payload = procedure_payload(
                            receiving[0],
                            code=code,
                            name_vi=f"Thủ tục {name_vi.lower()}",
                            name_en=name_en,
                            field={"code": field, "name_vi": field_vi, "name_en": field_en},
                            receiving_agency_codes=receiving,
                            duration={"amount": days, "unit": "working_days", "cutoff": None},
                            fees=fees,
                            description_vi=f"{name_vi} (phiên bản {number + 1}).",
                        )
                        data = ProcedureInputSchema().load(payload)
                        services.publish_procedure(data, actor=None, code=code if number else None)
            with task_transaction():
                out = []
                procedures = db.session.scalars(sa.select(Procedure).order_by(Procedure.id)).all()
                for p, procedure in enumerate(procedures):
                    agos = PUBLICATIONS.get(p, (FIRST_PUBLICATION,))
                    versions = []
                    for version, ago in zip(procedure.versions, agos, strict=True):
                        version.published_at = now - timedelta(days=ago)
                        versions.append(
                            {
                                "id": version.id,
                                "published": version.published_at.timestamp(),
                                "fee": sum(
                                    f.amount for f in version.fees if f.payable == "at_submission"
                                ),
                                "days": float(version.duration_amount),
                            }
                        )
                    current = procedure.current_version
                    out.append(
                        {
                            "code": procedure.code,
                            "versions": versions,
                            "competent": current.competent_agency_id,
                            "receiving": [(a.id, a.code) for a in current.receiving_agencies],
                        }
                    )
        app.extensions["db_engine"].dispose()
    return out


# --- rows ---------------------------------------------------------------------------------------


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def personal_id(rng: random.Random, serial: int, birth_year: int) -> str:
    century = 0 if birth_year < 2000 else 2
    gender = rng.randrange(2)
    return f"{rng.choice(PROVINCES)}{century + gender}{birth_year % 100:02d}{serial:06d}"


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY ``rows`` (already formatted text lines) into ``table``; the number of rows."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for line in rows:
            buffer.write(line)
            count += 1
            if count % CHUNK_ROWS == 0:
                copy.write(buffer.getvalue().encode())
                buffer = io.StringIO()
        if buffer.tell():
            copy.write(buffer.getvalue().encode())
    return count


USER_COLUMNS = [
    "id", "uuid", "kind", "full_name", "personal_id", "date_of_birth", "email", "phone",
    "password_hash", "agency_id", "is_active", "failed_login_count", "locked_until",
    "last_login_at", "created_at", "updated_at",
]  # fmt: skip

DOSSIER_COLUMNS = [
    "id", "uuid", "code", "external_code", "procedure_version_id", "receiving_agency_id",
    "competent_agency_id", "owner_id", "channel", "status", "status_code", "version",
    "applicant_name", "applicant_personal_id", "applicant_date_of_birth", "applicant_phone",
    "applicant_email", "filed_by_delegate", "delegate_relationship", "form_data",
    "fee_due_at_submission", "awaiting_payment", "submitted_at", "received_at", "due_at",
    "original_due_at", "finished_at", "delivered_at", "closed_at", "withdraw_reason",
    "last_activity_at", "created_at", "updated_at",
]  # fmt: skip

LOG_COLUMNS = [
    "id", "dossier_id", "occurred_at", "action", "actor_uuid", "actor_name", "actor_role",
    "agency_code", "status", "status_code", "step_started_at", "step_due_at", "note",
    "sync_state",
]  # fmt: skip


def make_citizens(rng: random.Random, count: int, first_id: int, password_hash: str, now: float):
    """(COPY lines, per citizen (id, uuid, name, personal id, birth date, email, phone))."""
    people = []
    lines = []
    for n in range(count):
        year = rng.randrange(1950, 2006)
        birth = date(year, rng.randrange(1, 13), rng.randrange(1, 29)).isoformat()
        name = person(rng)
        pid = personal_id(rng, n, year)
        email = EMAIL.format(n)
        phone = f"09{n:08d}" if n % 3 == 0 else None
        user_uuid = str(uuid.uuid4())
        user_id = first_id + n
        created = ts(now - rng.uniform(30, 900) * DAY)
        people.append((user_id, user_uuid, name, pid, birth, email, phone))
        lines.append(
            f"{user_id}\t{user_uuid}\tcitizen\t{name}\t{pid}\t{birth}\t{email}\t"
            f"{phone or NULL}\t{password_hash}\t\\N\tt\t0\t\\N\t\\N\t{created}\t{created}\n"
        )
    return lines, people


def owner_sequence(rng: random.Random, dossiers: int, citizens: int) -> list[int]:
    """Owner index of every dossier: one heavy citizen, a few semi-heavy ones, the rest uniform."""
    heavy = min(HEAVY, dossiers)
    owners = [0] * heavy
    for k in range(1, 1 + SEMI_HEAVY_COUNT):
        take = min(SEMI_HEAVY, dossiers - len(owners))
        if citizens <= k or take <= 0:
            break
        owners += [k] * take
    low = 1 + SEMI_HEAVY_COUNT
    if citizens <= low:
        low = 0
    owners += [rng.randrange(low, citizens) for _ in range(dossiers - len(owners))]
    return owners


def plan_dossiers(rng: random.Random, dossiers: int, citizens: int, now: float):
    """(submitted or started time, status, owner index) per dossier, oldest first."""
    statuses = list(STATUS_MIX)
    weights = [STATUS_MIX[s][0] for s in statuses]
    chosen = rng.choices(statuses, weights, k=dossiers)
    owners = owner_sequence(rng, dossiers, citizens)
    rng.shuffle(owners)
    plan = []
    for status, owner in zip(chosen, owners, strict=True):
        _share, low, high = STATUS_MIX[status]
        moment = now - rng.uniform(low, high) * DAY - rng.uniform(60, 3600)
        plan.append((moment, status, owner))
    plan.sort()
    return plan


def extra_dossier_columns(cursor) -> dict[str, str]:
    """Columns of the migrated ``dossiers`` table this generator does not know by name.

    The schema grows (back office, payments, …): nullable columns and columns with a default
    are left to the database; a NOT NULL boolean or number without a default gets false or 0;
    ``search_text`` (officers' search) and ``amount_due`` (payments) are filled as the
    application fills them at submission. Any other mandatory column stops the generator with
    its name."""
    cursor.execute(
        "SELECT column_name, is_nullable, column_default, data_type "
        "FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = 'dossiers'"
    )
    found = {name: (nullable == "YES", default, kind) for name, nullable, default, kind in cursor}
    missing = [name for name in DOSSIER_COLUMNS if name not in found]
    if missing:
        raise SystemExit(
            f"the dossiers table has no column {', '.join(missing)}: update generate.py"
        )
    extras: dict[str, str] = {}
    for name, (nullable, default, kind) in found.items():
        if name in DOSSIER_COLUMNS:
            continue
        if name in ("search_text", "amount_due"):  # filled as the application fills them
            extras[name] = name
        elif nullable or default is not None:
            continue
        elif kind == "boolean":
            extras[name] = "f"
        elif kind in ("smallint", "integer", "bigint", "numeric"):
            extras[name] = "0"
        else:
            raise SystemExit(f"dossiers.{name} ({kind}) is mandatory: update generate.py")
    return extras


@functools.cache
def _folded(text: str) -> str:
    from backend.catalog.units import unaccent

    return unaccent(text)


def search_text(code: str, name: str, pid: str) -> str:
    """Lower-case, unaccented code, applicant name and ID number (officers' search)."""
    folded_code = code.lower().replace(".", " ").replace("-", " ")  # what unaccent() gives
    return f"{folded_code} {_folded(name)} {pid}"


def dossier_rows(
    rng, plan, catalog, people, first_id, now, counters, log_lines, log_first_id, extras
):
    """COPY lines of the dossiers (and, in ``log_lines``, their process-log rows)."""
    clamp_to = now - 1.0

    def at(moment: float) -> float:
        return moment if moment < clamp_to else clamp_to

    day_labels: dict[int, str] = {}
    epoch_ordinal = date(1970, 1, 1).toordinal()
    forms = {}
    log_id = log_first_id
    for offset, (moment, status, owner) in enumerate(plan):
        dossier_id = first_id + offset
        procedure = catalog[int(rng.random() * len(catalog))]
        draft = status == "draft"
        created = moment if draft else moment - rng.uniform(120, 2 * DAY)
        version = procedure["versions"][0]
        for candidate in procedure["versions"]:
            if candidate["published"] <= created:
                version = candidate
        receiving = procedure["receiving"]
        agency_id, agency_code = receiving[int(rng.random() * len(receiving))]
        user_id, user_uuid, name, pid, birth, email, phone = people[owner]
        delegate = rng.random() < 0.04
        if delegate:
            year = rng.randrange(1940, 2024)
            a_name, a_pid = person(rng), personal_id(rng, rng.randrange(1_000_000), year)
            a_birth = date(year, rng.randrange(1, 13), rng.randrange(1, 29)).isoformat()
            a_phone, a_email, relation = "\\N", "\\N", rng.choice(RELATIONSHIPS)
        else:
            a_name, a_pid, a_birth = name, pid, birth
            a_phone, a_email, relation = phone or "\\N", email, "\\N"
        form_key = (a_name, draft)
        form = forms.get(form_key)
        if form is None:
            data = {} if draft else {"full_name": a_name}
            if not draft and rng.random() < 0.5:
                data["purpose"] = rng.choice(PURPOSES)
            form = forms[form_key] = json.dumps(data, ensure_ascii=False)
        code = submitted = received = due = finished = delivered = closed = None
        reason = "\\N"
        steps = 1
        if draft:
            updated = at(created + rng.uniform(0, 7200))
            last_activity = updated
            status_code = "\\N"
            fee = 0
            channel = 2
        else:
            submitted = at(moment)
            last_activity = submitted
            status_code = STATUS_CODES[status]
            fee = version["fee"]
            channel = 2 if rng.random() < 0.92 else (1 if rng.random() < 0.75 else 3)
            day = int((submitted + VN_OFFSET) // DAY)
            key = (agency_id, day)
            number = counters.get(key, 0) + 1
            counters[key] = number
            label = day_labels.get(day)
            if label is None:
                label = day_labels[day] = date.fromordinal(epoch_ordinal + day).strftime("%y%m%d")
            code = f"{agency_code}-{label}-{number:04d}"
            duration = version["days"] * 1.4 * DAY  # working days in calendar time
            updated = submitted
            if status in RECEIVED_ONWARDS or (status == "withdrawn" and rng.random() < 0.5):
                received = at(submitted + rng.uniform(0.05, 1.5) * DAY)
                due = received + duration
                updated = received
                steps += 2
            if status == "refused":
                closed = updated = at(submitted + rng.uniform(0.1, 2) * DAY)
            elif status == "withdrawn":
                closed = updated = at(updated + rng.uniform(0.1, 5) * DAY)
                reason = rng.choice(REASONS)
            elif status == "stopped":
                closed = updated = at(received + rng.uniform(0.2, 1) * duration)
            elif status in ("processing", "supplement_requested", "payment_requested"):
                updated = at(received + rng.uniform(0.05, 0.8) * duration)
                steps += 2
            elif status in ("resolved", "delivered"):
                finished = updated = at(received + rng.uniform(0.3, 1.1) * duration)
                steps += 3
                if status == "delivered":
                    delivered = closed = updated = at(finished + rng.uniform(0, 4) * DAY)
                    steps += 1
            submitted_text = ts(submitted)
            log_lines.append(
                f"{log_id}\t{dossier_id}\t{submitted_text}\tsubmit\t{user_uuid}\t{name}\t"
                f"citizen\t\\N\tsubmitted\t1\t{submitted_text}\t\\N\t\\N\t"
                f"{int(submitted < now - DAY)}\n"
            )
            log_id += 1
        awaiting = "t" if status == "submitted" and fee > 0 else "f"
        tail = "\n"
        if extras:
            values = []
            for kind in extras.values():
                if kind == "search_text":
                    values.append(search_text(code, a_name, a_pid) if code else NULL)
                elif kind == "amount_due":  # what is still owed at submission
                    values.append(str(fee) if awaiting == "t" else "0")
                else:
                    values.append(kind)
            tail = "\t" + "\t".join(values) + "\n"
        due_text = ts(due)
        yield (
            f"{dossier_id}\t{uuid.uuid4()}\t{code or NULL}\t\\N\t{version['id']}\t"
            f"{agency_id}\t{procedure['competent']}\t{user_id}\t{channel}\t{status}\t"
            f"{status_code}\t{steps}\t{a_name}\t{a_pid}\t{a_birth}\t{a_phone}\t{a_email}\t"
            f"{'t' if delegate else 'f'}\t{relation}\t{form}\t{fee}\t{awaiting}\t"
            f"{ts(submitted)}\t{ts(received)}\t{due_text}\t{due_text}\t{ts(finished)}\t"
            f"{ts(delivered)}\t{ts(closed)}\t{reason}\t{ts(last_activity)}\t{ts(created)}\t"
            f"{ts(updated)}{tail}"
        )


# --- driver -------------------------------------------------------------------------------------


def drop_plain_indexes(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes of ``tables`` that back no constraint; their definitions, to rebuild.

    Bulk loading then building each index once (sorted) is several times faster than
    maintaining fifteen indexes row by row. Primary keys and unique constraints stay."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (list(tables),),
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def generate(
    sa_url: str, *, dossiers: int = 1_000_000, citizens: int = 100_000, agencies: int = 50,
    seed: int = 20261127,
) -> dict:  # fmt: skip
    """Fill a freshly migrated database; returns timings and a summary."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now_dt = datetime.now(UTC)
    now = now_dt.timestamp()
    timings: dict[str, float] = {}

    mark = time.perf_counter()
    catalog = build_catalog(sa_url, agencies, now_dt)
    timings["catalogue (services)"] = time.perf_counter() - mark
    log(
        f"  catalogue: {agencies} agencies, {len(catalog)} procedures, "
        f"{sum(len(p['versions']) for p in catalog)} versions "
        f"({timings['catalogue (services)']:.1f} s)"
    )

    with psycopg.connect(libpq_url(sa_url), autocommit=False) as connection:
        cursor = connection.cursor()

        def next_id(table: str) -> int:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            return cursor.fetchone()[0]

        mark = time.perf_counter()
        password_hash = configured_password_hash()
        lines, people = make_citizens(rng, citizens, next_id("users"), password_hash, now)
        copy_rows(cursor, "users", USER_COLUMNS, lines)
        del lines
        timings["citizens"] = time.perf_counter() - mark
        log(f"  citizens: {citizens} ({timings['citizens']:.1f} s)")

        mark = time.perf_counter()
        plan = plan_dossiers(rng, dossiers, citizens, now)
        timings["plan"] = time.perf_counter() - mark

        mark = time.perf_counter()
        indexes = drop_plain_indexes(cursor, ("dossiers", "dossier_process_log"))
        counters: dict[tuple[int, int], int] = {}
        log_lines: list[str] = []
        first_id = next_id("dossiers")
        extras = extra_dossier_columns(cursor)
        rows = dossier_rows(
            rng, plan, catalog, people, first_id, now, counters, log_lines,
            next_id("dossier_process_log"), extras,
        )  # fmt: skip
        copied = copy_rows(cursor, "dossiers", DOSSIER_COLUMNS + list(extras), rows)
        timings["dossiers (COPY)"] = time.perf_counter() - mark
        log(f"  dossiers: {copied} ({timings['dossiers (COPY)']:.1f} s)")

        mark = time.perf_counter()
        copy_rows(cursor, "dossier_process_log", LOG_COLUMNS, log_lines)
        epoch_ordinal = date(1970, 1, 1).toordinal()
        copy_rows(
            cursor,
            "dossier_code_counters",
            ["agency_id", "day", "last_value"],
            (
                f"{agency_id}\t{date.fromordinal(epoch_ordinal + day).isoformat()}\t{value}\n"
                for (agency_id, day), value in counters.items()
            ),
        )
        timings["process log + counters"] = time.perf_counter() - mark
        log(
            f"  process log: {len(log_lines)}, code counters: {len(counters)} "
            f"({timings['process log + counters']:.1f} s)"
        )
        mark = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for definition in indexes:
            cursor.execute(definition)
        timings["indexes"] = time.perf_counter() - mark
        log(f"  {len(indexes)} indexes rebuilt ({timings['indexes']:.1f} s)")
        for table in ("users", "dossiers", "dossier_process_log"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        connection.commit()
        del log_lines, plan

    mark = time.perf_counter()
    with psycopg.connect(libpq_url(sa_url), autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
        mix = connection.execute(
            "SELECT status, count(*) FROM dossiers GROUP BY status ORDER BY 2 DESC"
        ).fetchall()
    timings["VACUUM ANALYZE"] = time.perf_counter() - mark
    log(f"  VACUUM (ANALYZE) ({timings['VACUUM ANALYZE']:.1f} s)")
    total = time.perf_counter() - started
    shares = Counter(dict(mix))
    everything = sum(shares.values()) or 1
    log("  status mix: " + ", ".join(f"{status} {100 * n / everything:.1f}%" for status, n in mix))
    return {
        "seconds": total,
        "timings": timings,
        "dossiers": dossiers,
        "citizens": citizens,
        "heavy_email": EMAIL.format(0),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="loopback PostgreSQL database to wipe and fill (name with 'bench')",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sa_url = reset_database(args.database_url)
    log(f"schema dropped and migrated in {time.perf_counter() - started:.1f} s")
    summary = generate(
        sa_url, dossiers=args.dossiers, citizens=args.citizens, agencies=args.agencies
    )
    log(
        f"generated {summary['dossiers']:,} dossiers for {summary['citizens']:,} citizens "
        f"in {summary['seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
