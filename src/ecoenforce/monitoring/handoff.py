"""The one place that talks to the cases app: register the lead source, open a lead from an alert.

Does nothing while ecoenforce.cases is not installed (it is built on another branch).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.urls import reverse

SOURCE_KIND = "online_monitoring"


def cases_available() -> bool:
    return apps.is_installed("ecoenforce.cases")


def register() -> None:
    if not cases_available():
        return
    from ecoenforce.cases.registry import register_lead_source  # type: ignore[import-not-found,unused-ignore]

    register_lead_source(
        SOURCE_KIND, label="在线监控", url_for=lambda ref: reverse("monitoring:alert", args=[int(ref)])
    )


def open_lead(*, alert: Any, summary: str, facts: dict[str, Any], by: Any) -> Any | None:
    """Open a lead in the responsible unit citing the alert; None when the cases app is absent."""
    if not cases_available():
        return None
    from ecoenforce.cases.services import lead_open  # type: ignore[import-not-found,unused-ignore]

    return lead_open(
        unit=alert.owner_unit,
        entity=alert.entity,
        source_kind=SOURCE_KIND,
        source_ref=str(alert.pk),
        summary=summary,
        facts=facts,
        by=by,
    )
