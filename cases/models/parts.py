"""A case's parts: what it achieved (Impact), the recognition it received (Award), who the
institution worked with on it (Collaboration), and where to read more (CaseLink)."""

import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..languages import grouped
from .case import Innovation
from .records import Partner
from .translations import Translatable, translatable


class CasePart(Translatable):
    """A part of a case, written in the case's language."""

    TEXT_LANGUAGE = None

    @property
    def text_language(self):
        return self.innovation.original_language


@translatable("statement", "unit")
class Impact(CasePart, models.Model):
    """What an innovation achieved, with a figure where the source gives one."""

    class Qualifier(models.TextChoices):
        # Empty: the figure is exact, and nothing is said before it.
        OVER = "over", _("over")
        UNDER = "less than", _("less than")
        ABOUT = "about", _("about")

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="impacts")
    statement = models.TextField(help_text=_("What changed, in a sentence."))
    figure = models.PositiveIntegerField(
        _("number"), null=True, blank=True, help_text=_("Only when the statement gives a number.")
    )
    qualifier = models.CharField(
        _("before the number"),
        max_length=10,
        choices=Qualifier.choices,
        blank=True,
        help_text=_("Leave empty when the number is exact."),
    )
    out_of = models.PositiveIntegerField(
        _("out of"),
        null=True,
        blank=True,
        help_text=_("Only when the number is part of a whole: 5,000 out of 8,000 pages."),
    )
    unit = models.CharField(
        _("unit"), max_length=60, blank=True, help_text=_("What is counted: weeks, people, pages.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # A qualifier, a whole or a unit only make sense with a figure.
            models.CheckConstraint(
                condition=Q(figure__isnull=False) | Q(qualifier="", out_of__isnull=True, unit=""),
                name="impact_details_need_figure",
            ),
            models.CheckConstraint(
                condition=Q(out_of__isnull=True) | Q(out_of__gte=models.F("figure")),
                name="impact_part_not_above_whole",
            ),
        ]

    def __str__(self):
        return self.statement

    @property
    def figure_text(self):
        """The figure in words, with its unit as the page's language has it."""
        return figure_text(self.figure, self.qualifier, self.out_of, self.shown.unit)

    @property
    def figure_number(self):
        """The figure as a short, prominent number: "<8", "40,000+", "5,000 / 8,000"."""
        if self.figure is None:
            return ""
        number = grouped(self.figure)
        if self.out_of is not None:
            number += f" / {grouped(self.out_of)}"
        marks = {"over": "{}+", "less than": "<{}", "about": "~{}"}
        return marks.get(self.qualifier, "{}").format(number)

    @property
    def statement_parts(self):
        """The statement cut around the figure it says in words, (before, figure, after),
        so that the page shows the figure once, marked inside the sentence; None when the
        statement does not say it."""
        return figure_in(self.shown.statement, self.figure_text)

    @property
    def statement_gives_figure(self):
        return self.statement_parts is not None


def figure_in(statement, words):
    """(before, figure, after) where `statement` says the figure `words`, whatever the case
    and however it is spaced (French groups digits with a no-break space); else None."""
    if not words:
        return None
    pattern = r"\s+".join(re.escape(word) for word in words.split())
    found = re.search(pattern, statement, re.IGNORECASE)
    if found is None:
        return None
    return statement[: found.start()], found.group(), statement[found.end() :]


def figure_text(figure, qualifier="", out_of=None, unit=""):
    """A figure as a reader says it, in the language of the page: "less than 8 weeks",
    "5,000 out of 8,000 webpages"."""
    if figure is None:
        return ""
    words = [str(Impact.Qualifier(qualifier).label) if qualifier else "", grouped(figure)]
    if out_of is not None:
        words.append(gettext("out of %(whole)s") % {"whole": grouped(out_of)})
    words.append(unit)
    return " ".join(word for word in words if word)


class Award(models.Model):
    """A recognition an innovation received, such as an ISSA Good Practice Award."""

    class Level(models.TextChoices):
        # The levels the ISSA Good Practice Awards give, highest first.
        AWARD = "award", _("Award")
        SPECIAL_MENTION = "special-mention", _("Certificate of merit with special mention")
        MERIT = "merit", _("Certificate of merit")

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="awards")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.AWARD)
    year = models.PositiveSmallIntegerField()
    practice_title = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("The title under which the practice was recognised."),
    )

    class Meta:
        ordering = ["-year", "name"]

    def __str__(self):
        if self.level == self.Level.AWARD:
            return f"{self.name} {self.year}"
        return f"{self.name} {self.year}: {self.get_level_display()}"


@translatable("role")
class Collaboration(CasePart, models.Model):
    """A partner's part in an innovation."""

    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, related_name="collaborations"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="collaborations")
    role = models.CharField(max_length=300, help_text=_("What the partner did, in a few words."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "partner"], name="one_collaboration_per_partner"
            )
        ]

    def __str__(self):
        return f"{self.partner} ({self.role})"


@translatable("title")
class CaseLink(CasePart, models.Model):
    """A document or web page about a case, for the reader who wants more."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200, help_text=_("What the reader finds there."))
    url = models.URLField(_("address"), max_length=500)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title
