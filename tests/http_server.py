"""Serve a WSGI application over real HTTP in a background thread, for tests that must go
through sockets (outbound webhooks, the inbound API, simulators of outside systems).

The port is chosen by the operating system, or taken from ``TEST_SERVER_PORTS`` (e.g.
``5300-5399``) when set, so parallel runs on one machine can be kept apart.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

HOST = "127.0.0.1"


def _candidate_ports() -> list[int]:
    spec = os.environ.get("TEST_SERVER_PORTS", "").strip()
    if not spec:
        return [0]
    low, _, high = spec.partition("-")
    return list(range(int(low), int(high or low) + 1))


def free_port() -> int:
    """A port nothing listens on (for an unreachable target)."""
    for port in _candidate_ports():
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


@contextmanager
def serve(wsgi_app) -> Iterator[str]:
    """Run ``wsgi_app`` on a threaded server; yields its base URL (``http://127.0.0.1:N``)."""
    server = None
    for port in _candidate_ports():
        try:
            server = make_server(HOST, port, wsgi_app, threaded=True)
            break
        except (OSError, SystemExit):  # werkzeug exits when the port is taken
            continue
    if server is None:
        raise RuntimeError("no free port for the test server")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
