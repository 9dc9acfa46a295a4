"""The editors' CSV format of cases (admin_csv.py reads and writes it): its columns, and a
case's cells.

One row per case: every field of the case, and each text's translations (title_fr, ...),
named as the open data's CSV names them where it has them; its impacts in numbered column
groups (impact_1, impact_1_figure, ..., impact_1_statement_fr), as many as the case with the
most impacts needs. Themes and sources are slugs separated by " | "
(spreadsheets.LIST_SEPARATOR; ";" is read too). Only BASE_COLUMNS must be in a file: a column
it leaves out leaves that field as it is.
"""

import csv
import io
import re

from .languages import SITE_LANGUAGES, column
from .models import Impact, Innovation
from .spreadsheets import joined, safe_row, split_list

BASE_COLUMNS = [
    "slug",
    "title",
    "institution",
    "status",
    "position",
    "themes",
    "sources",
    "summary",
    "story",
]
# The case's other fields and its texts' translations: every export has them.
FIELD_COLUMNS = [
    "original_language",
    "year_started",
    "year_ended",
    "stage",
    "branch",
    "lessons",
    "reuse_needs",
    "contact_role",
    "contact_email",
    "contact_public",
]
MORE_COLUMNS = FIELD_COLUMNS + [
    column(name, code) for name in Innovation.translated_fields for code in SITE_LANGUAGES
]
ALL_COLUMNS = BASE_COLUMNS + MORE_COLUMNS
# Columns of files exported before a rename, read under their new names.
OLD_COLUMNS = {"body": "story"}
IMPACT_FIELDS = [
    "statement",
    "qualifier",
    "figure",
    "out_of",
    "unit",
    *(column(name, code) for name in Impact.translated_fields for code in SITE_LANGUAGES),
]
IMPACT_COLUMN = re.compile(
    r"^impact_(\d+)(?:_(qualifier|figure|out_of|unit|(?:statement|unit)_[a-z]{2}))?$"
)
NO_CHANGE = "no change"


def impact_columns(number, names=IMPACT_FIELDS):
    return [
        f"impact_{number}" if name == "statement" else f"impact_{number}_{name}" for name in names
    ]


# Export -------------------------------------------------------------------------------------


def export_rows(queryset):
    """The header, then one row per case, in Table 1's order."""
    cases = list(
        queryset.select_related("institution")
        .prefetch_related("themes", "sources", "impacts")
        .in_table_order()
    )
    groups = max([len(case.impacts.all()) for case in cases] + [1])
    yield ALL_COLUMNS + [c for n in range(1, groups + 1) for c in impact_columns(n)]
    for case in cases:
        impacts = impact_cells(case)
        blank = [""] * len(IMPACT_FIELDS)
        yield base_cells(case) + [
            cell for n in range(groups) for cell in (impacts[n] if n < len(impacts) else blank)
        ]


def base_cells(case):
    """The case's cells of ALL_COLUMNS."""
    named = {
        "institution": case.institution.slug if case.institution else "",  # empty: a new one
        "themes": joined(theme.slug for theme in case.themes.all()),
        "sources": joined(source.slug for source in case.sources.all()),
    }
    return [named[name] if name in named else cell(getattr(case, name)) for name in ALL_COLUMNS]


def impact_cells(case, names=IMPACT_FIELDS):
    return [[cell(getattr(impact, name)) for name in names] for impact in case.impacts.all()]


def cell(value):
    """A field's value as a cell: nothing for no number, true or false for a tick."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def comparable(name, value):
    """A cell as the import reads it, so that a file exported and read back compares equal."""
    value = value.strip()
    if name in ("themes", "sources"):
        return sorted(split_list(value))
    if name == "contact_public":
        return value.lower() in ("true", "1", "yes")
    return value


def csv_text(queryset):
    out = io.StringIO()
    csv.writer(out).writerows(safe_row(row) for row in export_rows(queryset))
    return out.getvalue()


def impact_fields_in(header):
    """The impact fields a file's columns give (the statement always)."""
    found = {match.group(2) for match in map(IMPACT_COLUMN.match, header) if match}
    return [name for name in IMPACT_FIELDS if name == "statement" or name in found]
