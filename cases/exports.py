"""Open data: the rows of any view of `/` as CSV or JSON, streamed, and the codebook.

`/data/cases.csv?<the filters of />` and `/data/cases.json?…` hold exactly the rows the table
shows for those filters, on all its pages, in its order. Both are streamed a chunk of rows at a
time, so 100,000 cases export in constant memory. codebook.py describes every column; /data/
shows it with the licence.
"""

import csv
import json
from collections import defaultdict
from itertools import islice

from django.db.models import F
from django.urls import reverse

from .codebook import COLUMNS, LICENCE, LICENCE_COVERS, LICENCE_URL
from .languages import column, labelled, page_language
from .models import (
    Award,
    CaseLink,
    Collaboration,
    Impact,
    Innovation,
    Partner,
    Source,
    figure_in,
    figure_text,
)
from .options import country_name
from .regions import REGION_NAMES, region_of
from .spreadsheets import joined, safe_row

CHUNK = 1000


class Links:
    """Addresses of cases and institutions, absolute for one request (or, without one, as
    the page's links), made by filling a slug into an address reversed once: reverse() for
    each of 100,000 rows costs seconds, and for each row of a page a tenth of its table."""

    PLACEHOLDER = "--slug--"

    def __init__(self, request=None):
        absolute = request.build_absolute_uri if request is not None else str
        self.case_address = absolute(reverse("cases:innovation", args=[self.PLACEHOLDER]))
        self.institution_address = absolute(reverse("cases:institution", args=[self.PLACEHOLDER]))

    def case(self, slug):
        return self.case_address.replace(self.PLACEHOLDER, slug)

    def institution(self, slug):
        return self.institution_address.replace(self.PLACEHOLDER, slug)


def records(rows, links):
    """Each case of `rows` (a queryset), in their order, as its record: the one description of
    a case that the JSON download, the API and (flattened) the CSV give.

    A chunk of cases at a time: their ids in order, then one plain query per kind of detail
    (`values()`, no model instances), since the ORM's prefetching cost a millisecond a case
    and made 100,000 cases take minutes."""
    ids = rows.values_list("pk", flat=True).iterator(chunk_size=CHUNK)
    sources = _sources()
    while chunk := list(islice(ids, CHUNK)):
        yield from _chunk_records(chunk, links, sources)


def records_of(ids, links):
    """The records of these cases (a few ids: a page of the API), in the order given."""
    return list(_chunk_records(list(ids), links, _sources()))


def example(case, links, longest=90):
    """{column: what the CSV holds for `case`}, in the page's language, each cut to `longest`
    characters: the codebook's examples. Empty for no case."""
    if case is None:
        return {}
    [record] = records_of([case.pk], links)
    cells = [str(cell) for cell in csv_cells(record)]
    cut = [cell if len(cell) <= longest else cell[: longest - 1] + "…" for cell in cells]
    return dict(zip(COLUMNS, cut, strict=True))


def _sources():
    """Every source by id: a handful, read once and cited by many cases."""
    return {source.pk: source for source in Source.objects.all()}


def _grouped(queryset, *translated_keys):
    groups = defaultdict(list)
    for row in queryset:
        groups[row.pop("case")].append(translated_in_place(row, *translated_keys))
    return groups


def translation_columns(language, **paths):
    """values() arguments: for each key, the translation into `language` of the field at
    `path`, as `<key>_in` (translated_in_place() puts it in place)."""
    return {f"{key}_in": F(column(path, language)) for key, path in paths.items()}


def translated_in_place(row, *keys):
    """The row with each key's text as a page in the language shows it: its translation if it
    has one, else the original (models/translations.py)."""
    for key in keys:
        row[key] = row.pop(f"{key}_in") or row[key]
    return row


CASE_TEXTS = ("title", "summary", "story", "lessons", "reuse_needs")


def _chunk_records(ids, links, sources):
    language = page_language()
    cases = {case["pk"]: case for case in _case_rows(ids, language)}
    details = _details(ids, language)
    for pk in ids:
        case = cases.get(pk)
        if case is not None:  # None: deleted since the export began
            yield _record(
                case, {name: rows[pk] for name, rows in details.items()}, links, sources, language
            )


