"""The home dashboard: real figures within the reader's jurisdiction, drawn with ECharts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ecoenforce.entities.models import SupervisionClass
from ecoenforce.evaluation import selectors
from ecoenforce.org.context_processors import landing_url
from ecoenforce.org.permissions import can
from ecoenforce.org.selectors import EXPIRING_DAYS
from ecoenforce.org.todo import todo_for

TABLE_ROWS = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The to-do panel for every role, with the dashboard for those who read enforcement figures.

    Administrators and enterprise users have no dashboard: their home is the panel and a link to
    their own work page."""
    user: Any = request.user
    if not user.role_codes:  # nothing to do and nothing to see: his account page says why
        return redirect(landing_url(user))
    todo_groups = todo_for(user)  # each source scopes itself to the jurisdiction
    if not can(user, "dashboard.view"):
        return render(request, "evaluation/home_todo.html", {
            "todo_groups": todo_groups, "landing": landing_url(user),
        })
    today = timezone.localdate()
    by_class = selectors.entities_by_class(user)
    by_unit = selectors.entities_by_unit(user)
    expiring, expiring_count = selectors.certificates_expiring_soon(user, today=today, limit=TABLE_ROWS)
    officers, certified = selectors.officer_counts(user, today=today)
    entity_total = sum(n for _, _, n in by_class)
    closed = selectors.closed_entities_count(user)
    return render(request, "evaluation/home.html", {
        "today": today,
        "todo_groups": todo_groups,
        "expiring_days": EXPIRING_DAYS,
        "entity_total": entity_total,
        "entity_closed": closed,
        "entity_listed": entity_total + closed,  # what the entity list counts (closed included)
        "key_total": next(n for code, _, n in by_class if code == SupervisionClass.KEY),
        "by_class": by_class,
        "by_unit": by_unit,
        "class_labels": [(code, label) for code, label, _ in by_class],
        "expiring": expiring,
        "expiring_count": expiring_count,
        "expired_count": selectors.certificates_expired_count(user, today=today),
        "officers": officers,
        "certified": certified,
        "class_chart": class_chart(by_class),
        "unit_chart": unit_chart(by_unit, by_class),
    })


def class_chart(by_class: list[tuple[str, str, int]]) -> dict[str, Any]:
    """ECharts option: a ring of entities by supervision class."""
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0},
        "series": [{
            "name": "监管类别", "type": "pie", "radius": ["40%", "68%"], "center": ["50%", "45%"],
            "label": {"position": "inside", "formatter": "{c}", "color": "#fff", "fontWeight": "bold"},
            "data": [{"name": label, "value": n} for _, label, n in by_class],
        }],
    }


# Below this chart width (a phone held upright) the unit names are turned to stand at an angle so
# that neighbouring labels never overlap (ECharts media query on the chart's own width).
NARROW_CHART_PX = 576
NARROW_LABEL_ROTATE = 60


def unit_chart(by_unit: list[selectors.UnitBar], by_class: list[tuple[str, str, int]]) -> dict[str, Any]:
    """ECharts option: entities per subordinate unit, stacked by supervision class."""
    base = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 8, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [b.label for b in by_unit],
                  "axisLabel": {"interval": 0, "rotate": 0, "width": 84, "overflow": "truncate"}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": label, "type": "bar", "stack": "entities", "barMaxWidth": 48,
             "data": [b.by_class.get(code, 0) for b in by_unit]}
            for code, label, _ in by_class
        ],
    }
    narrow = {"xAxis": {"axisLabel": {"interval": 0, "rotate": NARROW_LABEL_ROTATE, "width": 72,
                                      "overflow": "truncate", "fontSize": 11}}}
    return {"baseOption": base, "media": [{"query": {"maxWidth": NARROW_CHART_PX}, "option": narrow}]}
