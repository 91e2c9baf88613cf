"""A local RFC 3161 timestamp authority, for development and tests only.

``POST /simulators/tsa`` takes a DER ``TimeStampReq`` (``Content-Type:
application/timestamp-query``) and answers a ``TimeStampResp``
(``application/timestamp-reply``) signed with the dev TSA certificate that
:func:`backend.results.keys.init_dev_keys` makes (RSA-2048, critical timeStamping EKU, issued by
the dev root CA). pyHanko's ``DummyTimeStamper`` builds the token, so a client configured with
``RESULTS_TSA_URL = <base>/simulators/tsa`` gets PAdES B-T signatures exactly as from a real
TSA. Anything that is not a timestamp query is answered 400.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Flask, Response, current_app, request

bp = Blueprint("tsa_simulator", __name__, url_prefix="/simulators/tsa")
EXTENSION = "tsa_simulator"
_lock = threading.Lock()


def _stamper():
    """The timestamper, built once per app from the dev TSA key."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    from backend.results import keys

    with _lock:
        stamper = current_app.extensions.get(EXTENSION)
        if stamper is None:
            cert, key = keys.tsa_material()
            stamper = DummyTimeStamper(
                tsa_cert=cert, tsa_key=key, certs_to_embed=keys.trust_roots()
            )
            current_app.extensions[EXTENSION] = stamper
        return stamper


@bp.post("")
def timestamp() -> Response:
    """Answer one RFC 3161 timestamp query."""
    from asn1crypto import tsp

    if request.mimetype != "application/timestamp-query":
        return Response("expected application/timestamp-query", status=400)
    try:
        query = tsp.TimeStampReq.load(request.get_data())
        query.native  # noqa: B018  (parse it all now: a malformed query is a 400)
    except (ValueError, TypeError):
        return Response("malformed TimeStampReq", status=400)
    reply = _stamper().request_tsa_response(query)
    return Response(reply.dump(), mimetype="application/timestamp-reply")


def init_app(app: Flask) -> None:
    """Mount the TSA under ``/simulators/tsa`` (once per app)."""
    if "tsa_simulator" not in app.blueprints:
        app.register_blueprint(bp)
