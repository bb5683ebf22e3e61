"""The permit checklist (清单式检查, 按证监管): items built from the entity's valid discharge permits —
per outlet and pollutant the limit, self-monitoring, ledgers, treatment facilities — plus the
campaign's own items. Bases quote the 生态环境法典 (in force 2026-08-15), Part 2."""

from __future__ import annotations

from datetime import date
from typing import Any

from ecoenforce.entities.models import Entity

CODE = "《生态环境法典》"
BASIS = {
    "permit": f"{CODE}第一百七十九条：遵守排污许可证的要求，按照规定运行和维护污染防治设施",
    "monitoring": f"{CODE}第一百八十三条：依法开展自行监测，建立管理台账，保存原始监测记录",
    "online": f"{CODE}第一百八十四条：安装、使用、维护自动监测设备并与生态环境主管部门联网",
    "disclosure": f"{CODE}第一百八十五条：向社会公开污染物排放信息",
}


def _item(code: str, category: str, text: str, basis: str) -> dict[str, str]:
    return {"code": code, "category": category, "text": text, "basis": basis}


def permit_items(entity: Entity, day: date) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    permits = list(entity.permits.filter(valid_from__lte=day, valid_to__gte=day))
    if not permits:
        return [
            _item(
                "permit.none",
                "排污许可",
                "是否依法取得排污许可证并在有效期内（系统中无有效许可证，请现场核实）",
                BASIS["permit"],
            )
        ]
    for permit in permits:
        items.append(
            _item(
                f"permit.{permit.number}",
                "排污许可",
                f"排污许可证（{permit.number}）正本悬挂、载明事项与实际一致",
                BASIS["permit"],
            )
        )
        for outlet in permit.outlets.prefetch_related("limits", "monitoring_points").order_by("code"):
            items += _outlet_items(outlet)
    items += [
        _item(
            "ledger",
            "环境管理台账",
            "环境管理台账记录完整，原始监测记录和台账保存不少于五年",
            BASIS["monitoring"],
        ),
        _item(
            "disclosure",
            "信息公开",
            "按规定公开污染物排放种类、浓度、排放量及自行监测数据",
            BASIS["disclosure"],
        ),
    ]
    return items


def _outlet_items(outlet: Any) -> list[dict[str, str]]:
    label = f"{outlet.get_kind_display()}排放口 {outlet.code}{(' ' + outlet.name) if outlet.name else ''}"
    items = [
        _item(
            f"outlet.{outlet.code}", "排放口", f"{label}：按许可证位置和方式排放，标志牌齐全", BASIS["permit"]
        ),
        _item(
            f"facility.{outlet.code}",
            "污染防治设施",
            f"{label}：污染防治设施正常运行，无停运、旁路、偷排",
            BASIS["permit"],
        ),
    ]
    for limit in outlet.limits.all().order_by("pollutant_code", "averaging_period"):
        items.append(
            _item(
                f"limit.{outlet.code}.{limit.pollutant_code}.{limit.averaging_period}",
                "排放限值",
                f"{label}：{limit.pollutant_name}执行限值 {limit.limit_value.normalize():f} {limit.unit}"
                f"（{limit.get_averaging_period_display()}），现场核查是否达标",
                BASIS["permit"],
            )
        )
    points = [p for p in outlet.monitoring_points.all() if p.active]
    if points:
        mns = "、".join(p.mn for p in points)
        items.append(
            _item(
                f"online.{outlet.code}",
                "自动监测",
                f"{label}：自动监测设备（MN {mns}）正常运行并联网",
                BASIS["online"],
            )
        )
    else:
        items.append(
            _item(
                f"selfmon.{outlet.code}",
                "自行监测",
                f"{label}：按许可证要求开展自行监测并保存原始记录",
                BASIS["monitoring"],
            )
        )
    return items


def build(
    entity: Entity, day: date, campaign_items: list[dict[str, Any]] | None = None
) -> list[dict[str, str]]:
    items = permit_items(entity, day)
    for i, raw in enumerate(campaign_items or [], 1):
        items.append(
            _item(
                f"campaign.{raw.get('code') or i}",
                "专项检查",
                str(raw.get("text", ""))[:400],
                str(raw.get("basis", ""))[:200],
            )
        )
    return items
