"""Reads of complaints, scoped to the jurisdiction (unit subtree), and the figures (seed 004:
"及时查处群众信访问题42件，办结率100%，信访件满意度均是100%") computed from the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ecoenforce.complaints.models import Complaint, Satisfaction, Status
from ecoenforce.complaints.services import code_hash
from ecoenforce.org.jurisdiction import scope


def complaints_for(user: Any) -> QuerySet[Complaint]:
    return scope(Complaint.objects.select_related("unit"), user, field="unit")


def complaint_get_for(user: Any, pk: int) -> Complaint:
    found = complaints_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def complaint_by_code(code: str) -> Complaint | None:
    code = (code or "").strip()
    if not 20 <= len(code) <= 64:
        return None
    return Complaint.objects.select_related("unit", "merged_into").filter(code_hash=code_hash(code)).first()


def filtered(qs: QuerySet[Complaint], params: Any) -> QuerySet[Complaint]:
    status, q = params.get("status", ""), (params.get("q") or "").strip()[:60]
    if status in Status.values:
        qs = qs.filter(status=status)
    if params.get("overdue"):
        qs = qs.exclude(status__in=[Status.CLOSED, Status.MERGED]).filter(handle_due__lt=timezone.localdate())
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(address__icontains=q) | Q(description__icontains=q))
    return qs


def duplicate_candidates(c: Complaint) -> QuerySet[Complaint]:
    """Open complaints that look like the same event: same category and place (or entity), 30 days."""
    qs = (
        Complaint.objects.exclude(pk=c.pk)
        .exclude(status__in=[Status.MERGED])
        .filter(
            category=c.category,
            merged_into__isnull=True,
            received_at__gte=c.received_at - timedelta(days=30),
        )
    )
    same = Q(pk__in=[])
    if c.entity_id:
        same |= Q(entity_id=c.entity_id)
    if c.address:
        same |= Q(address=c.address)
    if c.latitude is not None and c.longitude is not None:  # within ~0.002° (about 200 m)
        near = Decimal("0.002")
        same |= Q(
            latitude__range=(c.latitude - near, c.latitude + near),
            longitude__range=(c.longitude - near, c.longitude + near),
        )
    return qs.filter(same).order_by("received_at")[:10]


@dataclass(frozen=True)
class Figures:
    received: int
    handled: int
    closed: int
    rated: int
    satisfied: int
    overdue: int

    @property
    def closed_pct(self) -> str:
        return _pct(self.closed, self.handled)

    @property
    def satisfied_pct(self) -> str:
        return _pct(self.satisfied, self.rated)


def _pct(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{100 * part / whole:.1f}%".replace(".0%", "%")


def figures(qs: QuerySet[Complaint], start: date | None = None, end: date | None = None) -> Figures:
    """handled = registered and not merged into another; closed = 办结; satisfied = 满意 or 基本满意 among
    the rated (merged duplicates count once, with their primary)."""
    if start:
        qs = qs.filter(received_at__date__gte=start)
    if end:
        qs = qs.filter(received_at__date__lte=end)
    today = timezone.localdate()
    agg = qs.aggregate(
        received=Count("pk"),
        handled=Count("pk", filter=~Q(status=Status.MERGED)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        rated=Count("pk", filter=~Q(satisfaction="")),
        satisfied=Count("pk", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])),
        overdue=Count("pk", filter=Q(handle_due__lt=today) & ~Q(status__in=[Status.CLOSED, Status.MERGED])),
    )
    return Figures(**agg)


def by_category(qs: QuerySet[Complaint]) -> list[tuple[str, int]]:
    from ecoenforce.complaints.models import Category

    labels = dict(Category.choices)
    rows = qs.exclude(status=Status.MERGED).values("category").annotate(n=Count("pk")).order_by("-n")
    return [(labels.get(r["category"], r["category"]), r["n"]) for r in rows]


def by_month(qs: QuerySet[Complaint], months: int = 12) -> list[tuple[str, int, int]]:
    """(YYYY-MM, received, closed) for the last `months` months, oldest first."""
    from django.db.models.functions import TruncMonth

    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        qs.filter(received_at__date__gte=first)
        .annotate(m=TruncMonth("received_at"))
        .values("m")
        .annotate(n=Count("pk"), closed=Count("pk", filter=Q(status=Status.CLOSED)))
        .order_by("m")
    )
    return [(f"{r['m']:%Y-%m}", r["n"], r["closed"]) for r in rows]


def chart_options(qs: QuerySet[Complaint]) -> dict[str, Any]:
    """ECharts options (page charts are drawn by static/js/app.js from json_script)."""
    cats = by_category(qs)
    months = by_month(qs)
    return {
        "category": {
            "tooltip": {},
            "xAxis": {"type": "category", "data": [c for c, _ in cats]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [{"type": "bar", "name": "件数", "data": [n for _, n in cats]}],
        },
        "month": {
            "tooltip": {"trigger": "axis"},
            "legend": {"data": ["受理", "办结"]},
            "xAxis": {"type": "category", "data": [m for m, _, _ in months]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"type": "line", "name": "受理", "data": [n for _, n, _ in months]},
                {"type": "line", "name": "办结", "data": [c for _, _, c in months]},
            ],
        },
    }
