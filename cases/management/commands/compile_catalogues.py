"""`manage.py compile_catalogues`: the translation catalogues (locale/*/LC_MESSAGES/django.po)
compiled to the .mo files Django reads, with polib rather than GNU gettext's msgfmt, so that
nothing but Python is needed. The .mo files are committed: `make run` needs no compiling.
`make messages` runs it after collecting the messages; tests/operations/test_languages.py
checks that every committed .mo is what its .po compiles to."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues():
    """Every .po file under the project's locale directories."""
    return sorted(
        path for root in settings.LOCALE_PATHS for path in Path(root).glob("*/LC_MESSAGES/*.po")
    )


def compiled(po_path, mo_path):
    """Write the .mo of a .po file (polib: a dev dependency, needed only to compile)."""
    import polib

    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po) to .mo files, without GNU gettext."

    def handle(self, *args, **options):
        found = catalogues()
        if not found:
            raise CommandError("No catalogue found under LOCALE_PATHS.")
        for po_path in found:
            compiled(po_path, po_path.with_suffix(".mo"))
            self.stdout.write(f"Compiled {po_path}")
