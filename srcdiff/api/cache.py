"""Process-wide cache of compiled derivative code, keyed by what determines it."""

_CACHE: dict[tuple, object] = {}


def cached(key, build):
    """The value cached under `key`, building it on first use."""
    if key in _CACHE:  # (not try/except: errors from build() must not chain a KeyError)
        return _CACHE[key]
    value = _CACHE[key] = build()
    return value


def clear_cache():
    """Forget all generated code (after a rule changes, say)."""
    _CACHE.clear()
