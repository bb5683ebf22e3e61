"""The portal as one site: home by stage of enforcement (事前/事中/事后/社会监督), units and officers,
the guide (procedures, how to complain and appeal), statistics and search. No login; nothing internal."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ecoenforce.catalog import selectors as catalog_selectors
from ecoenforce.catalog.models import today
from ecoenforce.complaints import deadlines
from ecoenforce.complaints import selectors as complaint_selectors
from ecoenforce.complaints.models import Complaint
from ecoenforce.org.models import EnforcementCertificate, Unit, User
from ecoenforce.org.roles import Role
from ecoenforce.portal.sections import stages

DUTIES = {
    1: (
        "统一负责本行政区域生态环境保护综合行政执法工作，组织、指导、监督下级执法机构，"
        "查处重大、跨区域生态环境违法案件。"
    ),
    2: "依法统一行使本市生态环境保护综合行政执法职责，查处生态环境违法行为，指导、监督县级执法队伍。",
    3: "依法对本辖区排污单位开展日常监督检查，查处生态环境违法行为，受理、核查群众投诉举报。",
    4: "在依法委托或者赋权的范围内开展生态环境日常巡查，发现、报告生态环境违法行为线索。",
}


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "stages": stages(),
            "catalog_units": catalog_selectors.units_with_catalog(),
            "figures": complaint_selectors.figures(Complaint.objects.all()),
        },
    )


def _officers_on_duty(on: date) -> Any:
    valid = EnforcementCertificate.objects.filter(revoked=False, valid_from__lte=on, valid_to__gte=on)
    return (
        User.objects.filter(
            is_active=True, role_grants__role__in=[Role.OFFICER, Role.TEAM_LEADER], certificates__in=valid
        )
        .distinct()
        .prefetch_related(Prefetch("certificates", queryset=valid, to_attr="valid_certs"))
        .order_by("unit__path", "real_name")
    )


def units(request: HttpRequest) -> HttpResponse:
    """执法主体 and the officers holding a valid enforcement certificate today (name, certificate number)."""
    on = today()
    by_unit: dict[int | None, list[Any]] = {}
    for officer in _officers_on_duty(on):
        by_unit.setdefault(officer.unit_id, []).append(officer)
    rows = [(u, DUTIES.get(u.level, ""), by_unit.get(u.pk, [])) for u in Unit.objects.filter(is_active=True)]
    return render(request, "portal/units.html", {"rows": rows, "on": on})


def guide(request: HttpRequest) -> HttpResponse:
    on = today()
    return render(
        request,
        "portal/guide.html",
        {
            "rules": [deadlines.rule_for(k, on) for k in ("acknowledge", "handle", "extension")],
        },
    )


def stats(request: HttpRequest) -> HttpResponse:
    year = today().year
    qs = Complaint.objects.all()
    return render(
        request,
        "portal/stats.html",
        {
            "year": year,
            "figures": complaint_selectors.figures(qs, start=date(year, 1, 1)),
            "all_figures": complaint_selectors.figures(qs),
            "by_category": complaint_selectors.by_category(qs),
        },
    )


def _search(q: str) -> list[dict[str, str]]:
    hits: list[dict[str, str]] = []
    for _stage, sections in stages():
        for s in sections:
            if s.url and (q in s.title or q in s.description):
                hits.append({"title": s.title, "text": s.description, "url": s.url})
    for u in Unit.objects.filter(is_active=True, name__icontains=q)[:20]:
        hits.append({"title": u.name, "text": "执法主体", "url": reverse("portal:units") + f"#unit-{u.pk}"})
    officers = _officers_on_duty(today()).filter(
        Q(real_name__icontains=q) | Q(certificates__number__icontains=q)
    )
    for o in officers[:20]:
        hits.append(
            {
                "title": o.real_name,
                "text": f"执法人员 · {o.unit}",
                "url": reverse("portal:units") + f"#unit-{o.unit_id}",
            }
        )
    for unit, _own in catalog_selectors.units_with_catalog()[:1]:
        entries = catalog_selectors.filter_entries(
            catalog_selectors.effective_catalog(unit, today()).entries, q=q
        )
        for e in entries[:30]:
            hits.append(
                {
                    "title": e.name,
                    "text": f"执法事项 {e.code}",
                    "url": reverse("portal:catalog-item", args=[unit.pk, e.code]),
                }
            )
    return hits


def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:40].replace("\x00", "")
    hits = _search(q) if q else []
    return render(request, "portal/search.html", {"q": q, "hits": hits})
