"""普法: link each 《law》第N条 named in a finding's legal basis to that article in the public statute
library (/public/laws/…), so an enterprise reads the words of the law behind what it is told."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from ecoenforce.statutes.selectors import LawStatus, article_number, law_index

# 《中华人民共和国水污染防治法》第八十三条 / 《…》第83条 (the article is optional)
_CITE = re.compile(r"《([^《》]{2,80})》\s*(第[零〇一二两三四五六七八九十百千0-9]+条)?")


@dataclass(frozen=True)
class LawLink:
    text: str
    url: str


def law_links(basis: str, index: dict[str, LawStatus] | None = None) -> list[LawLink]:
    """Every citation in `basis` whose law the statute library holds, with its article's URL."""
    if not basis:
        return []
    index = law_index() if index is None else index
    out: list[LawLink] = []
    seen: set[str] = set()
    for m in _CITE.finditer(basis):
        name, article = m.group(1).strip(), m.group(2) or ""
        # laws are cited by their short name too (《生态环境法典》 for 《中华人民共和国生态环境法典》)
        status = index.get(name) or index.get(f"中华人民共和国{name}")
        text = f"《{name}》{article}"
        if status is None or text in seen:
            continue
        seen.add(text)
        try:
            url = reverse("statutes_public:law", args=[status.code])
        except NoReverseMatch:  # the statute library is not mounted in this deployment
            return []
        number = article_number(article) if article else None
        out.append(LawLink(text, url + (f"?a={number}#a{number}" if number else "")))
    return out
