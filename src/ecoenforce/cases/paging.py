"""The case list's paginator: counts exactly up to a cap, so a page never counts a million rows.

With a million cases, `SELECT count(*)` over a filter matching a county's hundred thousand cases
costs more than the page itself. Below CAP matches the count (and so the pages) is exact; above it
the list says "more than CAP" and offers the first CAP rows (the user narrows the filter, or
exports). The rows shown on any page are those the exact paginator would show.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
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

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        """The page's ids first (the list's order over the cases table alone), then those rows with
        their joins: the database joins units and entities for 20 rows, not for every match it
        must order (a search's whole county). Same rows, same order as slicing the list."""
        qs = self.object_list
        if getattr(qs, "query", None) is None or qs.query.distinct:  # type: ignore[attr-defined]
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(qs.values_list("pk", flat=True)[bottom:top])  # type: ignore[attr-defined]
        found = {row.pk: row for row in qs.filter(pk__in=ids)}  # type: ignore[attr-defined]
        return Page([found[i] for i in ids if i in found], number, self)
