"""argon2id password hashing with parameters from the configuration.

Defaults (t=2, m=32 MiB, p=1) cost about 50 ms per hash on this project's 2-core machines;
``bench/auth`` prints the measured figure. Hashes made with older parameters are upgraded on
the next successful sign-in.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@functools.cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"]
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@functools.cache
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("not-a-real-password-0000")


def burn_verify_time(password: str) -> None:
    """Spend the time of a real verification, so unknown accounts answer as slowly as known ones."""
    config = current_app.config
    params = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"])
    verify_password(_dummy_hash(*params), password)
