"""Shared kernel: database base, errors, API helpers, transaction boundary, clock, audit log.

Imports no domain package.
"""
