"""Two editors at once, on PostgreSQL: whichever writes first, what the database keeps itself
(each case's counted copy and its copy of its institution's place) equals the records, the
derived data (counts, candidates) equal a rebuild once one has run, and the pages list what
the records say. The second writer is started
once the first has written, and the first commits only once the second waits for the
writers' turn (a database lock, seen in pg_locks): no sleeps.

These tests commit (real transactions), so they run last, with the browser tests."""

import contextlib
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client

from cases import counts, derived, leaders, pagecache, writes
from cases.models import CaseCount, CatalogueVersion, Innovation, Institution, Theme
from tests.factories import bulk_cases as add_cases
from tests.helpers import assert_derived_right, post_form, row_slugs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]


def until_a_writer_waits(seconds=10):
    """Until another session waits for the writers' turn (an advisory lock not granted)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.005)  # polling the lock table, not waiting for a guess
    raise AssertionError("the second writer never waited for the first")


def race(first, second, second_in_a_transaction=True):
    """`first` writes in a transaction that commits once `second`, in another thread and its
    own transaction (or the ones it opens itself), waits for it. Returns what each raised
    (None when it did not)."""
    wrote, raised = threading.Event(), {}

    def run(name, write, before=None, after=None, atomic=True):
        try:
            if before:
                before.wait(10)
            with transaction.atomic() if atomic else contextlib.nullcontext():
                write()
                if after:
                    after.set()
                    until_a_writer_waits()
        except Exception as error:  # the test asserts on it
            raised[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", first, None, wrote)),
        threading.Thread(target=run, args=("second", second, wrote, None, second_in_a_transaction)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return raised.get("first"), raised.get("second")


@pytest.fixture
def seed():
    call_command("seed", verbosity=0)


def assert_derived_data_right():
    """Right at once, and after the rebuild the task queue runs (derived.py)."""
    assert_derived_right()
    derived.rebuild.call()
    assert CatalogueVersion.fresh()
    assert_derived_right()


def listed(**filters):
    pagecache.forget()
    return row_slugs(Client().get("/", filters))


def withdraw(slug):
    case = Innovation.objects.get(slug=slug)
    case.status = Innovation.Status.DRAFT
    case.save()


@pytest.mark.parametrize("publish_first", [False, True])
def test_a_withdrawal_and_a_bulk_publish_of_the_same_case(seed, publish_first):
    """An editor withdraws case X in its change form while another publishes X and Y at
    once: the later one wins, and X is counted as it is."""
    writes.withdraw(Innovation.objects.filter(slug="agile-benefit-design"))
    pair = ["design-thinking", "agile-benefit-design"]

    def publish():
        writes.publish(Innovation.objects.filter(slug__in=pair))

    def withdrawal():
        withdraw("design-thinking")

    first, second = (publish, withdrawal) if publish_first else (withdrawal, publish)
    assert race(first, second) == (None, None)
    expected = Innovation.Status.DRAFT if publish_first else Innovation.Status.PUBLISHED
    assert Innovation.objects.get(slug="design-thinking").status == expected
    assert_derived_data_right()
    institution = Innovation.objects.get(slug="design-thinking").institution.slug
    assert ("design-thinking" in listed(institution=institution)) == (expected == "published")


@pytest.mark.parametrize("move_first", [False, True])
def test_an_institution_moved_while_a_case_is_added_to_it(seed, move_first):
    """The case is on its institution's and its country's pages, in Table 1's new order."""
    kela = Institution.objects.get(slug="kela")

    def move():
        institution = Institution.objects.get(pk=kela.pk)
        institution.position, institution.country = 99, "SE"
        institution.save()

    def add():
        case = Innovation.objects.create(
            slug="added-at-the-same-moment",
            title="Added at the same moment",
            institution=kela,
            status=Innovation.Status.PUBLISHED,
        )
        case.themes.add(Theme.objects.get(slug="leadership"))

    assert race(*((move, add) if move_first else (add, move))) == (None, None)
    assert_derived_data_right()
    assert "added-at-the-same-moment" in listed(institution="kela")
    assert "added-at-the-same-moment" in listed(country="SE")
    kelas = set(kela.innovations.published().values_list("slug", flat=True))
    assert set(listed()[-len(kelas) :]) == kelas  # Kela's cases now come last


