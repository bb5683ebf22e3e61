"""The one write of the statute library: load data/laws.yaml (idempotent), audited in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.org.permissions import authorize
from ecoenforce.statutes.models import Article, Item, Law, LawVersion, Paragraph
from ecoenforce.statutes.sources import LawRecord, VersionRecord, read_laws


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    articles: int = 0


def _store_articles(version: LawVersion, record: VersionRecord) -> int:
    articles = Article.objects.bulk_create(
        [
            Article(
                version=version,
                number=a.number,
                heading=a.heading,
                part=a.part,
                subpart=a.subpart,
                chapter=a.chapter,
                section=a.section,
                text=a.text,
            )
            for a in record.articles
        ]
    )
    paragraphs: list[Paragraph] = []
    pending_items: list[list[str]] = []
    for article, parsed in zip(articles, record.articles, strict=True):
        for p in parsed.paragraphs:
            paragraphs.append(Paragraph(article=article, number=p.number, text=p.text))
            pending_items.append(p.items)
    Paragraph.objects.bulk_create(paragraphs)
    Item.objects.bulk_create(
        [
            Item(paragraph=paragraph, number=n, text=text)
            for paragraph, texts in zip(paragraphs, pending_items, strict=True)
            for n, text in enumerate(texts, start=1)
        ]
    )
    return len(articles)


def _version_fields(record: VersionRecord, laws: dict[str, Law]) -> dict[str, Any]:
    return {
        "adopted": record.adopted,
        "in_force_from": record.in_force_from,
        "in_force_to": record.in_force_to,
        "repealed_by": laws.get(record.repealed_by) if record.repealed_by else None,
        "repealed_by_article": record.repealed_by_article,
        "repealed_since": record.repealed_since,
        "complete": record.complete,
        "source": record.source,
        "note": record.note,
        "digest": record.digest,
    }


def _load_law(record: LawRecord, laws: dict[str, Law], report: LoadReport) -> None:
    law = laws[record.code]
    for v in record.versions:
        name = f"{law.name}（{v.label}）"
        version = LawVersion.objects.filter(law=law, label=v.label).first()
        if version is not None and version.digest == v.digest:
            report.unchanged.append(name)
            continue
        if version is None:
            version = LawVersion(law=law, label=v.label)
            report.created.append(name)
        else:
            version.articles.all().delete()
            report.updated.append(name)
        for key, value in _version_fields(v, laws).items():
            setattr(version, key, value)
        version.full_clean()
        version.save()
        report.articles += _store_articles(version, v)


def statutes_load(*, by: Any = None, records: list[LawRecord] | None = None) -> LoadReport:
    """Load every law of data/laws.yaml. Unchanged versions are left alone (same digest); a changed
    version's articles are replaced. `by=None` only from set-up commands and tests."""
    if by is not None:
        authorize(by, "statutes.load", None, action="statutes.load")
    records = records if records is not None else read_laws()
    report = LoadReport()
    with transaction.atomic():
        laws: dict[str, Law] = {}
        for r in records:
            law, _ = Law.objects.update_or_create(code=r.code, defaults={"name": r.name, "kind": r.kind})
            laws[r.code] = law
        for r in records:
            _load_law(r, laws, report)
        if report.created or report.updated:
            audit_record(
                actor=by,
                action="statutes.load",
                target=("statutes.Law", 0, "法规库"),
                after={"created": report.created, "updated": report.updated, "articles": report.articles},
            )
    return report
