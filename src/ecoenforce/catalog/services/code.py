"""The catalog under the 生态环境法典 (data/code_catalog.yaml) as a new published version of a unit.

It goes through the normal workflow — draft (by a drafter), legal review (by a legal reviewer who
did not draft it), approval (bureau head), publication with the filing record — each step its own
audited service. The file is checked first, all errors at once: every item as the starter catalog's
items are checked, every 生态环境法典 article it cites must exist in the stored Code, every quoted
Code text must be verbatim in that article, and every predecessor must be an item of the version it
replaces. Nothing is written when the file is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.catalog import selectors
from ecoenforce.catalog.errors import CatalogError
from ecoenforce.catalog.models import CatalogEntry, CatalogVersion, EntryAction, today
from ecoenforce.catalog.sanction import load_yaml
from ecoenforce.catalog.services.starter import STARTER_ITEM_KEYS, _resolve_laws
from ecoenforce.catalog.services.validation import clean_entry_data, error_messages
from ecoenforce.catalog.services.versions import (
    _lock,
    _touch,
    version_approve,
    version_create_draft,
    version_legal_review,
    version_publish,
    version_snapshot,
    version_submit,
)
from ecoenforce.org.models import Unit, User
from ecoenforce.statutes.parse import heading
from ecoenforce.statutes.sources import read_laws

CODE_CATALOG = Path(__file__).resolve().parent.parent / "data" / "code_catalog.yaml"
CODE_LAW = "CODE"
CODE_IN_FORCE = date(2026, 8, 15)  # 生态环境法典 第一千二百四十二条
ITEM_KEYS = STARTER_ITEM_KEYS | {"predecessors"}


@dataclass
class CodeCatalog:
    meta: str
    effective_from: date
    items: list[dict[str, Any]]
    gone: dict[str, str]  # starter code → why it has no successor


@cache
def code_articles() -> dict[int, str]:
    """The stored Code's article texts by number (statutes/data/code, parsed once)."""
    law = next(r for r in read_laws() if r.code == CODE_LAW)
    return {a.number: a.text for a in law.versions[0].articles}


def check_code_bases(item: Mapping[str, Any], articles: Mapping[int, str]) -> list[str]:
    """Problems with the item's 生态环境法典 bases: unknown article, or a quote not in its article."""
    problems = []
    for basis in item.get("legal_basis") or []:
        if not isinstance(basis, Mapping) or basis.get("law") != CODE_LAW:
            continue
        number = basis.get("article")
        if not isinstance(number, int) or number not in articles:
            problems.append(
                f"生态环境法典没有第{number}条（法规库存储的法典共{len(articles)}条），请核对条号"
            )
            continue
        for part in str(basis.get("text") or "").split("……"):
            if part and part not in articles[number]:
                problems.append(f"引文「{part[:30]}…」与法典{heading(number)}原文不一致（须逐字摘录）")
    return problems


def _clean_item(item: Any, laws: Mapping[str, Any], articles: Mapping[int, str]) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise ValidationError("应为映射（键值对）")
    if unknown := sorted(str(k) for k in item if k not in ITEM_KEYS):
        raise ValidationError(f"未知字段：{'、'.join(unknown)}")
    if problems := check_code_bases(item, articles):
        raise ValidationError({"legal_basis": problems})
    predecessors = item.get("predecessors") or []
    if not isinstance(predecessors, list) or not all(isinstance(p, str) for p in predecessors):
        raise ValidationError("predecessors 应为事项编码列表")
    data = {k: v for k, v in item.items() if k != "predecessors"}
    clean = clean_entry_data(_resolve_laws(data, laws), action=EntryAction.ADD)
    return clean | {"predecessors": list(predecessors)}


def _document(path: Path) -> Mapping[str, Any]:
    try:
        doc = load_yaml(path)
    except CatalogError as exc:
        raise ValidationError(f"法典版清单文件无法读取：{exc}") from None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("items"), list) or not doc["items"]:
        raise ValidationError(f"法典版清单 {path.name} 格式错误：缺少 items 事项列表")
    if not isinstance(doc.get("laws"), Mapping):
        raise ValidationError(f"法典版清单 {path.name} 格式错误：缺少 laws 法律代码表")
    return doc


