"""Whole-page caching for the public pages, keyed on the address and the catalogue version.

A cached page is stored under the CatalogueVersion number it was made at. Every save and
delete of catalogue data moves the number on (the receivers below; QuerySet methods that write
in bulk call CatalogueVersion.bump() themselves), so after an editor's change no visitor is
served the old page, on any server, whatever cache each server has. Reading the version costs
one small query per request.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

PAGE_TIMEOUT = 24 * 60 * 60


def cached_page(view):
    """Serve a GET view from the cache when this address was rendered at this version."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from .models import CatalogueVersion

        if request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{CatalogueVersion.current()}:{address}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            # The body and its type only: smaller and quicker to restore than the response.
            cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
        return response

    return wrapper


def _catalogue_changed(sender, **kwargs):
    from .models import CatalogueVersion

    if kwargs.get("action", "post_").startswith("post_"):
        CatalogueVersion.bump()


def connect_receivers():
    from .models import (
        Award,
        Collaboration,
        Impact,
        Innovation,
        Institution,
        InstitutionFact,
        Partner,
        Source,
        Theme,
    )

    public = (
        Theme,
        Institution,
        InstitutionFact,
        Source,
        Innovation,
        Impact,
        Award,
        Partner,
        Collaboration,
    )
    for model in public:
        uid = f"pagecache-{model._meta.model_name}"
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Innovation.themes.through, Innovation.sources.through):
        m2m_changed.connect(_catalogue_changed, sender=through, dispatch_uid=f"pagecache-{through}")
