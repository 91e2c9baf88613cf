"""Signals other domains react to (receivers live in the reacting domain)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A dossier ended without a decision (refused, withdrawn, stopped). Sent inside the
#: transaction with ``dossier`` and ``before_processing`` (it never reached processing).
dossier_closed = _signals.signal("dossier-closed")