def _case_rows(ids, language):
    rows = Innovation.objects.filter(pk__in=ids).values(
        "pk",
        "slug",
        "title",
        "original_language",
        "summary",
        "story",
        "published_at",
        "year_started",
        "year_ended",
        "stage",
        "branch",
        "lessons",
        "reuse_needs",
        "contact_role",
        "contact_email",
        "contact_public",
        institution_slug=F("institution__slug"),
        institution_name=F("institution__name"),
        institution_acronym=F("institution__acronym"),
        institution_website=F("institution__website"),
        country=F("institution__country"),
        **translation_columns(
            language,
            **{name: name for name in CASE_TEXTS},
            institution_name="institution__name",
            institution_acronym="institution__acronym",
        ),
    )
    return [
        translated_in_place(row, *CASE_TEXTS, "institution_name", "institution_acronym")
        for row in rows
    ]


def _details(ids, language):
    """{kind of detail: {case id: [rows]}}: one plain query per kind, in `language`."""
    return _texts(ids, language) | {
        "awards": _grouped(
            Award.objects.filter(innovation__in=ids)
            .order_by("-year", "name")
            .values("name", "year", "level", "practice_title", case=F("innovation"))
        ),
        "sources": _grouped(
            Innovation.sources.through.objects.filter(innovation__in=ids)
            .order_by("source__authors", "source__year", "source__title")
            .values(case=F("innovation"), source_pk=F("source"))
        ),
    }


def _texts(ids, language):
    """The details with text to translate, each shown in `language` where translated."""
    return {
        "themes": _grouped(
            Innovation.themes.through.objects.filter(innovation__in=ids)
            .order_by("theme__position", "theme__name")
            .values(
                case=F("innovation"),
                slug=F("theme__slug"),
                name=F("theme__name"),
                **translation_columns(language, name="theme__name"),
            ),
            "name",
        ),
        "impacts": _grouped(
            Impact.objects.filter(innovation__in=ids)
            .order_by("position", "pk")
            .values(
                "statement",
                "qualifier",
                "figure",
                "out_of",
                "unit",
                case=F("innovation"),
                **translation_columns(language, statement="statement", unit="unit"),
            ),
            "statement",
            "unit",
        ),
        "partners": _grouped(
            Collaboration.objects.filter(innovation__in=ids)
            .order_by("position", "pk")
            .values(
                "role",
                case=F("innovation"),
                name=F("partner__name"),
                kind=F("partner__kind"),
                country=F("partner__country"),
                **translation_columns(language, role="role", name="partner__name"),
            ),
            "role",
            "name",
        ),
        "links": _grouped(
            CaseLink.objects.filter(innovation__in=ids)
            .order_by("position", "pk")
            .values(
                "title", "url", case=F("innovation"), **translation_columns(language, title="title")
            ),
            "title",
        ),
    }


KINDS, LEVELS = dict(Partner.Kind.choices), dict(Award.Level.choices)
STAGES, BRANCHES = dict(Innovation.Stage.choices), dict(Innovation.Branch.choices)


def _record(case, details, links, sources, language):
    """A case's record, from its row and its details."""
    return {
        "slug": case["slug"],
        "url": links.case(case["slug"]),
        "title": case["title"],
        "original_language": case["original_language"],
        "institution": _institution(case, links, language),
        "themes": details["themes"],
        "summary": case["summary"],
        "story": case["story"],
        "impacts": [
            {
                **impact,
                "figure_text": figure_text(
                    impact["figure"], impact["qualifier"], impact["out_of"], impact["unit"]
                ),
            }
            for impact in details["impacts"]
        ],
        "partners": [_partner(partner) for partner in details["partners"]],
        "awards": [_award(award) for award in details["awards"]],
        "year_started": case["year_started"],
        "year_ended": case["year_ended"],
        "stage": case["stage"],
        "stage_label": str(STAGES.get(case["stage"], "")),
        "branch": case["branch"],
        "branch_label": str(BRANCHES.get(case["branch"], "")),
        "lessons": case["lessons"],
        "reuse_needs": case["reuse_needs"],
        "contact": _contact(case),
        "links": details["links"],
        "sources": [_source(sources[row["source_pk"]], language) for row in details["sources"]],
        "published": case["published_at"].date().isoformat() if case["published_at"] else None,
    }


