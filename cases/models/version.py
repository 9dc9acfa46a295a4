"""The catalogue version: the number behind the page cache (pagecache.py)."""

from django.db import connection, models

# The advisory lock writers take in turn (CatalogueVersion.take_turn): a number no other part
# of the application uses.
WRITERS_LOCK = 160_016


class CatalogueVersion(models.Model):
    """One row whose number moves on with every change to the catalogue's data. Cached pages
    are stored under the number they were made at, so a change makes them unreachable."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Catalogue version {self.number}"

    @classmethod
    def current(cls):
        # Read on every public request, cached page or not: plain SQL costs half of what
        # building the same query through the ORM does.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @staticmethod
    def take_turn():
        """Writers of the catalogue take turns, each to its commit (PostgreSQL: a
        transaction-level advisory lock). Every writer takes it before it locks a case,
        moves the version on or touches the kept data (cases/counts.py), so that two writers
        never each hold one of those and wait for the other's (a deadlock: an editor's save
        lost); they queue here instead, for the few milliseconds a save takes. Readers never
        wait. Outside a transaction (a script in autocommit) it would end with its statement,
        so it is not taken."""
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_LOCK])

    @classmethod
    def bump(cls):
        cls.take_turn()
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})
