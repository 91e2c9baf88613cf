"""Notification tests: a real SMTP server on loopback (aiosmtpd), the SMS simulator reached
through a test client, and an agency desk to move dossiers through their steps."""

from __future__ import annotations

import email
import itertools
import socket
import threading
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from backend.simulators import sms as sms_sim
from tests.catalog_fixtures import publish
from tests.dossier_fixtures import submitted
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory
from tests.helpers import bearer

BO = "/api/v1/backoffice/dossiers"
ROLES = ["reception_officer", "specialist", "dept_head", "leader", "clerk", "cashier"]
_phones = itertools.count(1)


def phone() -> str:
    return f"0912{next(_phones):06d}"


class Inbox:
    """What the SMTP server received; RCPT answers can be scripted per address."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list = []
        #: address → SMTP reply to RCPT TO (e.g. "550 5.1.1 No such user").
        self.rcpt_replies: dict[str, str] = {}
        self.rcpt_calls = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_calls += 1
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    """A free TCP port on loopback, chosen by the system."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on a free loopback port; the app sends to it (no TLS)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5)
    yield inbox
    controller.stop()


@pytest.fixture
def sms(app):
    """The SMS simulator, reached by the SMS adapter through a test client (no socket). The
    call runs in its own thread, as a real provider would answer from another process: the
    session registry is per thread, so the simulator's request cannot end the caller's."""
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    client = app.test_client()

    def post(url, body, headers, timeout):
        path = "/" + url.split("://", 1)[1].split("/", 1)[1]
        answer = {}

        def call():
            response = client.post(path, data=body, headers=headers)
            answer["reply"] = response.status_code, response.get_json(silent=True)

        thread = threading.Thread(target=call)
        thread.start()
        thread.join(timeout)
        return answer["reply"]

    sms_sim.reset(app)
    app.extensions["sms_post"] = post
    yield app
    app.extensions.pop("sms_post", None)
    sms_sim.reset(app)


def outbox_mails(folder) -> list[EmailMessage]:
    """The e-mails the outbox backend wrote, parsed."""
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in folder.glob("*.eml")
    ]


def body_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


class Desk:
    """An agency with one officer per role and a citizen (with a phone), and helpers to act."""

    def __init__(self, client, **procedure):
        self.client = client
        self.agency = AgencyFactory()
        publish(self.agency.code, **procedure)
        self.officers = {role: OfficerFactory(agency=self.agency, roles=[role]) for role in ROLES}
        self.headers = {role: bearer(client, o.email) for role, o in self.officers.items()}
        self.citizen = CitizenFactory(full_name="Phạm Thị Thu Hương", phone=phone())
        self.citizen_headers = bearer(client, self.citizen.email)

    def submit(self) -> str:
        return submitted(self.client, self.citizen_headers)["id"]

    def code(self, dossier_id) -> str:
        return self.client.get(
            f"{BO}/{dossier_id}", headers=self.headers["reception_officer"]
        ).json["code"]

    def act(self, dossier_id, action, role, expect=200, **body):
        view = self.client.get(f"{BO}/{dossier_id}", headers=self.headers[role]).json
        response = self.client.post(
            f"{BO}/{dossier_id}/{action}",
            json={"version": view["version"], **body},
            headers=self.headers[role],
        )
        assert response.status_code == expect, response.json
        return response.json

    def to_processing(self, dossier_id):
        self.act(dossier_id, "accept", "reception_officer")
        specialist = str(self.officers["specialist"].uuid)
        self.act(dossier_id, "assign", "dept_head", specialist_id=specialist)

    def notifications(self, headers) -> list[dict]:
        response = self.client.get("/api/v1/me/notifications?size=100", headers=headers)
        assert response.status_code == 200, response.json
        return response.json["items"]


@pytest.fixture
def desk(client, db, sms):
    return Desk(client)
