"""Procedure search latency over a large catalogue on PostgreSQL.

Builds a scratch database with N published procedures (default 5,000) whose names are
combinations of real procedure vocabulary, then times ``GET /api/v1/procedures?q=…`` in-process
(Flask test client: routing, validation, SQL, serialisation) for a mix of queries with and
without diacritics, filters and pages. Prints p50/p95/p99 per query kind and overall.

    .venv/bin/python -m bench.catalog.run [--procedures 5000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from backend.config import normalise_database_url

ACTIONS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Đăng ký",
    "Đăng ký lại",
    "Gia hạn",
    "Điều chỉnh",
    "Thu hồi",
    "Xác nhận",
    "Chứng thực",
    "Công nhận",
    "Thẩm định",
    "Phê duyệt",
    "Thay đổi",
    "Bổ sung",
]
OBJECTS = [
    "giấy khai sinh",
    "giấy phép xây dựng",
    "giấy chứng nhận đăng ký hộ kinh doanh",
    "phiếu lý lịch tư pháp",
    "giấy xác nhận tình trạng hôn nhân",
    "giấy phép lái xe",
    "giấy chứng nhận quyền sử dụng đất",
    "giấy phép kinh doanh vận tải",
    "chứng chỉ hành nghề",
    "giấy phép lao động",
    "giấy chứng nhận an toàn thực phẩm",
    "giấy phép môi trường",
    "giấy chứng nhận đủ điều kiện",
    "giấy phép khai thác nước",
    "biển số xe",
    "giấy chứng nhận đăng ký doanh nghiệp",
    "bản sao trích lục hộ tịch",
    "thẻ bảo hiểm y tế",
    "giấy phép tổ chức lễ hội",
    "quyết định cho thuê đất",
]
QUALIFIERS = [
    "",
    "cho công dân Việt Nam",
    "cho người nước ngoài",
    "có yếu tố nước ngoài",
    "cấp xã",
    "cấp tỉnh",
    "trong trường hợp bị mất",
    "do hết hạn",
    "đối với nhà ở riêng lẻ",
    "đối với doanh nghiệp",
    "trực tuyến",
    "tại Trung tâm Phục vụ hành chính công",
]
FIELDS = [
    ("HO_TICH", "Hộ tịch"),
    ("XAY_DUNG", "Xây dựng"),
    ("DAT_DAI", "Đất đai"),
    ("LLTP", "Lý lịch tư pháp"),
    ("KINH_DOANH", "Thành lập và hoạt động doanh nghiệp"),
    ("GIAO_THONG", "Đường bộ"),
    ("Y_TE", "Y tế"),
    ("MOI_TRUONG", "Môi trường"),
]

QUERIES = {
    "no diacritics": [
        "dang ky khai sinh",
        "giay phep xay dung",
        "ly lich tu phap",
        "ho kinh doanh",
        "cap lai giay phep lai xe",
        "quyen su dung dat",
    ],
    "with diacritics": [
        "Đăng ký khai sinh",
        "giấy phép xây dựng",
        "tình trạng hôn nhân",
        "chứng chỉ hành nghề",
    ],
    "one word": ["khai", "phép", "doanh", "thue"],
    "code": ["1.000123", "2.004321"],
    "filters only": [None],
    "no match": ["zzz khong co"],
}


def build(url: str, count: int) -> None:
    from backend import migrate
    from backend.catalog.units import unaccent

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(url)
    engine = sa.create_engine(url)
    rng = random.Random(7)
    now = datetime.now(UTC)
    names = [
        " ".join(p for p in (a, o, q) if p)
        for a, o, q in itertools.product(ACTIONS, OBJECTS, QUALIFIERS)
    ]
    rng.shuffle(names)
    with engine.begin() as connection:
        md = sa.MetaData()
        md.reflect(connection)
        agencies, procedures, versions = (
            md.tables[t] for t in ("agencies", "procedures", "procedure_versions")
        )
        links = md.tables["procedure_version_receiving_agencies"]
        agency_ids = []
        for i in range(60):
            result = connection.execute(
                agencies.insert().values(
                    code=f"000.{i // 10:02d}.{i % 10:02d}.B01",
                    name_vi=f"Sở Thử nghiệm {i}",
                    name_en=f"Bench agency {i}",
                    level="department",
                    is_active=True,
                    working_hours={},
                    uuid=uuid.uuid4(),
                    created_at=now,
                    updated_at=now,
                )
            )
            agency_ids.append(result.inserted_primary_key[0])
        form = {"sections": []}
        for n in range(count):
            name = names[n % len(names)] + ("" if n < len(names) else f" (mẫu {n})")
            field_code, field_name = FIELDS[n % len(FIELDS)]
            code = f"{1 + n % 2}.{n:06d}"
            agency = agency_ids[n % len(agency_ids)]
            proc_id = connection.execute(
                procedures.insert().values(
                    code=code, uuid=uuid.uuid4(), created_at=now, updated_at=now
                )
            ).inserted_primary_key[0]
            version_id = connection.execute(
                versions.insert().values(
                    procedure_id=proc_id,
                    number=1,
                    status="published",
                    published_at=now,
                    name_vi=name,
                    name_en=f"Procedure {n}",
                    field_code=field_code,
                    field_name_vi=field_name,
                    field_name_en=field_name,
                    description_vi="",
                    description_en="",
                    competent_agency_id=agency,
                    online_level="full",
                    legal_basis=[],
                    duration_amount=5,
                    duration_unit="working_days",
                    supplement_policy="restart",
                    result_type_code="KQ",
                    result_name_vi="Kết quả",
                    result_name_en="Result",
                    result_template="generic",
                    form=form,
                    search_name=unaccent(f"{name} Procedure {n}"),
                    search_text=" ".join(
                        unaccent(x)
                        for x in (
                            f"{name} Procedure {n}",
                            code,
                            field_name,
                            f"Sở Thử nghiệm {n % 60}",
                        )
                    ),
                    has_fee=n % 3 == 0,
                    uuid=uuid.uuid4(),
                )
            ).inserted_primary_key[0]
            connection.execute(links.insert().values(version_id=version_id, agency_id=agency))
            connection.execute(
                procedures.update()
                .where(procedures.c.id == proc_id)
                .values(current_version_id=version_id)
            )
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="skip rebuilding the data")
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_catalog"
    )
    args = parser.parse_args()
    url = normalise_database_url(args.database_url)
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = url.rsplit("/", 1)[1]
        if not connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first():
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

    started = time.perf_counter()
    if not args.reuse:
        build(url, args.procedures)
    print(f"built {args.procedures} procedures in {time.perf_counter() - started:.1f} s")

    import tempfile

    from backend import create_app

    app = create_app(
        {
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "INSTANCE_DIR": tempfile.mkdtemp(),
        }
    )
    client = app.test_client()
    timings: dict[str, list[float]] = {kind: [] for kind in QUERIES}
    for _ in range(3):  # warm up
        client.get("/api/v1/procedures", query_string={"q": "giay phep"})
    totals = {}
    for _ in range(args.rounds):
        for kind, queries in QUERIES.items():
            for q in queries:
                params = {"q": q} if q else {"has_fee": "true", "field": "DAT_DAI", "page": 2}
                t0 = time.perf_counter()
                response = client.get("/api/v1/procedures", query_string=params)
                timings[kind].append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.json
                totals[(kind, q)] = response.json["total"]
    everything = [t for values in timings.values() for t in values]
    print(f"\nsearch latency over {args.procedures} procedures (in-process, ms)")
    print(f"{'query kind':<18}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for kind, values in [*timings.items(), ("ALL", everything)]:
        print(
            f"{kind:<18}{len(values):>6}{statistics.median(values):>9.2f}"
            f"{percentile(values, 95):>9.2f}{percentile(values, 99):>9.2f}{max(values):>9.2f}"
        )
    print(
        "\nmatches: " + ", ".join(f"{q or 'filters'}={n}" for (k, q), n in list(totals.items())[:8])
    )
    app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
