"""The catalog under the 生态环境法典: verbatim texts, every cited article stored, the mapping table,
the loader's refusals, and publication through the workflow from 2026-08-15."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from tests.statutes.conftest import records

from ecoenforce.audit.models import AuditEvent
from ecoenforce.catalog import code_mapping, selectors
from ecoenforce.catalog.models import CatalogVersion, VersionStatus
from ecoenforce.catalog.services import catalog_load_starter
from ecoenforce.catalog.services.code import (
    CODE_CATALOG,
    Actors,
    Filing,
    catalog_load_code,
    code_catalog_items,
)
from ecoenforce.org.permissions import Refused
from ecoenforce.statutes import selectors as statutes
from ecoenforce.statutes.services import statutes_load

DOC = Path(__file__).resolve().parents[2] / "docs" / "code-mapping.md"
STARTER = CODE_CATALOG.parent / "starter_catalog.yaml"
REPEALED = {"EPL", "AIR", "WATER", "EIA", "SOLID", "NOISE", "SOIL", "RAD"}
DAY_BEFORE, CODE_DAY = date(2026, 8, 14), date(2026, 8, 15)


def _yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def library(db: Any) -> Any:
    return statutes_load(records=list(records()))


def _bases(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(i["code"], doc["laws"][b["law"]]["name"], b) for i in doc["items"] for b in i["legal_basis"]]


def test_every_code_quote_is_verbatim_in_the_stored_code(library: Any) -> None:
    checked = 0
    for code, law, basis in _bases(_yaml(CODE_CATALOG)):
        if basis["law"] != "CODE":
            continue
        article = statutes.resolve(law, basis["article"], on=CODE_DAY)
        assert article is not None, (code, basis["article"])
        for part in basis["text"].split("……"):
            assert part in article.text, (code, article.heading, part[:40])
            checked += 1
    assert checked > 150


@pytest.mark.parametrize(("path", "on"), [(STARTER, DAY_BEFORE), (CODE_CATALOG, CODE_DAY)])
def test_every_article_a_catalog_names_is_stored_and_in_force(library: Any, path: Path, on: date) -> None:
    """Starter items resolve to the laws in force on 2026-08-14, the Code catalog's on 2026-08-15."""
    missing = [
        (code, law, basis["article"])
        for code, law, basis in _bases(_yaml(path))
        if statutes.resolve(law, basis["article"], on=on) is None
    ]
    assert missing == []


def test_the_starter_catalog_cites_repealed_laws_no_longer_in_force_on_the_code_day(library: Any) -> None:
    doc = _yaml(STARTER)
    stale = {
        b["law"] for _, law, b in _bases(doc) if statutes.resolve(law, b["article"], on=CODE_DAY) is None
    }
    assert stale == REPEALED


def _table_marks() -> Counter[str]:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if re.match(r"^\| [A-Z—]", line)]
    return Counter(line.rstrip(" |").rsplit("| ", 1)[1] for line in rows)


def test_counts_of_mapped_new_and_gone_items_against_the_mapping_table() -> None:
    starter, code = _yaml(STARTER), _yaml(CODE_CATALOG)
    repealed = {i["code"] for i in starter["items"] if i["code"].split("-")[0] in REPEALED}
    mapped = {p for i in code["items"] for p in i["predecessors"] if p in repealed}
    gone = {g["code"] for g in code["gone"]}
    new = {i["code"] for i in code["items"] if not i["predecessors"]}
    assert (len(repealed), len(mapped), len(gone), len(new)) == (70, 67, 3, 14)
    assert mapped | gone == repealed and not mapped & gone
    marks = _table_marks()
    assert marks["取消"] == len(gone) and marks["新增"] == len(new) and marks["沿用"] == 14
    text = DOC.read_text(encoding="utf-8")
    assert f"被法典条款替代的原事项 {len(mapped)} 项" in text and f"法典新增事项 {len(new)} 项" in text
    assert code_mapping.counts(code_mapping.rows()) | {"rows": 0} == {
        "mapped": 67,
        "kept": 14,
        "gone": 3,
        "new": 14,
        "rows": 0,
    }


