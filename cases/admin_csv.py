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
    NO_CHANGE,
    OLD_COLUMNS,
    PARTS,
    base_cells,
    comparable,
    part_column,
)
from .models import (
    Award,
    CaseLink,
    Collaboration,
    Impact,
    Innovation,
    Institution,
    Partner,
    Source,
    Theme,
)
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
        fields = PARTS[0].fields


class CollaborationRowForm(forms.ModelForm):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": _("There is no partner with this slug.")},
    )

    class Meta:
        model = Collaboration
        fields = PARTS[1].fields


class AwardRowForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = PARTS[2].fields


class LinkRowForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")  # as the admin's screens

    class Meta:
        model = CaseLink
        fields = PARTS[3].fields


PART_FORMS = dict(
    zip(PARTS, (ImpactRowForm, CollaborationRowForm, AwardRowForm, LinkRowForm), strict=True)
)


def row_form(form, present):
    """`form` for the columns a file has: the others are left as they are."""
    return forms.modelform_factory(form._meta.model, form=form, fields=present)


@dataclass
class Row:
    line: int
    slug: str
    form: CaseRowForm
    parts: dict  # {Parts: [(group number, its form)]}, for the kinds the file has columns of
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


def cells(case=None, data=None, names=ALL_COLUMNS, part_names=None):
    """{column: comparable value} of a case as it is, or of a row of the file, for the
    columns `names` and the parts' fields `part_names` ({Parts: ([group numbers], [fields])}:
    those the file has); a kind of part under its name ("impacts", "partners")."""
    values = dict(zip(ALL_COLUMNS, base_cells(case), strict=True)) if case is not None else data
    compared = {name: comparable(name, values[name]) for name in names}
    for parts, (numbers, fields) in (part_names or {}).items():
        if case is not None:
            found = parts.cells(case, fields)
        else:
            found = [
                [data.get(column, "").strip() for column in parts.columns(number, fields)]
                for number in numbers
            ]
        compared[f"{parts.kind}s"] = [part for part in found if any(part)]  # "partners"
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
    # {Parts: ([group numbers], [fields])} of each kind of part the file has columns of.
    part_names = {
        parts: (parts.numbers_in(header), fields)
        for parts in PARTS
        if (fields := parts.fields_in(header))
    }
    lines = read_lines(reader, header)
    # The file's cases alone are read, not the catalogue's.
    slugs = {data["slug"].strip() for _line, data in lines if isinstance(data, dict)}
    cases = Innovation.objects.all() if cases is None else cases
    related = [parts.related for parts in PARTS]
    existing = {
        case.slug: case
        for case in cases.filter(slug__in=slugs).prefetch_related(
            *related, "collaborations__partner"
        )
    }
    hidden = set(
        Innovation.objects.filter(slug__in=slugs - existing.keys()).values_list("slug", flat=True)
    )
    rows, seen = [], {}
    for line, data in lines:
        if isinstance(data, str):
            rows.append(Row(line, "", None, {}, [data]))
        else:
            rows.append(check_row(line, data, part_names, existing, hidden, seen, user_may))
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
    unknown = [name for name in header if name not in ALL_COLUMNS and not part_column(name)]
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


def check_row(line, data, part_names, existing, hidden, seen, user_may):
    slug = data["slug"].strip()
    case = existing.get(slug)
    names = [name for name in ALL_COLUMNS if name in data]
    # The cells before the form changes the case it checks.
    before = cells(case, names=names, part_names=part_names) if case is not None else None
    original = copy.copy(case)  # as it is: the form below writes the row's values into `case`
    form = row_form(CaseRowForm, names)(
        {name: data[name].strip() for name in names},
        instance=case,
        slug_hidden=slug in hidden,
    )
    parts = {
        kind: part_forms(kind, numbers, fields, data)
        for kind, (numbers, fields) in part_names.items()
    }
    row = Row(
        line,
        slug,
        form,
        parts,
        before=before,
        original=original,
        after=cells(data=data, names=names, part_names=part_names),
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
    for kind, forms_of_kind in parts.items():
        row.errors += part_errors(kind, forms_of_kind)
    return row


def part_forms(kind, numbers, fields, data):
    """[(group number, its form)] of the groups of one kind of part that the row fills."""
    found = []
    for number in numbers:
        columns = kind.columns(number, fields)
        values = {
            name: data.get(col, "").strip() for name, col in zip(fields, columns, strict=True)
        }
        if any(values.values()):
            found.append((number, row_form(PART_FORMS[kind], fields)(values)))
    return found


def part_errors(kind, forms_of_kind):
    """What is wrong with the row's parts of one kind, each named by its column; a partner
    named twice (a case works with a partner once)."""
    errors, first = [], {}
    for number, form in forms_of_kind:
        if not form.is_valid():
            for name, problems in form.errors.items():
                label = kind.columns(number, [name])[0] if name in kind.fields else kind.kind
                errors += [f"{label}: {problem}" for problem in problems]
        elif kind.kind == "partner":
            partner = form.cleaned_data["partner"]
            if partner in first:
                errors.append(
                    gettext("%(column)s: the partner is also %(other)s.")
                    % {"column": f"partner_{number}", "other": f"partner_{first[partner]}"}
                )
            first.setdefault(partner, number)
    return errors


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
        for kind, forms_of_kind in row.parts.items():
            write_parts(case, kind, [form for _number, form in forms_of_kind])
        written.append(case)
    comment = ngettext(
        "Imported from a CSV file (%(count)d case).",
        "Imported from a CSV file (%(count)d cases).",
        len(written),
    )
    if written:
        history.keep(written, comment % {"count": len(written)}, user)
    return written


def write_parts(case, kind, forms):
    """The case's parts of a kind become those of the row's `forms`, in their order. A part
    whose first field is unchanged (an impact's statement, a link's address) stays the same
    record, translations and all; the others are added, and those the row no longer has are
    deleted."""
    key = kind.fields[0]
    kept = {}
    for part in getattr(case, kind.related).all():
        kept.setdefault(getattr(part, key), []).append(part)
    model = PART_FORMS[kind]._meta.model
    for position, form in enumerate(forms, start=1):
        known = form.cleaned_data[key]
        part = kept[known].pop(0) if kept.get(known) else model(innovation=case)
        for name, value in form.cleaned_data.items():  # the file's columns alone
            setattr(part, name, value)
        if hasattr(part, "position"):
            part.position = position
        part.save()
    left = [part.pk for parts in kept.values() for part in parts]
    model.objects.filter(pk__in=left).delete()