@pytest.mark.parametrize("delete_first", [False, True])
def test_a_theme_deleted_while_a_case_is_given_it(seed, delete_first):
    """Deleted first, the theme cannot then be given (the database refuses the link); given
    first, the deletion takes the link with it. Either way no count outlives the theme."""
    with transaction.atomic():  # as the admin writes: the derived data stay in step
        theme = Theme.objects.create(slug="unused", name="Unused", description="Not yet used.")

    def delete():
        Theme.objects.get(pk=theme.pk).delete()

    def give():
        Innovation.objects.get(slug="design-thinking").themes.add(theme.pk)

    first, second = race(*((delete, give) if delete_first else (give, delete)))
    assert first is None
    assert isinstance(second, IntegrityError) if delete_first else second is None
    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert_derived_data_right()
    assert not CaseCount.objects.filter(theme=theme.pk).exists()


def test_two_editors_publishing_one_case_at_once_count_it_once(seed):
    """The second waits for the first, sees the case published, and counts nothing more."""
    with transaction.atomic():
        writes.withdraw(Innovation.objects.filter(slug="design-thinking"))

    def publish():
        writes.publish(Innovation.objects.filter(slug="design-thinking"))

    assert race(publish, publish) == (None, None)
    assert Innovation.objects.get(slug="design-thinking").status == Innovation.Status.PUBLISHED
    assert_derived_data_right()


def test_two_editors_saving_two_cases_of_one_group_at_once_keep_its_candidates(seed):
    """Both saves move their cases in Table 1's order, and so their group's similar-case
    candidates at the next rebuild: the second waits for the first (the writers' turn, which
    the database's triggers take) instead of deadlocking with it."""
    with transaction.atomic():
        cases = add_cases(2, institution="kela", theme="leadership")

    def retitle(case, title):
        def write():
            case.refresh_from_db()
            case.title = title  # its place in Table 1's order: the group is chosen anew
            case.save()

        return write

    assert race(retitle(cases[0], "A first title"), retitle(cases[1], "A second title")) == (
        None,
        None,
    )
    assert_derived_data_right()


def test_a_case_saved_with_a_theme_another_editor_deletes_meanwhile_is_explained(seed):
    """The editor's form was checked while the theme was still there; the database refuses
    the link as the save commits. The save is tried once more, and its form says the theme is
    no longer a choice, keeping what was typed: no server error, nothing half saved."""
    with transaction.atomic():
        theme = Theme.objects.create(slug="unused", name="Unused", description="Not yet used.")
    editor = User.objects.create_superuser("ed", "ed@example.org")
    case = Innovation.objects.get(slug="design-thinking")
    url = f"/admin/cases/innovation/{case.pk}/change/"
    answers = []

    def delete():
        Theme.objects.get(pk=theme.pk).delete()

    def save():
        client = Client()
        client.force_login(editor)
        themes = [str(pk) for pk in case.themes.values_list("pk", flat=True)] + [str(theme.pk)]
        changes = {"title": "Typed by the editor", "themes": themes}
        answers.append(post_form(client, url, changes))

    assert race(delete, save, second_in_a_transaction=False) == (None, None)
    (answer,) = answers
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Select a valid choice" in page
    assert "Typed by the editor" in page
    assert Innovation.objects.get(pk=case.pk).title != "Typed by the editor"
    assert_derived_data_right()


def test_editors_write_while_a_rebuild_runs_without_waiting_for_it(seed, monkeypatch):
    """A rebuild holds its transaction open while an editor saves one case and deletes
    another that its rows name: neither write waits for it, nor fails on its rows. The
    rebuild then says the derived data match the version it started from, which the edits
    have left behind, so pages count live until the next rebuild catches up."""
    rebuilding, edited = threading.Event(), threading.Event()
    choose = leaders.choose

    def choose_after_the_edits(*args):  # the candidates written, the transaction open
        rebuilding.set()
        edited.wait(10)
        return choose(*args)

    monkeypatch.setattr(leaders, "choose", choose_after_the_edits)
    raised = []

    def rebuild():
        try:
            counts.recount(terms=False)
        except Exception as error:  # the test asserts on it
            raised.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=rebuild)
    thread.start()
    assert rebuilding.wait(10)
    started = time.monotonic()
    with transaction.atomic():
        case = Innovation.objects.get(slug="design-thinking")
        case.title = "Saved during a rebuild"
        case.save()
        Innovation.objects.get(slug="agile-benefit-design").delete()
    took = time.monotonic() - started
    edited.set()
    thread.join(20)
    assert raised == [] and took < 5
    assert not CatalogueVersion.fresh()
    assert_derived_data_right()
    assert "agile-benefit-design" not in listed()
