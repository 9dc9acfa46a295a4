"""App configuration for the catalogue: connects the receivers that keep derived data
(search vectors, the catalogue version behind the page cache) in step with every write, and
registers the records whose history is kept (history.py)."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Catalogue"

    def ready(self):
        from . import history, pagecache, search

        search.connect_receivers()
        pagecache.connect_receivers()
        history.register_models()
