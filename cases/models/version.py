"""The catalogue version: the number behind the page cache (pagecache.py)."""

from django.db import connection, models


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

    @classmethod
    def bump(cls):
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})
