"""Outbox relay benchmark (see run.py)."""
