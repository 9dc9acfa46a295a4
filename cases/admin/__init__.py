"""The editors' screens, by concern: base.py (HistoryAdmin: history, undo, rights, refused
deletes), case.py (cases and their parts, the workflow, preview, CSV), records.py
(institutions, themes, sources, partners), accounts.py (contributors' institutions, the
sign-in record).

Who may do what is decided in rights.py, for every screen here through HistoryAdmin's
has_*_permission: Editors may do everything in the catalogue; Contributors add and edit cases,
impacts and partners while every case concerned is theirs and unpublished, send cases to
review, and cannot publish or delete.
"""

from . import accounts, case, records  # noqa: F401  (each registers its screens)
