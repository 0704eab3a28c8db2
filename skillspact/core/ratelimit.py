"""Counting attempts in the shared cache, so every web process sees the same counts."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def is_limited(scope: str, identity: str, *, limit: int) -> bool:
    """Return whether `identity` has used up its `limit` attempts in `scope`."""
    return int(cache.get(_key(scope, identity), 0)) >= limit


def hit(scope: str, identity: str, *, window: int) -> int:
    """Count one attempt for `identity` in `scope`; the count expires after `window` seconds."""
    key = _key(scope, identity)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def reset(scope: str, identity: str) -> None:
    """Forget the attempts of `identity` in `scope` (after a success)."""
    cache.delete(_key(scope, identity))
