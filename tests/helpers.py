"""Helpers that read pages and fill in forms as a person would: the summary table's rows,
a form's fields as the page fills them, a post of a form with some changes, the suggestion
form's data. Used by tests in every folder; no test module imports another."""

import os
import re
import shutil
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db.models import Count, F

from cases import counts, leaders, pagecache, querysets
from cases.models import (
    CaseCount,
    CatalogueVersion,
    CountedCase,
    Innovation,
    Institution,
    SearchLeader,
    SimilarCandidate,
)


def suggestion(**changes):
    """What a member types into /suggest/, with `changes`."""
    return {
        "name": "Aino Virtanen",
        "institution": str(Institution.objects.get(slug="kela").pk),
        "email": "aino@example.org",
        "title": "Chatbot for student benefits",
        "summary": "Students ask a chatbot about their benefits at any hour.",
        "impact": "A third of questions answered without waiting.",
        "website": "",
        **changes,
    }


def fresh_get(client, url, params=None):
    """A request rendered now, not served from the page cache, so its context can be read."""
    pagecache.forget()
    return client.get(url, params)


def shown_rows(response):
    """How many rows the table really has, counted by the database, not from the facets."""
    return response.context["filter"].qs.count()


def summary_rows(response):
    """The summary table as a reader sees it: [(institution heading, [case slugs]), ...]."""
    return summary_rows_of(response.content.decode())


def row_slugs_of(html):
    """row_slugs() of a page's HTML, as a server other than the test client sent it."""
    return [slug for _, slugs in summary_rows_of(html) for slug in slugs]


def summary_rows_of(html):
    table = re.search(r'<table id="summary".*?</table>', html, re.S)
    if not table:
        return []
    groups = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", table.group(0), re.S):
        heading = re.search(r'<th scope="rowgroup"[^>]*>(.*?)</th>', body, re.S).group(1)
        heading = " ".join(unescape(re.sub(r"<[^>]+>", "", heading)).split())
        slugs = re.findall(r'class="case-link" href="(?:/\w\w)?/innovations/([^/]+)/"', body)
        assert body.count("<tr>") == len(slugs), "one row per innovation"
        groups.append((heading, slugs))
    return groups


def row_slugs(response):
    return [slug for _, slugs in summary_rows(response) for slug in slugs]


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the page's main form, as the page fills it."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_form(client, url, changes):
    """Post the form at `url` as the page fills it, with `changes` made, as an editor would."""
    data = form_data(client.get(url))
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return client.post(url, data)


def form_data(response):
    """The fields of a page's forms with their current values, ready to change and post."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    # A list with nothing selected sends nothing, as in a browser.
    return {
        name: values if len(values) > 1 else values[0]
        for name, values in reader.data.items()
        if values
    }


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_pages(client):
    """Every page of the sitemap, as parsed XML: those /sitemap.xml, the index, names."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = []
    for loc in index.iter(f"{SITEMAP}loc"):
        address = urlsplit(loc.text)
        response = client.get(address.path, QUERY_STRING=address.query)
        assert response.status_code == 200, loc.text
        pages.append(ET.fromstring(response.content))
    return pages


def sitemap_text(client):
    """The text of every page of the sitemap, as one string."""
    return "\n".join(ET.tostring(page, encoding="unicode") for page in sitemap_pages(client))


# The derived data ---------------------------------------------------------------------


def row(kind, theme=0, institution=0, stage="", branch="", year=None, language="", term=""):
    """A row's identity: the values of CaseCount.COLUMNS."""
    year = 0 if year is None else year
    return (kind, language, term, theme, institution, stage, branch, year)


def one_at_a_time(stage, branch, year, kinds=CaseCount.ONE_AT_A_TIME):
    """[(kind, {its column: value})] of the stage, the branch and the year kinds."""
    values = {"stage": stage, "branch": branch, "year": year}
    return [(kind, {column: values[column]}) for kind, column in kinds.items()]


