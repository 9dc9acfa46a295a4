"""Writes of many cases in one statement (QuerySet.update, which sends no signals): the review
workflow's steps and the rebuild of the cases' search documents, each taking a QuerySet and
returning how many cases it changed; and a suggested case's creation. QuerySets
(querysets.py) only read."""

from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from . import search
from .models import CatalogueVersion, Impact, Innovation, Institution, Suggestion

SLUG_ATTEMPTS = 10  # a suggestion's tries at a free slug, when others take theirs at once


def submit_for_review(cases):
    """Drafts go to the editors for review."""
    return _move_to(cases.filter(status=Innovation.Status.DRAFT), Innovation.Status.REVIEW)


def publish(cases):
    """Make cases public, recording when: save()'s rule for published_at, for many cases in
    one UPDATE. A case without an institution (a suggestion naming a new one) waits until an
    editor gives it one."""
    waiting = cases.exclude(status=Innovation.Status.PUBLISHED).exclude(institution=None)
    return _move_to(waiting, Innovation.Status.PUBLISHED, published_at=timezone.now())


def withdraw(cases):
    """Take cases in review or published back to draft, out of public view."""
    return _move_to(cases.exclude(status=Innovation.Status.DRAFT), Innovation.Status.DRAFT)


def _move_to(cases, status, **fields):
    # The writers' turn first: the UPDATE then reads the cases as the writer before left
    # them (taken by the database's trigger, within the statement, it would read them as they
    # were before, and pass over a case just withdrawn).
    with transaction.atomic():
        CatalogueVersion.take_turn()
        return cases.update(status=status, updated=timezone.now(), **fields)


def refresh_search_documents(cases):
    """Rebuild the stored search documents of these cases, one per language, in one UPDATE
    (PostgreSQL only; SQLite searches the fields themselves), the same SQL for every write,
    built once a process (_vectors_update). signals.py calls it after every write."""
    if not search.using_postgres():
        return
    pks = list(cases.values_list("pk", flat=True))
    if pks:
        sql, params, at = _vectors_update()
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params[:at], pks, *params[at + 1 :]])


@cache
def _vectors_update():
    """(SQL, its parameters, where the cases' ids go in them) of the UPDATE that writes the
    documents of some cases (refresh_search_documents): building its expressions through
    the ORM took twice as long as running it, on every save."""
    ids = []  # a placeholder, found again among the parameters by identity
    cases = Innovation.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    query = cases.query.chain(UpdateQuery)
    query.add_update_values(
        {field: _document_vector(language) for language, field in search.VECTOR_FIELDS.items()}
    )
    sql, params = query.get_compiler(connection=connection).as_sql()
    return sql, params, next(at for at, param in enumerate(params) if param is ids)


def _document_vector(language):
    """In `language`: title (A), summary and impacts (B), story, lessons and reuse needs
    (C), institution and theme names (D), and the facet words of the case's themes and
    country."""
    links = Innovation.themes.through.objects.filter(innovation=OuterRef("pk"))
    institution = Institution.objects.filter(pk=OuterRef("institution_id"))

    def joined(rows, expression):
        return rows.values("innovation").annotate(text=search.joined(expression)).values("text")

    def shown(field):
        return search.shown(field, language)

    impacts = Impact.objects.filter(innovation=OuterRef("pk"))
    name = search.words(shown("name"), shown("acronym"))
    return search.document(
        [
            (shown("title"), "A"),
            (shown("summary"), "B"),
            (joined(impacts, shown("statement")), "B"),
            (shown("story"), "C"),
            (shown("lessons"), "C"),
            (shown("reuse_needs"), "C"),
            (institution.annotate(text=name).values("text"), "D"),
            (joined(links, shown("theme__name")), "D"),
        ],
        facet_words=[
            joined(links, search.facet_word("theme", "theme__slug")),
            institution.annotate(text=search.facet_word("country", "country")).values("text"),
        ],
        language=language,
    )


def create_suggested(
    *,
    institution,
    title,
    summary,
    impact,
    name,
    email,
    new_institution=("", ""),
    language=settings.LANGUAGE_CODE,
):
    """A case a member suggested: a draft in review with its impact and who sent it,
    under a slug of its own. `institution` is None when the sender named one that is not
    in the catalogue: `new_institution` (name, country code), kept with the suggestion
    until an editor matches or creates it."""
    institution_name, institution_country = new_institution
    for attempt in range(SLUG_ATTEMPTS):
        slug = Innovation.objects.free_slug(title)
        try:
            with transaction.atomic():
                case = Innovation.objects.create(
                    institution=institution,
                    title=title,
                    original_language=language,
                    summary=summary,
                    status=Innovation.Status.REVIEW,
                    slug=slug,
                )
                case.impacts.create(statement=impact, position=1)
                Suggestion.objects.create(
                    innovation=case,
                    name=name,
                    email=email,
                    institution_name=institution_name,
                    institution_country=institution_country,
                )
            return case
        except IntegrityError:
            # Another suggestion took the slug between choosing and saving: choose again,
            # now that it is taken (free_slug sees it once the other has committed).
            if attempt + 1 == SLUG_ATTEMPTS or not Innovation.objects.filter(slug=slug).exists():
                raise
