"""Atom feeds of newly published cases: all of them at /feed/, one theme's at
/themes/<slug>/feed/. Newest publication first."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Innovation, Theme
from .querysets import LARGE_COLUMNS

FEED_SIZE = 50


class NewCasesFeed(Feed):
    feed_type = Atom1Feed
    title = _("ISSA Collaborative Innovation Hub: newly published cases")
    link = "/"
    subtitle = _("Innovation cases of social security institutions, as they are published.")

    def items(self):
        return self.newest(Innovation.objects.published())

    @staticmethod
    def newest(cases):
        return (
            cases.select_related("institution")
            .prefetch_related("themes")
            .defer(*LARGE_COLUMNS)
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, case):
        return f"{case.shown.title} ({case.institution.short_name})"

    def item_description(self, case):
        return case.shown.summary

    def item_pubdate(self, case):
        return case.published_at

    def item_updateddate(self, case):
        return case.updated

    def item_author_name(self, case):
        return case.institution.shown.name

    def item_categories(self, case):
        return [theme.shown.name for theme in case.themes.all()]


class ThemeCasesFeed(NewCasesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, theme):
        return gettext("ISSA Collaborative Innovation Hub: newly published cases on %(theme)s") % {
            "theme": theme.shown.name
        }

    def link(self, theme):
        return theme.get_absolute_url()

    def subtitle(self, theme):
        return theme.shown.description

    def items(self, theme):
        return self.newest(Innovation.objects.published().filter(themes=theme))