def full_count():
    """The counts as a full recount gives them, counted here another way than counts.py's
    (the ORM over the cases, grouped in Python): what the stored rows are checked against."""
    counter = Counter()
    published = Innovation.objects.filter(status=Innovation.Status.PUBLISHED).order_by()
    for institution, count in published.values_list("institution_id").annotate(n=Count("*")):
        counter[row(CaseCount.INSTITUTION, institution=institution)] = count
    by_stage = published.values_list("institution_id", "stage", "branch", "year_started").annotate(
        n=Count("*")
    )
    for institution, stage, branch, year, count in by_stage:
        counter[row(CaseCount.STAGE_BRANCH_YEAR, stage=stage, branch=branch, year=year)] += count
        for kind, value in one_at_a_time(stage, branch, year):
            counter[row(kind, **value)] += count
            counter[row(kind, institution=institution, **value)] += count
    links = Innovation.themes.through.objects.filter(
        innovation__status=Innovation.Status.PUBLISHED
    ).order_by()
    for theme, institution, count in links.values_list(
        "theme_id", "innovation__institution_id"
    ).annotate(n=Count("*")):
        counter[row(CaseCount.THEME, theme)] += count
        counter[row(CaseCount.THEME_INSTITUTION, theme, institution)] = count
    for theme, stage, branch, year, count in links.values_list(
        "theme_id", "innovation__stage", "innovation__branch", "innovation__year_started"
    ).annotate(n=Count("*")):
        key = row(CaseCount.THEME_STAGE_BRANCH_YEAR, theme, stage=stage, branch=branch, year=year)
        counter[key] = count
        for kind, value in one_at_a_time(stage, branch, year):
            counter[row(kind, theme, **value)] += count
    return counter


def stored_rows():
    """The stored rows as a Counter, leaving out rows that came down to zero."""
    rows = CaseCount.objects.exclude(count=0).values_list(*CaseCount.COLUMNS, "count")
    return Counter({tuple(values[:-1]): values[-1] for values in rows})


# A candidate's row: its group, its case's place in Table 1's order, the case.
CANDIDATE_FIELDS = ("themes", "country", "branch", "stage", *querysets.TABLE_ORDER, "innovation_id")


def all_candidates():
    """The places of every group's candidates (CANDIDATE_FIELDS), chosen another way than
    counts.py's: the cases read once in Table 1's order, grouped as they come, in Python."""
    themes = {}
    links = Innovation.themes.through.objects.filter(innovation__status=Innovation.Status.PUBLISHED)
    for case, theme in links.values_list("innovation_id", "theme_id"):
        themes.setdefault(case, []).append(theme)
    taken, chosen = Counter(), set()
    cases = Innovation.objects.published().order_by(*querysets.TABLE_ORDER, "pk")
    for pk, country, branch, stage, *order in cases.values_list(
        "pk", "institution__country", "branch", "stage", *querysets.TABLE_ORDER
    ):
        if pk in themes:
            theme_ids = "".join(f",{theme}" for theme in sorted(themes[pk])) + ","
            group = (theme_ids, country, branch, stage)
            if taken[group] < counts.CANDIDATES:
                taken[group] += 1
                chosen.add((*group, *order, pk))
    return chosen


def stored_candidates():
    return set(SimilarCandidate.objects.values_list(*CANDIDATE_FIELDS))


def assert_derived_right():
    """The one check: the derived data (counts, the common search terms' rows, similar-case
    candidates, leaders) never pass for the records' when they are not: either they are
    behind the catalogue's version, and no page reads them, or they equal a full recount.
    And what the database keeps itself, whoever writes, always equals the records: each
    published case's counted copy, and each case's copy of its institution's position."""
    if CatalogueVersion.fresh():
        full = full_count() + counts.full_term_count()
        assert stored_rows() == +full  # + drops any zero
        assert stored_candidates() == all_candidates()
        assert_leaders_are_the_nearest()
    copied = ("institution_id", "institution_position", "stage", "branch", "year_started")
    copied += querysets.SEARCH_DOCUMENTS
    copies = CountedCase.objects.values_list("pk", *copied)
    assert set(copies) == set(Innovation.objects.published().values_list("pk", *copied))
    assert dict(CountedCase.objects.values_list("pk", "theme_bits")) == theme_bits()
    moved = Innovation.objects.exclude(institution=None).exclude(
        institution_position=F("institution__position")
    )
    assert not moved.exists()


