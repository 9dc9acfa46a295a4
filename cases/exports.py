"""Open data: the rows of any view of `/` as CSV or JSON, streamed, and the codebook.

`/data/cases.csv?<the filters of />` and `/data/cases.json?…` hold exactly the rows the table
shows for those filters, on all its pages, in its order. Both are streamed a chunk of rows at a
time, so 100,000 cases export in constant memory. CODEBOOK describes every column; /data/
shows it with the licence.
"""

import csv
import json
from collections import defaultdict
from itertools import islice

from django.db.models import F
from django.utils import translation

from .facets import country_name
from .models import Award, Collaboration, Impact, Innovation, Partner, Source, figure_text
from .spreadsheets import safe_row

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CHUNK = 1000
LIST_SEPARATOR = " | "

# (column, what it holds, an example). In CSV, lists are joined with " | "; in JSON they are
# lists of objects with the same parts.
CODEBOOK = [
    ("slug", "The case's identifier in the catalogue; stable.", "design-thinking"),
    (
        "url",
        "The case's page in the catalogue.",
        "https://…/innovations/design-thinking/",
    ),
    ("title", "The case's name.", "Design thinking to clear the passport backlog"),
    ("institution", "The member institution's name.", "Employment and Social Development Canada"),
    ("institution_acronym", "Its acronym, where it has one.", "ESDC"),
    ("institution_slug", "Its identifier in the catalogue.", "esdc"),
    ("country", "Its country, as an ISO 3166-1 alpha-2 code.", "CA"),
    ("country_name", "Its country's name in English.", "Canada"),
    (
        "themes",
        "The success-factor themes the case illustrates (JSON: slug and name).",
        "Agile teamwork and staff capabilities",
    ),
    ("summary", "What the institution did, in a sentence or two.", "ESDC examined …"),
    (
        "impacts",
        "What it achieved; each with its figure in brackets where there is one (JSON: "
        "statement, qualifier, figure, out_of, unit, figure_text).",
        "More efficient and rapid handling … [less than 8 weeks]",
    ),
    (
        "partners",
        "Who the institution worked with: name (kind, country): their part (JSON: name, kind, "
        "country, role).",
        "Immigration, Refugees and Citizenship Canada (government agency, CA): …",
    ),
    (
        "awards",
        "Recognition the case received: name, year, level, practice (JSON: the same parts).",
        "ISSA Good Practice Award 2020 (award)",
    ),
    ("sources", "Where the case is told, as a reference.", "Innovation through collaboration …"),
    ("published", "When the case was published in the catalogue (ISO 8601).", "2026-11-27"),
]
COLUMNS = [name for name, _, _ in CODEBOOK]


def records(rows, url_of):
    """Each case of `rows`, in their order, as a dict (the JSON export's records).

    A chunk of cases at a time: their ids in order, then one plain query per kind of detail
    (`values()`, no model instances), since the ORM's prefetching cost a millisecond a case
    and made 100,000 cases take minutes. `url_of(slug)` gives a case's address."""
    ids = rows.values_list("pk", flat=True).iterator(chunk_size=CHUNK)
    sources = {source.pk: source for source in Source.objects.all()}
    while chunk := list(islice(ids, CHUNK)):
        yield from _chunk_records(chunk, url_of, sources)


def _grouped(queryset):
    groups = defaultdict(list)
    for row in queryset:
        groups[row.pop("case")].append(row)
    return groups


