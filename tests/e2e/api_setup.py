"""Arranging state through the API (what earlier screens do), so a test drives only its own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import requests

from backend.seed import DEMO_CITIZEN_PASSWORD, DEMO_OFFICER_PASSWORD

FILLED_2_000635 = {
    "requester_name": "Nguyễn Văn An",
    "requester_personal_id": "056090001234",
    "requester_phone": "0912345678",
    "requester_relationship": "self",
    "subject_name": "Nguyễn Văn An",
    "document_type": "birth",
    "record_place": "UBND phường Nha Trang",
    "copies": 1,
    "declaration": True,
}


def session(base: str, username: str, password: str) -> requests.Session:
    """A signed-in browser-like session (cookies and the CSRF header)."""
    http = requests.Session()
    login = http.post(
        f"{base}/api/v1/auth/login", json={"username": username, "password": password}, timeout=10
    )
    login.raise_for_status()
    http.headers["X-CSRF-TOKEN"] = login.json()["csrf_token"]
    return http


def citizen(base: str) -> requests.Session:
    return session(base, "congdan@demo.dvc.local", DEMO_CITIZEN_PASSWORD)


def officer(base: str, email: str) -> requests.Session:
    return session(base, email, DEMO_OFFICER_PASSWORD)


def submitted_dossier(base: str, http: requests.Session, pdf: bytes) -> dict:
    """A submitted dossier of 2.000635 (its fee still unpaid)."""
    draft = http.post(f"{base}/api/v1/dossiers", json={"procedure_code": "2.000635"}, timeout=10)
    draft.raise_for_status()
    dossier_id = draft.json()["id"]
    http.patch(
        f"{base}/api/v1/dossiers/{dossier_id}", json={"form_data": FILLED_2_000635}, timeout=10
    ).raise_for_status()
    http.post(
        f"{base}/api/v1/dossiers/{dossier_id}/attachments",
        data={"component_code": "TK"},
        files={"file": ("to-khai.pdf", pdf, "application/pdf")},
        timeout=10,
    ).raise_for_status()
    done = http.post(
        f"{base}/api/v1/dossiers/{dossier_id}/submit",
        json={},
        headers={"Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    done.raise_for_status()
    return done.json()


def request_supplement(base: str, dossier_id: str, component: str, description: str) -> dict:
    http = officer(base, "tiepnhan@demo.dvc.local")
    url = f"{base}/api/v1/backoffice/dossiers/{dossier_id}"
    version = http.get(url, timeout=10).json()["version"]
    answer = http.post(
        f"{url}/request-supplement",
        json={
            "version": version,
            "items": [{"component_code": component, "description": description}],
            "note": "Vui lòng bổ sung giấy tờ tùy thân.",
            "deadline_at": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
        },
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()
