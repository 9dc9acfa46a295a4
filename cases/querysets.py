"""The QuerySets the catalogue is read and written through: every query of the catalogue,
search included, so that views, filters and exports read as sentences
(`Innovation.objects.published().for_summary_table()`).

The models import this module to build their managers, so it cannot import them: a model is
looked up by name when a query runs (`model("Impact")`). search.py gives the pieces of a
search that do not depend on the tables; the queries that use them are here.
"""

from collections import defaultdict

from django.apps import apps
from django.db import models
from django.db.models import (
    Case,
    Count,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.lookups import IContains
from django.utils.text import slugify

from . import search
from .languages import (
    column,
    page_language,
    shown_text,
    untranslated_text,
    with_translations,
)

SEARCH_DOCUMENTS = tuple(search.VECTOR_FIELDS.values())
# Not shown in lists, and the largest columns: the story in every language, the documents.
LARGE_COLUMNS = (*with_translations("story"), *SEARCH_DOCUMENTS)
# What the summary table shows of a case and its institution (for_summary_table): reading
# every other column (the story, lessons and needs in every language, the institution's
# description) was a fifth of the rows' time.
SUMMARY_COLUMNS = (
    "slug",
    "original_language",
    "published_at",
    *with_translations("title", "summary"),
    "institution",
    *(
        f"institution__{name}"
        for name in ("slug", "country", "original_language", *with_translations("name", "acronym"))
    ),
)
# Table 1's order, by the copy of the institution's position each case carries (an index
# covers it).
TABLE_ORDER = ("institution_position", "institution_id", "position", "title")
# How many similar cases a case's page lists.
SIMILAR_SHOWN = 5
# Where a case's country, branch and stage are read, for the similar cases' ranking.
CASE_FIELDS = {"country": "institution__country", "branch": "branch", "stage": "stage"}


def _in_common(alike, fields):
    """How many of `alike` ({"country": "SG", ...}: a case's) a row has the same; `fields`
    names where the row holds each. An empty stage or branch is nothing in common."""
    return sum(
        (
            Case(When(**{fields[name]: value}, then=1), default=0)
            for name, value in alike.items()
            if value
        ),
        Value(0),
    )


# How many of a common search term's first matches are stored (models.SearchLeader): the first
# ten pages of twenty, which is as far as readers go.
SEARCH_LEADERS = 200


def model(name):
    return apps.get_model("cases", name)


class SlugManager(models.Manager):
    """Finds rows by slug, the natural key that fixtures and URLs use."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def free_slug(self, name):
        """A slug made from a name (or title) that no row has yet."""
        base = _cut_at_a_word(slugify(name), 40) or slugify(self.model._meta.verbose_name)
        taken = set(self.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug


def _cut_at_a_word(slug, longest):
    """`slug` within `longest` characters, cut where a word ends ("chatbot-for-student", not
    "chatbot-for-stud"), unless its first word alone is longer."""
    if len(slug) <= longest:
        return slug
    cut = slug[: longest + 1].rsplit("-", 1)[0]
    return (cut if "-" in slug[: longest + 1] else slug[:longest]).strip("-")


def summarised(cases):
    """A page of the summary table's cases (read by for_summary_table), as a list, each with
    `summary_themes` and `summary_impacts`: its themes' names and its impacts' statements as
    the page shows them (languages.Text), in their order. Two queries of plain values, where
    prefetch_related made a model object of every theme and impact."""
    cases = list(cases)
    language = page_language()
    ids = [case.pk for case in cases]
    themes, impacts = defaultdict(list), defaultdict(list)
    if ids:
        theme = model("Theme")
        links = (
            model("Innovation")
            .themes.through.objects.filter(innovation_id__in=ids)
            .order_by(*(f"theme__{name}" for name in theme._meta.ordering))
            .values_list("innovation_id", "theme__name", f"theme__{column('name', language)}")
        )
        for pk, name, translated in links:
            themes[pk].append(shown_text(name, translated, language, theme.TEXT_LANGUAGE))
        own = {case.pk: case.original_language for case in cases}  # its parts' language
        statements = (  # in Impact's own order
            model("Impact")
            .objects.filter(innovation_id__in=ids)
            .values_list("innovation_id", "statement", column("statement", language))
        )
        for pk, statement, translated in statements:
            impacts[pk].append(shown_text(statement, translated, language, own[pk]))
    for case in cases:
        case.summary_themes, case.summary_impacts = themes[case.pk], impacts[case.pk]
    return cases


class MatchingQuerySet(models.QuerySet):
    """What the cases (Innovation) and their counted copies (CountedCase) are filtered by
    alike, through other tables' links to a case's id, which is its copy's too."""

    def with_any_theme(self, slugs):
        """Cases that have at least one of the themes (OR), without duplicate rows."""
        through = self.model.themes.through.objects.filter(theme__slug__in=slugs)
        return self.filter(pk__in=through.values("innovation_id"))

    def recognised(self):
        """Cases that received an award."""
        return self.filter(pk__in=model("Award").objects.values("innovation_id"))

    def with_partner_kinds(self, kinds):
        """Cases that worked with at least one partner of these kinds (OR)."""
        links = model("Collaboration").objects.filter(partner__kind__in=kinds)
        return self.filter(pk__in=links.values("innovation_id"))


class CountedCaseQuerySet(MatchingQuerySet):
    """The published cases' counted copies (models.CountedCase), as facets.py counts them:
    FilterSet.cases_without() filters them as it filters the cases."""

    def search(self, text, themes=(), countries=(), ranked=False, language=None):
        """The copies of the cases that match, as InnovationQuerySet.search() finds them
        unranked (a copy has no text to rank or highlight; `ranked` is taken, as the
        FilterSet passes it, and must be False): on PostgreSQL through this table's own
        search index; on SQLite, which searches the cases' texts, by their ids."""
        if ranked:
            raise ValueError("A counted copy has no text to rank: search the cases instead.")
        language = language or page_language()
        if search.using_postgres():
            return self.filter(search.counted_match(text, language, themes, countries))
        cases = model("Innovation").objects.published()
        found = cases.search(text, themes, countries, ranked=False, language=language)
        return self.filter(pk__in=found.values("pk"))


class InnovationQuerySet(MatchingQuerySet):
    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED)

    def in_table_order(self):
        """Table 1's order: institutions in their order, then each institution's cases.
        Uses the copy of the institution's position on each case, which an index covers."""
        return self.order_by(*TABLE_ORDER)

    def for_summary_table(self):
        """The cases as the summary table lists them, in Table 1's order, with their
        institution, without the columns it does not show. A page of them gets its themes
        and impacts from summarised(): two queries whatever the size."""
        return self.in_table_order().select_related("institution").only(*SUMMARY_COLUMNS)

    def for_detail(self):
        return (
            self.defer(*SEARCH_DOCUMENTS)
            .select_related("institution")
            .prefetch_related(
                "themes",
                Prefetch("impacts", queryset=model("Impact").objects.order_by("position", "pk")),
                "sources",
                "awards",
                Prefetch(
                    "collaborations",
                    queryset=model("Collaboration").objects.select_related("partner"),
                ),
                "links",
            )
        )

    def search(self, text, themes=(), countries=(), ranked=True, language=None):
        """Cases matching `text` (and any of the theme slugs and country codes given) in
        `language` (the page's), annotated with `rank` (higher is better) and `headline` (the
        summary with the matched words between search.MARK_START and MARK_END) unless
        `ranked` is False, as counting needs neither. Ordering is left to the caller.

        PostgreSQL: ranked full text over the language's stored document; the themes and
        countries narrow the same lookup through their facet words, so it is one scan of its
        GIN index. SQLite: every searchable word must occur, in any case, in the text the
        language's page shows."""
        language = language or page_language()
        if search.using_postgres():
            if not ranked:
                return self.filter(search.counted_match(text, language, themes, countries))
            query = search.text_query(text, language)
            narrowed = search.narrowed(query, themes, countries)
            found = self.filter(**{search.VECTOR_FIELDS[language]: narrowed})
            # Rank and highlight by the words searched for only; the facet words only narrow.
            return found.annotate(**search.rank_and_headline(query, language))
        cases = self.with_any_theme(themes) if themes else self
        if countries:
            cases = cases.filter(institution__country__in=countries)
        for word in search.looked_for(text, language):
            cases = cases.filter(self._mentioning(word, language))
        for word in search.left_out(text, language):
            cases = cases.exclude(self._mentioning(word, language))
        if not ranked:
            return cases
        return cases.annotate(
            rank=Value(1.0, output_field=FloatField()),
            headline=search.shown("summary", language),
        )

    def _mentioning(self, word, language):
        """Cases with `word` in the text a page in `language` shows: a field of their own, an
        impact, a theme or their institution."""

        def mentions(*fields):
            return Q(*(IContains(search.shown(f, language), word) for f in fields), _connector=Q.OR)

        impacts = model("Impact").objects.filter(mentions("statement"))
        themes = self.model.themes.through.objects.filter(mentions("theme__name"))
        institutions = model("Institution").objects.filter(mentions("name", "acronym"))
        return (
            mentions("title", "summary", "story", "lessons", "reuse_needs")
            | Q(pk__in=impacts.values("innovation_id"))
            | Q(pk__in=themes.values("innovation_id"))
            | Q(institution__in=institutions)
        )

    def untranslated(self, language):
        """Cases written in another language whose text (their own, or their impacts',
        partners' roles' or links') is not all translated into `language`."""
        return self.filter(self._untranslated(language))

    def _untranslated(self, language):
        parts = [
            models.Exists(
                model(name).objects.filter(
                    untranslated_text(model(name).translated_fields, language),
                    innovation=OuterRef("pk"),
                )
            )
            for name in ("Impact", "Collaboration", "CaseLink")
        ]
        written = untranslated_text(self.model.translated_fields, language)
        return ~Q(original_language=language) & Q(written, *parts, _connector=Q.OR)

    def newest_first(self):
        return self.order_by("-created", "-pk")

    def by_relevance(self):
        """Best match first (after search()). Where an index ranks (search.ranks_by_index),
        in its order: cases that match equally well come in the order it keeps them, the
        same on every page (ordering them by Table 1's order too makes PostgreSQL rank every
        match again). Else ties keep Table 1's order."""
        if "distance" in self.query.annotations:
            return self.order_by("distance")
        return self.order_by("-rank", *TABLE_ORDER)

    def suggested(self):
        """Cases that came from the public suggestion form."""
        return self.filter(suggestion__isnull=False)

    def sharing_themes_with(self, innovation):
        """The first SIMILAR_SHOWN other cases with a theme in common: most themes shared
        first, then most in common of country, branch and stage, then Table 1's order. Both
        are symmetric, so the relation is too.

        Only the stored candidates (models.SimilarCandidate: the first few of each group of
        cases with the same themes, country, branch and stage, each with its group and
        place) are ranked, in their own small table: the same answer as ranking every case
        that shares a theme, which grouped a third of the catalogue's theme links on every
        case's page."""
        # The page has the case's themes already (prefetched): a list, not another subquery.
        theme_ids = [theme.pk for theme in innovation.themes.all()]
        if not theme_ids:
            return self.none()
        country = innovation.institution.country if innovation.institution else None
        alike = {"country": country, "branch": innovation.branch, "stage": innovation.stage}

        def ranked(rows, candidate, fields):
            """`rows` in the ranking's order; `candidate` leads from them to SimilarCandidate."""
            shared = [
                Case(When(**{f"{candidate}themes__contains": f",{theme},"}, then=1), default=0)
                for theme in theme_ids
            ]
            return rows.annotate(
                shared_themes=sum(shared[1:], shared[0]), also_shared=_in_common(alike, fields)
            ).order_by("-shared_themes", "-also_shared", *TABLE_ORDER, "pk")

        stored = {name: name for name in alike}
        if model("CatalogueVersion").fresh():
            best = ranked(model("SimilarCandidate").objects, "", stored).exclude(
                innovation=innovation.pk
            )
            best = best.filter(shared_themes__gt=0).values("pk")[:SIMILAR_SHOWN]
            found = ranked(self.filter(pk__in=best), "similar_candidate__", CASE_FIELDS)
        else:  # the candidates are behind: every case sharing a theme is ranked
            found = (
                self.exclude(pk=innovation.pk)
                .annotate(
                    shared_themes=Count("themes", filter=Q(themes__in=theme_ids)),
                    also_shared=_in_common(alike, CASE_FIELDS),
                )
                .filter(shared_themes__gt=0)
                .order_by("-shared_themes", "-also_shared", *TABLE_ORDER, "pk")[:SIMILAR_SHOWN]
            )
        return found.select_related("institution").only(
            "slug",
            "original_language",
            *with_translations("title"),
            "institution__country",
            "institution__original_language",
            *(f"institution__{name}" for name in with_translations("name", "acronym")),
        )
