"""Journeys a person makes through the catalogue, in a real browser: with the mouse, with the
keyboard alone, without JavaScript, on a phone, and on paper."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from cases.models import Impact, Innovation, Institution, Theme
from cases.views import PAGE_SIZE

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def rows(page):
    return page.locator("#summary tbody tr")


def add_published_cases(count):
    kela = Institution.objects.get(slug="kela")
    theme = Theme.objects.get(slug="leadership")
    for n in range(count):
        case = Innovation.objects.create(
            slug=f"extra-{n}",
            institution=kela,
            title=f"Extra case {n}",
            summary="An extra case.",
            status=Innovation.Status.PUBLISHED,
            position=10 + n,
        )
        case.themes.add(theme)
        Impact.objects.create(innovation=case, statement="Something improved.")


def test_filter_by_theme_then_clear(page, site):
    page.goto(site + "/")
    expect(page).to_have_title(re.compile("All cases"))
    expect(rows(page)).to_have_count(12)
    page.get_by_role("checkbox", name=re.compile("^Customer centricity")).check()
    page.get_by_role("button", name="Show cases").first.click()
    expect(page).to_have_url(re.compile(r"theme=customer-centricity"))
    expect(rows(page)).to_have_count(3)
    expect(page.locator(".result-count")).to_have_text("3 cases.")
    page.get_by_role("link", name="Clear all filters").click()
    expect(rows(page)).to_have_count(12)


def test_open_a_case_and_follow_its_theme(page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="Design thinking to clear the passport backlog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Design thinking to clear the passport backlog"
    )
    expect(page.get_by_role("heading", name="The story")).to_be_visible()
    expect(page.locator("section", has_text="The story")).to_contain_text("five-hour meeting")
    page.get_by_role("link", name="Agile teamwork and staff capabilities").click()
    expect(page).to_have_url(re.compile(r"\?theme=agile-teamwork$"))
    expect(rows(page)).to_have_count(3)


def test_search_highlights_the_words(page, site):
    page.goto(site + "/")
    page.get_by_label(re.compile("^Search")).fill("plain language")
    page.get_by_label(re.compile("^Search")).press("Enter")
    expect(rows(page)).to_have_count(1)
    expect(page.locator("#summary mark").first).to_have_text("plain")


def test_page_through_results(page, site):
    add_published_cases(56)  # with Kela's three customer-centricity cases: 59
    page.goto(site + "/?theme=leadership&theme=customer-centricity&institution=kela")
    expect(page.locator(".result-count")).to_have_text(f"Showing 1–{PAGE_SIZE} of 59 cases.")
    page.get_by_role("link", name="Next page").click()
    # The same filters, on page 2 (parameters in the page cache's one order).
    expect(page).to_have_url(
        re.compile(r"\?institution=kela&theme=leadership&theme=customer-centricity&page=2$")
    )
    expect(page.locator(".result-count")).to_have_text(
        f"Showing {PAGE_SIZE + 1}–{2 * PAGE_SIZE} of 59 cases."
    )
    expect(rows(page)).to_have_count(PAGE_SIZE)
    page.get_by_role("link", name="Previous page").click()
    expect(page.locator(".result-count")).to_have_text(f"Showing 1–{PAGE_SIZE} of 59 cases.")


def test_compare_two_cases_then_open_the_matrix(page, site):
    page.goto(site + "/")
    page.get_by_label("Compare Design thinking to clear the passport backlog").check()
    page.get_by_role("checkbox", name=re.compile("Compare Bold experimentation")).check()
    page.get_by_role("button", name="Compare ticked cases").click()
    expect(page.locator("#compare thead th")).to_have_count(2)
    expect(page.locator("#compare")).to_contain_text("Over 40,000 people")
    page.get_by_role("link", name="All cases").click()
    page.get_by_role("link", name="See the cases as a matrix of themes and institutions").click()
    cell = page.get_by_role("link", name="3 cases of Kela on Customer centricity")
    cell.click()
    expect(rows(page)).to_have_count(3)


def focused_outline(page):
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return [style.outlineStyle, style.outlineWidth];
        }"""
    )


