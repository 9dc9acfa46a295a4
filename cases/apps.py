"""App configuration for the catalogue."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Catalogue"
