"""Link a catalog item's legal basis to the statute library, and mark a basis whose law is repealed."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ecoenforce.statutes.parse import heading
from ecoenforce.statutes.selectors import LawStatus, article_number, law_index

register = template.Library()


def _index(context: template.Context) -> dict[str, LawStatus]:
    cache = context.render_context
    if "statute_law_index" not in cache:
        cache["statute_law_index"] = law_index()
    index: dict[str, LawStatus] = cache["statute_law_index"]
    return index


@register.simple_tag(takes_context=True)
def statute_ref(context: template.Context, basis: dict[str, Any]) -> dict[str, Any]:
    """{url, repealed_since, repealed_by} for one legal basis; url empty when the law is not stored."""
    status = _index(context).get(str(basis.get("law") or ""))
    if status is None:
        return {"url": "", "repealed_since": None, "repealed_by": ""}
    request = context.get("request")
    public = bool(request is not None and request.path.startswith("/public/"))
    url = reverse("statutes_public:law" if public else "statutes:law", args=[status.code])
    number = article_number(str(basis.get("article") or ""))
    by = ""
    if status.repealed_since is not None:
        article = heading(status.repealed_by_article) if status.repealed_by_article else ""
        by = f"《{status.repealed_by}》{article}"
    return {
        "url": url + (f"?a={number}#a{number}" if number else ""),
        "repealed_since": status.repealed_since,
        "repealed_by": by,
    }
