"""Public pages: pick the rows, render. Filtering lives in filters.py, what the filters give
(counts, rows) in facets.py, queries in models.py, and every page here is cached per address
and catalogue version (pagecache.py)."""

import re

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import charts, citations, codebook, exports, facet_links, facet_registry, history, mail
from .facets import Selection
from .filters import InnovationFilter
from .forms import CompareChoice, CompareForm, SuggestionForm
from .languages import folded
from .limits import download_refused, over_limit
from .models import Award, Innovation, Institution, Theme
from .pagecache import cached_page
from .querysets import summarised

PAGE_SIZE = 20  # as djangopackages lists do; a screenful, and quick to render
SUGGESTIONS_PER_HOUR = 5  # per visitor address


def paginate(request, rows, count=None):
    """The requested page of cases, read for the summary table (querysets.summarised), and a
    plain message when the page asked for does not exist.

    A bad page number is a reader's slip or an old link, so it shows a real page with an
    explanation instead of an error. `count`, when the caller knows it, saves a query."""
    page, problem = _page(request, rows, count)
    page.object_list = summarised(page.object_list)
    return page, problem


def _page(request, rows, count):
    paginator = Paginator(rows, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    asked = request.GET.get("page", "1")
    try:
        return paginator.page(asked), ""
    except PageNotAnInteger:
        shown = Truncator(asked).chars(20)
        problem = gettext("“%(asked)s” is not a page number, so here is the first page.")
        return paginator.page(1), problem % {"asked": shown}
    except EmptyPage:
        last = paginator.num_pages
        problem = ngettext(
            "There is no page %(asked)s: the results have %(last)d page. Here is page %(last)d.",
            "There is no page %(asked)s: the results have %(last)d pages. Here is page %(last)d.",
            last,
        )
        return paginator.page(last), problem % {"asked": Truncator(asked).chars(20), "last": last}


def published_cases():
    return Innovation.objects.published().for_summary_table()


def chosen(request, cases):
    """The request's filters over `cases` (a FilterSet) and what they give (a Selection)."""
    filterset = InnovationFilter(request.GET or None, queryset=cases)
    return filterset, Selection(filterset)


@require_safe
@cached_page
def catalogue(request):
    filterset, selection = chosen(request, published_cases())
    page, page_problem = paginate(request, selection.rows, count=selection.total)
    pictures = {}
    if filterset.answerable:
        pictures = {
            "map": charts.WorldMap(selection),
            "charts": [
                charts.by_theme(selection),
                charts.by_region(selection),
                charts.by_year(selection),
            ],
        }
    context = {
        "filter": filterset,
        "selection": selection,
        "facet_groups": facet_links.groups(selection),
        "active_filters": facet_links.active(selection),
        "page": page,
        "page_problem": page_problem,
    }
    return render(request, "cases/catalogue.html", context | pictures)


@require_safe
@cached_page
def world_map(request):
    """The cases by country, as a map and a table, following the same filters as `/`."""
    filterset, selection = chosen(request, Innovation.objects.published())
    picture = charts.WorldMap(selection) if filterset.answerable else None
    active = facet_links.active(selection)
    context = {"filter": filterset, "selection": selection, "active_filters": active}
    context["map"] = picture
    return render(request, "cases/map.html", context)


@require_safe
@cached_page
def chart_page(request):
    """The cases counted by theme, region, stage, branch and year started, each bar a link
    to its cases, following the same filters as `/`."""
    filterset, selection = chosen(request, Innovation.objects.published())
    pictures = charts.every_chart(selection) if filterset.answerable else []
    context = {"filter": filterset, "selection": selection, "charts": pictures}
    context["active_filters"] = facet_links.active(selection)
    return render(request, "cases/charts.html", context)


@require_safe
@cached_page
def matrix(request):
    filterset, selection = chosen(request, Innovation.objects.published())
    grid = charts.theme_institution_grid(selection) if filterset.is_valid() else None
    context = {"filter": filterset, "selection": selection, "grid": grid}
    return render(request, "cases/matrix.html", context)


COMPARED = "compare"  # the session's key: the slugs of the cases chosen to compare, in order
CHOICES_PER_HOUR = 200  # per visitor address: each visitor without a session starts one


@require_safe
def compare(request):
    """`?i=…` compares the cases it names, a link to share; without it, the cases this
    visitor chose (compare_choose), kept in their session across pages and filters."""
    if "i" in request.GET:
        return _compare_named(request)
    return _compare_chosen(request)


@cached_page
def _compare_named(request):
    form = CompareForm(request.GET)
    cases, missing = [], []
    if form.is_valid():
        slugs = form.cleaned_data["i"]
        cases = _published_in_order(slugs)
        shown = {case.slug for case in cases}
        missing = [slug for slug in slugs if slug not in shown]
    return render(request, "cases/compare.html", {"form": form, "cases": cases, "missing": missing})


@never_cache
def _compare_chosen(request):
    cases = _published_in_order(request.session.get(COMPARED, []))
    share = "?" + "&".join(f"i={case.slug}" for case in cases)
    context = {"form": None, "cases": cases, "chosen": True, "share": share}
    return render(request, "cases/compare.html", context)


def _published_in_order(slugs):
    found = {c.slug: c for c in Innovation.objects.published().for_detail().filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]


@require_POST
@csrf_exempt  # see below
def compare_choose(request):
    """Adds the ticked cases to this visitor's comparison, or removes one, or clears it; then
    shows it. Exempt from the CSRF check: it changes only the visitor's own list, its session
    cookie is SameSite=Lax (another site's form does not carry it), and its buttons sit on
    cached pages, which cannot carry a visitor's token."""
    if over_limit(request, "compare", CHOICES_PER_HOUR, 60 * 60):
        return render(request, "429.html", status=429)
    form = CompareChoice(request.POST)
    chosen = request.session.get(COMPARED, [])
    if form.is_valid():
        chosen, note = form.applied_to(chosen)
    else:
        note = " ".join(str(error) for errors in form.errors.values() for error in errors)
    request.session[COMPARED] = chosen
    if note:
        messages.info(request, note)
    return redirect("cases:compare")


@require_safe
@cached_page
def innovation_detail(request, slug):
    return render_case(
        request, get_object_or_404(Innovation.objects.published().for_detail(), slug=slug)
    )


def render_case(request, innovation, preview=False):
    """A case's page; `preview` is the admin's staff-only view of a case not yet public."""
    related = Innovation.objects.published().sharing_themes_with(innovation)
    url = request.build_absolute_uri(innovation.get_absolute_url())
    marked = citations.marked(innovation, url)
    cite = {
        "text": citations.as_text(marked),
        "marked": marked,
        "bibtex": citations.bibtex(innovation, url),
    }
    return render(
        request,
        "cases/innovation_detail.html",
        {"innovation": innovation, "related": related, "preview": preview, "cite": cite},
    )


@require_safe
@cached_page
def institution_list(request):
    """The institutions with published cases, in alphabetical order of the page's language;
    past FIND_FROM of them, a box finds them by name or acronym."""
    institutions = [row for row in Institution.objects.with_case_counts() if row.case_count]
    institutions.sort(key=lambda row: folded(row.shown.name))
    asked = " ".join(request.GET.get("q", "").split())[:100]
    found = [row for row in institutions if folded(asked) in folded(_named(row))]
    return render(
        request,
        "cases/institution_list.html",
        {"institutions": found, "asked": asked, "findable": len(institutions) > FIND_FROM},
    )


FIND_FROM = 20


def _named(institution):
    return f"{institution.shown.name} {institution.shown.acronym}"


@require_safe
@cached_page
def theme_list(request):
    return render(request, "cases/theme_list.html", {"themes": Theme.objects.with_case_counts()})


@require_safe
@cached_page
def institution_detail(request, slug):
    institution = get_object_or_404(
        Institution.objects.public().prefetch_related("facts"), slug=slug
    )
    awards = Award.objects.filter(
        innovation__institution=institution, innovation__status=Innovation.Status.PUBLISHED
    ).select_related("innovation")
    # By position as well: where its run of Table 1's index starts (filters.filter_places).
    cases = published_cases().filter(
        institution_position=institution.position, institution=institution
    )
    count, themes = facet_links.institution_counts(institution, cases)
    themes = charts.of_institution(institution, themes)
    context = {"institution": institution, "awards": awards, "themes_chart": themes}
    return render_cases_page(request, "cases/institution_detail.html", context, cases, count)


@require_safe
@cached_page
def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    cases = published_cases().with_any_theme([slug])
    count = facet_links.theme_total(theme)
    return render_cases_page(request, "cases/theme_detail.html", {"theme": theme}, cases, count)


def render_cases_page(request, template, context, cases, count=None):
    """A page of something with its cases, a page of them at a time; `count`, when known,
    saves counting them."""
    page, page_problem = paginate(request, cases, count)
    return render(request, template, {**context, "page": page, "page_problem": page_problem})


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def suggest(request):
    """A member proposes a case. It becomes a draft in review for the editors, who are told
    by e-mail; nothing is public until an editor publishes it."""
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "suggest", SUGGESTIONS_PER_HOUR, 60 * 60):
            return render(
                request, "cases/suggest.html", {"form": form, "limited": True}, status=429
            )
        if form.is_robot:  # a filled-in honeypot: thanked, and nothing kept
            return redirect("cases:suggest_thanks")
        case = form.save()
        history.keep([case], "Suggested through the public form.")
        link = request.build_absolute_uri(reverse("admin:cases_innovation_change", args=[case.pk]))
        mail.tell_editors_of_suggestion(case, link)
        mail.thank_the_sender(case.suggestion)
        thanks = reverse("cases:suggest_thanks")
        return redirect(f"{thanks}?reference={case.suggestion.reference}")
    return render(request, "cases/suggest.html", {"form": form})


