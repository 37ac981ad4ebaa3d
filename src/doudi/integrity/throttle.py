"""Throttling receipt guesses, per client and for the whole site, in Django's cache.

A wrong receipt counts against the client (its address) and against everyone: after
PER_CLIENT wrong receipts within WINDOW seconds that client waits; after GLOBAL wrong receipts
within the window everyone waits (a spread-out attack). The answer is the same "not found" either
way, with a wait message when throttled — never whether a receipt exists.

The client is the address the sign-in throttle sees (core.security.client_ip: the right hop behind
DOUDI_PROXY_COUNT proxies, so clients behind nginx are not one client), and it is kept only as a
pseudonym — a keyed hash — in the cache and in the audit: a reporter who mistypes a receipt leaves
no address anywhere, yet repeated guesses from one address still show as one client.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from doudi.core.security import client_ip

WINDOW = 15 * 60
PER_CLIENT = 5
GLOBAL = 100


def _client_key(client: str) -> str:
    return f"integrity:receipt-fail:{client}"


_GLOBAL_KEY = "integrity:receipt-fail:*"


def client_address(request) -> str:
    """The client's pseudonym: 16 hex digits of HMAC-SHA256(SECRET_KEY, address)."""
    address = client_ip(request) or "unknown"
    key = f"integrity-client:{settings.SECRET_KEY}".encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


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
