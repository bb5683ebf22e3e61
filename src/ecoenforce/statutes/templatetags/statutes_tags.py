"""Highlight search terms in an article's text (the text is escaped first)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    escaped = str(escape(text))
    terms = sorted({escape(t) for t in (query or "").split() if t}, key=len, reverse=True)
    if not terms:
        return mark_safe(escaped)
    pattern = re.compile("|".join(re.escape(str(t)) for t in terms))
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))
