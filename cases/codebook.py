"""The codebook of the downloads: every column of the CSV file (and field of each case in the
JSON file, the API's records too) with what it holds and an example from one case, and the
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

# (column, what it holds, an example). In CSV, lists are joined with " | "; in JSON they are
# lists of objects with the same parts.
CODEBOOK = [
    (
        "slug",
        _("The case's identifier in the catalogue; stable."),
        "bold-experimentation",
    ),
    (
        "url",
        _("The case's page in the catalogue."),
        "https://…/innovations/bold-experimentation/",
    ),
    (
        "title",
        _("The case's name."),
        "Bold experimentation: GovCash payments at cash machines",
    ),
    (
        "original_language",
        _(
            "The language the case's text was written in, as an ISO 639-1 code: en, fr, es or "
            "de. The text columns give its translation into the download's language where "
            "there is one, and this original otherwise."
        ),
        "en",
    ),
    (
        "institution",
        _(
            "The member institution's name (JSON: an object with its slug, name, acronym, "
            "country, country_name, region, region_name, website and url)."
        ),
        "Central Provident Fund Board",
    ),
    (
        "institution_acronym",
        _("Its acronym, where it has one."),
        "CPF",
    ),
    (
        "institution_slug",
        _("Its identifier in the catalogue."),
        "cpf",
    ),
    (
        "country",
        _("Its country, as an ISO 3166-1 alpha-2 code."),
        "SG",
    ),
    (
        "country_name",
        _("Its country's name in English."),
        "Singapore",
    ),
    (
        "region",
        _(
            "The ISSA region of its country: africa, americas, asia-pacific or europe "
            "(JSON also gives region_name)."
        ),
        "asia-pacific",
    ),
    (
        "themes",
        _("The success-factor themes the case illustrates (JSON: slug and name)."),
        "Organizational design and practices",
    ),
    (
        "summary",
        _(
            "What the institution did, in a sentence or two (JSON also gives `story`, the "
            "whole story of the case)."
        ),
        "Challenging traditional practices through bold experimentation. …",
    ),
    (
        "impacts",
        _(
            "What it achieved; each with its figure in brackets where there is one (JSON: "
            "statement, qualifier, figure, out_of, unit, figure_text)."
        ),
        "Over 40,000 people are able to receive payments through the GovCash system, "
        "… [over 40,000 people]",
    ),
    (
        "partners",
        _(
            "Who the institution worked with: name (kind, country): their part (JSON: "
            "name, kind as a code, kind_label, country, role; kind is empty when the "
            "source does not say)."
        ),
        "Oversea-Chinese Banking Corporation (OCBC) (Private company, SG): Thanks to "
        "the collaboration, …",
    ),
    (
        "awards",
        _(
            "Recognition the case received: name, year, level, practice (JSON: name, "
            "year, level as a code, level_label, practice). Empty when none, as for this "
            "case."
        ),
        "",
    ),
    (
        "year_started",
        _("The year the case started, where known. Empty for this case."),
        "",
    ),
    (
        "year_ended",
        _("The year it ended, if it has."),
        "",
    ),
    (
        "stage",
        _(
            "How far along it is: idea, pilot, operating, scaled-up or evaluated (JSON "
            "also gives stage_label). Empty when not given."
        ),
        "",
    ),
    (
        "branch",
        _(
            "The branch of social security it serves: old-age, disability, survivors, "
            "sickness-health, employment-injury, unemployment, family-maternity, "
            "social-assistance or across-branches (JSON also gives branch_label)."
        ),
        "",
    ),
    (
        "lessons",
        _("What was learned."),
        "",
    ),
    (
        "reuse_needs",
        _("What another institution needs to reuse it."),
        "",
    ),
    (
        "contact",
        _(
            "Who to ask: a role or unit and an e-mail address, only when the institution "
            "agreed to show them (JSON: role and email, or null)."
        ),
        "",
    ),
    (
        "links",
        _("Documents and web pages about the case: title <address> (JSON: title, url)."),
        "",
    ),
    (
        "sources",
        _(
            "Where the case is told: the reference, then what the work draws on "
            "(JSON: citation, context, url)."
        ),
        "Innovation through collaboration …",
    ),
    (
        "published",
        _("When the case was published in the catalogue (ISO 8601)."),
        "2026-11-27",
    ),
]
COLUMNS = [name for name, _, _ in CODEBOOK]
EXAMPLE_TITLE = dict((name, example) for name, _, example in CODEBOOK)["title"]
