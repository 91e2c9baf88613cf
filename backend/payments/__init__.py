"""Payments: fees owed for dossiers, payment attempts and their state machine, gateway adapters,
verified gateway callbacks, reconciliation and refunds (ARCHITECTURE.md §3-§5).

Gateways live in :mod:`backend.payments.gateways`: an interface (``base.py``) and the VNPay
2.1.0 client (``vnpay.py``, following ``VNPAY.md``). Only a verified gateway message - an IPN
or a query answer - moves a payment; the browser return never does.
"""
