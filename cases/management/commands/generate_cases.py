"""`manage.py generate_cases N --yes`: add N clearly synthetic published cases, for measuring.

The cases are spread over generated institutions in many countries and the five themes, each
with one to three impacts; their words come from a small vocabulary of social-security terms
so that searches match a realistic share of them. Everything generated is marked "synthetic"
in its slug, title and institution, and the command refuses to run without --yes, so it never
lands in real data by accident.
"""

import random
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_countries import countries

from cases import counts, writes
from cases.models import Impact, Innovation, Institution, Theme

BATCH = 2000
INSTITUTIONS = 60

SUBJECTS = [
    "claims triage",
    "pension payments",
    "benefit applications",
    "contribution collection",
    "disability assessments",
    "employer reporting",
    "customer letters",
    "call centre",
    "fraud detection",
    "health insurance",
    "unemployment benefits",
    "family allowances",
    "data exchange",
    "identity checks",
    "appeals handling",
    "return-to-work services",
    "sickness allowances",
    "maternity benefits",
    "survivor pensions",
    "housing support",
    "student grants",
    "child benefits",
    "tax credits",
    "occupational injuries",
    "long-term care",
    "rehabilitation services",
    "medical certificates",
    "debt counselling",
    "social assistance",
    "cross-border workers",
    "self-employed coverage",
    "informal workers",
    "pension estimates",
    "retirement planning",
    "payment errors",
    "overpayment recovery",
    "service channels",
    "waiting times",
    "document scanning",
    "records management",
]
METHODS = [
    "agile teams",
    "design thinking",
    "plain language",
    "machine learning",
    "user research",
    "a partner network",
    "an experimentation fund",
    "an innovation lab",
    "process automation",
    "mobile services",
    "open data",
    "leadership coaching",
    "staff reskilling",
    "co-creation",
    "chatbots",
    "robotic process automation",
    "service blueprints",
    "behavioural insights",
    "digital identity",
    "proactive notifications",
    "shared registries",
    "hackathons",
    "peer learning",
    "outcome budgeting",
    "rapid prototyping",
    "journey mapping",
]
RESULTS = [
    ("faster decisions for", "people"),
    ("fewer calls from", "customers"),
    ("online applications by", "people"),
    ("hours saved for", "staff"),
    ("payments made to", "people"),
    ("pages rewritten for", "readers"),
    ("partners working with", "organizations"),
    ("weeks saved in", "weeks"),
]
QUALIFIERS = ["", "", "over", "about", "less than"]


class Command(BaseCommand):
    help = (
        "Add N clearly synthetic published cases (with generated institutions and impacts) "
        "to the current database, for benchmarks. Refuses to run without --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many cases to add")
        parser.add_argument(
            "--yes", action="store_true", help="confirm: add synthetic data to this database"
        )
        parser.add_argument("--seed", type=int, default=2022, help="random seed (repeatable)")

    def handle(self, count, yes, seed, **options):
        if not yes:
            raise CommandError(
                "This adds synthetic cases to the database in DATABASE_URL. "
                "Run it only on a database meant for measuring, and say so with --yes."
            )
        if count < 1:
            raise CommandError("Give a number of cases of at least 1.")
        themes = list(Theme.objects.all())
        if not themes:
            raise CommandError("There are no themes: load the seed first (manage.py seed).")
        rng = random.Random(seed + Innovation.objects.count())
        institutions = self.institutions(rng)
        start = Innovation.objects.filter(slug__startswith="synthetic-").count()
        # Without the indexes of the search documents, made anew at the end: writing a
        # case's entries one at a time cost more than making each index once. (Not inside a
        # transaction, as in the tests, whose checks of foreign keys wait for the commit.)
        indexes = nullcontext() if connection.in_atomic_block else writes.without_document_indexes()
        with indexes:
            done = 0
            while done < count:
                size = min(BATCH, count - done)
                self.add_batch(rng, start + done, size, institutions, themes)
                done += size
                self.stdout.write(f"  {done:,} of {count:,} synthetic cases added", ending="\r")
        # A catalogue of another size has other common search terms: choose them anew, with
        # every stored count (manage.py recount).
        counts.recount()
        if connection.vendor == "postgresql":
            # Fresh statistics and visibility, as autovacuum would give a while later: without
            # them the planner guesses a table of a few hundred rows and picks poor plans, and
            # counts cannot be answered from indexes alone.
            with connection.cursor() as cursor:
                # VACUUM cannot run inside a transaction (as in the tests); ANALYZE can.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Added {count:,} synthetic published cases."))

    def institutions(self, rng):
        codes = [code for code, _ in countries]
        rng.shuffle(codes)
        made = []
        for n in range(INSTITUTIONS):
            institution, _ = Institution.objects.get_or_create(
                slug=f"synthetic-{n + 1:03d}",
                defaults={
                    "name": f"Synthetic institution {n + 1:03d} (generated)",
                    "acronym": f"SYN{n + 1:03d}",
                    "country": codes[n % 40],  # 40 countries, some with two institutions
                    "description": "A generated institution for benchmarks. Not real.",
                    "position": 100 + n,
                },
            )
            made.append(institution)
        return made

    @transaction.atomic
    def add_batch(self, rng, first, size, institutions, themes):
        cases = []
        for n in range(first, first + size):
            subject, method = rng.choice(SUBJECTS), rng.choice(METHODS)
            institution = rng.choice(institutions)
            cases.append(
                Innovation(
                    slug=f"synthetic-case-{n + 1}",
                    institution=institution,
                    institution_position=institution.position,
                    title=f"Synthetic case {n + 1}: {subject} with {method}",
                    summary=f"A generated case: {method} applied to {subject}.",
                    story=(
                        f"Synthetic narrative. The institution improved {subject} by "
                        f"using {method}, together with {rng.choice(METHODS)}. "
                        f"It also reviewed {rng.choice(SUBJECTS)}."
                    ),
                    status=Innovation.Status.PUBLISHED,
                    position=n + 1,
                    # Two cases in three say how far along they are, for what, and since when.
                    stage=rng.choice(["", *Innovation.Stage.values, *Innovation.Stage.values]),
                    branch=rng.choice(["", *Innovation.Branch.values]),
                    year_started=rng.choice([None, *range(2000, 2026)]),
                )
            )
        # The documents written once, at the end, not after each of the three bulk writes.
        with writes.documents_later():
            cases = Innovation.objects.bulk_create(cases)
            links, impacts = self.parts(rng, cases, themes)
            Innovation.themes.through.objects.bulk_create(links)
            Impact.objects.bulk_create(impacts)
        writes.refresh_search_documents(
            Innovation.objects.filter(pk__in=[case.pk for case in cases])
        )

    def parts(self, rng, cases, themes):
        """Each case's theme links and impacts."""
        links, impacts = [], []
        for case in cases:
            for theme in rng.sample(themes, rng.choice([1, 1, 2, 3])):
                links.append(Innovation.themes.through(innovation=case, theme=theme))
            for position in range(1, rng.choice([1, 2, 3]) + 1):
                words, unit = rng.choice(RESULTS)
                figure = rng.choice([None, rng.randint(2, 50_000)])
                impacts.append(
                    Impact(
                        innovation=case,
                        statement=f"Synthetic impact: {words} {rng.choice(SUBJECTS)}.",
                        figure=figure,
                        qualifier=rng.choice(QUALIFIERS) if figure else "",
                        unit=unit if figure else "",
                        position=position,
                    )
                )
        return links, impacts
