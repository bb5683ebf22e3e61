"""What the enterprise service shows an entity of its cases: only what has been served on it — the
decisions (after service), the orders to correct and compulsory measures decided against it, and the
deadlines the party itself must keep (statement, hearing, payment, correction). Never a lead, an
internal step, an officer's report or who reported it (the Code's art 146). Registered from
CasesConfig.ready() when the enterprise app is installed."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from ecoenforce.cases.models import Case, Deadline
from ecoenforce.cases.models_steps import Measure, MeasureKind

# clocks (data/clocks.yaml) that run for the party and are told to it in a served document
PARTY_CLOCKS = (
    "statement",
    "hearing_request",
    "payment",
    "reminder",
    "seizure",
    "seizure_extension",
    "recheck",
)


def _basis(case: Case) -> str:
    parts = []
    for item in case.items.all():
        for b in item.legal_basis:
            law, article, text = b.get("law", ""), b.get("article", ""), b.get("text", "")
            cite = f"《{str(law).strip('《》')}》{article}" if law else ""
            parts.append(f"{cite}：{text}" if cite and text else cite or str(text))
    return "；".join(dict.fromkeys(p for p in parts if p))[:2000]


def decision_rows(entity: Any) -> list[Any]:
    from ecoenforce.enterprise.providers import Row

    rows = []
    for case in (
        Case.objects.filter(entity=entity, served_on__isnull=False)
        .prefetch_related("items")
        .order_by("-served_on")[:50]
    ):
        amount = f"，罚款 {case.decided_amount} 元" if case.decided_amount else ""
        rows.append(
            Row(
                title=f"{case.number} {case.title}",
                status=f"{case.get_decision_kind_display()}{amount}（{case.served_on:%Y-%m-%d}送达）",
                legal_basis=_basis(case),
                subject_type="cases.case",
                subject_id=str(case.pk),
                details={"决定日期": f"{case.decided_on:%Y-%m-%d}" if case.decided_on else "—"},
            )
        )
    return rows


def order_rows(entity: Any) -> list[Any]:
    from ecoenforce.enterprise.providers import Row

    rows = []
    measures = (
        Measure.objects.filter(case__entity=entity).select_related("case").order_by("-decided_on", "-id")
    )
    for m in measures[:50]:
        correction = m.kind == MeasureKind.CORRECTION
        if m.released_on:
            status = f"已解除（{m.released_on:%Y-%m-%d}）"
        elif m.rechecked_on:
            status = "复查已改正" if m.recheck_corrected else "复查未改正"
        else:
            status = "整改中" if correction else "执行中"
        details = {"决定日期": f"{m.decided_on:%Y-%m-%d}"}
        if m.case.number:
            details["案号"] = m.case.number
        rows.append(
            Row(
                title=f"{m.get_kind_display()}（{m.case.title}）",
                status=status,
                deadline=m.recheck_due if correction else m.due_on,
                deadline_label="复查期限" if correction else "期限届满",
                legal_basis=m.basis,
                subject_type="cases.measure",
                subject_id=str(m.pk),
                details=details,
                answerable=correction and not m.rechecked_on,
            )
        )
    return rows


def deadline_rows(entity: Any) -> list[Any]:
    from ecoenforce.enterprise.providers import Row

    open_ = Deadline.objects.filter(
        case__entity=entity, clock__in=PARTY_CLOCKS, done_on__isnull=True
    ).select_related("case")
    return [
        Row(
            title=f"{d.label}（{d.case.number or d.case.title}）",
            deadline=d.due_on,
            deadline_label="届满日",
            legal_basis=d.source,
        )
        for d in open_.order_by("due_on")[:50]
    ]


def register() -> None:
    if not apps.is_installed("ecoenforce.enterprise"):
        return
    from ecoenforce.enterprise.providers import register_provider

    register_provider("cases_decisions", label="行政处罚决定", rows=decision_rows)
    register_provider("cases_orders", label="责令改正与行政强制措施", rows=order_rows)
    register_provider("cases_deadlines", label="需本企业遵守的期限", rows=deadline_rows)