@require_safe
def suggest_thanks(request):
    """The reference comes in the address, to be quoted: shown only when it reads as one."""
    reference = request.GET.get("reference", "")
    shown = reference if re.fullmatch(r"S-\d{6,9}", reference) else ""
    return render(request, "cases/suggest_thanks.html", {"reference": shown})


@require_safe
@cached_page
def data(request):
    """The codebook of the downloads, with what each column holds for one case, and their
    licence."""
    example_case = Innovation.objects.published().filter(slug=codebook.EXAMPLE_CASE).first()
    examples = exports.example(example_case, exports.Links(request))
    if example_case:
        examples["sources"] = citations.marked_sources(example_case)  # each in its language
    return render(
        request,
        "cases/data.html",
        {
            "codebook": [
                (name, meaning, examples.get(name)) for name, meaning in codebook.CODEBOOK
            ],
            "example_title": examples.get("title", ""),
            "facets": facet_registry.FACETS,
            "licence": codebook.LICENCE,
            "licence_url": codebook.LICENCE_URL,
            "issa_url": codebook.ISSA_URL,
        },
    )


@require_safe
def export_csv(request):
    return _export(request, "csv")


@require_safe
def export_json(request):
    return _export(request, "json")


def _export(request, kind):
    """The rows of `/` with the same filters, all pages, streamed; bad filters are a 400 that
    says what was wrong."""
    filterset = InnovationFilter(request.GET or None, queryset=published_cases())
    if not filterset.is_valid():
        problems = [str(error) for errors in filterset.errors.values() for error in errors]
        return HttpResponse(
            gettext("These filters cannot be used, so nothing was exported:")
            + "\n"
            + "\n".join(problems),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    wait = download_refused(request)
    if wait is not None:
        message = gettext(
            "You have started many downloads in a short time, so this one was not started. "
            "Try again later, or read the same data a page at a time from the API (/api/)."
        )
        return HttpResponse(
            message,
            status=429,
            headers={"Retry-After": str(wait)},
            content_type="text/plain; charset=utf-8",
        )

    about = {"filters": request.build_absolute_uri("/?" + request.GET.urlencode())}
    return _download(request, filterset.qs, kind, "innohub-cases", about)


@require_safe
def innovation_download(request, slug, kind):
    """One published case as CSV or JSON: the same columns as the catalogue's downloads."""
    cases = published_cases().filter(slug=slug)
    if not cases.exists():
        raise Http404
    about = {"url": request.build_absolute_uri(reverse("cases:innovation", args=[slug]))}
    return _download(request, cases, kind, f"innohub-{slug}", about)


def _download(request, cases, kind, name, about):
    links = exports.Links(request)
    if kind == "csv":
        stream = exports.csv_stream(cases, links)
        content_type = "text/csv; charset=utf-8"
    else:
        about = {"title": gettext("ISSA Collaborative Innovation Hub case catalogue"), **about}
        stream = exports.json_stream(cases, links, about)
        content_type = "application/json"
    response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
