"""What the seed holds, as the article gives it: the facts tests compare pages with. Kept in
one place, so that no test module imports another."""

TABLE_1 = {
    "esdc": ["agile-benefit-design", "staff-capabilities-for-innovation", "design-thinking"],
    "kela": ["plain-language-website", "multi-disciplinary-project-teams", "user-profile-analyses"],
    "cpf": [
        "delegating-authority",
        "solutions-without-borders",
        "bold-experimentation",
        "experimentation-fund",
        "automation-and-play-labs",
        "leadership-engagement",
    ],
}

# The cases of each theme, in Table 1's order.
THEME_ROWS = {
    "agile-teamwork": TABLE_1["esdc"],
    "customer-centricity": TABLE_1["kela"],
    "organizational-design": [
        "delegating-authority",
        "solutions-without-borders",
        "bold-experimentation",
    ],
    "innovation-system": [
        "experimentation-fund",
        "automation-and-play-labs",
        "leadership-engagement",
    ],
    "leadership": ["leadership-engagement"],
}
