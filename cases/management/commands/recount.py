from django.core.management.base import BaseCommand

from cases import counts
from cases.models import (
    CaseCount,
    CountedCase,
    SearchLeader,
    SearchTerm,
)


class Command(BaseCommand):
    help = (
        "Count the catalogue's kept counts anew from its published cases, and choose the "
        "common search terms anew (cases/counts.py), and their best-ranked cases "
        "(cases/leaders.py); and compare each published case's counted copy with it, "
        "writing those that differ. Safe at any time; run it nightly, so that words grown common "
        "since are counted on write too."
    )

    def handle(self, **options):
        counts.recount()
        terms = SearchTerm.objects.count()
        rows = CaseCount.objects.count()
        leaders = SearchLeader.objects.count()
        copies = CountedCase.objects.count()
        said = (
            f"Counted anew: {rows:,} kept counts, {terms:,} common search terms "
            f"({leaders:,} of their best-ranked cases kept), {copies:,} counted copies."
        )
        self.stdout.write(self.style.SUCCESS(said))
