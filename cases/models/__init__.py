"""The catalogue's tables and their rules, by concern; the QuerySets they are read through are
in querysets.py, and counting.py for the lists of themes and institutions with counts.

- records.py: what cases point to and share: Theme, Institution (with InstitutionFact),
  Source, Partner;
- case.py: Innovation (a case); parts.py: its parts: Impact, Award, Collaboration, CaseLink;
- people.py: Contributor (a contributor's institution) and Suggestion (who suggested a case);
- version.py: CatalogueVersion, which every change to the catalogue moves on (pagecache.py);
- counts.py: CaseCount, the catalogue's counts (for the common search terms, SearchTerm, too,
  and their best-ranked cases, SearchLeader), SimilarCandidate, the few cases that can be
  similar to any other: derived data, rebuilt from the records (cases/counts.py,
  cases/leaders.py); and CountedCase, the narrow copy of each published case that live
  counts read, which the database writes itself.
"""

from .case import Innovation
from .counts import (
    CaseCount,
    CountedCase,
    CountedTheme,
    SearchLeader,
    SearchTerm,
    SimilarCandidate,
)
from .parts import Award, CaseLink, Collaboration, Impact, figure_in, figure_text
from .people import Contributor, Suggestion, institution_of
from .records import Institution, InstitutionFact, Partner, Source, Theme
from .version import CatalogueVersion

# The public catalogue's tables: what the page cache's version and the history follow
# (signals.py, history.py), what the seed fills and a backup of the catalogue holds. A new
# catalogue table is added here, and nowhere else.
CATALOGUE_MODELS = (
    Theme,
    Institution,
    InstitutionFact,
    Source,
    Partner,
    Innovation,
    Impact,
    Award,
    Collaboration,
    CaseLink,
)

__all__ = [
    "CATALOGUE_MODELS",
    "Award",
    "CaseCount",
    "CaseLink",
    "CatalogueVersion",
    "CountedCase",
    "CountedTheme",
    "Collaboration",
    "Contributor",
    "Impact",
    "Innovation",
    "Institution",
    "InstitutionFact",
    "Partner",
    "SearchLeader",
    "SearchTerm",
    "SimilarCandidate",
    "Source",
    "Suggestion",
    "Theme",
    "figure_in",
    "figure_text",
    "institution_of",
]
