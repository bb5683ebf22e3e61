"""The public portal: open to everyone, no login. Only published catalog versions ever appear here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ecoenforce.catalog import selectors
from ecoenforce.catalog.forms import BrowseForm
from ecoenforce.catalog.models import today
from ecoenforce.org.models import Unit


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"catalog_units": selectors.units_with_catalog()})


def catalog_units(request: HttpRequest) -> HttpResponse:
    """Every unit with a catalog in force today (its own or inherited from its superiors)."""
    return render(request, "portal/catalog_units.html", {"rows": selectors.units_with_catalog()})


def _unit(unit_id: int) -> Unit:
    return get_object_or_404(Unit, pk=unit_id, is_active=True)


def catalog_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    catalog = selectors.effective_catalog(unit, today())
    form = BrowseForm(request.GET or None, categories=selectors.categories(catalog.entries))
    context = {
        "unit": unit,
        "catalog": catalog,
        "form": form,
        "public": True,
        "entries": selectors.filter_entries(catalog.entries, **form.filters()),
    }
    template = "catalog/_entries.html" if request.headers.get("HX-Request") else "portal/catalog_unit.html"
    return render(request, template, context)


def catalog_history(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    rows = selectors.versions_for(unit, None)  # no user: published versions only
    ancestors = [u for u in unit.ancestors() if u.pk != unit.pk]
    return render(
        request, "portal/catalog_history.html", {"unit": unit, "rows": rows, "ancestors": ancestors}
    )


def catalog_version(request: HttpRequest, unit_id: int, pk: int) -> HttpResponse:
    """What a published version changed against the unit's previous published version."""
    unit = _unit(unit_id)
    version = selectors.visible_version(None, pk, public=True)
    if version.unit_id != unit.pk:
        raise Http404
    previous = selectors.previous_published(version)
    return render(
        request,
        "portal/catalog_version.html",
        {
            "unit": unit,
            "version": version,
            "info": selectors.version_info(version),
            "diff": selectors.diff(previous, version) if previous else None,
            "entries": selectors.entries_of(version) if previous is None else [],
        },
    )


def catalog_item(request: HttpRequest, unit_id: int, code: str) -> HttpResponse:
    unit = _unit(unit_id)
    on = today()
    entry = selectors.effective_item(unit, code, on)
    if entry is None:
        raise Http404
    return render(request, "portal/catalog_item.html", {"unit": unit, "entry": entry, "on": on})
