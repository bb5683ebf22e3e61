"""Read data/laws.yaml and the texts it names into plain records. Pure: imports no Django.

A law version's articles come from Markdown files (the Code, full text) or, for the statutes the
starter catalog quotes, from the quotes themselves (`excerpts: starter_catalog`): each quoted
(article, paragraph) becomes a paragraph of that article, the wording exactly as quoted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .parse import ParsedArticle, ParsedParagraph, StatuteParseError, check_sequence, heading, parse_markdown

DATA_DIR = Path(__file__).resolve().parent / "data"
LAWS_FILE = DATA_DIR / "laws.yaml"
STARTER_CATALOG = DATA_DIR.parent.parent / "catalog" / "data" / "starter_catalog.yaml"


@dataclass
class VersionRecord:
    label: str
    adopted: dt.date | None
    in_force_from: dt.date | None
    in_force_to: dt.date | None
    repealed_by: str | None  # law code
    repealed_by_article: int | None
    repealed_since: dt.date | None
    complete: bool
    source: str
    note: str
    articles: list[ParsedArticle] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """A hash of everything stored for the version, so a reload of unchanged data writes nothing."""
        payload = {k: v for k, v in asdict(self).items()}
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class LawRecord:
    code: str
    name: str
    kind: str
    versions: list[VersionRecord]


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise StatuteParseError(f"{where}: not a date: {value!r}") from None


def _starter_quotes(path: Path) -> dict[str, list[dict[str, Any]]]:
    """law code → the legal bases the starter catalog quotes from it."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, list[dict[str, Any]]] = {}
    for item in doc.get("items") or []:
        for basis in item.get("legal_basis") or []:
            out.setdefault(str(basis["law"]), []).append(basis)
    return out


def excerpt_articles(bases: list[dict[str, Any]]) -> list[ParsedArticle]:
    """One article per quoted article number; one paragraph per distinct quote, numbered as quoted."""
    articles: dict[int, ParsedArticle] = {}
    for basis in bases:
        number = int(basis["article"])
        article = articles.setdefault(number, ParsedArticle(number=number, heading=heading(number)))
        text = str(basis.get("text") or "").strip()
        if text and all(p.text != text for p in article.paragraphs):
            article.paragraphs.append(ParsedParagraph(number=int(basis.get("paragraph") or 1), text=text))
    for article in articles.values():
        article.paragraphs.sort(key=lambda p: p.number)
    return [articles[n] for n in sorted(articles)]


def _version(law_code: str, raw: Mapping[str, Any], quotes: dict[str, list[dict[str, Any]]]) -> VersionRecord:
    where = f"laws.yaml {law_code} {raw.get('label')}"
    repealed = raw.get("repealed_by") or {}
    record = VersionRecord(
        label=str(raw["label"]),
        adopted=_date(raw.get("adopted"), where),
        in_force_from=_date(raw.get("in_force_from"), where),
        in_force_to=_date(raw.get("in_force_to"), where),
        repealed_by=repealed.get("law"),
        repealed_by_article=repealed.get("article"),
        repealed_since=_date(repealed.get("since"), where),
        complete=bool(raw.get("files")),
        source=str(raw.get("source") or ""),
        note=str(raw.get("note") or ""),
    )
    for name in raw.get("files") or []:
        path = DATA_DIR / name
        record.articles += parse_markdown(path.read_text(encoding="utf-8"), source=name)
    if raw.get("files") and (problems := check_sequence(record.articles)):
        raise StatuteParseError(f"{where}: " + "; ".join(problems[:5]))
    if raw.get("excerpts") == "starter_catalog":
        record.articles = excerpt_articles(quotes.get(law_code, []))
        record.source = record.source or "执法事项起步清单引用的条文（引文与清单一致，未收录全文）"
    return record


def read_laws(path: Path = LAWS_FILE, starter: Path = STARTER_CATALOG) -> list[LawRecord]:
    """Every law of laws.yaml with its versions and articles; raises StatuteParseError naming the place."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for 2026-13-45
        raise StatuteParseError(f"{path.name}: cannot be read: {exc}") from None
    quotes = _starter_quotes(starter)
    laws = [
        LawRecord(
            code=str(raw["code"]),
            name=str(raw["name"]),
            kind=str(raw["kind"]),
            versions=[_version(str(raw["code"]), v, quotes) for v in raw["versions"]],
        )
        for raw in doc["laws"]
    ]
    codes = {law.code for law in laws}
    for law in laws:
        for v in law.versions:
            if v.repealed_by is not None and v.repealed_by not in codes:
                raise StatuteParseError(f"laws.yaml {law.code}: repealed by unknown law {v.repealed_by}")
    return laws
