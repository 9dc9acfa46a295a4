# Thousands apart by a space, not a point, as the RAE writes them (17 000); four-digit numbers
# are not grouped at all (5000), which languages.grouped() sees to.
THOUSAND_SEPARATOR = "\u00a0"
