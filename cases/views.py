"""Public pages: pick the rows, render. Filtering lives in filters.py, queries in models.py."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.text import Truncator

from .filters import InnovationFilter
from .models import Award, Innovation, Institution, Theme

PAGE_SIZE = 50
RELATED_LIMIT = 5


def paginate(request, rows):
    """The requested page of rows, and a plain message when the page asked for does not exist.

    A bad page number is a reader's slip or an old link, so it shows a real page with an
    explanation instead of an error."""
    paginator = Paginator(rows, PAGE_SIZE)
    asked = request.GET.get("page", "1")
    try:
        return paginator.page(asked), ""
    except PageNotAnInteger:
        shown = Truncator(asked).chars(20)
        return paginator.page(1), f"“{shown}” is not a page number, so here is the first page."
    except EmptyPage:
        last = paginator.num_pages
        return (
            paginator.page(last),
            f"There is no page {Truncator(asked).chars(20)}: "
            f"the results have {last} page{'s' if last != 1 else ''}. Here is page {last}.",
        )


def published_cases():
    return Innovation.objects.published().for_summary_table()


def catalogue(request):
    filterset = InnovationFilter(request.GET or None, queryset=published_cases())
    page, page_problem = paginate(request, filterset.rows)
    return render(
        request,
        "cases/catalogue.html",
        {"filter": filterset, "page": page, "page_problem": page_problem},
    )


def innovation_detail(request, slug):
    innovation = get_object_or_404(Innovation.objects.published().for_detail(), slug=slug)
    related = Innovation.objects.published().sharing_themes_with(innovation)[:RELATED_LIMIT]
    return render(
        request,
        "cases/innovation_detail.html",
        {"innovation": innovation, "related": related},
    )


def institution_list(request):
    institutions = Institution.objects.with_case_counts()
    return render(request, "cases/institution_list.html", {"institutions": institutions})


def institution_detail(request, slug):
    institution = get_object_or_404(Institution.objects.prefetch_related("facts"), slug=slug)
    awards = Award.objects.filter(
        innovation__institution=institution, innovation__status=Innovation.Status.PUBLISHED
    ).select_related("innovation")
    page, page_problem = paginate(request, published_cases().filter(institution=institution))
    return render(
        request,
        "cases/institution_detail.html",
        {
            "institution": institution,
            "awards": awards,
            "page": page,
            "page_problem": page_problem,
        },
    )


def theme_list(request):
    themes = Theme.objects.with_case_counts()
    return render(request, "cases/theme_list.html", {"themes": themes})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    page, page_problem = paginate(request, published_cases().with_any_theme([slug]))
    return render(
        request,
        "cases/theme_detail.html",
        {"theme": theme, "page": page, "page_problem": page_problem},
    )
