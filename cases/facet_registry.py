"""The facet registry: every way the catalogue's cases can be narrowed, declared once. The
FilterSet (filters.py) builds its filters from it, the counts beside the options
(facets.py) and the links that remove a filter read it, the API's parameters and schema come
from the FilterSet, the editors' list of cases filters by it (admin/case.py), and the tests
draw their choices from it. docs/architecture.md lists the steps to add a facet.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import regions
from .models import Innovation, Partner

SLUG = re.compile(r"^[-\w]{1,50}$", re.ASCII)
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")

# The groups of counts facets.py makes, one query each: what a facet's options count from.
THEME_COUNTS, PLACE_COUNTS, STAGE_COUNTS = "themes", "places", "stages"


@dataclass(frozen=True)
class Facet:
    """One facet: checkboxes, each option a value of the parameter `name` (repeated for
    several: OR within a facet, AND across facets)."""

    name: str  # the query parameter and the form's field: ?stage=pilot
    label: str  # the form's legend
    unknown: str  # what to say of a value the catalogue does not have; %(value)s is it
    # The FilterSet's method that filters by it, or "": by `field`, a field of the case that
    # its counted copy (models.CountedCase) holds too.
    method: str = ""
    field: str = ""
    choices: tuple = ()  # fixed options as (value, label); (): the catalogue's rows give them
    pattern: re.Pattern = SLUG  # the shape of a value, checked before anything is looked up
    # The group of counts its options take theirs from (facets.py's COUNTERS); None: its
    # options show no count.
    counted: str | None = None
    admin: str = ""  # the field the editors' list of cases filters it by, if any
    autonyms: bool = False  # its options are languages, each named in itself ("Deutsch")
    values: str = ""  # what a value is, for the open-data page, when the catalogue gives them

    @property
    def codes(self):
        """Its fixed options' values, for the open-data page: "pilot, operating, …"."""
        return ", ".join(value for value, _label in self.choices)

    @property
    def fixed(self):
        return bool(self.choices)


FACETS = (
    Facet(
        "theme",
        _("Success-factor theme"),
        _("There is no theme “%(value)s” in the catalogue. Choose from the list instead."),
        method="filter_theme",
        values=_("a theme’s address name, as in /themes/: leadership"),
        counted=THEME_COUNTS,
        admin="themes",
    ),
    Facet(
        "region",
        _("Region"),
        _("There is no region “%(value)s” in the catalogue. Choose from the list instead."),
        method="filter_places",
        choices=tuple(regions.REGIONS),
        counted=PLACE_COUNTS,
    ),
    Facet(
        "country",
        _("Country"),
        _("There is no country “%(value)s” in the catalogue. Choose from the list instead."),
        method="filter_places",
        pattern=COUNTRY_CODE,
        values=_("a country’s two-letter ISO 3166 code: SG"),
        counted=PLACE_COUNTS,
    ),
    Facet(
        "institution",
        _("Institution"),
        _("There is no institution “%(value)s” in the catalogue. Choose from the list instead."),
        method="filter_places",
        values=_("an institution’s address name, as in /institutions/: kela"),
        counted=PLACE_COUNTS,
        admin="institution",
    ),
    Facet(
        "stage",
        _("Stage"),
        _("There is no stage “%(value)s” in the catalogue. Choose from the list instead."),
        field="stage",
        choices=tuple(Innovation.Stage.choices),
        counted=STAGE_COUNTS,
        admin="stage",
    ),
    Facet(
        "branch",
        _("Branch of social security"),
        _("There is no branch “%(value)s” in the catalogue. Choose from the list instead."),
        field="branch",
        choices=tuple(Innovation.Branch.choices),
        counted=STAGE_COUNTS,
        admin="branch",
    ),
    Facet(
        "partner_kind",
        _("Worked with"),
        _(
            "There is no kind of partner “%(value)s” in the catalogue. Choose from the list "
            "instead."
        ),
        method="filter_partner_kind",
        choices=tuple(Partner.Kind.choices),
        counted=None,  # a query more on every page
    ),
    Facet(
        "original_language",
        _("Written in"),
        _("There is no language “%(value)s” in the catalogue. Choose from the list instead."),
        method="filter_case_field",
        field="original_language",
        choices=tuple(settings.LANGUAGES),
        pattern=LANGUAGE_CODE,
        admin="original_language",
        autonyms=True,
    ),
)
BY_NAME = {facet.name: facet for facet in FACETS}

# The year started, as a range of two parameters (from, up to), counted with the stages; and
# whether a case received an award, one checkbox.
YEARS = ("started_min", "started_max")
YEAR_FIELD = "year_started"
RECOGNISED = "recognised"


def counted(group=None):
    """The names of the facets whose options show counts (of `group` only, if given), in
    the form's order."""
    return tuple(
        facet.name
        for facet in FACETS
        if facet.counted is not None and (group is None or facet.counted == group)
    )


def narrowing():
    """The names of every parameter that narrows the cases (the search and sort aside)."""
    return (*(facet.name for facet in FACETS), *YEARS, RECOGNISED)


def admin_filters(related_only):
    """The editors' list filters of the facets; a relation's is `related_only` (the
    admin's RelatedOnlyFieldListFilter: its options those of the cases the user may see)."""
    fields = [facet.admin for facet in FACETS if facet.admin]
    relation = {field: Innovation._meta.get_field(field).is_relation for field in fields}
    return [(field, related_only) if relation[field] else field for field in fields]
