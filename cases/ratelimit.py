"""A small counter of attempts per visitor, for the public forms.

Written here rather than taken from django-ratelimit: that library refuses to start with
Django's local-memory cache (its check E003), which is what `make run` uses. With a shared
cache (Redis, see the README) the limit holds across all servers; with local memory, per
server process.
"""

from django.core.cache import cache


def visitor_address(request):
    return request.META.get("REMOTE_ADDR", "unknown")


def over_limit(request, scope, limit, seconds):
    """Count this attempt; True once this visitor made more than `limit` in the window."""
    key = f"ratelimit:{scope}:{visitor_address(request)}"
    cache.add(key, 0, seconds)  # starts the window; does nothing if it is already running
    try:
        return cache.incr(key) > limit
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, seconds)
        return False
