"""Process-wide cache of compiled derivative code, keyed by what determines it."""

_CACHE: dict[tuple, object] = {}


def cached(key, build, current=lambda value: True):
    """The value cached under `key`, building it on first use (and again when
    `current(value)` says the cached one is stale)."""
    if key in _CACHE and current(_CACHE[key]):  # (not try/except: see build's errors)
        return _CACHE[key]
    value = _CACHE[key] = build()
    return value


def clear_cache():
    """Forget all generated code (after a rule changes, say)."""
    _CACHE.clear()
