"""Writes of many cases in one statement (QuerySet.update, which sends no signals): the review
workflow's steps, each taking a QuerySet and returning how many cases it changed; the cases'
search documents, which the database writes itself (its function, defined from here); and a
suggested case's creation. QuerySets (querysets.py) only read."""

from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from . import search
from .models import CatalogueVersion, CountedCase, Impact, Innovation, Institution, Suggestion

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


# The database's function that writes the search documents of the cases whose ids it is
# given (PostgreSQL; migration 0027 defines it from documents_function(), and its triggers
# call it after every write to what a document reads, whoever writes).
DOCUMENTS = "innohub_case_documents"


def refresh_search_documents(cases):
    """Rebuild the stored search documents of these cases, one per language, in one UPDATE
    (PostgreSQL only; SQLite searches the fields themselves): the database's own function,
    which its triggers call after every write; called here for what passed them by (a bulk
    load that asked them to wait)."""
    if not search.using_postgres():
        return
    pks = list(cases.values_list("pk", flat=True))
    if pks:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {DOCUMENTS}(%s::bigint[])", [pks])


@contextmanager
def documents_later():
    """Within it (and a transaction), the database's triggers leave the search documents to
    the caller, who writes them once at the end (refresh_search_documents), as a load of
    many records does (PostgreSQL; SQLite keeps none)."""
    if not search.using_postgres():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('innohub.documents_later', 'on', true)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('innohub.documents_later', 'off', true)")


@contextmanager
def without_document_indexes(connection=connection):
    """Within it, the indexes of the search documents (GIN and RUM, on the cases and their
    counted copies) are dropped, and made again from their own definitions on leaving: a
    write of every document, with them in place, wrote each row's entries one at a time
    (docs/performance.md). PostgreSQL; SQLite has none."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [Innovation._meta.db_table, CountedCase._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexdef ~ ' USING (gin|rum) '",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # No index is made on a table while foreign-key checks wait for the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, definition in indexes:
                cursor.execute(definition)
        search.check_rank_index(connection)


def documents_function():
    """The SQL that defines the database's function DOCUMENTS(case_ids): the UPDATE of the
    cases' four documents (_document_vector), with its constants written into it."""
    cases = Innovation.objects.filter(pk__in=RawSQL("SELECT unnest(case_ids)", []))
    query = cases.query.chain(UpdateQuery)
    query.add_update_values(
        {field: _document_vector(language) for language, field in search.VECTOR_FIELDS.items()}
    )
    sql, params = query.get_compiler(connection=connection).as_sql()
    update = connection.ops.compose_sql(sql, params)
    return (
        f"CREATE OR REPLACE FUNCTION {DOCUMENTS}(case_ids bigint[]) RETURNS void "
        f"LANGUAGE sql AS $documents${update}$documents$"
    )


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
    themes=(),
    stage="",
    contact_public=False,
):
    """A case a member suggested: a draft in review with its impact and who sent it,
    under a slug of its own. `institution` is None when the sender named one that is not
    in the catalogue: `new_institution` (name, country code), kept with the suggestion
    until an editor matches or creates it. `themes`, `stage` and `contact_public` (the
    sender's consent to be the case's public contact) are the sender's optional answers."""
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
                    stage=stage,
                    # The sender's consent: their address as the case's contact, shown once
                    # the case is published.
                    contact_email=email if contact_public else "",
                    contact_public=contact_public,
                )
                case.themes.set(themes)
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
