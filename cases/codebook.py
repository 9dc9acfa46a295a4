"""The codebook of the downloads: every column of the CSV file (and field of each case in the
JSON file, the API's records too) with what it holds, and the
licence they are published under. /data/ shows both; exports.py writes the columns in this
order.
"""

from django.utils.translation import gettext_lazy as _

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# What the licence covers, and what it cannot: text taken from a source is its author's.
LICENCE_COVERS = _(
    "The catalogue's data and the text its editors write. Wording taken from a source is "
    "credited to its author, not licensed by the catalogue: the first cases follow an article "
    "of the International Social Security Association (ISSA). Each case names its sources."
)
ISSA_URL = "https://www.issa.int/"

# (column, what it holds). In CSV, lists are joined with " | "; in JSON they are lists of
# objects with the same parts. /data/ shows what each holds for one case (EXAMPLE_CASE).
CODEBOOK = [
    ("slug", _("The case's identifier in the catalogue; stable.")),
    ("url", _("The case's page in the catalogue.")),
    ("title", _("The case's name.")),
    (
        "original_language",
        _(
            "The language the case's text was written in, as an ISO 639-1 code: en, fr, es or "
            "de. The text columns give its translation into the download's language where "
            "there is one, and this original otherwise."
        ),
    ),
    (
        "institution",
        _(
            "The member institution's name (JSON: an object with its slug, name, acronym, "
            "country, country_name, region, region_name, website and url)."
        ),
    ),
    ("institution_acronym", _("Its acronym, where it has one.")),
    ("institution_slug", _("Its identifier in the catalogue.")),
    ("country", _("Its country, as an ISO 3166-1 alpha-2 code.")),
    ("country_name", _("Its country's name in English.")),
    (
        "region",
        _(
            "The ISSA region of its country: africa, americas, asia-pacific or europe "
            "(JSON also gives region_name)."
        ),
    ),
    ("themes", _("The success-factor themes the case illustrates (JSON: slug and name).")),
    (
        "summary",
        _(
            "What the institution did, in a sentence or two (JSON also gives `story`, the "
            "whole story of the case)."
        ),
    ),
    (
        "impacts",
        _(
            "What it achieved; each with its figure in brackets where there is one (JSON: "
            "statement, qualifier, figure, out_of, unit, figure_text)."
        ),
    ),
    (
        "partners",
        _(
            "Who the institution worked with: name (kind, country): their part (JSON: "
            "name, kind as a code, kind_label, country, role; kind is empty when the "
            "source does not say)."
        ),
    ),
    (
        "awards",
        _(
            "Recognition the case received: name, year, level, practice (JSON: name, "
            "year, level as a code, level_label, practice). Empty when none."
        ),
    ),
    ("year_started", _("The year the case started, where known.")),
    ("year_ended", _("The year it ended, if it has.")),
    (
        "stage",
        _(
            "How far along it is: idea, pilot, operating, scaled-up or evaluated (JSON "
            "also gives stage_label). Empty when not given."
        ),
    ),
    (
        "branch",
        _(
            "The branch of social security it serves: old-age, disability, survivors, "
            "sickness-health, employment-injury, unemployment, family-maternity, "
            "social-assistance or across-branches (JSON also gives branch_label)."
        ),
    ),
    ("lessons", _("What was learned.")),
    ("reuse_needs", _("What another institution needs to reuse it.")),
    (
        "contact",
        _(
            "Who to ask: a role or unit and an e-mail address, only when the institution "
            "agreed to show them (JSON: role and email, or null)."
        ),
    ),
    ("links", _("Documents and web pages about the case: title <address> (JSON: title, url).")),
    (
        "sources",
        _(
            "Where the case is told: the reference, then what the work draws on "
            "(JSON: citation, context, url)."
        ),
    ),
    ("published", _("When the case was published in the catalogue (ISO 8601).")),
]
COLUMNS = [name for name, _ in CODEBOOK]
EXAMPLE_CASE = "bold-experimentation"
