"""Cases as CSV for editors: a file read, checked and written all or nothing (the format is
csv_format.py's; the admin's screens for it are admin/csv_screens.py).

The file an export gives can be edited in a spreadsheet and imported back: a row whose slug
exists changes that case (its impacts become the row's), any other row adds a case.

Written here rather than with django-import-export: that library maps one row to one record,
and a row here is a case with its impacts and themes, checked by the admin's own rules (a
contributor's institution, who may publish), and written as one revision of the history.
"""

import copy
import csv
import io
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import history
from .csv_format import (
    ALL_COLUMNS,
    BASE_COLUMNS,
    IMPACT_COLUMN,
    IMPACT_FIELDS,
    NO_CHANGE,
    OLD_COLUMNS,
    base_cells,
    comparable,
    impact_cells,
    impact_columns,
    impact_fields_in,
)
from .models import Impact, Innovation, Institution, Source, Theme
from .spreadsheets import read_cell, split_list

# Reading and checking a file ----------------------------------------------------------------


class UnreadableFile(Exception):
    """The file as a whole cannot be read."""


class SeparatedSlugs(forms.ModelMultipleChoiceField):
    """ "a | b" (or "a; b") -> the records with those slugs."""

    def clean(self, value):
        if isinstance(value, str):
            value = split_list(value)
        return super().clean(value)


