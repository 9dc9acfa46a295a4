"""App configuration for the catalogue: connects the receivers that keep derived data
(search vectors, the catalogue version behind the page cache) in step with every write
(signals.py), and registers the records whose history is kept (history.py), once. The app
comes before django.contrib.admin in INSTALLED_APPS, so that this runs before the admin's
screens are built."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Catalogue"

    def ready(self):
        from . import history, signals  # noqa: F401  (signals connects its receivers)

        history.register_models()
