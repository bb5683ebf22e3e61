"""The Markdown parser and the numerals, against the stored Code (pure: no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecoenforce.statutes.parse import (
    StatuteParseError,
    check_sequence,
    cn_to_int,
    heading,
    int_to_cn,
    parse_markdown,
)
from ecoenforce.statutes.sources import DATA_DIR, excerpt_articles, read_laws
from tests.statutes.conftest import records


@pytest.mark.parametrize(
    ("text", "number"),
    [("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("一百零五", 105), ("一千零六十", 1060),
     ("一千二百四十二", 1242), ("一千零八十五", 1085), ("一百", 100), ("1060", 1060)],
)
def test_numerals_both_ways(text: str, number: int) -> None:
    assert cn_to_int(text) == number
    if not text.isdigit():
        assert int_to_cn(number) == text


def test_numerals_refuse_other_text() -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        cn_to_int("第十条")
    with pytest.raises(ValueError, match="out of range"):
        int_to_cn(0)


def test_the_code_has_1242_articles_in_sequence_with_its_structure() -> None:
    code = next(r for r in records() if r.code == "CODE")
    articles = {a.number: a for a in code.versions[0].articles}
    assert sorted(articles) == list(range(1, 1243))
    a1060 = articles[1060]
    assert a1060.heading == "第一千零六十条" == heading(1060)
    assert a1060.part == "第五编　法律责任和附则"
    assert (a1060.chapter, a1060.section) == ("第一章　法律责任通则", "第一节　一般规定")
    assert len(a1060.paragraphs) == 3
    assert a1060.paragraphs[0].text.startswith("企业事业单位和其他生产经营者违法排放、倾倒、处置污染物")
    a1237 = articles[1237]
    assert [len(p.items) for p in a1237.paragraphs] == [3, 0]
    assert a1237.paragraphs[0].items[0] == "（一）未及时通报或者报告；"
    assert "《中华人民共和国清洁生产促进法》同时废止" in articles[1242].text


def test_article_text_is_the_file_text_line_for_line() -> None:
    """What is stored is copied, not rewritten: every stored line is a line of the source file."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted((DATA_DIR / "code").glob("0*.md")))
    lines = set(source.splitlines())
    code = next(r for r in records() if r.code == "CODE")
    for article in code.versions[0].articles:
        first, *rest = article.text.splitlines()
        assert f"**{article.heading}**　{first}" in lines, article.heading
        assert all(line in lines for line in rest), article.heading


def test_text_before_the_first_article_is_refused_with_its_place() -> None:
    with pytest.raises(StatuteParseError, match=r"x\.md:3"):
        parse_markdown("# 第一编　总则\n\n这一行不属于任何条\n", source="x.md")


def test_excerpts_keep_each_distinct_quote_once() -> None:
    bases = [
        {"law": "AIR", "article": 99, "text": "甲"},
        {"law": "AIR", "article": 99, "text": "甲"},
        {"law": "AIR", "article": 99, "paragraph": 2, "text": "乙"},
        {"law": "AIR", "article": 18, "text": "丙"},
    ]
    articles = excerpt_articles(bases)
    assert [a.number for a in articles] == [18, 99]
    assert [(p.number, p.text) for p in articles[1].paragraphs] == [(1, "甲"), (2, "乙")]


def test_a_law_repealed_by_an_unknown_law_is_refused(tmp_path: Path) -> None:
    laws = tmp_path / "laws.yaml"
    laws.write_text(
        "laws:\n  - {code: AIR, name: 中华人民共和国大气污染防治法, kind: 法律, versions: [{label: 旧版, "
        "excerpts: none, repealed_by: {law: NOPE, article: 1, since: 2026-08-15}}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(StatuteParseError, match="repealed by unknown law NOPE"):
        read_laws(laws, starter=DATA_DIR.parent.parent / "catalog" / "data" / "starter_catalog.yaml")


def test_a_bad_date_is_refused_with_its_place(tmp_path: Path) -> None:
    laws = tmp_path / "laws.yaml"
    laws.write_text(
        "laws:\n  - {code: AIR, name: 大气法, kind: 法律, versions: [{label: 旧版, adopted: 2026-13-45}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(StatuteParseError, match=r"laws\.yaml: cannot be read: month must be in 1\.\.12"):
        read_laws(laws, starter=DATA_DIR.parent.parent / "catalog" / "data" / "starter_catalog.yaml")


def test_a_gap_in_the_article_numbers_is_found() -> None:
    articles = parse_markdown("**第一条**　甲\n\n**第三条**　丙\n")
    assert check_sequence(articles) == ["expected article 2, found 3"]
