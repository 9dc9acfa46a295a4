"""`make screenshots`: PNGs of the main pages at desktop and phone widths, in screenshots/.

Not a test file (its name does not start with test_), so the suite never collects it; the
make target runs it by name. The pictures are for people to look at; git ignores them, except
the small ones that README shows (screenshots/readme-catalogue.png, readme-case-fr.png).
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
    "catalogue-fr": "/fr/",
    "innovation-fr": "/fr/innovations/design-thinking/",
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
    if name == "catalogue" and width == DESKTOP:
        page.set_viewport_size({"width": 1000, "height": 700})
        page.screenshot(path=OUT / "readme-catalogue.png")
    if name == "innovation-fr" and width == DESKTOP:
        page.set_viewport_size({"width": 1000, "height": 700})
        page.screenshot(path=OUT / "readme-case-fr.png")
