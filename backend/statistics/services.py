"""Use cases: the dossier owner rates the handling of a dossier once its result exists."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.core import audit
from backend.core.clock import utcnow
from backend.dossiers.models import Dossier
from backend.dossiers.states import DossierStatus
from backend.extensions import db
from backend.statistics.errors import RatingLocked, RatingNotFound, RatingNotYet
from backend.statistics.models import CRITERIA, SatisfactionRating

#: The result exists: resolved (9) or delivered (10).
RATEABLE = frozenset({DossierStatus.RESOLVED, DossierStatus.DELIVERED})


def get_rating(dossier: Dossier) -> SatisfactionRating:
    """The dossier's rating; :class:`RatingNotFound` when it has none."""
    rating = db.session.scalar(
        sa.select(SatisfactionRating).where(SatisfactionRating.dossier_id == dossier.id)
    )
    if rating is None:
        raise RatingNotFound()
    return rating


def rate(dossier: Dossier, *, actor: User, data: dict) -> tuple[SatisfactionRating, bool]:
    """Record or change the owner's rating of ``dossier``; returns it and whether it is new.

    One rating per dossier. The owner may change it during ``SATISFACTION_EDIT_DAYS`` after
    first giving it (a citizen who rated in a hurry can correct it; later changes would let
    a rating be bargained for after the fact). Raises :class:`RatingNotYet` before the result
    and :class:`RatingLocked` after the window. The caller has checked ownership."""
    if dossier.status not in RATEABLE:
        raise RatingNotYet()
    now = utcnow()
    # Two first ratings sent at once: the second waits here and then finds the first.
    db.session.execute(sa.select(Dossier.id).where(Dossier.id == dossier.id).with_for_update())
    rating = db.session.scalar(
        sa.select(SatisfactionRating).where(SatisfactionRating.dossier_id == dossier.id)
    )
    created = rating is None
    if created:
        rating = SatisfactionRating(dossier_id=dossier.id, rater_id=actor.id, rated_at=now)
        db.session.add(rating)
    else:
        days = current_app.config["SATISFACTION_EDIT_DAYS"]
        if now > rating.rated_at + timedelta(days=days):
            raise RatingLocked(days=days)
    for name in CRITERIA:
        setattr(rating, name, data[name])
    rating.comment = data.get("comment")
    rating.updated_at = now
    audit.record(
        "dossier.rated" if created else "dossier.rating_changed",
        actor_uuid=actor.uuid,
        subject=dossier.code,
        data={"overall": data["overall"]},
    )
    db.session.flush()
    return rating, created
