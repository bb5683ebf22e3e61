"""Loading the library, its pages (staff and public), the repealed-law banner, and search."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.statutes import selectors
from ecoenforce.statutes.models import Article, LawVersion
from ecoenforce.statutes.services import statutes_load
from tests.statutes.conftest import records

CODE = "中华人民共和国生态环境法典"
REPEALED = ("EPL", "AIR", "WATER", "EIA", "SOLID", "NOISE", "SOIL", "RAD", "MARINE", "CLEANPROD")


def test_load_is_idempotent_and_audited_once(library: Any) -> None:
    assert len(library.created) == 15 and not library.updated
    assert Article.objects.filter(version__law__code="CODE").count() == 1242
    events = AuditEvent.objects.filter(action="statutes.load").count()
    again = statutes_load(records=list(records()))
    assert (again.created, again.updated, again.articles) == ([], [], 0)
    assert len(again.unchanged) == 15
    assert AuditEvent.objects.filter(action="statutes.load").count() == events == 1


def test_the_ten_repealed_laws_end_the_day_before_the_code(library: Any) -> None:
    for code in REPEALED:
        v = LawVersion.objects.get(law__code=code)
        assert (v.in_force_to, v.repealed_since) == (date(2026, 8, 14), date(2026, 8, 15)), code
        assert (v.repealed_by.name, v.repealed_by_article) == (CODE, 1242), code
    assert LawVersion.objects.get(law__code="PERMIT").repealed_by is None


def test_repealed_law_page_says_by_what_and_since_when(library: Any) -> None:
    page = Client().get("/public/laws/AIR/").content.decode()
    assert "本法已被" in page and f"《{CODE}》</a>第一千二百四十二条废止" in page
    assert "自2026年8月15日起不再施行（施行至2026年8月14日）" in page
    assert 'href="/public/laws/CODE/?a=1242#a1242"' in page
    code_page = Client().get("/public/laws/CODE/", {"a": 1242}).content.decode()
    assert "本法已被" not in code_page
    assert 'id="a1242"' in code_page and 'id="a1060"' in code_page  # both in 第五编
    assert 'id="a1"' not in code_page  # 第一编 is another page
    first = Client().get("/public/laws/CODE/").content.decode()
    assert 'id="a1"' in first and 'id="a1060"' not in first
    assert Client().get("/public/laws/CODE/", {"part": 3}).content.decode().count("第三编　生态保护") >= 1
    air = Client().get("/public/laws/AIR/").content.decode()
    assert 'id="a99"' in air and "分编浏览" not in air  # a law without parts is shown whole


def test_search_finds_an_article_by_a_chinese_phrase(library: Any) -> None:
    hits, truncated = selectors.search("按日连续处罚 组织复查")
    assert not truncated
    # The Code's article and the repealed laws' articles it replaced; law order, then article order.
    assert [(a.version.law.code, a.number) for a in hits] == [
        ("CODE", 1060), ("WATER", 95), ("SOLID", 119), ("PERMIT", 38)
    ]
    page = Client().get("/public/laws/search/", {"q": "拒绝、阻挠监督检查 弄虚作假"}).content.decode()
    assert "第一千二百二十九条" in page and "<mark>弄虚作假</mark>" in page


def test_search_by_heading_and_within_one_law(library: Any) -> None:
    hits, _ = selectors.search("第一千零六十条")
    assert [(a.version.law.code, a.number) for a in hits] == [("CODE", 1060)]
    law = selectors.law_by_code("AIR")
    hits, _ = selectors.search("排污许可证", law)
    assert hits and all(a.version.law.code == "AIR" for a in hits)


def test_search_bad_input_answers_in_chinese(library: Any) -> None:
    client = Client()
    page = client.get("/public/laws/search/", {"q": "长" * 101}).content.decode()
    assert "检索词过长" in page
    assert client.get("/public/laws/search/", {"q": "按日", "law": "NOPE"}).status_code == 404
    page = client.get("/public/laws/search/", {"q": "完全不存在的词语组合"}).content.decode()
    assert "没有找到" in page


def test_resolve_a_legal_basis_to_its_stored_article(library: Any) -> None:
    a = selectors.resolve(CODE, "第一千零六十条")
    assert a is not None and a.number == 1060
    old = selectors.resolve("中华人民共和国大气污染防治法", "第九十九条", on=date(2026, 3, 1))
    assert old is not None and old.version.law.code == "AIR"
    assert selectors.resolve("中华人民共和国大气污染防治法", "第九十九条", on=date(2026, 9, 1)) is None
    assert selectors.resolve(CODE, "第一万条") is None


@pytest.mark.parametrize("role", ["officer", "legal_reviewer", "supervisor"])
def test_staff_read_the_library_after_login(world: Any, library: Any, role: str) -> None:
    client = Client()
    assert client.get("/laws/").status_code == 302
    client.force_login(world.user("county_a", role))
    assert client.get("/laws/").status_code == 200
    assert "第一千零六十条" in client.get("/laws/CODE/").content.decode()


def test_administrators_are_sent_to_the_public_pages(world: Any, library: Any) -> None:
    client = Client()
    client.force_login(world.user("city", "sysadmin"))
    assert client.get("/laws/").status_code == 403
    assert client.get("/public/laws/").status_code == 200
