"""Shared helpers of the catalog and portal tests (no tests here): a small starter catalog and the
lifecycle walked by the right roles. Imported as tests.catalog.test_catalog_support."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from ecoenforce.catalog import services
from ecoenforce.catalog.models import CatalogVersion, today

LAWS = {
    "AIR": {
        "name": "中华人民共和国大气污染防治法",
        "version_date": "2018-10-26",
        "path": "行政法/大气污染防治法.md",
    },
    "EIA": {
        "name": "中华人民共和国环境影响评价法",
        "version_date": "2018-12-29",
        "path": "行政法/环境影响评价法.md",
    },
    "EPL": {"name": "中华人民共和国环境保护法", "version_date": "2014-04-24", "path": "行政法/环境保护法.md"},
}

AIR_99_2 = {
    "code": "AIR-99-2",
    "name": "超过大气污染物排放标准或者超过重点大气污染物排放总量控制指标排放大气污染物",
    "power_type": "行政处罚",
    "category": "大气",
    "legal_basis": [
        {
            "law": "AIR",
            "article": 18,
            "clause": 0,
            "kind": "违法条款",
            "text": "向大气排放污染物的，应当符合大气污染物排放标准，遵守重点大气污染物排放总量控制要求。",
        },
        {
            "law": "AIR",
            "article": 99,
            "clause": 2,
            "kind": "处罚条款",
            "text": "……由县级以上人民政府生态环境主管部门责令改正或者限制生产、停产整治，"
            "并处十万元以上一百万元以下的罚款……",
        },
    ],
    "sanction": {
        "kind": "amount",
        "min": 100000,
        "max": 1000000,
        "base": None,
        "warning": False,
        "other_measures": ["责令改正或者限制生产、停产整治"],
        "serious": "情节严重的，报经有批准权的人民政府批准，责令停业、关闭",
        "daily_penalty": True,
    },
    "implementing_subject": "县级以上人民政府生态环境主管部门",
    "first_level": "设区的市",
    "township_delegable": False,
    "notes": "按日连续处罚：大气法第一百二十三条。",
}
EIA_31_1 = {
    "code": "EIA-31-1",
    "name": "建设单位未依法报批建设项目环境影响报告书、报告表，擅自开工建设",
    "power_type": "行政处罚",
    "category": "环评",
    "legal_basis": [
        {
            "law": "EIA",
            "article": 31,
            "paragraph": 1,
            "kind": "处罚条款",
            "text": "……处建设项目总投资额百分之一以上百分之五以下的罚款……",
        }
    ],
    "sanction": {
        "kind": "multiple",
        "min": 0.01,
        "max": 0.05,
        "base": "total_investment",
        "other_measures": ["责令停止建设"],
    },
    "implementing_subject": "县级以上生态环境主管部门",
    "first_level": "设区的市",
    "township_delegable": False,
    "notes": "",
}
AIR_100_3 = {
    "code": "AIR-100-3",
    "name": "未按照规定安装、使用大气污染物排放自动监测设备或者未按照规定联网",
    "power_type": "行政处罚",
    "category": "自动监测",
    "legal_basis": [
        {
            "law": "AIR",
            "article": 100,
            "clause": 3,
            "kind": "处罚条款",
            "text": "……责令改正，处二万元以上二十万元以下的罚款；拒不改正的，责令停产整治……",
        }
    ],
    "sanction": {
        "kind": "amount",
        "min": 20000,
        "max": 200000,
        "other_measures": ["责令改正"],
        "serious": "拒不改正的，责令停产整治",
    },
    "implementing_subject": "县级以上人民政府生态环境主管部门",
    "first_level": "县级",
    "township_delegable": False,
    "notes": "",
}
EPL_24_0 = {
    "code": "EPL-24-0",
    "name": "对排放污染物的企业事业单位和其他生产经营者进行现场检查",
    "power_type": "行政检查",
    "category": "综合",
    "legal_basis": [
        {
            "law": "EPL",
            "article": 24,
            "kind": "职权条款",
            "text": "县级以上人民政府环境保护主管部门……"
            "有权对排放污染物的企业事业单位和其他生产经营者进行现场检查。",
        }
    ],
    "sanction": {"kind": "none", "other_measures": []},
    "implementing_subject": "县级以上人民政府环境保护主管部门",
    "first_level": "设区的市",
    "township_delegable": True,
    "notes": "",
}
ITEMS = [AIR_99_2, EIA_31_1, AIR_100_3, EPL_24_0]


def as_data(item: dict[str, Any]) -> dict[str, Any]:
    """An item of the YAML shape as a service takes it (law codes replaced by the laws' names)."""
    return {**item, "legal_basis": [{**b, "law": LAWS[b["law"]]["name"]} for b in item["legal_basis"]]}


def write_catalog(
    path: Path, items: list[dict[str, Any]] | None = None, laws: dict[str, Any] | None = None
) -> Path:
    doc = {"catalog": "测试起步清单", "version": "T1", "laws": laws or LAWS, "items": items or ITEMS}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_city(world: Any, tmp_path: Path, *, effective_from: date | None = None) -> CatalogVersion:
    """The city's first published version (the 4 items above), in force since 100 days ago."""
    return services.catalog_load_starter(
        unit=world.units["city"],
        path=write_catalog(tmp_path / "starter.yaml"),
        effective_from=effective_from or today() - timedelta(days=100),
    )


def new_item(code: str, name: str, **extra: Any) -> dict[str, Any]:
    data = {
        "code": code,
        "name": name,
        "power_type": "行政处罚",
        "category": "大气",
        "legal_basis": [
            {
                "law": "河北省大气污染防治条例",
                "article": "第七十四条",
                "kind": "处罚条款",
                "text": "……处一万元以上十万元以下罚款……",
            }
        ],
        "sanction": {"kind": "amount", "min": 10000, "max": 100000},
        "implementing_subject": "县级以上人民政府生态环境主管部门",
        "first_level": "县级",
        "notes": "",
    }
    data.update(extra)
    return data


def walk_to_published(
    world: Any, version: CatalogVersion, unit_key: str, *, effective_from: date | None = None
) -> CatalogVersion:
    """submit (team leader) → review (legal reviewer) → approve (bureau head) → publish (legal reviewer)."""
    version = services.version_submit(version=version, by=world.user(unit_key, "team_leader"))
    version = services.version_legal_review(
        version=version, by=world.user(unit_key, "legal_reviewer"), approve=True, opinion="依据准确，同意。"
    )
    version = services.version_approve(version=version, by=world.user(unit_key, "bureau_head"))
    return services.version_publish(
        version=version,
        by=world.user(unit_key, "legal_reviewer"),
        effective_from=effective_from or today(),
        filing_authority="廊坊市司法局",
        filing_number=f"廊司备〔2026〕{version.pk}号",
        filing_date=today(),
    )


def draft(world: Any, unit_key: str, change_reason: str = "") -> CatalogVersion:
    return services.version_create_draft(
        unit=world.units[unit_key], by=world.user(unit_key, "team_leader"), change_reason=change_reason
    )
