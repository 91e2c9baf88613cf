"""Local simulators of outside services, for development and tests only.

:func:`init_app` mounts them on the application when ``SIMULATORS_ENABLED`` is true and refuses
to do so in production. Today: the VNPay 2.1.0 gateway (:mod:`backend.simulators.vnpay`), under
``/simulators/vnpay``; an RFC 3161 timestamp authority (:mod:`backend.simulators.tsa`), under
``/simulators/tsa``; an SMS provider (:mod:`backend.simulators.sms`), under ``/simulators/sms``.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Register the simulators' blueprints when ``app.config["SIMULATORS_ENABLED"]`` is true.

    Raises :class:`RuntimeError` when they are enabled with ``APP_ENV == "production"``: a
    simulated gateway accepts made-up cards and would mark payments as paid.
    """
    if not app.config.get("SIMULATORS_ENABLED"):
        return
    if str(app.config.get("APP_ENV", "")).strip().lower() == "production":
        raise RuntimeError("simulators must never be enabled in production (SIMULATORS_ENABLED)")

    from backend.simulators import vnpay

    vnpay.init_app(app)

    from backend.simulators import tsa

    tsa.init_app(app)  # RFC 3161 timestamp authority for PAdES B-T (results)

    from backend.simulators import sms

    sms.init_app(app)
    from backend.simulators import population

    population.init_app(app)
    from backend.simulators import vneid

    vneid.init_app(app)
    from backend.simulators import dvcqg

    dvcqg.init_app(app)
