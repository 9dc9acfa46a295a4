"""Template tags for the editors' screens."""

from django import template

from cases import rights
from cases.models import Innovation

register = template.Library()


@register.simple_tag
def suggestions_waiting(user):
    """How many suggested cases wait for review, for those who publish (else None)."""
    if not rights.is_editor(user):
        return None
    return Innovation.objects.suggested().filter(status=Innovation.Status.REVIEW).count()
