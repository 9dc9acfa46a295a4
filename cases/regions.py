"""The ISSA's four regions, and which one each country belongs to. A region is never typed:
it follows from an institution's country (`region_of`), so it cannot disagree with it.

Written here rather than taken from a package: none of the maintained ones (pycountry,
django-countries) knows continents, and the ISSA's regions are not the continents anyway.
The rule, from the United Nations' geographic regions (M49): Africa is Africa; the Americas
are North, Central and South America and the Caribbean; Europe is Europe, with Cyprus,
Israel, Türkiye and the South Caucasus (Armenia, Azerbaijan, Georgia), whose institutions take
part in the ISSA's European network; every other country of Asia, the Middle East and
Oceania is Asia and the Pacific. Uninhabited territories follow the continent nearest them.
Moving a country is one line below.
"""

from django.utils.translation import gettext_lazy as _
from django_countries import countries

AFRICA, AMERICAS, ASIA_PACIFIC, EUROPE = "africa", "americas", "asia-pacific", "europe"

# (slug, name), in the order the ISSA lists them. The slugs are public: `/?region=europe`.
REGIONS = [
    (AFRICA, _("Africa")),
    (AMERICAS, _("The Americas")),
    (ASIA_PACIFIC, _("Asia and the Pacific")),
    (EUROPE, _("Europe")),
]
REGION_NAMES = dict(REGIONS)

_COUNTRIES = {
    AFRICA: """
        AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW IO KE KM LR LS
        LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TF TG TN TZ UG
        YT ZA ZM ZW
    """,
    AMERICAS: """
        AG AI AR AW BB BL BM BO BQ BR BS BV BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS
        GT GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG
        VI
    """,
    EUROPE: """
        AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE
        IL IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA
        VA
    """,
}
COUNTRY_REGION = {code: region for region, codes in _COUNTRIES.items() for code in codes.split()}


def region_of(country):
    """The region of a country (an ISO 3166-1 alpha-2 code): Asia and the Pacific when it is
    in none of the lists above."""
    return COUNTRY_REGION.get(str(country).upper(), ASIA_PACIFIC)


def countries_of(regions):
    """Every country code in any of `regions` (slugs), for filtering by country."""
    return [code for code, _ in countries if region_of(code) in regions]