def test_the_committed_mapping_table_is_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == code_mapping.render()


@pytest.mark.parametrize(
    ("old", "new", "mark"),
    [
        (
            {"kind": "amount", "min": 100000, "max": 1000000},
            {"kind": "amount", "min": 200000, "max": 1000000},
            "heavier",
        ),
        (
            {"kind": "amount", "min": 100000, "max": 1000000},
            {
                "kind": "amount",
                "min": 50000,
                "max": 200000,
                "escalation": {"kind": "amount", "min": 200000, "max": 1000000, "condition": "拒不改正的"},
            },
            "lighter",
        ),
        (
            {"kind": "amount", "min": 20000, "max": 200000},
            {"kind": "amount", "min": 20000, "max": 200000},
            "same",
        ),
        (
            {"kind": "amount", "min": 20000, "max": 200000},
            {"kind": "amount", "min": 20000, "max": 200000, "persons": {"min": 5000, "max": 50000}},
            "heavier",
        ),
        (
            {"kind": "amount", "min": None, "max": None},
            {"kind": "amount", "min": 20000, "max": 200000},
            "mixed",
        ),
        (
            {"kind": "multiple", "min": 3, "max": 5, "base": "treatment_cost"},
            {"kind": "amount", "min": 200000, "max": 2000000},
            "changed",
        ),
        ({"kind": "none"}, {"kind": "none"}, "same"),
    ],
)
def test_change_marks_follow_the_stated_rule(old: Any, new: Any, mark: str) -> None:
    assert code_mapping.compare(old, new) == mark


def _edited(tmp_path: Path, edit: Any) -> Path:
    doc = _yaml(CODE_CATALOG)
    edit(doc)
    path = tmp_path / "code_catalog.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _item(doc: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in doc["items"] if i["code"] == code)


def test_loader_refuses_a_code_article_that_does_not_exist(tmp_path: Path) -> None:
    path = _edited(tmp_path, lambda d: _item(d, "CODE-1102-1-1")["legal_basis"][1].update(article=1302))
    with pytest.raises(ValidationError) as exc:
        code_catalog_items(path)
    assert any("（CODE-1102-1-1）" in m and "生态环境法典没有第1302条" in m for m in exc.value.messages)


