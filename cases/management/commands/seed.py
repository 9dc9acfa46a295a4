"""`manage.py seed`: load the article's cases (fixtures/seed.json) into an empty catalogue."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cases import counts, history
from cases.models import CATALOGUE_MODELS, Innovation, Institution, Theme


class Command(BaseCommand):
    help = (
        "Load the seed data from the article into an empty catalogue. "
        "If the catalogue already holds anything, nothing is changed, so an editor's work "
        "is never overwritten."
    )

    def handle(self, *args, **options):
        if any(model.objects.exists() for model in CATALOGUE_MODELS):
            self.stdout.write(
                "The catalogue already has data, so the seed was not loaded. Nothing was changed."
            )
            return
        with transaction.atomic():
            call_command("loaddata", "seed", verbosity=0)
            # A first version of every record, so that undo works from the first change.
            history.keep(
                [record for model in CATALOGUE_MODELS for record in model.objects.all()],
                "Loaded from the article (the seed).",
            )
            counts.recount()  # loaddata saves raw, past what keeps the derived data
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the seed: {Institution.objects.count()} institutions, "
                f"{Theme.objects.count()} themes, {Innovation.objects.count()} innovations."
            )
        )
