"""A Redis cache that the site can live without: when Redis stops or cannot be reached, each
call is logged and answered as a miss (nothing cached, a counter that has just started), so
pages are rendered afresh instead of failing. Django's own RedisCache raises instead, and has
no option to ignore errors (django-redis's IGNORE_EXCEPTIONS is the same idea; Django's
backend is kept so as not to add a second Redis client library for one setting).

Connections time out after half a second (settings.CACHES), so a Redis that hangs costs a
request at most that, not a worker.
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _forgiving(method, on_failure):
    @wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            logger.warning("Cache unavailable, %s skipped: %s", method.__name__, error)
            return on_failure(*args, **kwargs)

    return call


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable)")


class ForgivingRedisCache(RedisCache):
    get = _forgiving(RedisCache.get, lambda key, default=None, **kw: default)
    get_many = _forgiving(RedisCache.get_many, lambda keys, **kw: {})
    has_key = _forgiving(RedisCache.has_key, lambda key, **kw: False)
    set = _forgiving(RedisCache.set, lambda *args, **kw: None)
    set_many = _forgiving(RedisCache.set_many, lambda data, *args, **kw: list(data))
    add = _forgiving(RedisCache.add, lambda *args, **kw: False)
    touch = _forgiving(RedisCache.touch, lambda *args, **kw: False)
    incr = _forgiving(RedisCache.incr, _missing_key)
    delete = _forgiving(RedisCache.delete, lambda *args, **kw: False)
    delete_many = _forgiving(RedisCache.delete_many, lambda *args, **kw: None)
    clear = _forgiving(RedisCache.clear, lambda *args, **kw: False)