def _chunk_records(ids, url_of, sources):
    cases = Innovation.objects.filter(pk__in=ids).values(
        "pk",
        "slug",
        "title",
        "summary",
        "published_at",
        institution_name=F("institution__name"),
        institution_acronym=F("institution__acronym"),
        institution_slug=F("institution__slug"),
        country=F("institution__country"),
    )
    cases = {case["pk"]: case for case in cases}
    themes = _grouped(
        Innovation.themes.through.objects.filter(innovation__in=ids)
        .order_by("theme__position", "theme__name")
        .values(case=F("innovation"), slug=F("theme__slug"), name=F("theme__name"))
    )
    impacts = _grouped(
        Impact.objects.filter(innovation__in=ids)
        .order_by("position", "pk")
        .values("statement", "qualifier", "figure", "out_of", "unit", case=F("innovation"))
    )
    partners = _grouped(
        Collaboration.objects.filter(innovation__in=ids)
        .order_by("position", "pk")
        .values(
            "role",
            case=F("innovation"),
            name=F("partner__name"),
            kind=F("partner__kind"),
            country=F("partner__country"),
        )
    )
    awards = _grouped(
        Award.objects.filter(innovation__in=ids)
        .order_by("-year", "name")
        .values("name", "year", "level", "practice_title", case=F("innovation"))
    )
    cited = _grouped(
        Innovation.sources.through.objects.filter(innovation__in=ids)
        .order_by("source__authors", "source__year", "source__title")
        .values(case=F("innovation"), source_pk=F("source"))
    )
    kinds, levels = dict(Partner.Kind.choices), dict(Award.Level.choices)
    language = translation.get_language()
    for pk in ids:
        case = cases.get(pk)
        if case is None:  # deleted since the export began
            continue
        yield {
            "slug": case["slug"],
            "url": url_of(case["slug"]),
            "title": case["title"],
            "institution": case["institution_name"],
            "institution_acronym": case["institution_acronym"],
            "institution_slug": case["institution_slug"],
            "country": case["country"],
            "country_name": country_name(case["country"], language),
            "themes": themes[pk],
            "summary": case["summary"],
            "impacts": [
                {
                    **impact,
                    "figure_text": figure_text(
                        impact["figure"], impact["qualifier"], impact["out_of"], impact["unit"]
                    ),
                }
                for impact in impacts[pk]
            ],
            "partners": [
                {**partner, "kind": kinds[partner["kind"]], "country": partner["country"] or None}
                for partner in partners[pk]
            ],
            "awards": [
                {
                    "name": award["name"],
                    "year": award["year"],
                    "level": levels[award["level"]],
                    "practice": award["practice_title"],
                }
                for award in awards[pk]
            ],
            "sources": [
                {
                    "citation": sources[row["source_pk"]].citation,
                    "url": sources[row["source_pk"]].url,
                }
                for row in cited[pk]
            ],
            "published": case["published_at"].date().isoformat() if case["published_at"] else None,
        }


def csv_cells(data):
    """A record as the CSV's cells, lists joined."""

    def joined(items):
        return LIST_SEPARATOR.join(item for item in items if item)

    return [
        data["slug"],
        data["url"],
        data["title"],
        data["institution"],
        data["institution_acronym"],
        data["institution_slug"],
        data["country"],
        data["country_name"],
        joined(t["name"] for t in data["themes"]),
        data["summary"],
        joined(
            i["statement"] + (f" [{i['figure_text']}]" if i["figure_text"] else "")
            for i in data["impacts"]
        ),
        joined(
            f"{p['name']} ({p['kind'].lower()}{', ' + p['country'] if p['country'] else ''}): "
            f"{p['role']}"
            for p in data["partners"]
        ),
        joined(
            f"{a['name']} {a['year']} ({a['level'].lower()})"
            + (f": {a['practice']}" if a["practice"] else "")
            for a in data["awards"]
        ),
        joined(s["citation"] for s in data["sources"]),
        data["published"] or "",
    ]


class _Line:
    """A file-like object whose write() returns what it was given, for csv.writer."""

    def write(self, value):
        return value


def csv_stream(rows, url_of):
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)  # the byte-order mark: spreadsheets read UTF-8
    for data in records(rows, url_of):
        yield writer.writerow(safe_row(csv_cells(data)))


def json_stream(rows, url_of, about):
    head = json.dumps({**about, "licence": LICENCE, "licence_url": LICENCE_URL})
    yield head[:-1] + ', "innovations": ['
    separator = ""
    for data in records(rows, url_of):
        yield separator + json.dumps(data, ensure_ascii=False)
        separator = ","
    yield "]}"