def code_catalog_items(path: Path = CODE_CATALOG, base_codes: set[str] | None = None) -> CodeCatalog:
    """Parse and check the whole file; one ValidationError listing every problem, each naming its item."""
    doc = _document(path)
    articles = code_articles()
    errors: list[str] = []
    items: list[dict[str, Any]] = []
    for number, item in enumerate(doc["items"], start=1):
        code = item.get("code") if isinstance(item, Mapping) else None
        where = f"第{number}项" + (f"（{code}）" if code else "")
        try:
            clean = _clean_item(item, doc["laws"], articles)
        except ValidationError as exc:
            errors.extend(f"{where} {m}" for m in error_messages(exc))
            continue
        if any(c["code"] == clean["code"] for c in items):
            errors.append(f"{where} 事项编码：{clean['code']} 重复")
        unknown = [p for p in clean["predecessors"] if base_codes is not None and p not in base_codes]
        if unknown:
            errors.append(f"{where} 前身事项 {'、'.join(unknown)} 不在被替代的清单版本中")
        items.append(clean)
    gone = {str(g.get("code")): str(g.get("reason") or "") for g in doc.get("gone") or []}
    if errors:
        raise ValidationError(
            [f"法典版清单 {path.name} 有 {len(errors)} 处错误，整个文件未导入：", *errors[:100]]
        )
    effective = doc.get("effective_from") or CODE_IN_FORCE
    meta = f"{doc.get('catalog', '')} {doc.get('version', '')}".strip()
    return CodeCatalog(meta=meta, effective_from=effective, items=items, gone=gone)


def _removal_reasons(base: CatalogVersion, catalog: CodeCatalog) -> dict[str, dict[str, str]]:
    successors: dict[str, list[str]] = {}
    for item in catalog.items:
        for p in item["predecessors"]:
            successors.setdefault(p, []).append(item["code"])
    kept = {i["code"] for i in catalog.items}
    reasons = {}
    for entry in base.entries.exclude(code__in=kept):
        if entry.code in successors:
            reason = (
                "所依据的法律已被生态环境法典废止，由法典事项 " + "、".join(successors[entry.code]) + " 替代"
            )
        else:
            reason = catalog.gone.get(entry.code) or "所依据的法律已被生态环境法典废止"
        reasons[entry.code] = {"name": entry.name, "reason": reason}
    return reasons


def _replace_entries(version: CatalogVersion, catalog: CodeCatalog, by: User, source: str) -> None:
    """The draft (a copy of the base version) takes the file's items; audited as one event."""
    with transaction.atomic():
        version = _lock(version)
        _touch(version)
        before = version_snapshot(version)
        assert version.based_on is not None
        version.removal_reasons = _removal_reasons(version.based_on, catalog)
        version.save(update_fields=["removal_reasons"])
        version.entries.all().delete()
        CatalogEntry.objects.bulk_create(
            [
                CatalogEntry(
                    version=version,
                    position=i,
                    action=EntryAction.ADD,
                    updated_by=by,
                    change_reason="生态环境法典施行",
                    **data,
                )
                for i, data in enumerate(catalog.items, start=1)
            ]
        )
        after = version_snapshot(version) | {"source": source, "removed": sorted(version.removal_reasons)}
        audit_record(actor=by, action="catalog.load_code", target=version, before=before, after=after)


@dataclass
class Actors:
    drafter: User
    reviewer: User
    approver: User
    publisher: User


@dataclass
class Filing:
    authority: str
    number: str
    on: date | None = None


def catalog_load_code(
    *, unit: Unit, actors: Actors, filing: Filing, path: Path | None = None
) -> CatalogVersion:
    """Load data/code_catalog.yaml as `unit`'s next published version, in force from 2026-08-15."""
    path = path or CODE_CATALOG
    base = selectors.latest_published(unit)
    if base is None:
        raise ValidationError(f"{unit.name}还没有已发布的执法事项清单，请先导入起步清单")
    catalog = code_catalog_items(path, base_codes=set(base.entries.values_list("code", flat=True)))
    reason = (
        "《中华人民共和国生态环境法典》自2026年8月15日起施行，第一千二百四十二条同时废止环境保护法等十部法律："
        "依据被废止法律的事项改按法典条款，新增法典规定的处罚事项（对照表见法典版清单）。"
    )
    version = version_create_draft(unit=unit, by=actors.drafter, label="生态环境法典版", change_reason=reason)
    _replace_entries(version, catalog, actors.drafter, path.name)
    version = version_submit(version=version, by=actors.drafter)
    version = version_legal_review(
        version=version,
        by=actors.reviewer,
        approve=True,
        opinion="已逐项核对法典条文（引文与法规库存储的法典原文一致）和事项对照表。",
    )
    version = version_approve(version=version, by=actors.approver, opinion="同意发布。")
    return version_publish(
        version=version,
        by=actors.publisher,
        effective_from=catalog.effective_from,
        filing_authority=filing.authority,
        filing_number=filing.number,
        filing_date=filing.on or today(),
        in_force_by_law="《中华人民共和国生态环境法典》第一千二百四十二条：本法自2026年8月15日起施行。",
    )
