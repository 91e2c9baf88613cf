"""factory_boy factories for accounts and agencies (flushed into the test transaction)."""

from __future__ import annotations

from datetime import date

import factory

from backend.accounts import passwords
from backend.accounts.models import User, UserKind
from backend.catalog.models import Agency, AgencyLevel
from backend.extensions import db

PASSWORD = "Mat-khau-rat-manh-2026"


class _Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class AgencyFactory(_Base):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.T{n // 100:02d}")
    name_vi = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    name_en = factory.Sequence(lambda n: f"Test Department {n}")
    level = AgencyLevel.DEPARTMENT


class CitizenFactory(_Base):
    class Meta:
        model = User

    kind = UserKind.CITIZEN
    full_name = "Trần Thị Bình"
    #: Hà Nội (001), female born in the 1900s (1), 1995 (95), then a sequence.
    personal_id = factory.Sequence(lambda n: f"00119500{n:04d}")
    date_of_birth = date(1995, 3, 8)
    email = factory.Sequence(lambda n: f"citizen{n}@example.vn")
    phone = None
    password_hash = factory.LazyFunction(lambda: passwords.hash_password(PASSWORD))


class OfficerFactory(_Base):
    class Meta:
        model = User

    kind = UserKind.OFFICER
    full_name = "Lê Văn Cán Bộ"
    email = factory.Sequence(lambda n: f"officer{n}@agency.gov.vn")
    agency = factory.SubFactory(AgencyFactory)
    password_hash = factory.LazyFunction(lambda: passwords.hash_password(PASSWORD))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.set_roles(extracted or ["specialist"])
        db.session.flush()
