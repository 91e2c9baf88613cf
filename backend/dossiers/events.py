"""Signals other domains react to (receivers live in the reacting domain)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A dossier ended without a decision (refused, withdrawn, stopped). Sent inside the
#: transaction with ``dossier`` and ``before_processing`` (it never reached processing).
dossier_closed = _signals.signal("dossier-closed")

#: A step of a dossier was recorded (submitted, received, supplement requested, paid, issued…).
#: Sent inside the transaction, after the process-log row, audit row and outbox event are
#: added, with ``dossier``, ``entry`` (the ProcessLogEntry), ``actor`` (User or None) and
#: ``event_data`` (dict). Receivers must only add rows to the session: anything that leaves the
#: process (mail, SMS, HTTP) is queued with ``transaction.after_commit``.
step_recorded = _signals.signal("dossier-step-recorded")
