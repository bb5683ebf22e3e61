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


def lead_url(ref: str) -> str | None:
    """The lead's page in the cases app (None without the app or a lead)."""
    if not ref or not ref.isdigit() or not cases_available():
        return None
    try:
        return reverse("cases:lead", args=[int(ref)])
    except Exception:  # NoReverseMatch when the cases URLs are not mounted
        return None


# --- the enterprise service: ask the entity to explain an alert, read its answer ------------------

QUERY_SUBJECT = "monitoring.alert"


def enterprise_available() -> bool:
    return apps.is_installed("ecoenforce.enterprise")


def ask_enterprise(*, alert: Any, question: str, basis: str, due_date: Any, by: Any) -> Any | None:
    """Put the question to the entity through its enterprise account (enterprise.query_create);
    None when the enterprise service is not installed (the officer then records the answer)."""
    if not enterprise_available():
        return None
    from ecoenforce.enterprise.services import query_create  # type: ignore[import-not-found,unused-ignore]

    return query_create(
        entity=alert.entity,
        subject_type=QUERY_SUBJECT,
        subject_id=str(alert.pk),
        title=f"在线监控告警说明问询：{alert.summary}"[:200],
        question=question,
        legal_basis=basis[:300],
        due_date=due_date,
        by=by,
    )


def enterprise_answers(*, alert: Any, user: Any) -> list[dict[str, Any]]:
    """The queries about the alert with the entity's answers and attachments, for the alert page."""
    if not enterprise_available():
        return []
    from ecoenforce.enterprise import selectors  # type: ignore[import-not-found,unused-ignore]

    return [
        {"q": q, "attachments": selectors.attachments_of(q)}
        for q in selectors.queries_about(user, QUERY_SUBJECT, alert.pk)
    ]
