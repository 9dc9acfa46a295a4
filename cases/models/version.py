"""The catalogue version: the number behind the page cache (pagecache.py), and the number the
derived data were computed at."""

import select
import weakref
from functools import partial

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# The advisory lock writers take in turn (CatalogueVersion.take_turn): a number no other part
# of the application uses; and the one rebuilds take (rebuild_turn).
WRITERS_LOCK = 160_016
REBUILD_LOCK = 160_017
# The channel each move of the number is announced on (PostgreSQL's LISTEN/NOTIFY).
CHANNEL = "innohub_catalogue_version"


class CatalogueVersion(models.Model):
    """One row whose number moves on with every change to the catalogue's data: the database
    moves it, by a trigger on each catalogue table (migration 0022), whoever writes. Cached
    pages are stored under the number they were made at, so a change makes them
    unreachable. A rebuild of the derived data moves it too (rebuilt_from).

    `derived`: the number at which the derived data (cases/counts.py: the counts, the
    similar-case candidates, the common terms' leaders) last matched the records. A write
    leaves it behind, and until a rebuild (counts.recount) catches up, the pages count live
    (fresh()). The tables the derived data never read move it with `number` (migration
    0024)."""

    number = models.PositiveBigIntegerField(default=0)
    derived = models.PositiveBigIntegerField(default=0, db_default=0)

    def __str__(self):
        return f"Catalogue version {self.number}"

    @classmethod
    def current(cls):
        """The number now, asked on every public request, cached page or not (state())."""
        return cls.state()[0]

    @classmethod
    def fresh(cls):
        """Whether the derived data match the records as they are now: only then may a page
        read them; else it counts live (correct, slower) until a rebuild catches up."""
        number, derived = cls.state()
        return number == derived

    @classmethod
    def state(cls):
        """(the number now, the number the derived data were computed at).

        PostgreSQL: each database connection LISTENs on CHANNEL and remembers the number it
        read; each move NOTIFYs it (the trigger, or a rebuild), so the number is read again only
        after a change. Asking is a
        look at the connection's socket for an announcement, not a query: reading the row was
        a third of the time a cached page took (docs/performance.md). A change is announced
        when its transaction commits, to every connection of every server, so no page is
        served from an older number once a change has committed and its announcement has
        crossed the network (microseconds; an editor's next page takes longer). A connection
        the server closes is noticed at once (its goodbye is something to read), and the
        page fails as it would without the cache; one cut without a word (a network
        partition) hears nothing until Django replaces it, after CONN_MAX_AGE (settings.py)
        at most. Inside a transaction (a test, a writer) the row is read, as LISTEN would
        wait for the commit. SQLite: the row is read (a file read, no round trip)."""
        wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's, looked up once
        if wrapper.vendor == "postgresql" and not wrapper.in_atomic_block:
            known = _listened(wrapper)
            if known is not None:
                return known
            return _listen_and_read(wrapper, cls._meta.db_table)
        return _read(cls._meta.db_table)

    @staticmethod
    def take_turn():
        """Writers of the catalogue take turns, each to its commit (PostgreSQL: a
        transaction-level advisory lock). Every writer takes it before it locks a case or
        moves the version on (the database's triggers take it too), so that two writers never
        each hold one of those and wait for the other's (a deadlock: an editor's save lost);
        they queue here instead. Readers and rebuilds never wait for it.
        Outside a transaction (a script in autocommit) it would end with its statement, so
        it is not taken."""
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_LOCK])

    @classmethod
    def rebuild_turn(cls):
        """Rebuilds of the derived data take turns (PostgreSQL: an advisory lock of their
        own, to the rebuild's commit; writers never wait for it): the number now, which the
        rebuild's data will match at least, as it reads the records after this."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])
        return cls.state()[0]

    @classmethod
    def rebuilt_from(cls, started_from):
        """At the end of a rebuild that started from the number `started_from`: the number
        moves on (pages made from the derived data before are not sent again), and the
        derived data match it, unless a write came after the start (its number is past
        `started_from`: what the rebuild read of it is not known, so they stay behind)."""
        moved = cls.objects.filter(pk=1).update(
            number=models.F("number") + 1,
            derived=models.Case(
                models.When(number=started_from, then=models.F("number") + 1),
                default=models.Value(started_from),
            ),
        )
        if not moved:
            cls.objects.get_or_create(pk=1, defaults={"number": 1, "derived": 1})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"NOTIFY {CHANNEL}")  # sent when the rebuild commits


def _read(table):
    # Plain SQL: it costs half of what building the same query through the ORM does.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, derived FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return tuple(row) if row else (0, 0)


def _listened(wrapper):
    """The number this connection last read, if it is still listening and nothing has come
    in since; else None. Announcements that arrive while a query runs mark it unread
    (_unread, a handler on the connection); one that arrives between queries waits on the
    socket, as does the server's goodbye when it goes away: anything to read there, and the
    number is read again (which meets the error, if that is what it is)."""
    raw = wrapper.connection
    heard_on, number = getattr(wrapper, "catalogue_version", (None, None))
    if raw is None or heard_on is not raw or not isinstance(number, tuple) or raw.closed:
        # A new connection (or none, or a lost one), or an announcement heard during a query.
        return None
    waiting = select.poll()
    waiting.register(raw.fileno(), select.POLLIN)
    return None if waiting.poll(0) else number


def _listen_and_read(wrapper, table):
    """Listen on this connection if it does not yet, then read the number: in that order, so
    that no change falls between the two. `catalogue_version` is (the connection listening,
    the number it read, or None once an announcement marks it unread)."""
    with wrapper.cursor() as cursor:  # connects, or reconnects, when it must
        raw = wrapper.connection
        listening, _number = getattr(wrapper, "catalogue_version", (None, None))
        if listening is not raw:
            cursor.execute(f"LISTEN {CHANNEL}")
            # Announcements that come in during this connection's queries mark it unread.
            raw.add_notify_handler(partial(_unread, weakref.ref(wrapper)))
    reading = object()  # an announcement heard during the read replaces it: read again next time
    wrapper.catalogue_version = (raw, reading)
    number = _read(table)
    _listening, read = wrapper.catalogue_version
    if read is reading:
        wrapper.catalogue_version = (raw, number)
    return number


def _unread(wrapper_ref, notify):
    wrapper = wrapper_ref()
    if wrapper is not None and notify.channel == CHANNEL:
        listening, _number = wrapper.catalogue_version
        wrapper.catalogue_version = (listening, None)
