"""Reads of entities, always within the reader's jurisdiction (org.jurisdiction.scope)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import Entity, EntityStatus, Outlet, SupervisionClass
from ecoenforce.org.jurisdiction import scope, visible_units
from ecoenforce.org.models import Unit
from ecoenforce.org.permissions import can

USCC_FRAGMENT = re.compile(r"^[0-9A-Za-z]{4,18}$")
# A name search cannot use an index; its count stops here ("2000+") instead of scanning the table.
SEARCH_COUNT_CAP = 2000
# Above this many entities in a list, PostgreSQL shows the planner's estimate (see EntityPaginator).
EXACT_COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class EntityFilters:
    """The list's filters; the same for the page, the API and the export."""

    q: str = ""
    supervision_class: str = ""
    status: str = ""
    unit: int | None = None
    industry: str = ""

    @classmethod
    def from_params(cls, params: Any) -> EntityFilters:
        """From request.GET (or any mapping); unknown or malformed values are ignored."""

        def get(key: str) -> str:
            value = params.get(key) or ""
            return str(value).replace("\x00", "").strip()[:100]

        unit = get("unit")
        cls_value, status = get("class") or get("supervision_class"), get("status")
        return cls(
            q=get("q"),
            supervision_class=cls_value if cls_value in SupervisionClass.values else "",
            status=status if status in EntityStatus.values else "",
            unit=int(unit) if unit.isdigit() and len(unit) < 19 else None,
            industry=get("industry").upper()[:5],
        )

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def entities_for(user: Any, filters: EntityFilters | None = None) -> QuerySet[Entity]:
    """Entities the user may see, filtered; empty for a user without "entities.view"."""
    if not can(user, "entities.view"):
        return Entity.objects.none()
    qs = scope(Entity.objects.select_related("owner_unit"), user, field="owner_unit")
    f = filters or EntityFilters()
    if f.q:
        # A code-like term is a USCC prefix (the unique index serves it); anything else is a
        # substring of the name (a sequential scan: see SEARCH_COUNT_CAP).
        if USCC_FRAGMENT.match(f.q):
            qs = qs.filter(uscc__startswith=f.q.upper())
        else:
            qs = qs.filter(name__contains=f.q)
    if f.supervision_class:
        qs = qs.filter(supervision_class=f.supervision_class)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.industry:
        qs = qs.filter(industry_code__startswith=f.industry)
    if f.unit is not None:
        unit = Unit.objects.filter(pk=f.unit).only("path").first()
        qs = qs.filter(owner_unit__path__startswith=unit.path) if unit else qs.none()
    return qs.order_by("name", "id")


if TYPE_CHECKING:
    _PaginatorBase = Paginator[Entity]
else:
    _PaginatorBase = Paginator


class EntityPaginator(_PaginatorBase):
    """Counts that stay cheap on a large registry.

    - A name search (no index can serve it) counts up to SEARCH_COUNT_CAP: "2000+".
    - Otherwise up to EXACT_COUNT_LIMIT rows are counted exactly; above that, PostgreSQL's
      planner estimate is shown ("约 …") instead of a COUNT(*) over the whole jurisdiction
      (SQLite, the embedded database of small installations, always counts exactly).
    """

    def __init__(self, object_list: QuerySet[Entity], per_page: int, *, capped: bool) -> None:
        super().__init__(object_list, per_page)
        self.capped = capped
        self.count_estimated = False

    @cached_property
    def count(self) -> int:
        qs: QuerySet[Entity] = self.object_list  # type: ignore[assignment]
        if self.capped:
            return qs.order_by()[: SEARCH_COUNT_CAP + 1].count()
        exact = qs.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if exact <= EXACT_COUNT_LIMIT:
            return exact
        estimate = planner_estimate(qs)
        if estimate is None:
            return qs.count()
        self.count_estimated = True
        return max(estimate, exact)

    @property
    def count_truncated(self) -> bool:
        return self.capped and self.count > SEARCH_COUNT_CAP

    @property
    def count_display(self) -> str:
        if self.count_truncated:
            return f"{SEARCH_COUNT_CAP}+"
        return f"约 {self.count}" if self.count_estimated else str(self.count)


def planner_estimate(qs: QuerySet[Any]) -> int | None:
    """PostgreSQL's row estimate for `qs` (EXPLAIN, no execution); None on other databases."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        row = cursor.fetchone()
    plan = json.loads(row[0]) if row and isinstance(row[0], str) else (row[0] if row else None)
    try:
        return int(plan[0]["Plan"]["Plan Rows"])  # type: ignore[index]
    except (TypeError, KeyError, IndexError, ValueError):
        return None


def entities_page(user: Any, filters: EntityFilters, page: Any, per_page: int = 25) -> Page[Entity]:
    """One page of entities_for(user, filters); `page.paginator.count_display` for the total."""
    paginator = EntityPaginator(entities_for(user, filters), per_page, capped=bool(filters.q))
    return paginator.get_page(page)


def filter_units_for(user: Any) -> QuerySet[Unit]:
    """Units offered in the list's unit filter."""
    return visible_units(user).order_by("path")


def entity_get_for(user: Any, pk: Any) -> Entity:
    """One entity with its permits, outlets (limits, points); 404 outside the jurisdiction.

    An attempt on an existing entity outside the jurisdiction is recorded as a refused
    "entity.view" in the audit trail; the answer is the same 404 as for a missing one.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    outlets = (
        Outlet.objects.select_related("permit")
        .prefetch_related("limits", "monitoring_points")
        .order_by("code")
    )
    qs = entities_for(user).prefetch_related("permits", Prefetch("outlets", queryset=outlets))
    entity = qs.filter(pk=pk).first()
    if entity is not None:
        return entity
    other = Entity.objects.filter(pk=pk).first()
    if other is not None:
        with transaction.atomic():
            audit_record(
                actor=user,
                action="entity.view",
                target=other,
                outcome=Outcome.REFUSED,
                reason="outside jurisdiction（不在辖区内）",
            )
    raise Http404("未找到，或不在您的辖区内")
