"""The read-only JSON API under /api/: innovations (with the filters and search of `/`),
institutions and themes; published cases only. The OpenAPI 3 schema is at /api/schema/ and
its documentation at /api/docs/ (Swagger UI, served from this site's static files).

Django REST framework with drf-spectacular rather than django-ninja: the catalogue's filters
are a django-filter FilterSet, which DRF takes as it is, and drf-spectacular writes an
accurate schema from the serializers, with the documentation's files in a package
(drf-spectacular-sidecar) instead of a CDN.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from . import exports
from .facets import Selection
from .filters import InnovationFilter
from .models import Award, Impact, Innovation, Institution, Partner, Theme
from .regions import REGIONS


class TranslatedSerializer(serializers.ModelSerializer):
    """A record whose text is given as the language asked shows it: its translation where it
    has one, else the original (models/translations.py)."""

    def to_representation(self, record):
        data = super().to_representation(record)
        for name in record.translated_fields:
            if name in data:
                data[name] = str(record.text(name))
        return data


class ThemeSerializer(TranslatedSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "description"]


class ThemeBriefSerializer(TranslatedSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class InstitutionSerializer(TranslatedSerializer):
    country = serializers.CharField(source="country.code", help_text=_("ISO 3166-1 alpha-2"))
    country_name = serializers.CharField(source="country.name")
    region = serializers.ChoiceField(
        choices=REGIONS, help_text=_("The ISSA region of its country.")
    )
    region_name = serializers.CharField()
    url = serializers.SerializerMethodField(help_text=_("The institution's page in the catalogue."))

    class Meta:
        model = Institution
        fields = [
            "slug",
            "name",
            "acronym",
            "country",
            "country_name",
            "region",
            "region_name",
            "website",
            "description",
            "collaboration_view",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, institution):
        return self.context["request"].build_absolute_uri(institution.get_absolute_url())


class CaseInstitutionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    acronym = serializers.CharField(allow_blank=True)
    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2"))
    country_name = serializers.CharField()
    region = serializers.ChoiceField(
        choices=REGIONS, help_text=_("The ISSA region of its country.")
    )
    region_name = serializers.CharField()
    website = serializers.CharField(allow_blank=True)
    url = serializers.URLField(help_text=_("The institution's page in the catalogue."))


class ImpactSerializer(serializers.Serializer):
    statement = serializers.CharField()
    qualifier = serializers.ChoiceField(choices=Impact.Qualifier.choices, allow_blank=True)
    figure = serializers.IntegerField(allow_null=True)
    out_of = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    figure_text = serializers.CharField(
        allow_blank=True, help_text=_("The figure as a reader says it.")
    )


class PartnerSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=Partner.Kind.choices, allow_blank=True, help_text=_("Empty when not stated.")
    )
    kind_label = serializers.CharField()
    country = serializers.CharField(allow_null=True, help_text=_("ISO 3166-1 alpha-2, if any"))
    role = serializers.CharField()


class AwardSerializer(serializers.Serializer):
    name = serializers.CharField()
    year = serializers.IntegerField()
    level = serializers.ChoiceField(choices=Award.Level.choices)
    level_label = serializers.CharField()
    practice = serializers.CharField(allow_blank=True)


class ContactSerializer(serializers.Serializer):
    role = serializers.CharField(allow_blank=True, help_text=_("A role or unit."))
    email = serializers.EmailField(allow_blank=True)


class LinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()


class SourceSerializer(serializers.Serializer):
    citation = serializers.CharField(
        help_text=_("The reference, in the words it was published in.")
    )
    context = serializers.CharField(
        allow_blank=True, help_text=_("What the work draws on, in the language asked for.")
    )
    url = serializers.CharField(allow_blank=True)


class CaseRecordSerializer(serializers.Serializer):
    """A case's record, as exports.records() makes it for the JSON download too: declared here
    for the schema, given as it is (schemathesis checks that the two agree)."""

    slug = serializers.SlugField()
    url = serializers.URLField(help_text=_("The case's page in the catalogue."))
    title = serializers.CharField()
    original_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text=_("The language the case's text was written in.")
    )
    institution = CaseInstitutionSerializer()
    themes = ThemeBriefSerializer(many=True)
    summary = serializers.CharField()
    story = serializers.CharField(allow_blank=True, help_text=_("The whole story of the case."))
    impacts = ImpactSerializer(many=True)
    partners = PartnerSerializer(many=True)
    awards = AwardSerializer(many=True)
    year_started = serializers.IntegerField(allow_null=True)
    year_ended = serializers.IntegerField(allow_null=True)
    stage = serializers.ChoiceField(choices=Innovation.Stage.choices, allow_blank=True)
    stage_label = serializers.CharField(allow_blank=True)
    branch = serializers.ChoiceField(choices=Innovation.Branch.choices, allow_blank=True)
    branch_label = serializers.CharField(allow_blank=True)
    lessons = serializers.CharField(allow_blank=True, help_text=_("What was learned."))
    reuse_needs = serializers.CharField(
        allow_blank=True, help_text=_("What another institution needs to reuse it.")
    )
    contact = ContactSerializer(
        allow_null=True, help_text=_("Only when the institution agreed to show it.")
    )
    links = LinkSerializer(many=True)
    sources = SourceSerializer(many=True)
    published = serializers.DateField(allow_null=True)

    def to_representation(self, record):
        return record


class CatalogueFilterBackend(DjangoFilterBackend):
    """The catalogue's FilterSet, as `/` uses it: a request without parameters leaves it
    unbound, so nothing is checked against the catalogue. The view keeps it, and what it
    gives (`view.selection`: the rows and their number, facets.py)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = kwargs["data"] or None
        return kwargs

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        view.selection = Selection(filterset)
        return filterset


