"""Satisfaction ratings (đánh giá mức độ hài lòng) given by dossier owners after the result."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base

BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")

#: 2 very satisfied / good, 1 satisfied / acceptable, 0 dissatisfied (TT 01/2018 annex scale).
VERY_SATISFIED, SATISFIED, DISSATISFIED = 2, 1, 0

#: The criteria a citizen can judge for one dossier (DOMAIN.md §7.1, numbers of the annex):
#: 1 time taken against the legal time, 3 number of contacts needed, 4 number of agencies
#: contacted, 7 staff attitude, 10 ease of use of the online service, 11 overall satisfaction.
#: Criteria 2, 5, 6, 8 and 9 judge an agency over a period and are not asked per dossier.
CRITERIA = ("timeliness", "contacts", "agencies", "attitude", "ease", "overall")


def _score_check(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} BETWEEN 0 AND 2", name=f"{column}_score")


class SatisfactionRating(Base):
    """One rating per dossier, by its owner, once the result exists (status 9 or 10)."""

    __tablename__ = "satisfaction_ratings"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True
    )
    #: The owner who rated (the only one allowed to).
    rater_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Criterion 1: total time against the legal time (2 earlier, 1 on time, 0 late).
    timeliness: Mapped[int] = mapped_column(sa.SmallInteger)
    #: Criterion 3: contacts needed to complete the dossier (2 none beyond submission, 1 one
    #: more, 0 several).
    contacts: Mapped[int] = mapped_column(sa.SmallInteger)
    #: Criterion 4: agencies the citizen had to deal with (2 one, 1 two, 0 more).
    agencies: Mapped[int] = mapped_column(sa.SmallInteger)
    #: Criterion 7: staff attitude (2 courteous, 1 acceptable, 0 a complaint).
    attitude: Mapped[int] = mapped_column(sa.SmallInteger)
    #: Criterion 10: ease of use (2 very satisfied, 1 satisfied, 0 dissatisfied).
    ease: Mapped[int] = mapped_column(sa.SmallInteger)
    #: Criterion 11: overall (2 very satisfied, 1 satisfied, 0 dissatisfied). A 0 counts in
    #: the 766 indicator 5.4 as a "dislike".
    overall: Mapped[int] = mapped_column(sa.SmallInteger)
    #: Optional free text for the agency.
    comment: Mapped[str | None] = mapped_column(sa.Text)
    #: First given; the owner may change it until ``rated_at`` + SATISFACTION_EDIT_DAYS.
    rated_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = tuple(_score_check(name) for name in CRITERIA)


class DossierFacts(Base):
    """What the reports read about one submitted dossier, in one narrow row.

    A projection of ``dossiers``, of the rows that hang off it (attachments, supplement
    rounds, payments, issued documents, rating, DVCQG sync flag) and of its owner's identity
    check, recomputed by SQL before commit for the
    dossiers a transaction wrote (:mod:`backend.statistics.facts`), so a province-year report
    scans one narrow table instead of joining eight. ``flask statistics rebuild-facts``
    recomputes every row (after bulk loads that bypass the ORM)."""

    __tablename__ = "dossier_facts"

    dossier_id: Mapped[int] = mapped_column(
        BIGINT, sa.ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True
    )
    procedure_version_id: Mapped[int] = mapped_column(BIGINT)
    receiving_agency_id: Mapped[int] = mapped_column(BIGINT)
    competent_agency_id: Mapped[int] = mapped_column(BIGINT)
    #: 1 counter, 2 online, 3 postal.
    channel: Mapped[int] = mapped_column(sa.SmallInteger)
    status: Mapped[str] = mapped_column(sa.String(24))
    submitted_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    #: NgayKetThucXuLy: result ready, else refused / withdrawn / stopped.
    finished_at: Mapped[datetime | None]
    #: The result is ready (status 9 or 10 reached).
    resolved: Mapped[bool]
    #: early / on_time / late once finished with a due date (Vietnam dates, the original due
    #: date, more than one supplement request = late); fixed from then on.
    finish_class: Mapped[str | None] = mapped_column(sa.String(8))
    #: Late only because of a second supplement request.
    late_by_supplements: Mapped[bool]
    #: Result − reception − supplement pauses, for resolved dossiers.
    processing_seconds: Mapped[float | None] = mapped_column(sa.Float)
    has_attachment: Mapped[bool]
    #: An attachment reused from the citizen's issued documents.
    reused: Mapped[bool]
    #: An attachment taken from the citizen's document store.
    from_store: Mapped[bool]
    #: A succeeded (possibly refunded) online payment.
    paid_online: Mapped[bool]
    #: An issued result document (e-result).
    has_document: Mapped[bool]
    #: The National Public Service Portal has the dossier (766 indicator 1.4): its DVCQG sync
    #: flag's ``known_to_portal``, set once the portal accepted the dossier record.
    on_portal: Mapped[bool]
    #: The owner's identity had been verified by the population database or VNeID at or
    #: before submission (766 indicator 4.5).
    identity_verified: Mapped[bool]
    #: The owner's rating (:class:`SatisfactionRating` scores), when given.
    rating_timeliness: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rating_contacts: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rating_agencies: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rating_attitude: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rating_ease: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rating_overall: Mapped[int | None] = mapped_column(sa.SmallInteger)
