from django.core.management.base import BaseCommand

from cases import counts
from cases.models import CaseCount, SearchLeader, SearchTerm


class Command(BaseCommand):
    help = (
        "Rebuild the derived data from the published cases: the counts, the similar-case "
        "candidates, the common search terms chosen anew and their counts (cases/counts.py) "
        "and best-ranked cases (cases/leaders.py). Safe at any time; run it nightly, as the "
        "rebuild after an edit leaves the common terms out."
    )

    def handle(self, **options):
        counts.recount()
        terms = SearchTerm.objects.count()
        rows = CaseCount.objects.count()
        leaders = SearchLeader.objects.count()
        said = (
            f"Counted anew: {rows:,} stored counts, {terms:,} common search terms "
            f"({leaders:,} of their best-ranked cases stored)."
        )
        self.stdout.write(self.style.SUCCESS(said))
