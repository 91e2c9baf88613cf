"""Accounts: citizens and officers, roles, sign-in (cookies and bearer tokens), password reset.

Other domains import ``backend.accounts.auth`` (``login_required``, ``current_user``) and the
``Role`` enum from ``backend.accounts.models``.
"""
