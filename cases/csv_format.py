"""The editors' CSV format of cases (admin_csv.py reads and writes it): its columns, and a
case's cells.

One row per case: every field of the case, and each text's translations (title_fr, ...),
named as the open data's CSV names them where it has them; then its parts (impacts, partners,
awards, links) in numbered column groups (impact_1, impact_1_figure, ...,
impact_1_statement_fr; partner_1, partner_1_role; award_1, award_1_year; link_1,
link_1_title), as many as the case with the most of each needs. Themes, sources and partners
are named by slug; themes and sources are separated by " | " (spreadsheets.LIST_SEPARATOR;
";" is read too). Only BASE_COLUMNS must be in a file: a column it leaves out leaves that
field as it is, and a kind of part it has no column for leaves those parts as they are.
"""

import csv
import io
import re
from dataclasses import dataclass

from .languages import SITE_LANGUAGES, column
from .models import CaseLink, Collaboration, Impact, Innovation
from .spreadsheets import joined, safe_row, split_list


def translations(model):
    """The columns of a model's translations: title_en, title_fr, ..."""
    return [column(name, code) for name in model.translated_fields for code in SITE_LANGUAGES]


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
MORE_COLUMNS = FIELD_COLUMNS + translations(Innovation)
ALL_COLUMNS = BASE_COLUMNS + MORE_COLUMNS
# Columns of files exported before a rename, read under their new names.
OLD_COLUMNS = {"body": "story"}
NO_CHANGE = "no change"


@dataclass(frozen=True)
class Parts:
    """A case's parts of one kind as numbered groups of columns: `{kind}_{n}` holds the
    first of `fields`, which a part is known by, and `{kind}_{n}_{field}` the others."""

    kind: str  # "impact"
    related: str  # the case's name for them: "impacts"
    fields: tuple

    def columns(self, number, names=None):
        return [
            f"{self.kind}_{number}" if name == self.fields[0] else f"{self.kind}_{number}_{name}"
            for name in (self.fields if names is None else names)
        ]

    def cells(self, case, names=None):
        return [
            [part_cell(part, name) for name in (self.fields if names is None else names)]
            for part in getattr(case, self.related).all()
        ]

    def fields_in(self, header):
        """The fields a file's columns give this kind (its first always), or [] for none."""
        found = {
            match.group(3) or self.fields[0]
            for match in map(PART_COLUMN.match, header)
            if match and match.group(1) == self.kind
        }
        if not found:
            return []
        return [name for name in self.fields if name in found or name == self.fields[0]]

    def numbers_in(self, header):
        matches = (PART_COLUMN.match(name) for name in header)
        return sorted({int(m.group(2)) for m in matches if m and m.group(1) == self.kind})


PARTS = (
    Parts(
        "impact",
        "impacts",
        ("statement", "qualifier", "figure", "out_of", "unit", *translations(Impact)),
    ),
    Parts("partner", "collaborations", ("partner", "role", *translations(Collaboration))),
    Parts("award", "awards", ("name", "level", "year", "practice_title")),
    Parts("link", "links", ("url", "title", *translations(CaseLink))),
)
IMPACTS = PARTS[0]
IMPACT_FIELDS = list(IMPACTS.fields)
PART_COLUMN = re.compile(r"^(impact|partner|award|link)_(\d+)(?:_([a-z_]+))?$")


def part_column(name):
    """Whether `name` is a column of a part's field."""
    match = PART_COLUMN.match(name)
    if match is None:
        return False
    kind = next(parts for parts in PARTS if parts.kind == match.group(1))
    return match.group(3) is None or match.group(3) in kind.fields[1:]


def impact_columns(number, names=IMPACT_FIELDS):
    return IMPACTS.columns(number, names)


# Export -------------------------------------------------------------------------------------


def export_rows(queryset):
    """The header, then one row per case, in Table 1's order."""
    cases = list(
        queryset.select_related("institution")
        .prefetch_related(
            "themes", "sources", "impacts", "collaborations__partner", "awards", "links"
        )
        .in_table_order()
    )
    groups = [
        (parts, max([len(getattr(case, parts.related).all()) for case in cases] + [1]))
        for parts in PARTS
    ]
    yield ALL_COLUMNS + [
        column
        for parts, count in groups
        for n in range(1, count + 1)
        for column in parts.columns(n)
    ]
    for case in cases:
        row = base_cells(case)
        for parts, count in groups:
            found = parts.cells(case)
            blank = [""] * len(parts.fields)
            row += [cell for n in range(count) for cell in (found[n] if n < len(found) else blank)]
        yield row


def base_cells(case):
    """The case's cells of ALL_COLUMNS."""
    named = {
        "institution": case.institution.slug if case.institution else "",  # empty: a new one
        "themes": joined(theme.slug for theme in case.themes.all()),
        "sources": joined(source.slug for source in case.sources.all()),
    }
    return [named[name] if name in named else cell(getattr(case, name)) for name in ALL_COLUMNS]


def part_cell(part, name):
    return part.partner.slug if name == "partner" else cell(getattr(part, name))


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
