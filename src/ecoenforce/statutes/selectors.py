"""Reads of the statute library. Public law: no jurisdiction applies, every reader sees every law.

Search is a plain substring match (every space-separated term must occur in the article's text or
heading), which gives the same results on SQLite and PostgreSQL for Chinese text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from ecoenforce.statutes.models import Article, Law, LawVersion, Paragraph
from ecoenforce.statutes.parse import cn_to_int

SEARCH_LIMIT = 200
MAX_QUERY = 100
_ARTICLE_NO = re.compile(r"^第?([零〇一二两三四五六七八九十百千0-9]+)条?$")


@dataclass
class LawRow:
    law: Law
    current: LawVersion | None  # the newest version
    articles: int

    @property
    def repealed(self) -> bool:
        return self.current is not None and self.current.repealed_since is not None


def law_rows() -> list[LawRow]:
    versions = LawVersion.objects.select_related("repealed_by").annotate(n=Count("articles"))
    rows = []
    for law in Law.objects.prefetch_related(Prefetch("versions", queryset=versions)).order_by("pk"):
        vs = list(law.versions.all())
        count = sum(getattr(v, "n", 0) for v in vs)
        rows.append(LawRow(law=law, current=vs[0] if vs else None, articles=count))
    return rows


def law_by_code(code: str) -> Law:
    law = Law.objects.filter(code=code).first()
    if law is None:
        raise Http404("没有这部法律法规")
    return law


def versions_of(law: Law) -> list[LawVersion]:
    return list(law.versions.select_related("repealed_by").order_by("-in_force_from", "-pk"))


def version_articles(version: LawVersion, part: str | None = None) -> QuerySet[Article]:
    paragraphs = Paragraph.objects.prefetch_related("items")
    qs = version.articles.all() if part is None else version.articles.filter(part=part)
    return qs.prefetch_related(Prefetch("paragraphs", queryset=paragraphs)).order_by("number")


def parts_of(version: LawVersion) -> list[str]:
    """The version's parts (编) in article order; empty for a law without parts."""
    rows = version.articles.exclude(part="").order_by("number").values_list("part", flat=True)
    return list(dict.fromkeys(rows))


def part_of(version: LawVersion, number: int) -> str | None:
    return version.articles.filter(number=number).values_list("part", flat=True).first()


def version_in_force(law: Law, day: date) -> LawVersion | None:
    return next((v for v in versions_of(law) if v.in_force_on(day)), None)


def article_number(text: str) -> int | None:
    """第一千零六十条 / 一千零六十 / 1060 → 1060; anything else → None."""
    m = _ARTICLE_NO.match(text.strip())
    if m is None:
        return None
    try:
        return cn_to_int(m.group(1))
    except ValueError:
        return None


def resolve(law_name: str, article: str | int, *, on: date | None = None) -> Article | None:
    """The stored article a legal basis names: law by its full name, article by number or heading;
    the version in force on `on` when given, else the newest version holding that article."""
    number = article if isinstance(article, int) else article_number(article)
    if number is None:
        return None
    qs = Article.objects.filter(version__law__name=law_name.strip("《》 "), number=number)
    if on is not None:
        qs = qs.filter(Q(version__in_force_from__isnull=True) | Q(version__in_force_from__lte=on))
        qs = qs.filter(Q(version__in_force_to__isnull=True) | Q(version__in_force_to__gte=on))
    return qs.select_related("version__law").order_by("-version__in_force_from").first()


def search(query: str, law: Law | None = None) -> tuple[list[Article], bool]:
    """Articles whose text or heading holds every term of `query`; (hits, truncated)."""
    terms = [t for t in query.replace("\u3000", " ").split() if t][:5]
    if not terms:
        return [], False
    qs = Article.objects.select_related("version__law")
    if law is not None:
        qs = qs.filter(version__law=law)
    for term in terms:
        number = article_number(term) if term.startswith("第") and term.endswith("条") else None
        qs = qs.filter(number=number) if number is not None else qs.filter(text__contains=term)
    hits = list(qs.order_by("version__law_id", "version_id", "number")[: SEARCH_LIMIT + 1])
    return hits[:SEARCH_LIMIT], len(hits) > SEARCH_LIMIT


@dataclass(frozen=True)
class LawStatus:
    """What a page citing a law needs: where its text is, and whether (since when, by what) it is repealed."""

    code: str
    name: str
    repealed_since: date | None
    repealed_by: str
    repealed_by_code: str
    repealed_by_article: int | None


def law_index() -> dict[str, LawStatus]:
    """Every stored law by its full name, with its newest version's repeal (one query)."""
    out: dict[str, LawStatus] = {}
    versions = LawVersion.objects.select_related("law", "repealed_by").order_by("law_id", "-in_force_from")
    for v in versions:
        if v.law.name in out:
            continue
        out[v.law.name] = LawStatus(
            code=v.law.code,
            name=v.law.name,
            repealed_since=v.repealed_since,
            repealed_by=v.repealed_by.name if v.repealed_by else "",
            repealed_by_code=v.repealed_by.code if v.repealed_by else "",
            repealed_by_article=v.repealed_by_article,
        )
    return out


def with_paragraphs(articles: list[Article]) -> list[Article]:
    """The same articles, in the same order, with paragraphs and items fetched in two queries."""
    by_pk = {
        a.pk: a
        for a in Article.objects.filter(pk__in=[a.pk for a in articles])
        .select_related("version__law")
        .prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.prefetch_related("items")))
    }
    return [by_pk[a.pk] for a in articles]
