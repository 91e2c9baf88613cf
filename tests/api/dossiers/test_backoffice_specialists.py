"""What the SPA's workspace needs beyond the workflow: whom to assign, inline previews."""

from __future__ import annotations

from tests.api.dossiers.test_backoffice import BO, Desk
from tests.dossier_fixtures import upload
from tests.factories import OfficerFactory


def test_specialists_of_the_competent_agency_are_the_assignment_choices(client, db):
    desk = Desk(client)
    second = OfficerFactory(agency=desk.agency, roles=["specialist", "dept_head"])
    OfficerFactory(agency=desk.agency, roles=["specialist"], is_active=False)
    OfficerFactory(roles=["specialist"])  # another agency
    dossier_id = desk.submit()

    answer = client.get(f"{BO}/{dossier_id}/specialists", headers=desk.headers["dept_head"])

    assert answer.status_code == 200
    assert sorted(o["id"] for o in answer.json) == sorted(
        [str(desk.officers["specialist"].uuid), str(second.uuid)]
    )
    assert client.get(
        f"{BO}/{dossier_id}/specialists", headers=desk.citizen_headers
    ).status_code in (
        403,
        404,
    )


def test_an_attachment_asked_inline_may_be_framed_by_our_own_pages_only(client, db):
    desk = Desk(client)
    draft = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=desk.citizen_headers
    ).json
    attachment = upload(client, draft["id"], headers=desk.citizen_headers).json
    url = f"/api/v1/dossiers/{draft['id']}/attachments/{attachment['id']}/content"

    inline = client.get(f"{url}?inline=1", headers=desk.citizen_headers)
    download = client.get(url, headers=desk.citizen_headers)

    assert inline.status_code == 200 and download.status_code == 200
    assert "frame-ancestors 'self'" in inline.headers["Content-Security-Policy"]
    assert inline.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "script-src 'self'" in inline.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in download.headers["Content-Security-Policy"]
    assert download.headers["X-Frame-Options"] == "DENY"