def tab_to(page, predicate, limit=80):
    """Press Tab until the focused element satisfies the JavaScript `predicate`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate}; }}"):
            return
    raise AssertionError(f"Tab never reached {predicate}")


def test_filter_and_open_a_case_with_the_keyboard_alone(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    tab_to(page, "el.name === 'theme' && el.value === 'organizational-design'")
    style, width = focused_outline(page)
    assert style != "none" and width != "0px", "the focused checkbox shows where focus is"
    page.keyboard.press("Space")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent === 'Show cases'")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(3)
    tab_to(page, "el.classList.contains('case-link')")
    style, width = focused_outline(page)
    assert style != "none" and width != "0px", "the focused link shows where focus is"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Delegating the authority to implement to staff"
    )


@pytest.fixture
def no_script(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_everything_works_without_javascript(no_script, site):
    page = no_script
    add_published_cases(56)
    page.goto(site + "/")
    page.get_by_role("checkbox", name=re.compile("^Sustained leadership engagement")).check()
    page.get_by_role("checkbox", name=re.compile("^Kela")).check()
    page.get_by_role("button", name="Show cases").first.click()
    expect(page.locator(".result-count")).to_have_text(f"Showing 1–{PAGE_SIZE} of 56 cases.")
    page.get_by_label(re.compile("^Search")).fill("GovCash")
    page.get_by_role("checkbox", name=re.compile("^Kela")).uncheck()
    page.get_by_role("checkbox", name=re.compile("^Sustained leadership engagement")).uncheck()
    page.get_by_role("button", name="Show cases").first.click()
    expect(rows(page)).to_have_count(1)
    page.goto(site + "/?theme=leadership")
    page.get_by_role("link", name="Next page").click()
    expect(page.locator(".result-count")).to_have_text(
        f"Showing {PAGE_SIZE + 1}–{2 * PAGE_SIZE} of 57 cases."
    )
    page.goto(site + "/")
    page.get_by_role("checkbox", name=re.compile("Compare User-friendly")).check()
    page.get_by_role("checkbox", name=re.compile("Compare User profile")).check()
    page.get_by_role("button", name="Compare ticked cases").click()
    expect(page.locator("#compare thead th")).to_have_count(2)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/innovations/solutions-without-borders/",
        "/matrix/",
        "/institutions/kela/",
        "/compare/?i=design-thinking&i=bold-experimentation&i=plain-language-website",
        # German words run longest.
        "/de/",
        "/de/innovations/solutions-without-borders/",
        "/de/matrix/",
        "/de/compare/?i=design-thinking&i=bold-experimentation&i=plain-language-website",
    ],
)
def test_nothing_overflows_a_phone_screen(page, site, path):
    page.set_viewport_size(PHONE)
    page.goto(site + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 375px screen"


def test_on_a_phone_each_case_reads_as_a_card(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site + "/")
    first = rows(page).first
    box = first.bounding_box()
    assert box["width"] <= PHONE["width"]
    # The institution, the case and its impact stack one above the other.
    cells = first.locator("th, td")
    tops = [cells.nth(i).bounding_box()["y"] for i in range(cells.count())]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)


def test_print_shows_the_table_without_the_filters(page, site):
    page.goto(site + "/")
    page.emulate_media(media="print")
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator("#summary")).to_be_visible()
    page.goto(site + "/innovations/design-thinking/")
    expect(page.locator("nav[aria-label=Main]")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The map prints, shaded as on screen, with its table.
    page.goto(site + "/map/")
    expect(page.locator(".world-map")).to_be_visible()
    fill = page.locator('.world-map a[aria-label^="Singapore"] circle').evaluate(
        "el => getComputedStyle(el).fill"
    )
    assert fill == "rgb(10, 42, 82)"  # the darkest shade (#0a2a52): Singapore has the most cases
    expect(page.locator("table.map-table")).to_be_visible()


def test_editor_adds_and_publishes_a_case_in_the_admin(page, site):
    User.objects.create_superuser("editor", "editor@example.org", "a long editor password")
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long editor password")
    page.get_by_role("button", name="Log in").click()
    page.goto(site + "/admin/cases/innovation/add/")
    page.locator("#id_title").fill("Citizen panels for benefit letters")
    # The institution field is an autocomplete: open it, type, choose.
    page.locator(".field-institution .select2-selection").click()
    page.locator(".select2-search__field").fill("Kela")
    page.locator(".select2-results__option", has_text="Kela").click()
    page.get_by_label("Status").select_option("published")
    page.locator("#id_summary").fill("Letters rewritten with citizen panels.")
    # Its French title, in the folded block for French.
    expect(page.locator("#id_title_fr")).to_be_hidden()
    page.get_by_text("French translation", exact=True).first.click()
    page.locator("#id_title_fr").fill("Des panels de citoyens pour les lettres de prestations")
    page.get_by_role("checkbox", name="Customer centricity").check()
    page.locator("#id_impacts-0-statement").fill("Fewer calls about letters.")
    # The figure's fields are folded away until wanted.
    expect(page.locator("#id_impacts-0-figure")).to_be_hidden()
    page.get_by_text("Its figure, if the statement gives a number").first.click()
    page.locator("#id_impacts-0-figure").fill("300")
    page.locator("#id_impacts-0-unit").fill("calls")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(site + "/?institution=kela&theme=customer-centricity")
    expect(rows(page)).to_have_count(4)
    page.get_by_role("link", name="Citizen panels for benefit letters").click()
    expect(page.locator(".figure-number")).to_have_text("300 calls")
    expect(page.locator(".impact")).to_contain_text("Fewer calls about letters.")
    page.goto(site + "/fr/?institution=kela&theme=customer-centricity")
    expect(
        page.get_by_role("link", name="Des panels de citoyens pour les lettres de prestations")
    ).to_have_attribute("href", "/fr/innovations/citizen-panels-for-benefit-letters/")


def test_on_a_phone_the_filters_fold_away_so_the_results_come_first(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site + "/?theme=customer-centricity&region=europe")
    search = page.get_by_label(re.compile("^Search"))
    expect(search).to_be_hidden()
    expect(page.get_by_role("heading", name="Results")).to_be_in_viewport()
    page.get_by_text("Filters (2 active)").click()  # a <details>: no JavaScript needed
    expect(search).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("^Europe")).uncheck()
    page.get_by_role("button", name="Show cases").first.click()
    expect(page.get_by_text("Filters (1 active)")).to_be_visible()
    # On a wide screen the filters are always open, and the fold's control is not shown.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_label(re.compile("^Search"))).to_be_visible()
    expect(page.get_by_text("Filters (1 active)")).to_be_hidden()


def test_from_the_map_to_a_countrys_cases_then_filters_removed_one_by_one(page, site):
    page.goto(site + "/")
    page.get_by_role("checkbox", name=re.compile("^Customer centricity")).check()
    page.get_by_role("checkbox", name=re.compile("^Europe")).check()
    page.get_by_role("button", name="Show cases").first.click()
    page.get_by_role("link", name="The map in full, with its numbers by country").click()
    expect(page).to_have_url(re.compile(r"/map/\?theme=customer-centricity&region=europe"))
    finland = page.get_by_role("link", name=re.compile(r"^Finland: \d+ cases?$"))
    count = int(re.search(r"(\d+) case", finland.get_attribute("aria-label")).group(1))
    finland.focus()  # each country with cases is a link the keyboard reaches
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/\?theme=customer-centricity&.*country=FI"))
    expect(rows(page)).to_have_count(count)
    active = page.get_by_role("navigation", name="Filters in use")
    expect(active.get_by_role("link")).to_have_count(4)  # three filters and "Clear all"
    active.get_by_role("link", name="Remove the filter Country: Finland").click()
    expect(page).not_to_have_url(re.compile("country="))
    active.get_by_role("link", name="Remove the filter Region: Europe").click()
    expect(rows(page)).to_have_count(3)
    expect(active.get_by_role("link")).to_have_count(2)
    active.get_by_role("link", name="Clear all", exact=True).click()
    expect(rows(page)).to_have_count(12)
    expect(active).to_have_count(0)


def test_a_member_suggests_a_case_and_an_editor_previews_and_publishes_it(page, site):
    page.goto(site + "/suggest/")
    page.get_by_label("Your name").fill("Aino Virtanen")
    page.get_by_label("Your institution").select_option(label="Social Insurance Institution (Kela)")
    page.get_by_label("Your e-mail address").fill("aino@example.org")
    page.get_by_label("Name of the case").fill("Chatbot for student benefits")
    page.get_by_label("What the institution did").fill("Students ask a chatbot at any hour.")
    page.get_by_label("What it achieved").fill("A third of questions answered at once.")
    expect(page.get_by_label("Leave this field empty")).to_be_hidden()
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your suggestion")

    case = Innovation.objects.get(title="Chatbot for student benefits")
    assert case.status == "review"
    page.goto(site + f"/innovations/{case.slug}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Chatbot for student benefits")

    User.objects.create_superuser("editor", "editor@example.org", "a long editor password")
    page.goto(site + "/admin/cases/innovation/?status__exact=review")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long editor password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Preview Chatbot for student benefits").click()
    expect(page.get_by_role("status")).to_contain_text("visitors cannot see it")
    page.go_back()
    page.get_by_role("checkbox", name="Select this object for an action").first.check()
    page.get_by_label("Action:").select_option("publish")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 case published.")

    page.goto(site + f"/innovations/{case.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chatbot for student benefits")


def test_a_new_member_suggests_a_case_an_editor_creates_the_institution_and_publishes_it(
    page, site
):
    page.goto(site + "/suggest/")
    page.get_by_label("Your name").fill("Awa Diop")
    page.get_by_label("Your e-mail address").fill("awa@example.org")
    # Not in the list: the institution is typed, with its country.
    page.get_by_label("Its name").fill("Caisse nationale de sécurité sociale")
    page.get_by_label("Its country").select_option(label="Senegal")
    page.get_by_label("Name of the case").fill("Family benefits by mobile money")
    page.get_by_label("What the institution did").fill("Family benefits paid to phones.")
    page.get_by_label("What it achieved").fill("Families paid without a trip to town.")
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your suggestion")

    # Not public yet: no institution page, no case in Africa.
    page.goto(site + "/?region=africa")
    expect(page.get_by_role("status").first).to_contain_text("No cases match")

    User.objects.create_superuser("editor", "editor@example.org", "a long editor password")
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long editor password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=re.compile("1 suggested case")).click()
    page.get_by_role("link", name="Family benefits by mobile money", exact=True).click()
    expect(page.get_by_role("heading", name="A new institution to match or create")).to_be_visible()
    page.get_by_role("button", name=re.compile("Create the institution")).click()
    expect(page.locator(".messagelist")).to_contain_text("was created")

    page.get_by_role("checkbox", name="Customer centricity").check()
    page.get_by_label("Year started").fill("2023")
    page.get_by_label("Stage").select_option(label="Pilot")
    page.get_by_label("Branch of social security").select_option(label="Family and maternity")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Public now, under its region, branch and stage, each option with its count.
    page.goto(site + "/")
    page.get_by_role("checkbox", name=re.compile("^Africa")).check()
    page.get_by_role("checkbox", name=re.compile("^Pilot")).check()
    page.get_by_role("checkbox", name=re.compile("^Family and maternity")).check()
    page.get_by_role("button", name="Show cases").first.click()
    expect(rows(page)).to_have_count(1)
    expect(page.get_by_role("checkbox", name=re.compile("^Africa"))).to_have_accessible_name(
        re.compile(r"Africa \(1 case")
    )
    page.get_by_role("link", name="Family benefits by mobile money").click()
    expect(page.locator(".case-facts")).to_contain_text("Since 2023")
    page.get_by_role("link", name="Caisse nationale de sécurité sociale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Caisse nationale de sécurité sociale"
    )


def test_switch_to_french_filter_search_and_open_a_case(page, site):
    page.goto(site + "/?theme=customer-centricity")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/\?theme=customer-centricity$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("checkbox", name=re.compile("^Europe")).check()
    page.get_by_role("button", name="Afficher les cas").first.click()
    expect(rows(page)).to_have_count(3)
    page.get_by_role("link", name="Analyses des profils d’usagers").click()
    expect(page).to_have_url(re.compile(r"/fr/innovations/user-profile-analyses/$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Analyses des profils d’usagers")
    expect(heading).not_to_have_attribute("lang", re.compile(".+"))
    expect(page.get_by_text("Traduit de l’anglais.")).to_be_visible()
    # A search in French words finds the case by its French text, and marks them.
    page.get_by_role("link", name="Catalogue").first.click()
    page.get_by_label(re.compile("^Rechercher")).fill("passeports")
    page.get_by_label(re.compile("^Rechercher")).press("Enter")
    expect(rows(page)).to_have_count(1)
    title = "Le design thinking pour résorber l’arriéré des passeports"
    page.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(r"/fr/innovations/design-thinking/$"))
    # Back to English by the switcher: it stays English.
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/innovations/design-thinking/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Design thinking to clear the passport backlog"
    )


LONGEST_LINE = """() => {
    let most = 0;
    for (const node of document.querySelectorAll('.case section > div p')) {
        const text = node.firstChild, range = document.createRange();
        let top = null, count = 0;
        for (let i = 0; i < text.textContent.length; i++) {
            range.setStart(text, i);
            range.setEnd(text, i + 1);
            const y = Math.round(range.getBoundingClientRect().top);
            if (top !== null && y > top + 2) { most = Math.max(most, count); count = 0; }
            top = y;
            count++;
        }
        most = Math.max(most, count);
    }
    return most;
}"""


def test_a_cases_story_reads_in_lines_under_80_characters(page, site):
    page.goto(site + "/innovations/solutions-without-borders/")
    longest = page.evaluate(LONGEST_LINE)
    assert 40 < longest < 80, longest
