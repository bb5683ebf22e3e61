"""Every write to the catalog: permission, validation, write, audit — in one transaction.

Lifecycle of a unit's version (each step by its role, each audited with before/after):

    draft ─submit─► legal_review ─pass─► reviewed ─approve─► approved ─publish─► published
      ▲                   │ reject             │ return
      └─reopen─ rejected ◄┴────────────────────┘

    submit, reopen: catalog.draft · pass, reject: catalog.legal_review · approve, return:
    catalog.approve · publish: catalog.publish

Only drafts change. The legal reviewer may not review a version he created or submitted. Publishing
needs an effective date (not in the past, later than the unit's last published version) and the
filing record with the justice bureau; the previous version is superseded on that date (computed
by dates in selectors, no scheduled job).
"""

from ecoenforce.catalog.services.code import CODE_CATALOG, catalog_load_code, code_catalog_items
from ecoenforce.catalog.services.entries import (
    entries_import,
    entry_add,
    entry_refine,
    entry_remove,
    entry_update,
)
from ecoenforce.catalog.services.starter import STARTER_CATALOG, catalog_load_starter, starter_items
from ecoenforce.catalog.services.validation import FIELD_LABELS, clean_basis, clean_entry_data, error_messages
from ecoenforce.catalog.services.versions import (
    version_approve,
    version_create_draft,
    version_legal_review,
    version_publish,
    version_reopen,
    version_snapshot,
    version_submit,
    version_update_meta,
)

__all__ = [
    "CODE_CATALOG",
    "FIELD_LABELS",
    "STARTER_CATALOG",
    "catalog_load_code",
    "catalog_load_starter",
    "clean_basis",
    "clean_entry_data",
    "code_catalog_items",
    "entries_import",
    "entry_add",
    "entry_refine",
    "entry_remove",
    "entry_update",
    "error_messages",
    "starter_items",
    "version_approve",
    "version_create_draft",
    "version_legal_review",
    "version_publish",
    "version_reopen",
    "version_snapshot",
    "version_submit",
    "version_update_meta",
]
