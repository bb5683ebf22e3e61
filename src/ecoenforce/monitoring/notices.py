"""When an enterprise learnt that it will be inspected — the anchor of the shift-after-notice rule.

Sources register here (`register_notice_source`); the built-in one reads published random-inspection
draw results (双随机抽查结果公示: the drawn enterprises learn of the inspection when it is published). It
reads the inspections app through the app registry, so monitoring imports nothing of it and works alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.apps import apps

from ecoenforce.entities.models import Entity

NoticeSource = Callable[[set[int], dt.datetime, dt.datetime], Iterable[tuple[int, dt.datetime]]]
_sources: dict[str, NoticeSource] = {}


def register_notice_source(name: str, source: NoticeSource) -> None:
    """source(entity ids, start, end) → (entity id, time the entity was notified) within [start, end]."""
    _sources[name] = source


def latest_notices(entity_ids: set[int], start: dt.datetime, end: dt.datetime) -> dict[int, dt.datetime]:
    latest: dict[int, dt.datetime] = {}
    for source in [_draw_results, *_sources.values()]:
        for entity_id, when in source(entity_ids, start, end):
            if entity_id in entity_ids and start <= when <= end and when > latest.get(entity_id, start):
                latest[entity_id] = when
    return latest


def _draw_results(
    entity_ids: set[int], start: dt.datetime, end: dt.datetime
) -> list[tuple[int, dt.datetime]]:
    if not apps.is_installed("ecoenforce.inspections"):
        return []
    plans = apps.get_model("inspections", "DrawPlan").objects.filter(
        result_published_at__gte=start, result_published_at__lte=end
    )
    published: dict[str, dt.datetime] = {}
    for when, doc in plans.values_list("result_published_at", "document"):
        if when is None:
            continue
        for row in ((doc or {}).get("result") or {}).get("selected", []):
            published[str(row[0])] = max(when, published.get(str(row[0]), when))
    if not published:
        return []
    by_uscc = Entity.objects.filter(pk__in=entity_ids, uscc__in=published).values_list("pk", "uscc")
    return [(pk, published[uscc]) for pk, uscc in by_uscc]