def _source(source, language):
    return {
        "citation": source.citation,
        "context": source.text("context", language),
        "url": source.url,
    }


def _institution(case, links, language):
    region = region_of(case["country"])
    return {
        "slug": case["institution_slug"],
        "name": case["institution_name"],
        "acronym": case["institution_acronym"],
        "country": case["country"],
        "country_name": country_name(case["country"], language),
        "region": region,
        "region_name": str(REGION_NAMES[region]),
        "website": case["institution_website"],
        "url": links.institution(case["institution_slug"]),
    }


def _partner(partner):
    return {
        "name": partner["name"],
        "kind": partner["kind"],
        "kind_label": str(KINDS.get(partner["kind"], "")),
        "country": partner["country"] or None,
        "role": partner["role"],
    }


def _award(award):
    return {
        "name": award["name"],
        "year": award["year"],
        "level": award["level"],
        "level_label": str(LEVELS[award["level"]]),
        "practice": award["practice_title"],
    }


def _contact(case):
    """The contact, only when the institution agreed to show it."""
    if not case["contact_public"] or not (case["contact_role"] or case["contact_email"]):
        return None
    return {"role": case["contact_role"], "email": case["contact_email"]}


def _contact_text(contact):
    if contact is None:
        return ""
    return " ".join(filter(None, [contact["role"], contact["email"] and f"<{contact['email']}>"]))


def _figure_unless_said(impact):  # the figure in words, after a statement that does not say it
    said = figure_in(impact["statement"], impact["figure_text"])
    return f" [{impact['figure_text']}]" if impact["figure_text"] and not said else ""


def _partner_text(partner):
    about = ", ".join(part for part in (partner["kind_label"], partner["country"]) if part)
    return labelled(f"{partner['name']}{f' ({about})' if about else ''}", partner["role"])


def csv_cells(data):
    """A record as the CSV's cells, lists joined."""

    institution = data["institution"]
    return [
        data["slug"],
        data["url"],
        data["title"],
        data["original_language"],
        institution["name"],
        institution["acronym"],
        institution["slug"],
        institution["country"],
        institution["country_name"],
        institution["region"],
        joined(t["name"] for t in data["themes"]),
        data["summary"],
        joined(i["statement"] + _figure_unless_said(i) for i in data["impacts"]),
        joined(_partner_text(p) for p in data["partners"]),
        joined(
            f"{a['name']} {a['year']} ({a['level_label']})"
            + (f": {a['practice']}" if a["practice"] else "")
            for a in data["awards"]
        ),
        data["year_started"] or "",
        data["year_ended"] or "",
        data["stage"],
        data["branch"],
        data["lessons"],
        data["reuse_needs"],
        _contact_text(data["contact"]),
        joined(f"{link['title']} <{link['url']}>" for link in data["links"]),
        joined(f"{s['citation']} {s['context']}".strip() for s in data["sources"]),
        data["published"] or "",
    ]


class _Line:
    """A file-like object whose write() returns what it was given, for csv.writer."""

    def write(self, value):
        return value


def csv_stream(rows, links):
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)  # the byte-order mark: spreadsheets read UTF-8
    for data in records(rows, links):
        yield writer.writerow(safe_row(csv_cells(data)))


def json_stream(rows, links, about):
    licence = {"licence": LICENCE, "licence_url": LICENCE_URL, "licence_covers": LICENCE_COVERS}
    head = json.dumps({**about, **licence}, ensure_ascii=False, default=str)
    yield head[:-1] + ', "innovations": ['
    separator = ""
    for data in records(rows, links):
        yield separator + json.dumps(data, ensure_ascii=False)
        separator = ","
    yield "]}"
