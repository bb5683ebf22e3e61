"""Statute text in Markdown → articles, paragraphs (款) and items (项). Pure: imports no Django.

The Code's files (data/code/*.md, copied unchanged from the public repository named in SOURCE.md)
write a part as `# 第五编　…`, a sub-part as `## 第一分编　…`, a chapter as `### 第一章　…`, a section
as `#### 第一节　…`, and an article as `**第一千零六十条**　text`; each later non-empty line up to
the next article or heading is a paragraph, except lines opening with `（一）`, which are items
of the paragraph before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_DIGIT = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9
}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千"


def cn_to_int(text: str) -> int:
    """一千零六十 → 1060, 十五 → 15, 二百零一 → 201 (numerals as statutes write them, below 10,000)."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGIT and ch not in _UNIT for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, None
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        else:
            total += (1 if digit is None else digit) * _UNIT[ch]
            digit = None
    return total + (digit or 0)


def int_to_cn(n: int) -> str:
    """1060 → 一千零六十, 15 → 十五, 100 → 一百 (the inverse of cn_to_int, below 10,000)."""
    if not 0 < n < 10000:
        raise ValueError(f"article number out of range: {n}")
    digits = "零一二三四五六七八九"
    out, zero = "", False
    for d, unit in zip(f"{n:04d}", ("千", "百", "十", ""), strict=True):
        if d == "0":
            zero = bool(out)
            continue
        if zero:
            out, zero = out + "零", False
        out += digits[int(d)] + unit
    return out[1:] if out.startswith("一十") else out


def heading(n: int) -> str:
    """1060 → 第一千零六十条."""
    return f"第{int_to_cn(n)}条"


@dataclass
class ParsedParagraph:
    number: int
    text: str
    items: list[str] = field(default_factory=list)


@dataclass
class ParsedArticle:
    number: int
    heading: str
    part: str = ""
    subpart: str = ""
    chapter: str = ""
    section: str = ""
    paragraphs: list[ParsedParagraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The article's full text, paragraphs and items one per line, as the source writes it."""
        lines: list[str] = []
        for p in self.paragraphs:
            lines.append(p.text)
            lines.extend(p.items)
        return "\n".join(lines)


ARTICLE_RE = re.compile(rf"^\*\*第([{_CN}]+)条\*\*[\s　]*(.*)$")
ITEM_RE = re.compile(rf"^（[{_CN}]+）")
_LEVELS = {"#": "part", "##": "subpart", "###": "chapter", "####": "section"}
_BELOW = {
    "part": ("subpart", "chapter", "section"),
    "subpart": ("chapter", "section"),
    "chapter": ("section",),
}


class StatuteParseError(ValueError):
    """A line the parser cannot place; the message names file and line."""


def _body_lines(text: str) -> Iterable[tuple[int, str]]:
    """Lines outside the front matter (--- … ---) and `::: tip` boxes, with their line numbers."""
    lines = text.splitlines()
    skip_until = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if number == 1 and line == "---":
            skip_until = "---"
            continue
        if skip_until is not None:
            if line == skip_until:
                skip_until = None
            continue
        if line.startswith(":::"):
            skip_until = ":::"
            continue
        yield number, line


def parse_markdown(text: str, *, source: str = "") -> list[ParsedArticle]:
    """Every article of one Markdown file, in order, with its part/chapter/section."""
    where: dict[str, str] = {"part": "", "subpart": "", "chapter": "", "section": ""}
    articles: list[ParsedArticle] = []
    for number, line in _body_lines(text):
        if not line:
            continue
        marks, _, title = line.partition(" ")
        if marks in _LEVELS:
            level = _LEVELS[marks]
            where[level] = title.strip()
            for lower in _BELOW.get(level, ()):
                where[lower] = ""
            continue
        if m := ARTICLE_RE.match(line):
            num = cn_to_int(m.group(1))
            articles.append(
                ParsedArticle(
                    number=num,
                    heading=f"第{m.group(1)}条",
                    part=where["part"],
                    subpart=where["subpart"],
                    chapter=where["chapter"],
                    section=where["section"],
                )
            )
            articles[-1].paragraphs.append(ParsedParagraph(number=1, text=m.group(2).strip()))
            continue
        if not articles:
            if line.startswith("#") or line.startswith("20"):  # the title and the adoption line
                continue
            raise StatuteParseError(f"{source}:{number}: text before the first article: {line[:30]}")
        article = articles[-1]
        if ITEM_RE.match(line):
            article.paragraphs[-1].items.append(line)
        else:
            article.paragraphs.append(ParsedParagraph(number=len(article.paragraphs) + 1, text=line))
    return articles


def check_sequence(articles: list[ParsedArticle], *, first: int = 1) -> list[str]:
    """Gaps or repeats in the article numbers (a file that lost or doubled an article)."""
    problems: list[str] = []
    expected = first
    for a in articles:
        if a.number != expected:
            problems.append(f"expected article {expected}, found {a.number}")
        expected = a.number + 1
    return problems
