"""Public portal pages of penalty decisions (no login): published, redacted, withdrawn ones marked."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ecoenforce.cases.models import Publicity


def decisions(request: HttpRequest) -> HttpResponse:
    qs = Publicity.objects.filter(withdrawn_on__isnull=True).order_by("-published_on", "-id")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "cases/public_decisions.html", {"page": page})


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    p = Publicity.objects.filter(pk=pk).first()
    if p is None:
        raise Http404("未找到该公开信息")
    return render(request, "cases/public_decision.html", {"p": p})
