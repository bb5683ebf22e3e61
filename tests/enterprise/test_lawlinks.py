"""普法 links: each article a legal basis cites points at that article of the public statute library;
an article cited after a 《law》 belongs to it; a law the library does not hold is not linked."""

from __future__ import annotations

from ecoenforce.enterprise.lawlinks import law_links
from ecoenforce.statutes.selectors import LawStatus


def _status(code: str, name: str) -> LawStatus:
    return LawStatus(
        code=code,
        name=name,
        repealed_since=None,
        repealed_by="",
        repealed_by_code="",
        repealed_by_article=None,
    )


INDEX = {
    "中华人民共和国生态环境法典": _status("code", "中华人民共和国生态环境法典"),
    "中华人民共和国行政处罚法": _status("apl", "中华人民共和国行政处罚法"),
}


def test_each_cited_article_links_to_its_place_in_the_public_library() -> None:
    links = law_links(
        "《生态环境法典》第一千零八十七条：“未遵守监测规范”；第一千零八十八条：“弄虚作假”", INDEX
    )
    assert [(link.text, link.url) for link in links] == [
        ("《生态环境法典》第一千零八十七条", "/public/laws/code/?a=1087#a1087"),
        ("《生态环境法典》第一千零八十八条", "/public/laws/code/?a=1088#a1088"),
    ]


def test_unknown_laws_and_bare_articles_are_not_linked_and_a_bare_law_links_whole() -> None:
    links = law_links("环境保护部令第29号第十九条；《某某条例》第三条；《中华人民共和国行政处罚法》", INDEX)
    assert [(link.text, link.url) for link in links] == [
        ("《中华人民共和国行政处罚法》", "/public/laws/apl/")
    ]
    assert law_links("", INDEX) == []
