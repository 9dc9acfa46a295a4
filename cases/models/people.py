"""Who works on the catalogue besides editors: contributors tied to one institution, and
members who suggested a case through the public form (kept privately beside the case)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .case import Innovation
from .records import Institution


class Contributor(models.Model):
    """Ties a contributor's account to one institution: they then see and edit only that
    institution's cases in the admin."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="contributor")
    # PROTECT: removing the institution must not silently widen what the account can edit.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="contributors"
    )

    class Meta:
        verbose_name = _("institution of a contributor")

    def __str__(self):
        return f"{self.user} for {self.institution}"


def institution_of(user):
    """The institution a contributor is tied to, or None (editors, untied contributors).
    Remembered on the user object: the admin asks several times a request, and Django does
    not remember that a user has no Contributor row."""
    if not hasattr(user, "_tied_institution"):
        try:
            user._tied_institution = user.contributor.institution
        except (Contributor.DoesNotExist, AttributeError):  # AttributeError: anonymous
            user._tied_institution = None
    return user._tied_institution


class Suggestion(models.Model):
    """Who suggested a case through /suggest/. Kept beside the case, never shown publicly."""

    innovation = models.OneToOneField(
        Innovation, on_delete=models.CASCADE, related_name="suggestion"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    received = models.DateTimeField(default=timezone.now, editable=False)
    # An institution the sender typed because it was not in the list: not public, and not an
    # Institution until an editor matches it to one or creates it (admin/case.py).
    institution_name = models.CharField(_("institution named"), max_length=200, blank=True)
    institution_country = CountryField(_("its country"), blank=True)

    def __str__(self):
        return f"Suggested by {self.name} <{self.email}>"

    @property
    def reference(self):
        """What the sender and the editors quote about it: "S-000123"."""
        return f"S-{self.pk:06d}"
