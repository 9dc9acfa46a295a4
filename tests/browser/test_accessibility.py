"""Every public page, at desktop and phone widths, has no WCAG 2.0/2.1/2.2 A or AA violation
that axe-core can find."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import with_every_field
from tests.pages import PAGES

from .conftest import DESKTOP, PHONE

WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    }
}


def describe(violations):
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        summaries = [node.get("failureSummary", "") for node in violation["nodes"][:3]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {targets}: {summaries}"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_accessibility_violations(page, site, axe, path, width):
    page.set_viewport_size(width)
    page.goto(site + path)
    results = axe.run(page, options=WCAG_AA)
    violations = results.response["violations"]
    assert violations == [], describe(violations)


def test_suggestion_form_with_errors_has_no_violations(page, site, axe):
    page.goto(site + "/suggest/")
    page.get_by_label("Your e-mail address").fill("not an address")
    page.get_by_role("button", name="Send the suggestion").click()
    page.get_by_role("alert").first.wait_for()
    violations = axe.run(page, options=WCAG_AA).response["violations"]
    assert violations == [], describe(violations)


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_a_case_with_every_field_filled_has_no_violations(page, site, axe, width):
    with_every_field("design-thinking")
    page.set_viewport_size(width)
    for path in (
        "/innovations/design-thinking/",
        "/compare/?i=design-thinking&i=bold-experimentation",
    ):
        page.goto(site + path)
        violations = axe.run(page, options=WCAG_AA).response["violations"]
        assert violations == [], describe(violations)
