"""Throttling receipt guesses, per client and for the whole site, in Django's cache.

A wrong receipt counts against the client (its address) and against everyone: after
PER_CLIENT wrong receipts within WINDOW seconds that client waits; after GLOBAL wrong receipts
within the window everyone waits (a spread-out attack). The answer is the same "not found" either
way, with a wait message when throttled — never whether a receipt exists.
"""

from __future__ import annotations

from django.core.cache import cache

WINDOW = 15 * 60
PER_CLIENT = 5
GLOBAL = 100


def _client_key(client: str) -> str:
    return f"integrity:receipt-fail:{client}"


_GLOBAL_KEY = "integrity:receipt-fail:*"


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def blocked(client: str) -> bool:
    return cache.get(_client_key(client), 0) >= PER_CLIENT or cache.get(_GLOBAL_KEY, 0) >= GLOBAL


def _bump(key: str) -> int:
    if cache.add(key, 1, WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)
        return 1


def failed(client: str) -> int:
    """Count a wrong receipt; returns the client's count in the window."""
    _bump(_GLOBAL_KEY)
    return _bump(_client_key(client))


def reset() -> None:
    cache.delete(_GLOBAL_KEY)
