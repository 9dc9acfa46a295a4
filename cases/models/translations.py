"""Records' text in the site's other languages.

Each translatable text field keeps its own column for the text as it was written (in the
record's original language), and gains one column per site language, `<field>_<code>`
(`title_fr`, `title_es`, …), blank until someone translates it. A page in French shows
`title_fr` where there is one and the original otherwise, marked with its language
(`Text.language`) so that the template can set `lang` and say it is not yet translated.

Why not django-modeltranslation or django-parler, the two well-kept libraries:
- modeltranslation adds the same per-language columns, but makes the field itself mean "the
  current language" (reading and writing it switches column with the active language, its
  managers rewrite lookups, and the original column holds whatever language was active at the
  last save). Here the original column must stay the original, because a case is written in
  its sender's language (`Innovation.original_language`, per record, where modeltranslation
  has one fallback order for the whole site), and because the history, the open data, the
  raw-SQL facet counts and the stored search documents all read it as such.
- parler keeps translations in a table of their own: every page would join it or load it
  with another query per model, and the facet counts would need the join too, where
  columns on the row keep every page's query count the same in every language.
So the columns are declared by `translatable()` below (about what django-translated-fields
does, keeping the original), and reading them is `Translatable.text()`.
"""

from django.conf import settings
from django.utils import translation
from django.utils.text import format_lazy

from ..languages import SITE_LANGUAGES as LANGUAGE_CODES
from ..languages import column, page_language, shown_text


def translatable(*names):
    """Class decorator: each named text field gains one blank column per site language, of the
    same kind and length. A change to settings.LANGUAGES is a migration."""

    def add_columns(model):
        model.translated_fields = names
        for name in names:
            field = model._meta.get_field(name)
            _name, _path, args, kwargs = field.deconstruct()
            for key in ("unique", "help_text", "verbose_name", "default", "blank", "null"):
                kwargs.pop(key, None)
            for language in LANGUAGE_CODES:
                language_name = translation.get_language_info(language)["name_translated"]
                verbose = format_lazy("{} ({})", field.verbose_name, language_name)
                model.add_to_class(
                    column(name, language),
                    type(field)(*args, verbose_name=verbose, blank=True, default="", **kwargs),
                )
        return model

    return add_columns


class Translatable:
    """What a model with translatable() columns can say about its text."""

    translated_fields = ()
    TEXT_LANGUAGE = settings.LANGUAGE_CODE  # of every record of the model, unless it says

    @property
    def text_language(self):
        """The language its own columns are written in: the catalogue's, unless the model
        says otherwise (a case and its parts: the case's original language)."""
        return self.TEXT_LANGUAGE

    def text(self, name, language=None):
        """Field `name` in `language` (the page's): its translation if it has one, else the
        original."""
        language, own = language or page_language(), self.text_language
        translated = getattr(self, column(name, language), "") if language != own else ""
        return shown_text(getattr(self, name), translated, language, own)

    def untranslated(self, language):
        """The names of the fields written but not translated into `language`: this
        record's, then its parts' kinds ("impacts") where one of them lacks some."""
        if language == self.text_language:
            return []
        own = [
            self._meta.get_field(name).verbose_name
            for name in self.translated_fields
            if getattr(self, name) and not getattr(self, column(name, language))
        ]
        parts = {
            str(part._meta.verbose_name_plural)
            for part in self.translated_parts()
            if part.untranslated(language)
        }
        return [*own, *sorted(parts)]

    def translated_parts(self):
        """The records shown with this one on its page, whose text belongs to it (a case's
        impacts): none unless the model says."""
        return []

    @property
    def shown(self):
        """The text as this page shows it, a field at a time: `record.shown.title`."""
        return Shown(self)


class Shown:
    """`record.shown.<field>`: record.text(field) in the page's language, for templates."""

    def __init__(self, record):
        self._record = record

    def __getattr__(self, name):
        if name not in self._record.translated_fields:
            raise AttributeError(name)
        return self._record.text(name)

    @property
    def untranslated(self):
        """Some written text of the record is shown in another language than the page's."""
        language = page_language()
        return any(
            getattr(self._record, name) and self._record.text(name, language).language != language
            for name in self._record.translated_fields
        )

    @property
    def translated(self):
        """Some text is shown in a translation (the page says from which language)."""
        return any(self._record.text(name).translated for name in self._record.translated_fields)