def theme_bits():
    """{published case id: its themes as bits (CountedCase.theme_bits)}, from its links."""
    themes = {pk: set() for pk in Innovation.objects.published().values_list("pk", flat=True)}
    for case, theme in Innovation.themes.through.objects.values_list("innovation_id", "theme_id"):
        themes.get(case, set()).add(theme)
    fits = CountedCase.THEME_BITS
    return {
        case: sum(1 << theme for theme in ids) if all(theme < fits for theme in ids) else None
        for case, ids in themes.items()
    }


def assert_leaders_are_the_nearest():
    """Each common term's stored leaders are matches of it, at their distance, and no other
    match is nearer than any of them: the first SEARCH_LEADERS of its matches, nearest
    first (among matches as near, any may be stored, as the index lists them in its order)."""
    if not leaders.stored():
        assert not SearchLeader.objects.exists()
        return
    every, stored = leaders.every_match(), leaders.stored_leaders()
    assert set(stored) <= set(every)
    for term, matches in every.items():
        mine = stored.get(term, {})
        assert {case: matches.get(case) for case in mine} == mine, term
        nearest = sorted(matches.values())[: querysets.SEARCH_LEADERS]
        assert sorted(mine.values()) == nearest, term


# Servers the tests start --------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(folder, *options):
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing; .ci/run installs Debian's redis-server")
        pytest.skip("needs Debian's redis-server")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + list(options),
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0"
    server.kill()
    server.wait()


# Typography: each language's rules, read from a page as a reader sees it ----------------

NB, NNB = "\u00a0", "\u202f"
SPACE = f"[{NB}{NNB}]"
BLOCKS = {"p", "li", "td", "th", "dt", "dd", "div", "h1", "h2", "h3", "title", "caption"}
BLOCKS |= {"label", "option", "legend", "button", "summary", "section", "nav", "tr", "br"}
VOID = {"br", "img", "input", "link", "meta", "hr", "source", "wbr", "col", "area"}
TYPOGRAPHY = {
    "fr": [
        (r"[ \t][:;!?](?=\s|$)", "an ordinary space before : ; ! ?"),
        (rf"[^\s{NB}{NNB}\x00(«\"'/:;!?][:;!?](?=\s|$)", "no space before : ; ! ?"),
        (rf"«(?!{SPACE})", "no no-break space after «"),
        (rf"(?<!{SPACE})»", "no no-break space before »"),
    ],
    "es": [],
    "de": [(r"[”«»]", "quotation marks that are not German")],
    "en": [(r"[«»„]", "quotation marks that are not English")],
}


class PageText(HTMLParser):
    """The text a reader sees in the page's language: blocks apart, other languages' text
    (lang="en" on a French page) and code left out as \\x00."""

    def __init__(self, language):
        super().__init__(convert_charrefs=True)
        self.language, self.open, self.parts = language, [("", language)], []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag in VOID:
            return
        language = dict(attrs).get("lang") or self.open[-1][1]
        if tag in ("code", "pre", "script", "style", "textarea"):
            language = "code"
        self.open.append((tag, language))
        if language != self.language:
            self.parts.append("\x00")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag in VOID:
            return
        while len(self.open) > 1 and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.open[-1][1] == self.language:
            self.parts.append(data)


def typography_faults(html, language):
    reader = PageText(language)
    reader.feed(html)
    text = "".join(reader.parts)
    faults = [
        f"{what}: {text[max(0, found.start() - 30) : found.end() + 10]!r}"
        for pattern, what in TYPOGRAPHY[language]
        for found in re.finditer(pattern, text)
    ]
    if language in ("fr", "es"):  # “…” only as quotes within « »
        depth = 0
        for position, char in enumerate(text):
            depth += (char == "«") - (char == "»")
            if char in "“”" and depth <= 0:
                faults.append(f"English quotes: {text[max(0, position - 30) : position + 10]!r}")
    return faults