class CataloguePagination(PageNumberPagination):
    """DRF's numbered pages, with the number of results the view's filters give (their
    Selection's `total`: from the stored counts where they answer, cases/counts.py) instead
    of counting the rows again, which was most of the list's time at 1,000,000 cases."""

    def paginate_queryset(self, queryset, request, view=None):
        selection = getattr(view, "selection", None)
        self.known_count = selection.total if selection is not None else None
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, rows, per_page):
        paginator = Paginator(rows, per_page)
        if self.known_count is not None:
            paginator.count = self.known_count
        return paginator


LANGUAGE_PARAMETER = OpenApiParameter(
    "lang",
    str,
    enum=[code for code, _name in settings.LANGUAGES],
    description=_(
        "The language of the answer: its words and the records' text where translated (the "
        "original otherwise; each case gives its original_language). Without it, the "
        "browser's Accept-Language. The answer says which in Content-Language."
    ),
)


@extend_schema(parameters=[LANGUAGE_PARAMETER])
class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """Every endpoint answers in the language asked (languages.LanguageMiddleware)."""

    lookup_field = "slug"


class InnovationViewSet(CatalogueViewSet):
    """Published innovation cases, each as the same record the JSON download gives."""

    serializer_class = CaseRecordSerializer
    filter_backends = [CatalogueFilterBackend]
    filterset_class = InnovationFilter
    pagination_class = CataloguePagination

    def get_queryset(self):
        # Ids alone: each record is read by exports.records_of.
        return Innovation.objects.published().only("pk")

    def filter_queryset(self, queryset):
        # A case's own address takes no filters.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def list(self, request, *args, **kwargs):
        """Cases, with the filters and search of the catalogue's page, in its order; 20 a
        page."""
        self.filter_queryset(self.get_queryset())
        # The rows as `/` lists them (Selection.rows): a deep page reads no row before it.
        page = self.paginate_queryset(self.selection.rows)
        records = exports.records_of([case.pk for case in page], exports.Links(request))
        return self.get_paginated_response(self.get_serializer(records, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        [record] = exports.records_of([case.pk], exports.Links(request))
        return Response(self.get_serializer(record).data)


class InstitutionViewSet(CatalogueViewSet):
    """Member institutions with at least one published case."""

    serializer_class = InstitutionSerializer
    queryset = Institution.objects.public()


class ThemeViewSet(CatalogueViewSet):
    """The success-factor themes."""

    serializer_class = ThemeSerializer
    queryset = Theme.objects.all()


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI for the schema. GET only: its HTML renderer cannot answer OPTIONS."""

    http_method_names = ["get", "head"]


router = routers.DefaultRouter(trailing_slash=True)
router.register("innovations", InnovationViewSet, basename="innovation")
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("themes", ThemeViewSet, basename="theme")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page's script comes from ?script, not inline, for the Content Security Policy.
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
