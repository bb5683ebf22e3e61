"""Item codes cited in an item's notes (e.g. "另见 AIR-98-0、PERMIT-39-0") become links to those items."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The codes the catalogs use: a letter prefix and one to three numbers (AIR-99-2, CODE-1229-1-0, EPL-63-3).
CODE = re.compile(r"\b([A-Z]{2,10}(?:-\d{1,4}){1,3})\b")


@register.simple_tag(takes_context=True)
def link_item_codes(context: template.Context, text: str, unit_id: int | None = None) -> SafeString:
    """The text, escaped, with every item code linked to the item page (the public one on the portal)."""
    request = context.get("request")
    public = bool(request is not None and request.path.startswith("/public/"))
    on = context.get("on")
    suffix = f"?on={on:%Y-%m-%d}" if on and hasattr(on, "strftime") else ""

    def url(code: str) -> str:
        if public and unit_id is not None:
            return reverse("portal:catalog-item", args=[unit_id, code])
        return reverse("catalog:item", args=[code]) + suffix

    parts = CODE.split(str(text or ""))
    out = [conditional_escape(p) if i % 2 == 0 else format_html('<a href="{}">{}</a>', url(p), p)
           for i, p in enumerate(parts)]
    return mark_safe("".join(str(o) for o in out).replace("\n", "<br>"))
