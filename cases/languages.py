"""The site's languages: English at the addresses it always had, French, Spanish and German
under /fr/, /es/ and /de/ (i18n_patterns in innohub/urls.py, LocaleMiddleware).

A first visit follows the browser: someone arriving at an English address from elsewhere
(no Referer from this site) whose browser prefers French, Spanish or German is sent to the same
page in that language. Once on the site, every link, the language switcher's included, is
followed as it is: choosing English from a French page stays English, with no cookie.

The API and the admin have no language in their addresses: they answer in the language asked,
`?lang=fr` or else the browser's Accept-Language (LocaleMiddleware alone would keep every
unprefixed address English), and say which in Content-Language.
"""

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import (
    get_language_from_path,
    get_language_from_request,
    pgettext_lazy,
)

SITE_LANGUAGES = [code for code, _ in settings.LANGUAGES]
# Punctuation as each language sets it: French puts a no-break space before ":" and a narrow
# one before ";", so what the code joins says it through the catalogues.
COLON = pgettext_lazy("punctuation between a label and what follows it", ": ")
SEMICOLON = pgettext_lazy("punctuation between the items of a list", "; ")


def folded(text):
    """`text` for sorting and finding as a reader expects: case and accents aside ("Émploi"
    beside "emploi")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def grouped(number):
    """A number as the page's language groups its digits: "5,000" in English, "5 000" in
    French; Spanish leaves four digits whole ("5000", "17 000")."""
    if translation.get_language() == "es" and abs(number) < 10_000:
        return str(number)
    return number_format(number, force_grouping=True)


def labelled(label, text):
    """ "Label: text" as the page's language writes it."""
    return f"{label}{COLON}{text}"


def column(name, language):
    """The column holding a record's field `name` translated into `language`
    (models/translations.py)."""
    return f"{name}_{language}"


def with_translations(*names):
    """The named fields and all their translation columns, for only() and defer()."""
    return [*names, *(column(name, code) for name in names for code in SITE_LANGUAGES)]


def untranslated_text(fields, language):
    """A Q: some of `fields` has text but no translation into `language`."""
    missing = [~Q(**{name: ""}) & Q(**{column(name, language): ""}) for name in fields]
    return Q(*missing, _connector=Q.OR)


def page_language():
    """The active language if the site has it, else the catalogue's own."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in SITE_LANGUAGES else settings.LANGUAGE_CODE


class Text(str):
    """A record's text as a page shows it: a translation, or the original in `language`. A
    translation knows its original and the original's language (`original`, `own`)."""

    def __new__(cls, value, language, translated=False, original="", own=""):
        text = super().__new__(cls, value)
        text.language = language
        text.translated = translated
        text.original, text.own = original, own
        return text


WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # an elided l’ or d’ is a word of its own
BETWEEN_WORDS = re.compile(r",?[ \u00a0]")


@lru_cache(maxsize=1024)  # a page's titles, summaries and impacts recur; stories are long
def kept_from_original(translated, original):
    """The runs of two words or more that a translation writes as its original does, as
    (start, end) spans of the translation: a name kept in its own language ("Reject appeals
    management protocol", "Immigration, Refugees and Citizenship Canada" in a German text),
    which a page marks with that language for screen readers."""
    words, translated_words = WORD.findall(original), WORD.findall(translated)
    pairs = set(zip(words, words[1:], strict=False))
    following = zip(translated_words, translated_words[1:], strict=False)
    if pairs.isdisjoint(following):  # most texts keep nothing: 6 µs, not 30
        return []
    spans, run = [], None
    for a, b in pairwise(WORD.finditer(translated)):
        pair = (a.group(), b.group())
        if pair in pairs and BETWEEN_WORDS.fullmatch(translated, a.end(), b.start()):
            run = (run[0] if run else a.start(), b.end())
        elif run:
            spans.append(run)
            run = None
    return spans + [run] if run else spans


def shown_text(original, translated, language, own):
    """A text as a page in `language` shows it: its translation into that language if it has
    one, else the original, written in `own` (the record's language). The rule of every
    record's text (Translatable.text), and of texts read as plain values
    (querysets.summarised)."""
    if language != own and translated:
        return Text(translated, language, translated=True, original=original, own=own)
    return Text(original, own)


def translated_address(address, language):
    """`address` (a path and query on this site) in `language`, or None when it is no page
    of the site's in that language. Never an address off the site: a path such as
    `//elsewhere.example/` reads to a browser as another host, whatever Django makes of it."""
    if not url_has_allowed_host_and_scheme(address, allowed_hosts=None):
        return None
    target = translate_url(address, language)
    if target == address or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return None
    return target


def browser_language(request):
    """The site's language that the browser's Accept-Language prefers, or LANGUAGE_CODE:
    Django's own reading of the header (it caps its length and matches fr-CH to fr)."""
    return get_language_from_request(request)


def from_this_site(request):
    referer = request.META.get("HTTP_REFERER", "")
    return bool(referer) and urlsplit(referer).netloc == request.get_host()


UNPREFIXED = ("/api/", f"/{settings.ADMIN_URL}")  # addresses without a language


def asked_language(request):
    """`?lang=` when it names one of the site's languages, else the browser's, else English."""
    asked = request.GET.get("lang", "") if "lang=" in request.META.get("QUERY_STRING", "") else ""
    if asked in SITE_LANGUAGES:
        return asked
    return browser_language(request)


class LanguageMiddleware:
    """After LocaleMiddleware: the API and the admin in the language asked; a first visit to an
    English page sent on to the page in the browser's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(UNPREFIXED):
            language = asked_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            patch_vary_headers(response, ("Accept-Language",))
            return response
        if (
            request.method in ("GET", "HEAD")
            and get_language_from_path(request.path_info) is None
            and not from_this_site(request)
        ):
            wanted = browser_language(request)
            if wanted != settings.LANGUAGE_CODE:
                target = translated_address(request.get_full_path(), wanted)
                if target is not None:  # a public page that has the language
                    response = HttpResponseRedirect(target)
                    patch_vary_headers(response, ("Accept-Language", "Referer"))
                    return response
        response = self.get_response(request)
        if get_language_from_path(request.path_info) is None:
            patch_vary_headers(response, ("Accept-Language",))
        return response


QUERY_KEPT = 1000  # characters of query the switcher's links keep; beyond, the page alone


def alternates(request):
    """[(language code, its own name, the absolute address of this page in it, current?)] for
    the switcher and <link rel="alternate" hreflang>. The query is the cleaned one the page
    itself reads (pagecache.py), never what a visitor added, and dropped when very long. On
    the 400 page for a Host header that is not the site's, the addresses are this site's
    paths alone (the host named cannot be trusted, and asking for it would fail again)."""
    try:
        query = request.GET.urlencode()
    except SuspiciousOperation:  # the 400 page for a query too large to read
        query = ""
    try:
        absolute = request.build_absolute_uri if request.get_host() else str
    except DisallowedHost:
        absolute = str
    path = request.path + (f"?{query}" if query and len(query) <= QUERY_KEPT else "")
    if not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        path = "/"  # the 404 page of an address that reads as another host's
    current = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    return [
        (code, name, absolute(translated_address(path, code) or path), code == current)
        for code, name in settings.LANGUAGES
    ]
