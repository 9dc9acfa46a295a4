"""The interface's translation catalogues (locale/): French, Spanish and German, each complete
(no message missing, untranslated or fuzzy, every placeholder kept), compiled into the .mo
files Django reads (committed, so that `make run` needs only Python), and read by Django."""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext, ngettext

from cases.management.commands.compile_catalogues import compiled
from tests.helpers import typography_faults

LANGUAGES = ["fr", "es", "de"]
LOCALE = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def catalogue(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert not po.metadata_is_fuzzy
    for entry in po:
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        wanted = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in translations:
            # A singular may leave out the number ("Import this row"); nothing else may go.
            assert set(PLACEHOLDER.findall(text)) <= wanted, (entry.msgid, text)
            if not entry.msgid_plural:
                assert set(PLACEHOLDER.findall(text)) == wanted, (entry.msgid, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_is_what_the_po_compiles_to(language, tmp_path):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled(po_path, tmp_path / "django.mo")
    committed = po_path.with_suffix(".mo").read_bytes()
    assert committed == (tmp_path / "django.mo").read_bytes(), (
        f"locale/{language}/LC_MESSAGES/django.mo is stale: run `make messages`."
    )


@pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("CI", "").lower() != "true",
    reason="GNU gettext's xgettext collects the messages (apt-get install gettext)",
)
def test_no_message_of_the_code_is_missing_from_the_catalogues(tmp_path, settings):
    """Collect the messages afresh, as `make messages` does, from a copy of the code (so that
    nothing is written into locale/), and compare them with each catalogue's: a message added
    to the code and not translated fails here."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    for folder in ("cases", "innohub", "templates"):
        shutil.copytree(root / folder, copy / folder, ignore=shutil.ignore_patterns("*.pyc"))
    (copy / "locale" / "fr").mkdir(parents=True)
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["fr"], verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    wanted = {(e.msgctxt, e.msgid, e.msgid_plural) for e in fresh}
    assert len(wanted) > 400  # the collection found the interface's messages
    for language in LANGUAGES:
        have = {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue(language)}
        missing = sorted(wanted - have, key=str)
        assert not missing, f"{language}: {len(missing)} messages missing, e.g. {missing[:3]}"


@pytest.mark.parametrize(
    ("language", "show", "published"),
    [
        ("fr", "Afficher les cas", "3 cas publiés."),
        ("es", "Mostrar casos", "3 casos publicados."),
        ("de", "Fälle anzeigen", "3 Fälle veröffentlicht."),
    ],
)
def test_django_reads_the_catalogues(language, show, published):
    with translation.override(language):
        assert gettext("Show cases") == show
        plural = ngettext("%(count)d case published.", "%(count)d cases published.", 3)
        assert plural % {"count": 3} == published


def test_no_template_changes_the_case_of_words():
    """A label is shown as its language writes it: `|lower` made German nouns small
    ("(interne stelle, Finnland)"). Django's own admin templates are left as Django has them."""
    changing = re.compile(r"\|\s*(lower|upper|capfirst|title)\b")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        if "admin" not in path.parts
        for match in changing.finditer(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_follows_its_languages_typography(language):
    """The rules the pages are read for (tests/helpers.py), over every message, including
    those no page of the tests shows (the admin's, errors, e-mails)."""
    faults = {}
    for entry in catalogue(language):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if found := typography_faults(f"<p>{text}</p>", language):
                faults[entry.msgid] = found
    assert faults == {}
