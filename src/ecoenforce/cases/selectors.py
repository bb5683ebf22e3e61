"""Reads of cases and leads, always scoped to the user's jurisdiction (and 提级管辖 grants)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ecoenforce.cases import search
from ecoenforce.cases.models import Case, Deadline, Lead, LeadStatus
from ecoenforce.cases.workflow import FINAL, State, available
from ecoenforce.org.jurisdiction import scope, visible_units
from ecoenforce.org.models import AccessGrant

DONE_STATES = [s.value for s in FINAL] + [State.CLOSED.value]


def cases_for(user: Any) -> QuerySet[Case]:
    return scope(Case.objects.all(), user, field="unit").select_related("unit", "entity")


def leads_for(user: Any) -> QuerySet[Lead]:
    return scope(Lead.objects.all(), user, field="unit").select_related("unit", "entity")


def case_for(user: Any, pk: int) -> Case:
    case = cases_for(user).filter(pk=pk).first()
    if case is None:
        raise Http404("未找到，或不在您的辖区内")
    return case


def lead_for(user: Any, pk: int) -> Lead:
    lead = leads_for(user).filter(pk=pk).first()
    if lead is None:
        raise Http404("未找到，或不在您的辖区内")
    return lead


def whole_units(user: Any) -> list[int] | None:
    """Ids of units covering every case `user` sees (the unit subtree and subtrees granted), or None
    when a grant names single cases (their units need not be in the list).

    A superset: ANDed with `cases_for(user)` it changes no result. It lets PostgreSQL search the
    composite GIN index (unit_id, tokens) of migration 0008 for the jurisdiction's matches alone,
    instead of fetching every match in the city and joining the unit paths afterwards.
    """
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return []  # no unit, no jurisdiction (scope shows nothing either)
    single = AccessGrant.objects.filter(
        unit_id=unit_id, model_label=Case._meta.label_lower, object_id__isnull=False
    )
    if single.exists():  # whatever its dates: without the hint the result is the same, only slower
        return None
    return list(visible_units(user).values_list("pk", flat=True))


def filter_cases(
    qs: QuerySet[Case],
    *,
    q: str = "",
    state: str = "",
    unit: str = "",
    year: str = "",
    overdue: bool = False,
    user: Any = None,
) -> QuerySet[Case]:
    """`qs` (already scoped) filtered; with `user`, a search also names the jurisdiction's unit ids
    (`whole_units`) so the index finds only its matches."""
    if state:
        qs = qs.filter(state=state)
    if unit.isdigit():
        qs = qs.filter(unit_id=int(unit))
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if overdue:
        qs = qs.filter(deadlines__done_on__isnull=True, deadlines__due_on__lt=timezone.localdate()).distinct()
    if q.strip():
        units = whole_units(user) if user is not None else None
        if units is not None:
            qs = qs.filter(unit_id__in=units)
        qs = search.matching(qs, q)
    return qs.order_by("-created_at", "-id")


def todo_for(user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """My to-do list: open clocks of my cases (soonest first), cases waiting for my role, open leads."""
    today = today or timezone.localdate()
    mine = cases_for(user).filter(Q(officers__officer=user)).exclude(state__in=DONE_STATES)
    deadlines = _open_clocks(mine, 50)
    roles = set(user.role_codes)
    waiting_states = [
        s.value
        for s in State
        if any(a.roles & roles for a in available(s, frozenset(roles))) and s not in FINAL
    ]
    waiting = cases_for(user).filter(state__in=waiting_states).exclude(officers__officer=user)
    if not roles & {"team_leader", "bureau_head", "legal_reviewer"}:
        waiting = waiting.none()
    leads = (
        leads_for(user).filter(status=LeadStatus.OPEN).order_by("triage_due")[:20]
        if roles & {"team_leader", "bureau_head"}
        else Lead.objects.none()
    )
    return {
        "deadlines": list(deadlines),
        "mine": list(mine.order_by("-updated_at")[:20]),
        "waiting": list(waiting.order_by("-updated_at")[:20]),
        "leads": list(leads),
        "today": today,
    }


OPEN_CLOCKS_WINDOW = 2000


def _open_clocks(mine: QuerySet[Case], limit: int) -> list[Deadline]:
    """The `limit` open clocks of `mine` due soonest.

    With a million cases an officer has tens of thousands of open clocks; sorting them all costs
    more than the page. So look first among the WINDOW open clocks due soonest of all: if `limit`
    of them are mine, no clock of mine is due before them (exact). Otherwise (few clocks of mine,
    or a small database) ask the database for all of mine, which is then cheap.
    """
    soonest = (
        Deadline.objects.filter(done_on__isnull=True)
        .order_by("due_on")  # the open-clock index's order (ties in any order, as below)
        .values_list("id", "case_id")[:OPEN_CLOCKS_WINDOW]
    )
    window = list(soonest)
    if len(window) == OPEN_CLOCKS_WINDOW:
        # The window as a subquery, not thousands of bound parameters.
        in_window = mine.filter(pk__in=soonest.values("case_id")).order_by()
        ids = set(in_window.values_list("pk", flat=True))
        picked = [d for d, c in window if c in ids][:limit]
        if len(picked) == limit:
            found = Deadline.objects.select_related("case").in_bulk(picked)
            return [found[d] for d in picked]
    return list(
        Deadline.objects.filter(case__in=mine.values("pk"), done_on__isnull=True)
        .select_related("case")
        .order_by("due_on")[:limit]
    )


def deadline_board(user: Any, today: dt.date | None = None, soon_days: int = 3) -> QuerySet[Deadline]:
    today = today or timezone.localdate()
    visible = cases_for(user).values("pk")
    return (
        Deadline.objects.filter(
            case__in=visible, done_on__isnull=True, due_on__lte=today + dt.timedelta(days=soon_days)
        )
        .select_related("case", "case__unit")
        .order_by("due_on")
    )
