"""The case list's paginator: counts exactly up to a cap, so a page never counts a million rows.

With a million cases, `SELECT count(*)` over a filter matching a county's hundred thousand cases
costs more than the page itself. Below CAP matches the count (and so the pages) is exact; above it
the list says "more than CAP" and offers the first CAP rows (the user narrows the filter, or
exports). The rows shown on any page are those the exact paginator would show.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    cap = CAP

    @cached_property
    def total(self) -> int:
        """Matching rows, counted up to cap + 1 (a LIMIT inside the count; no ORDER BY, which would
        make the database sort or walk the list's order only to count)."""
        return int(self.object_list.order_by()[: self.cap + 1].count())  # type: ignore[attr-defined]

    @cached_property
    def count(self) -> int:
        return min(self.total, self.cap)

    @property
    def capped(self) -> bool:
        return self.total > self.cap
