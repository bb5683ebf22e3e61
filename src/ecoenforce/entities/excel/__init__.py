"""Excel (openpyxl): the import template, import (parse → preview → commit) and the export.

Import in two steps. `import_preview` parses the upload and validates every row exactly as
`entity_create` would (USCC, division code, industry code, lat/long, required fields, duplicates
in the file and in the database, owner unit in the actor's jurisdiction) and keeps the good rows
and every bad row's errors in an EntityImport. `import_commit` stores exactly those good rows in
one transaction with one summarising audit event; a second commit of the same preview is refused.
"""

from __future__ import annotations

from ecoenforce.entities.excel.columns import COLUMNS, MAX_BYTES, ExcelError
from ecoenforce.entities.excel.importing import import_commit, import_get_for, import_preview, validate_rows
from ecoenforce.entities.excel.reading import read_rows
from ecoenforce.entities.excel.workbooks import entities_export, errors_workbook, template_bytes

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "ExcelError",
    "entities_export",
    "errors_workbook",
    "import_commit",
    "import_get_for",
    "import_preview",
    "read_rows",
    "template_bytes",
    "validate_rows",
]
