"""The workflow's steps on many cases at once (the admin's "Publish", "Withdraw", "Send to
review"): up to IN_REQUEST cases in the request, more by the task queue (django-tasks; in
production its database backend, run by `manage.py db_worker`), in batches of BATCH cases,
each in a transaction of its own, so that thousands at once neither pass a request's 30
seconds nor hold the writers' turn (CatalogueVersion.take_turn) from every other editor all
that time. The editor who asked is e-mailed when the work is done, and the list of cases
says what is still under way."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import ngettext_lazy
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from . import history, mail, writes
from .models import Innovation

IN_REQUEST = 20
BATCH = 50

# Each step: what was done, and why the others were left; whole sentences, to translate.
STEPS = {
    "submit_for_review": (
        ngettext_lazy("%(count)d case sent to review.", "%(count)d cases sent to review.", "count"),
        ngettext_lazy(
            "%(left)d left as it was (not drafts).",
            "%(left)d left as they were (not drafts).",
            "left",
        ),
    ),
    "publish": (
        ngettext_lazy("%(count)d case published.", "%(count)d cases published.", "count"),
        ngettext_lazy(
            "%(left)d left as it was (already published; or without an institution: choose "
            "or create it first).",
            "%(left)d left as they were (already published; or without an institution: "
            "choose or create it first).",
            "left",
        ),
    ),
    "withdraw": (
        ngettext_lazy(
            "%(count)d case withdrawn to draft.", "%(count)d cases withdrawn to draft.", "count"
        ),
        ngettext_lazy(
            "%(left)d left as it was (already drafts).",
            "%(left)d left as they were (already drafts).",
            "left",
        ),
    ),
}
UNDER_WAY = {
    "submit_for_review": ngettext_lazy(
        "Sending %(count)d case to review", "Sending %(count)d cases to review", "count"
    ),
    "publish": ngettext_lazy("Publishing %(count)d case", "Publishing %(count)d cases", "count"),
    "withdraw": ngettext_lazy(
        "Withdrawing %(count)d case to draft", "Withdrawing %(count)d cases to draft", "count"
    ),
}


def move(ids, step, user):
    """Take the cases `ids` through `step`, kept in the history before and after, in one
    transaction; how many moved."""
    done, _ = STEPS[step]  # one of the workflow's steps, each a function of writes.py
    with transaction.atomic():
        history.keep_first(Innovation.objects.filter(pk__in=ids), user)
        count = getattr(writes, step)(Innovation.objects.filter(pk__in=ids))
        done = done % {"count": count}
        history.keep(Innovation.objects.filter(pk__in=ids), done, user)
    return count


def report(step, count, chosen):
    """What `step` did to `count` of the `chosen` cases, in words."""
    done, skipped = STEPS[step]
    message = done % {"count": count}
    if count < chosen:
        message += " " + skipped % {"left": chosen - count}
    return message


@task()
def move_in_batches(ids, step, user_id):
    """The queue's work: every batch in turn, then the editor who asked is told."""
    user = User.objects.filter(pk=user_id).first()
    count = 0
    for start in range(0, len(ids), BATCH):
        count += move(ids[start : start + BATCH], step, user)
    mail.tell_user(user, report(step, count, len(ids)))
    return count


def start(ids, step, user):
    move_in_batches.enqueue(list(ids), step, user.pk)


def under_way():
    """[(what, since)] of the steps the queue has not finished, oldest first."""
    waiting = DBTaskResult.objects.filter(
        task_path=move_in_batches.module_path, status__in=("READY", "RUNNING")
    ).order_by("enqueued_at")
    return [
        (
            UNDER_WAY[job.args_kwargs["args"][1]] % {"count": len(job.args_kwargs["args"][0])},
            job.enqueued_at,
        )
        for job in waiting
    ]
