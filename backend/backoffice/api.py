"""Back-office endpoints: queues, the officer's view of a dossier, workflow actions, notes."""

from __future__ import annotations

from flask_restx import Namespace, Resource
from sqlalchemy.orm.exc import StaleDataError

from backend.accounts.auth import current_user, login_required
from backend.backoffice import queries, services
from backend.backoffice.schemas import (
    ApologySchema,
    AssignSchema,
    CommentSchema,
    DecisionSchema,
    ForwardSchema,
    IssueSchema,
    NoteInputSchema,
    NoteSchema,
    OfficerDossierSchema,
    OfficerRefSchema,
    PaymentRequestSchema,
    QueueCountsSchema,
    QueuePageSchema,
    QueueQuerySchema,
    ReasonSchema,
    ReceiptSlipSchema,
    SettleSchema,
    SupplementRequestSchema,
    VersionSchema,
)
from backend.core.api import accepts, documents_errors, responds
from backend.dossiers import queries as dossier_queries
from backend.dossiers import states
from backend.dossiers.deadlines import timeliness
from backend.dossiers.errors import InvalidTransition, StaleVersion

backoffice_ns = Namespace("backoffice", description="Officers: queues and the legal workflow")

DOSSIER = "<uuid:dossier_id>"


def officer_view(dossier):
    """The dossier with everything an officer's screen shows."""
    officer = current_user()
    dossier_queries.citizen_view(dossier)
    dossier.allowed_actions = [
        action
        for action in states.allowed_actions(dossier.status, set(officer.roles))
        if action not in ("submit", "supply")
    ]
    dossier.timeliness = timeliness(dossier)
    return dossier


def _dossier(dossier_id):
    return queries.get_for_officer_or_404(dossier_id, current_user())


@backoffice_ns.route("/queues")
class Queues(Resource):
    @login_required(kind="officer")
    @responds(QueueCountsSchema, description="How many dossiers wait in each queue")
    def get(self):
        """Counts of my agency's queues (all agencies for admins)."""
        return queries.queue_counts(current_user())


@backoffice_ns.route("/dossiers")
class OfficerDossierList(Resource):
    @login_required(kind="officer")
    @accepts(QueueQuerySchema, location="query")
    @responds(QueuePageSchema, description="Soonest due first; `next` continues the list")
    def get(self, query):
        """A queue or a search over my agency's dossiers (accents ignored in ``q``)."""
        return queries.list_queue(current_user(), query)


@backoffice_ns.route(f"/dossiers/{DOSSIER}")
class OfficerDossierItem(Resource):
    @login_required(kind="officer")
    @responds(OfficerDossierSchema, description="The dossier, its notes, deadlines and actions")
    def get(self, dossier_id):
        """One dossier of my agency."""
        return officer_view(_dossier(dossier_id))


@backoffice_ns.route(f"/dossiers/{DOSSIER}/receipt")
class OfficerDossierReceipt(Resource):
    @login_required(kind="officer")
    @documents_errors(409)
    @responds(ReceiptSlipSchema, description="Receipt and appointment slip data (Mẫu 01)")
    def get(self, dossier_id):
        """The receipt and appointment slip of a received dossier."""
        dossier = _dossier(dossier_id)
        if dossier.received_at is None:
            raise InvalidTransition()
        return services.receipt_slip(dossier)


@backoffice_ns.route(f"/dossiers/{DOSSIER}/specialists")
class OfficerDossierSpecialists(Resource):
    @login_required(kind="officer")
    @responds(OfficerRefSchema, many=True, description="Specialists of the competent agency")
    def get(self, dossier_id):
        """Whom the dossier can be assigned to (the choices of the ``assign`` action)."""
        return queries.specialists_for(_dossier(dossier_id))


@backoffice_ns.route(f"/dossiers/{DOSSIER}/notes")
class OfficerDossierNotes(Resource):
    @login_required(kind="officer")
    @accepts(NoteInputSchema)
    @responds(NoteSchema, status=201, description="Saved")
    def post(self, data, dossier_id):
        """Add an internal note, or (``internal: false``) a message to the citizen."""
        return services.add_note(_dossier(dossier_id), officer=current_user(), **data)


def _action(path: str, schema, service, summary: str, description: str, **fixed):
    """Register ``POST /dossiers/<id>/<path>`` calling ``service`` with the loaded body."""

    def post(self, data, dossier_id):
        dossier = _dossier(dossier_id)
        try:
            service(dossier, officer=current_user(), **fixed, **data)
        except StaleDataError as exc:  # another officer's change was committed meanwhile
            raise StaleVersion() from exc
        return officer_view(dossier)

    post.__doc__ = f"{summary}\n\n{description}"
    post = login_required(kind="officer")(
        documents_errors(409)(
            accepts(schema)(responds(OfficerDossierSchema, description="After the action")(post))
        )
    )
    name = "".join(part.capitalize() for part in path.split("-"))
    resource = type(f"Action{name}", (Resource,), {"post": post})
    backoffice_ns.route(f"/dossiers/{DOSSIER}/{path}")(resource)


_action(
    "accept",
    VersionSchema,
    services.accept,
    "Receive the dossier.",
    "The legal clock starts; the due date comes from the working-day calendar.",
)
_action(
    "refuse",
    ReasonSchema,
    services.refuse,
    "Refuse the dossier (terminal).",
    "The reason is shown to the citizen.",
)
_action(
    "request-supplement",
    SupplementRequestSchema,
    services.request_supplement,
    "Ask the citizen for documents.",
    "At reception or during processing; the procedure's clock policy applies. A second "
    "request is allowed but counts the dossier late nationally.",
)
_action(
    "accept-supplement",
    VersionSchema,
    services.accept_supplement,
    "Accept the citizen's supplement.",
    "The clock resumes (pause) or restarts from the supplement (restart).",
)
_action(
    "assign",
    AssignSchema,
    services.assign,
    "Assign to a specialist.",
    "The specialist must belong to the competent agency.",
)
_action(
    "forward",
    ForwardSchema,
    services.forward,
    "Hand the dossier up.",
    "Specialist to department head, department head to leader.",
)
_action(
    "return",
    CommentSchema,
    services.return_for_rework,
    "Return for rework.",
    "Back to the specialist with a comment.",
)
_action(
    "request-payment",
    PaymentRequestSchema,
    services.request_payment,
    "Ask for fees or taxes (status 6).",
    "The payment settles it.",
)
_action(
    "settle-payment",
    SettleSchema,
    services.settle_payment,
    "Record a payment made at the counter.",
    "Processing resumes.",
)
_action(
    "approve",
    DecisionSchema,
    services.decide,
    "Approve the decision (leader).",
    "The clerk issues the result next.",
    approve=True,
)
_action(
    "reject",
    DecisionSchema,
    services.decide,
    "Reject the decision (leader).",
    "The clerk issues the refusal decision next.",
    approve=False,
)
_action(
    "issue",
    IssueSchema,
    services.issue,
    "Issue the result (clerk).",
    "Number and symbol; the dossier is resolved (status 9).",
)
_action("deliver", VersionSchema, services.deliver, "Deliver the result (status 10).", "")
_action("stop", ReasonSchema, services.stop, "Stop processing (status 8).", "")
_action(
    "withdraw",
    ReasonSchema,
    services.record_withdrawal,
    "Record a withdrawal asked at the counter (status 7).",
    "",
)
_action(
    "apologize",
    ApologySchema,
    services.apologize,
    "Apologise with a new due date.",
    "Once per dossier; the original due date is kept for statistics.",
)
