"""`make screenshots`: PNGs of the main pages at desktop and phone widths, in screenshots/.

Not a test file (its name does not start with test_), so the suite never collects it; the
make target runs it by name. The pictures are for people to look at; git ignores them, except
the small ones that README shows (screenshots/readme-*.png, listed in README_SHOTS).
"""

from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE

OUT = Path(__file__).resolve().parents[2] / "screenshots"
PAGES = {
    "catalogue": "/",
    "filtered": "/?theme=customer-centricity&theme=innovation-system&q=staff",
    "innovation": "/innovations/solutions-without-borders/",
    "institution": "/institutions/cpf/",
    "theme": "/themes/innovation-system/",
    "matrix": "/matrix/",
    "compare": "/compare/?i=design-thinking&i=bold-experimentation&i=plain-language-website",
    "not-found": "/innovations/no-such-case/",
    "map": "/map/",
    "map-filtered": "/map/?theme=customer-centricity",
    "catalogue-fr": "/fr/",
    "innovation-fr": "/fr/innovations/design-thinking/",
}


# README's pictures: (page, the part of it to show or None for the top of the page, width).
README_SHOTS = {
    "readme-catalogue": ("/", None, DESKTOP),
    "readme-catalogue-phone": ("/", None, PHONE),
    "readme-map": ("/map/", ".map-figure", DESKTOP),
    "readme-map-phone": ("/map/", None, PHONE),
    "readme-charts": ("/?region=europe&region=asia-pacific", ".glance", DESKTOP),
    "readme-charts-phone": ("/", ".glance", PHONE),
    "readme-case-fr": ("/fr/innovations/design-thinking/", None, DESKTOP),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(page, site, name, width):
    OUT.mkdir(exist_ok=True)
    page.set_viewport_size(width)
    page.goto(site + PAGES[name])
    label = "desktop" if width == DESKTOP else "phone"
    page.screenshot(path=OUT / f"{name}-{label}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", README_SHOTS)
def test_readme_picture(page, site, name):
    """A picture for README: the top of a page, or one part of it, small enough to read."""
    OUT.mkdir(exist_ok=True)
    address, part, width = README_SHOTS[name]
    page.set_viewport_size({"width": width["width"], "height": 800})
    page.goto(site + address)
    if part:
        page.locator(part).first.screenshot(path=OUT / f"{name}.png")
    else:
        page.screenshot(path=OUT / f"{name}.png")
