"""Pages of the statute library: the same pages for signed-in staff (/laws/) and the public
(/public/laws/); the law is public, so neither applies a jurisdiction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ecoenforce.catalog.models import today
from ecoenforce.statutes import selectors

PUBLIC = "statutes_public"
STAFF = "statutes"


def _context(request: HttpRequest, public: bool, **extra: Any) -> dict[str, Any]:
    return {"public": public, "ns": PUBLIC if public else STAFF, "today": today(), **extra}


def _law_list(request: HttpRequest, public: bool) -> HttpResponse:
    return render(request, "statutes/law_list.html", _context(request, public, rows=selectors.law_rows()))


def _law_detail(request: HttpRequest, code: str, public: bool) -> HttpResponse:
    law = selectors.law_by_code(code)
    versions = selectors.versions_of(law)
    chosen = request.GET.get("v", "")
    version = next((v for v in versions if str(v.pk) == chosen), versions[0] if versions else None)
    parts = selectors.parts_of(version) if version else []
    part = _chosen_part(request, version, parts)
    articles = list(selectors.version_articles(version, part)) if version else []
    context = _context(
        request, public, law=law, versions=versions, version=version, articles=articles,
        in_force=selectors.version_in_force(law, today()), parts=parts, part=part,
    )
    return render(request, "statutes/law_detail.html", context)


def _chosen_part(request: HttpRequest, version: Any, parts: list[str]) -> str | None:
    """A long law (the Code) is shown one part (编) at a time: the part holding ?a=<article>, else
    ?part=<n>, else the first. Short laws are shown whole (None)."""
    if version is None or len(parts) < 2:
        return None
    number = request.GET.get("a", "")
    if number.isdigit() and (holding := selectors.part_of(version, int(number))) is not None:
        return holding
    index = request.GET.get("part", "")
    return parts[int(index) - 1] if index.isdigit() and 1 <= int(index) <= len(parts) else parts[0]


def _search(request: HttpRequest, public: bool) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    error = ""
    if len(query) > selectors.MAX_QUERY or "\x00" in query:
        error, query = f"检索词过长或含有非法字符（最多{selectors.MAX_QUERY}字）", ""
    law = selectors.law_by_code(request.GET["law"]) if request.GET.get("law") else None
    hits, truncated = selectors.search(query, law)
    context = _context(
        request, public, query=query, hits=hits, truncated=truncated, law=law, error=error,
        laws=[row.law for row in selectors.law_rows()], limit=selectors.SEARCH_LIMIT,
    )
    template = "statutes/_hits.html" if request.headers.get("HX-Request") else "statutes/search.html"
    return render(request, template, context)


def _staff(request: HttpRequest) -> None:
    if not request.user.has_perm("statutes.view"):
        raise PermissionDenied("您的角色不能查阅法规库")


@require_GET
def public_law_list(request: HttpRequest) -> HttpResponse:
    return _law_list(request, True)


@require_GET
def public_law_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _law_detail(request, code, True)


@require_GET
def public_search(request: HttpRequest) -> HttpResponse:
    return _search(request, True)


@login_required
@require_GET
def law_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return _law_list(request, False)


@login_required
@require_GET
def law_detail(request: HttpRequest, code: str) -> HttpResponse:
    _staff(request)
    return _law_detail(request, code, False)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return _search(request, False)
