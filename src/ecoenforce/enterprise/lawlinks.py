"""普法: link each article a finding's legal basis cites to that article in the public statute
library (/public/laws/…), so an enterprise reads the words of the law behind what it is told.

"《中华人民共和国水污染防治法》第八十三条；第八十四条" links both articles: an article cited
without a law belongs to the law named last."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from ecoenforce.statutes.selectors import LawStatus, article_number, law_index

_CITE = re.compile(r"《([^《》]{2,80})》|(第[零〇一二两三四五六七八九十百千0-9]+条)")


@dataclass(frozen=True)
class LawLink:
    text: str
    url: str


def _status(index: dict[str, LawStatus], name: str) -> LawStatus | None:
    # laws are cited by their short name too (《生态环境法典》 for 《中华人民共和国生态环境法典》)
    return index.get(name) or index.get(f"中华人民共和国{name}")


def law_links(basis: str, index: dict[str, LawStatus] | None = None) -> list[LawLink]:
    """Every citation in `basis` whose law the statute library holds, with its article's URL."""
    if not basis:
        return []
    index = law_index() if index is None else index
    out: dict[str, LawLink] = {}
    law: tuple[str, str] | None = None  # (name as cited, URL of the law)
    pending_law = False  # a law named and not yet followed by an article: link the law itself
    for m in _CITE.finditer(basis):
        if m.group(1):
            if law is not None and pending_law:
                out.setdefault(f"《{law[0]}》", LawLink(f"《{law[0]}》", law[1]))
            name = m.group(1).strip()
            status = _status(index, name)
            try:
                law = (name, reverse("statutes_public:law", args=[status.code])) if status else None
            except NoReverseMatch:  # the statute library is not mounted in this deployment
                return []
            pending_law = law is not None
        elif law is not None:
            number = article_number(m.group(2))
            text = f"《{law[0]}》{m.group(2)}"
            if number is not None:
                out.setdefault(text, LawLink(text, f"{law[1]}?a={number}#a{number}"))
                pending_law = False
    if law is not None and pending_law:
        out.setdefault(f"《{law[0]}》", LawLink(f"《{law[0]}》", law[1]))
    return list(out.values())
