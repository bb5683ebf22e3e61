"""The case list's paginator: counts exactly up to a cap, so a page never counts a million rows.

With a million cases, `SELECT count(*)` over a filter matching a county's hundred thousand cases
costs more than the page itself. Below CAP matches the count (and so the pages) is exact; above it
the list says "more than CAP" and offers the first CAP rows (the user narrows the filter, or
exports). The rows shown on any page are those the exact paginator would show.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
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


class SearchPaginator(CappedPaginator):
    """The capped paginator for a full-text search: one pass over the matches instead of two.

    CappedPaginator counts (heap rows of up to cap + 1 matches) and then orders every match of the
    jurisdiction to take a page (16,890 heap rows for 雨水排口 in a county of the million-case bench).
    Here one query takes the first cap + 1 matches in any order (the same rows the count reads),
    counts them and returns the `top` newest of them, `top` being the page's last position:
    - fewer than cap + 1 matches: that sample is every match, so its newest rows are the page;
    - more: the sample's `top`-th newest row t has at least `top` matches at or before it in the
      list's order, so the page lies among the matches at or before t, and a second query reads only
      those (an index range on created_at instead of every match).
    Same rows, same order as CappedPaginator for the list's order (-created_at, -id); any other
    order takes CappedPaginator's path.
    """

    ORDER = ("-created_at", "-id")

    def __init__(
        self, object_list: Any, per_page: int, orphans: int = 0, allow_empty_first_page: bool = True
    ) -> None:
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self._wanted = 1
        self._samples: dict[int, tuple[int, list[int]]] = {}

    def _applies(self) -> bool:
        query = getattr(self.object_list, "query", None)
        return query is not None and not query.distinct and tuple(query.order_by) == self.ORDER

    def _sample(self, top: int) -> tuple[int, list[int]]:
        """(matches counted up to cap + 1, ids of the `top` newest of those in the list's order)."""
        if top not in self._samples:
            from django.db import connections

            matches: Any = self.object_list
            qs = matches.order_by().values_list("pk", "created_at")[: self.cap + 1]
            sql, params = qs.query.sql_with_params()
            # positional ORDER BY: (created_at, pk) descending, ties as the list orders them; the
            # inner SQL is Django's compiled query with its parameters kept apart
            wrapped = f"SELECT s.*, COUNT(*) OVER () FROM ({sql}) s ORDER BY 2 DESC, 1 DESC LIMIT %s"  # noqa: S608
            with connections[qs.db].cursor() as cur:
                cur.execute(wrapped, (*params, max(top, 1)))
                rows = cur.fetchall()
            self._samples[top] = (int(rows[0][2]) if rows else 0, [int(r[0]) for r in rows[:top]])
        return self._samples[top]

    def get_page(self, number: Any) -> Page:  # type: ignore[type-arg]
        try:  # the page asked for, so the count's query also brings its rows (page 1 when unsure)
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        self._wanted = wanted if 1 <= wanted <= self.cap // self.per_page + 1 else 1
        return super().get_page(number)

    @cached_property
    def total(self) -> int:
        if not self._applies():
            return int(super().total)
        return self._sample(self._top(self._wanted))[0]

    def _top(self, number: int) -> int:
        return min(number * self.per_page + self.orphans, self.cap)

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        if not self._applies():
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        cached = [t for t in self._samples if t >= top]
        total, newest = self._sample(min(cached) if cached else self._top(number))
        qs: Any = self.object_list
        if total <= self.cap:  # the sample held every match
            ids = newest[bottom:top]
        else:
            last = newest[top - 1]
            at = qs.model._base_manager.filter(pk=last).values_list("created_at", flat=True).first()
            if at is None:  # the row went away meanwhile: the plain way
                return super().page(number)
            upto = qs.filter(created_at__gte=at).filter(Q(created_at__gt=at) | Q(pk__gte=last))
            ids = list(upto.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in qs.filter(pk__in=ids)}
        return Page([found[i] for i in ids if i in found], number, self)
