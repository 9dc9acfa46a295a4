import pytest


@pytest.fixture
def richer_catalogue(add_cases):
    """The seed and 11 more cases: more stages, branches, years and themes to count."""
    add_cases(4, institution="kela", theme="leadership", stage="pilot", year_started=2019)
    add_cases(3, institution="esdc", theme="innovation-system", branch="old-age")
    add_cases(2, institution="cpf", stage="evaluated", branch="old-age", year_started=2021)
    add_cases(2, institution="esdc", stage="pilot", branch="disability", year_started=2022)
