"""National Public Service Portal (DVCQG) sync — filled in below."""

from __future__ import annotations

import sqlalchemy as sa

from backend.dossiers.models import Dossier, ProcessLogEntry
from backend.extensions import db
from backend.integration.models import DvcqgDossierSync


def _part(total: int, synced: int) -> dict:
    return {"total": total, "synced": synced, "rate": round(synced / total, 4) if total else 1.0}


def sync_rate() -> dict:
    """Dossiers (not drafts) and process-log rows the portal has, out of all."""
    dossiers = db.session.execute(
        sa.select(
            sa.func.count(Dossier.id),
            sa.func.count(DvcqgDossierSync.dossier_id).filter(DvcqgDossierSync.synced == 1),
        )
        .select_from(Dossier)
        .outerjoin(DvcqgDossierSync, DvcqgDossierSync.dossier_id == Dossier.id)
        .where(Dossier.status != "draft")
    ).one()
    rows = db.session.execute(
        sa.select(
            sa.func.count(ProcessLogEntry.id),
            sa.func.count(ProcessLogEntry.id).filter(ProcessLogEntry.sync_state == 1),
        )
    ).one()
    return {"dossiers": _part(*dossiers), "process_log": _part(*rows)}


def sync() -> dict:
    return {}
