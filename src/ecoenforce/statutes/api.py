"""Statute library API (read-only): one article by law and number, and search. Public law: every
signed-in user or token holder with `statutes.view` reads every law; no jurisdiction applies."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from ecoenforce.org.permissions import authorize
from ecoenforce.statutes import selectors
from ecoenforce.statutes.models import Article

router = Router()


class ParagraphOut(Schema):
    number: int
    text: str
    items: list[str]


class ArticleOut(Schema):
    law_code: str
    law: str
    version: str
    in_force_from: date | None
    in_force_to: date | None
    repealed_since: date | None
    number: int
    heading: str
    part: str
    chapter: str
    section: str
    text: str
    paragraphs: list[ParagraphOut]
    complete: bool


class SearchIn(Schema):
    q: str = Field(..., min_length=1, max_length=selectors.MAX_QUERY, pattern=r"^[^\x00]*$")
    law: str = Field("", max_length=16, pattern=r"^[A-Z]*$")


class SearchOut(Schema):
    hits: list[ArticleOut]
    truncated: bool


def _out(a: Article) -> ArticleOut:
    v = a.version
    return ArticleOut(
        law_code=v.law.code,
        law=v.law.name,
        version=v.label,
        in_force_from=v.in_force_from,
        in_force_to=v.in_force_to,
        repealed_since=v.repealed_since,
        number=a.number,
        heading=a.heading,
        part=a.part,
        chapter=a.chapter,
        section=a.section,
        text=a.text,
        complete=v.complete,
        paragraphs=[
            ParagraphOut(number=p.number, text=p.text, items=[i.text for i in p.items.all()])
            for p in a.paragraphs.all()
        ],
    )


@router.get("/laws/{code}/articles/{number}", response=ArticleOut, summary="一条条文（指定日期施行的版本）")
def article(request: HttpRequest, code: str, number: int, on: date | None = None) -> ArticleOut:
    authorize(request.user, "statutes.view", action="statutes.view")
    law = selectors.law_by_code(code)
    found = selectors.resolve(law.name, number, on=on)
    if found is None:
        raise Http404
    return _out(selectors.with_paragraphs([found])[0])


@router.get("/search", response=SearchOut, summary="条文检索（每个词都须出现在条文中）")
def search(request: HttpRequest, params: Query[SearchIn]) -> SearchOut:
    authorize(request.user, "statutes.view", action="statutes.view")
    law = selectors.law_by_code(params.law) if params.law else None
    hits, truncated = selectors.search(params.q, law)
    return SearchOut(hits=[_out(a) for a in selectors.with_paragraphs(hits)], truncated=truncated)
