"""CSV cells: lists in one cell, and cells that a spreadsheet program shows as text and never
runs as a formula.

A cell starting with =, +, -, @, a tab or a carriage return is a formula to Excel, LibreOffice
and Google Sheets: a case's title `=HYPERLINK(...)` sent by a visitor would become a live link
in an editor's spreadsheet. Both CSV files (the admin's export, admin_csv.py, and the open data,
exports.py) write every cell through `safe_cell`, which puts a ' before such a cell (OWASP's
advice); the admin's import reads every cell through `read_cell`, which takes it off again, so
an exported file imports back unchanged. A cell that already starts with quotes before such a
character gets one more, so the round trip holds for it too. JSON is not a spreadsheet: left as
it is.
"""

import re

# Several items in one cell (themes, impacts, partners …), in both CSV files. The admin's
# import also reads ";", the separator of files exported before.
LIST_SEPARATOR = " | "
READ_SEPARATORS = re.compile(r"[|;]")

FORMULA = re.compile(r"^'*[=+\-@\t\r]")
QUOTED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")


def safe_cell(value):
    value = str(value)
    return "'" + value if FORMULA.match(value) else value


def read_cell(value):
    return value[1:] if QUOTED_FORMULA.match(value) else value


def safe_row(cells):
    return [safe_cell(cell) for cell in cells]


def joined(items):
    return LIST_SEPARATOR.join(item for item in items if item)


def split_list(value):
    return [item.strip() for item in READ_SEPARATORS.split(value) if item.strip()]