class CaseRowForm(forms.ModelForm):
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": _("There is no institution with this slug.")},
    )
    themes = SeparatedSlugs(
        queryset=Theme.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": _("There is no theme “%(value)s”.")},
    )
    sources = SeparatedSlugs(
        queryset=Source.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": _("There is no source “%(value)s”.")},
    )

    class Meta:
        model = Innovation
        fields = ALL_COLUMNS

    def __init__(self, *args, slug_hidden=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.slug_hidden = slug_hidden

    def _get_validation_exclusions(self):
        # A slug that a case the importer may not see has: this row adds a case under a free
        # slug (write()), and says nothing of the other.
        exclusions = super()._get_validation_exclusions()
        return exclusions | {"slug"} if self.slug_hidden else exclusions


class ImpactRowForm(forms.ModelForm):
    class Meta:
        model = Impact
        fields = IMPACT_FIELDS


def row_form(form, present):
    """`form` for the columns a file has: the others are left as they are."""
    return forms.modelform_factory(form._meta.model, form=form, fields=present)


@dataclass
class Row:
    line: int
    slug: str
    form: CaseRowForm
    impacts: list  # (group number, ImpactRowForm)
    errors: list = field(default_factory=list)
    before: dict | None = None  # the case's cells before this row, when it exists
    original: Innovation | None = None  # the case before this row, when it exists
    after: dict | None = None

    def changes(self):
        """What this row would change, in words."""
        if self.before is None:
            return "adds this case"
        changed = [name for name in self.after if self.after[name] != self.before[name]]
        return "changes " + ", ".join(changed) if changed else NO_CHANGE


def cells(case=None, data=None, groups=(), names=ALL_COLUMNS, impact_names=IMPACT_FIELDS):
    """{column: comparable value} of a case as it is, or of a row of the file, for the
    columns `names` and the impacts' `impact_names` (those the file has)."""
    if case is not None:
        values = dict(zip(ALL_COLUMNS, base_cells(case), strict=True))
        impacts = impact_cells(case, impact_names)
    else:
        values = data
        impacts = [
            [data.get(name, "").strip() for name in impact_columns(number, impact_names)]
            for number in groups
        ]
    compared = {name: comparable(name, values[name]) for name in names}
    compared["impacts"] = [impact for impact in impacts if any(impact)]
    return compared


def unreadable_line(number, error):
    return gettext("Line %(line)d cannot be read as CSV: %(error)s.") % {
        "line": number,
        "error": error,
    }


def read(text, user_may, cases=None):
    """Every row of the file, checked. `user_may(case, status, institution)` says whether
    the person importing may write such a case (`case`: the case as it is, or None); `cases`
    are those they may see (rights.visible): a row whose slug is another's adds a case."""
    first_line = text.split("\n", 1)[0]  # Excel in many locales separates with semicolons
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = read_header(reader)
    groups = sorted(
        {int(IMPACT_COLUMN.match(name).group(1)) for name in header if IMPACT_COLUMN.match(name)}
    )
    lines = read_lines(reader, header)
    # The file's cases alone are read, not the catalogue's.
    slugs = {data["slug"].strip() for _line, data in lines if isinstance(data, dict)}
    cases = Innovation.objects.all() if cases is None else cases
    existing = {
        case.slug: case for case in cases.filter(slug__in=slugs).prefetch_related("impacts")
    }
    hidden = set(
        Innovation.objects.filter(slug__in=slugs - existing.keys()).values_list("slug", flat=True)
    )
    rows, seen = [], {}
    for line, data in lines:
        if isinstance(data, str):
            rows.append(Row(line, "", None, [], [data]))
        else:
            rows.append(check_row(line, data, groups, existing, hidden, seen, user_may))
    return rows


def read_header(reader):
    """The columns the first line names (old names read as new), or why it cannot be read."""
    try:
        header = [OLD_COLUMNS.get(name.strip(), name.strip()) for name in next(reader)]
    except StopIteration:
        raise UnreadableFile(gettext("The file is empty.")) from None
    except csv.Error as error:
        raise UnreadableFile(unreadable_line(1, error)) from None
    missing = [name for name in BASE_COLUMNS if name not in header]
    unknown = [name for name in header if name not in ALL_COLUMNS and not IMPACT_COLUMN.match(name)]
    if missing or unknown:
        problems = [gettext("The first line must name the columns of the export format.")]
        if missing:
            problems.append(
                gettext("It lacks the columns %(names)s.") % {"names": ", ".join(missing)}
            )
        if unknown:
            problems.append(
                gettext("It has columns this format does not know: %(names)s.")
                % {"names": ", ".join(unknown)}
            )
        raise UnreadableFile(" ".join(problems))
    return header


def read_lines(reader, header):
    """[(line number, {column: value}, or what is wrong with the line)], blank lines left out."""
    lines = []
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise UnreadableFile(unreadable_line(start, error)) from None
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            problem = gettext("it has %(cells)d cells, but the first line names %(names)d.") % {
                "cells": len(values),
                "names": len(header),
            }
            lines.append((start, problem))
            continue
        lines.append((start, dict(zip(header, (read_cell(v) for v in values), strict=True))))
    if not lines:
        raise UnreadableFile(gettext("The file has a header but no cases."))
    return lines


def check_row(line, data, groups, existing, hidden, seen, user_may):
    slug = data["slug"].strip()
    case = existing.get(slug)
    names = [name for name in ALL_COLUMNS if name in data]
    impact_names = impact_fields_in(data)
    # The cells before the form changes the case it checks.
    before = cells(case, names=names, impact_names=impact_names) if case is not None else None
    original = copy.copy(case)  # as it is: the form below writes the row's values into `case`
    form = row_form(CaseRowForm, names)(
        {name: data[name].strip() for name in names},
        instance=case,
        slug_hidden=slug in hidden,
    )
    impacts = []
    for number in groups:
        columns = impact_columns(number, impact_names)
        values = {
            name: data.get(column, "").strip()
            for name, column in zip(impact_names, columns, strict=True)
        }
        if any(values.values()):
            impacts.append((number, row_form(ImpactRowForm, impact_names)(values)))
    row = Row(
        line,
        slug,
        form,
        impacts,
        before=before,
        original=original,
        after=cells(data=data, groups=groups, names=names, impact_names=impact_names),
    )
    if slug in seen:
        row.errors.append(
            gettext("the slug “%(slug)s” is also on line %(line)d.")
            % {"slug": slug, "line": seen[slug]}
        )
    seen.setdefault(slug, line)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = gettext("the row") if name == "__all__" else name
            row.errors += [f"{label}: {error}" for error in errors]
    elif not user_may(original, form.cleaned_data["status"], form.cleaned_data["institution"]):
        row.errors.append(
            gettext(
                "you may not write this case: it is published, of another institution, or "
                "would be published, and only editors may do that."
            )
        )
    for number, impact in impacts:
        if not impact.is_valid():
            for name, errors in impact.errors.items():
                label = impact_columns(number, [name])[0] if name in IMPACT_FIELDS else None
                row.errors += [f"{label or f'impact_{number}'}: {error}" for error in errors]
    return row


@transaction.atomic
def write(rows, user):
    """Write every row, as one revision of the history. Call only when no row has errors.
    Cases with no history yet are first kept as they were, so the import can be undone."""
    rows = [row for row in rows if row.changes() != NO_CHANGE]  # an unchanged row writes nothing
    history.keep_first([row.original for row in rows if row.original is not None], user)
    written = []
    for row in rows:
        if row.form.slug_hidden:
            row.form.instance.slug = Innovation.objects.free_slug(row.slug)
        case = row.form.save()
        write_impacts(case, [impact for _number, impact in row.impacts])
        written.append(case)
    comment = ngettext(
        "Imported from a CSV file (%(count)d case).",
        "Imported from a CSV file (%(count)d cases).",
        len(written),
    )
    if written:
        history.keep(written, comment % {"count": len(written)}, user)
    return written


def write_impacts(case, forms):
    """The case's impacts become those of the row's `forms`, in their order. An impact whose
    statement is unchanged stays the same record, translations and all; the others are
    added, and those the row no longer has are deleted."""
    kept = {}
    for impact in case.impacts.all():
        kept.setdefault(impact.statement, []).append(impact)
    for position, form in enumerate(forms, start=1):
        statement = form.cleaned_data["statement"]
        impact = kept[statement].pop(0) if kept.get(statement) else Impact(innovation=case)
        for name, value in form.cleaned_data.items():  # the file's columns alone
            setattr(impact, name, value)
        impact.position = position
        impact.save()
    Impact.objects.filter(pk__in=[impact.pk for left in kept.values() for impact in left]).delete()
