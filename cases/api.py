"""The read-only JSON API under /api/: innovations (with the filters and search of `/`),
institutions and themes; published cases only. The OpenAPI 3 schema is at /api/schema/ and
its documentation at /api/docs/ (Swagger UI, served from this site's static files).

Django REST framework with drf-spectacular rather than django-ninja: the catalogue's filters
are a django-filter FilterSet, which DRF takes as it is, and drf-spectacular writes an
accurate schema from the serializers, with the documentation's files in a package
(drf-spectacular-sidecar) instead of a CDN.
"""

from django.db.models import Prefetch
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers, serializers, viewsets
from rest_framework.exceptions import ValidationError

from .filters import InnovationFilter
from .models import Award, Collaboration, Impact, Innovation, Institution, Partner, Theme


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "description"]


class ThemeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class InstitutionSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2")
    country_name = serializers.CharField(source="country.name")
    url = serializers.SerializerMethodField(help_text="The institution's page in the catalogue.")

    class Meta:
        model = Institution
        fields = ["slug", "name", "acronym", "country", "country_name", "website", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, institution):
        return self.context["request"].build_absolute_uri(institution.get_absolute_url())


class ImpactSerializer(serializers.ModelSerializer):
    figure_text = serializers.CharField(help_text="The figure as a reader says it.")

    class Meta:
        model = Impact
        fields = ["statement", "qualifier", "figure", "out_of", "unit", "figure_text"]


class PartnerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="partner.name")
    kind = serializers.ChoiceField(source="partner.kind", choices=Partner.Kind.choices)
    country = serializers.CharField(source="partner.country.code", allow_blank=True)

    class Meta:
        model = Collaboration
        fields = ["name", "kind", "country", "role"]


class AwardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Award
        fields = ["name", "level", "year", "practice_title"]


class SourceSerializer(serializers.Serializer):
    citation = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


class InnovationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The case's page in the catalogue.")
    institution = InstitutionSerializer()
    themes = ThemeBriefSerializer(many=True)
    impacts = ImpactSerializer(many=True)
    partners = PartnerSerializer(source="collaborations", many=True)
    awards = AwardSerializer(many=True)
    sources = SourceSerializer(many=True)
    published = serializers.DateTimeField(source="published_at", allow_null=True)

    class Meta:
        model = Innovation
        fields = [
            "slug",
            "url",
            "title",
            "institution",
            "themes",
            "summary",
            "impacts",
            "partners",
            "awards",
            "sources",
            "published",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, innovation):
        return self.context["request"].build_absolute_uri(innovation.get_absolute_url())


class InnovationDetailSerializer(InnovationSerializer):
    class Meta(InnovationSerializer.Meta):
        fields = [*InnovationSerializer.Meta.fields, "body"]


def listed(name, description, enum=None):
    return OpenApiParameter(name, str, many=True, enum=enum, description=description)


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Search text, as on the catalogue's page."),
    listed("theme", "Theme slugs (any of them)."),
    listed("institution", "Institution slugs (any of them)."),
    listed("country", "ISO 3166-1 alpha-2 country codes (any of them)."),
    listed("partner_kind", "Kinds of partner (any of them).", Partner.Kind.values),
    OpenApiParameter("recognised", bool, description="Only cases that received an award."),
    OpenApiParameter(
        "sort",
        str,
        enum=[value for value, _ in InnovationFilter.SORTS],
        description="Order: Table 1's (default), newest first, or best match when searching.",
    ),
]


class InnovationViewSet(viewsets.ReadOnlyModelViewSet):
    """Published innovation cases."""

    lookup_field = "slug"
    serializer_class = InnovationSerializer

    def get_queryset(self):
        cases = (
            Innovation.objects.published()
            .for_summary_table()
            .prefetch_related(
                Prefetch(
                    "collaborations", queryset=Collaboration.objects.select_related("partner")
                ),
                "awards",
                "sources",
            )
        )
        # The summary table leaves out the narrative; a case's own answer shows it.
        if self.action == "retrieve":
            return cases.defer(None).defer("search_vector")
        return cases

    def get_serializer_class(self):
        return InnovationDetailSerializer if self.action == "retrieve" else InnovationSerializer

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        filterset = InnovationFilter(self.request.query_params or None, queryset=queryset)
        if not filterset.is_valid():
            raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
        return filterset.qs

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request, *args, **kwargs):
        """Cases, with the filters and search of the catalogue's page; 20 a page."""
        return super().list(request, *args, **kwargs)


class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    """Member institutions."""

    lookup_field = "slug"
    serializer_class = InstitutionSerializer
    queryset = Institution.objects.all()


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    """The success-factor themes."""

    lookup_field = "slug"
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