def test_loader_refuses_a_quote_that_is_not_verbatim(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        basis = _item(d, "CODE-1107-1-1")["legal_basis"][1]
        basis["text"] = basis["text"].replace("十万元以上一百万元以下", "十万元以上五十万元以下")

    with pytest.raises(ValidationError) as exc:
        code_catalog_items(_edited(tmp_path, edit))
    assert any("与法典第一千一百零七条原文不一致" in m for m in exc.value.messages)


def test_loader_refuses_an_unknown_predecessor(tmp_path: Path) -> None:
    path = _edited(tmp_path, lambda d: _item(d, "CODE-1108-1-0")["predecessors"].append("AIR-999-1"))
    with pytest.raises(ValidationError) as exc:
        code_catalog_items(path, base_codes={"AIR-99-3", "WATER-83-3"})
    assert any("AIR-999-1 不在被替代的清单版本中" in m for m in exc.value.messages)


def _actors(world: Any) -> Actors:
    return Actors(
        drafter=world.user("city", "team_leader"),
        reviewer=world.user("city", "legal_reviewer"),
        approver=world.user("city", "bureau_head"),
        publisher=world.user("city", "bureau_head"),
    )


def test_published_through_the_workflow_in_force_from_the_code_day(world: Any) -> None:
    city = world.units["city"]
    catalog_load_starter(unit=city, effective_from=date(2026, 1, 1))
    version = catalog_load_code(
        unit=city, actors=_actors(world), filing=Filing("廊坊市司法局", "廊司备〔2026〕8号")
    )
    assert (version.number, version.status, version.effective_from) == (2, VersionStatus.PUBLISHED, CODE_DAY)
    assert (version.filing_authority, version.filing_number) == ("廊坊市司法局", "廊司备〔2026〕8号")
    assert version.reviewed_by == world.user("city", "legal_reviewer")
    steps = list(
        AuditEvent.objects.filter(target_id=str(version.pk), target_type="catalog.catalogversion")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert steps == [
        "catalog.draft_create",
        "catalog.load_code",
        "catalog.submit",
        "catalog.legal_review",
        "catalog.approve",
        "catalog.publish",
    ]
    before = {e.code for e in selectors.effective_catalog(city, DAY_BEFORE).entries}
    after = {e.code: e for e in selectors.effective_catalog(city, CODE_DAY).entries}
    assert "AIR-99-1" in before and "CODE-1102-1-1" not in before
    assert "CODE-1102-1-1" in after and "AIR-99-1" not in after and "PERMIT-33-1" in after
    assert version.entries.get(code="CODE-1102-1-1").predecessors == ["AIR-99-1", "WATER-83-1", "SOLID-104-0"]
    assert len(version.removal_reasons) == 70
    assert "CODE-1102-1-1" in version.removal_reasons["AIR-99-1"]["reason"]


def test_the_drafter_cannot_review_his_own_catalog(world: Any) -> None:
    city = world.units["city"]
    catalog_load_starter(unit=city, effective_from=date(2026, 1, 1))
    drafter = world.user("city", "legal_reviewer")
    actors = Actors(
        drafter=drafter,
        reviewer=drafter,
        approver=world.user("city", "bureau_head"),
        publisher=world.user("city", "bureau_head"),
    )
    with pytest.raises(Refused):
        catalog_load_code(unit=city, actors=actors, filing=Filing("司法局", "1号"))
    assert not CatalogVersion.objects.filter(unit=city, status=VersionStatus.PUBLISHED, number=2).exists()


def test_needs_a_published_catalog_to_replace(world: Any) -> None:
    with pytest.raises(ValidationError, match="请先导入起步清单"):
        catalog_load_code(unit=world.units["city"], actors=_actors(world), filing=Filing("司法局", "1号"))


def test_the_command_loads_once(world: Any, capsys: Any) -> None:
    city = world.units["city"]
    catalog_load_starter(unit=city, effective_from=date(2026, 1, 1))
    call_command("catalog_load_code", unit=city.pk)
    call_command("catalog_load_code", unit=city.pk)
    out = capsys.readouterr().out
    assert "自2026年8月15日起施行" in out and "未重复导入" in out
    assert CatalogVersion.objects.filter(unit=city, status=VersionStatus.PUBLISHED).count() == 2


def test_item_pages_link_the_statute_and_mark_a_repealed_law(world: Any, library: Any) -> None:
    from django.test import Client

    city = world.units["city"]
    catalog_load_starter(unit=city, effective_from=date(2026, 1, 1))
    catalog_load_code(unit=city, actors=_actors(world), filing=Filing("廊坊市司法局", "1号"))
    staff = Client()
    staff.force_login(world.user("city", "officer"))
    old = staff.get("/catalog/items/AIR-99-1/", {"on": "2026-08-01"}).content.decode()
    assert "已废止：《中华人民共和国生态环境法典》第一千二百四十二条废止，自2026年8月15日起不再施行" in old
    assert 'href="/laws/AIR/?a=99#a99"' in old
    public = Client().get(f"/public/catalog/{city.pk}/items/CODE-1102-1-1/").content.decode()
    assert "替代原事项：AIR-99-1、WATER-83-1、SOLID-104-0" in public
    assert 'href="/public/laws/CODE/?a=1102#a1102"' in public and "已废止" not in public
    assert Client().get(f"/public/catalog/{city.pk}/items/AIR-99-1/").status_code == 404
