"""The enforcement catalog (执法事项清单) as versioned data.

A CatalogVersion is one unit's catalog at one step of its lifecycle
(draft → legal review → reviewed → approved → published; the legal reviewer or the bureau head may
send it back (rejected), and the drafter reopens it as a draft). Only drafts
change. A published version is in force from its `effective_from` until the day before the next
published version of the same unit takes effect; "superseded" is computed from those dates, never
stored, so no scheduled job is needed.

A unit's version holds that unit's own layer only: the root unit (province or city) holds its full
list (`action=add`); a lower unit holds the items it adds (`add`) and the inherited items it
refines (`refine`). The effective catalog of a unit on a date merges the layers of the unit and
its ancestors top-down (see selectors.effective_catalog). A lower unit may not remove an inherited
item: the superior's items are statutory powers fixed by the superior's approved catalog.

legal_basis and sanction are JSON, validated at the service boundary (services.clean_entry_data;
the sanction through catalog.sanction.parse_sanction). This module also holds the small text
helpers that render them in Chinese (citations, "处十万元以上一百万元以下罚款").
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ecoenforce.org.models import Unit


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    LEGAL_REVIEW = "legal_review", "法制审核中"
    REVIEWED = "reviewed", "法制审核通过待批准"
    APPROVED = "approved", "已批准待发布"
    PUBLISHED = "published", "已发布"
    REJECTED = "rejected", "已退回修改"


# A unit has at most one version in progress (including one sent back for revision).
OPEN_STATUSES = (
    VersionStatus.DRAFT,
    VersionStatus.LEGAL_REVIEW,
    VersionStatus.REVIEWED,
    VersionStatus.APPROVED,
    VersionStatus.REJECTED,
)

# What a published version is on a given day (computed, never stored).
STATE_LABELS = {
    "pending": "已发布，尚未生效",
    "in_force": "现行有效",
    "superseded": "已被替代",
}


class PowerType(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    INSPECTION = "inspection", "行政检查"
    OTHER = "other", "其他"


class FirstLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "设区的市"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇"


class EntryAction(models.TextChoices):
    ADD = "add", "新增"
    REFINE = "refine", "细化上级事项"


# Fields a refine entry may set over the inherited item (see selectors.effective_catalog).
REFINE_REPLACES = ("implementing_subject", "first_level", "township_delegable")
REFINE_APPENDS = ("notes", "legal_basis")


class CatalogVersion(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="catalog_versions"
    )
    number = models.PositiveIntegerField("版本号")
    label = models.CharField("版本名称", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_reason = models.TextField("动态调整说明", blank=True)
    # {code: {"name": ..., "reason": ...}} for items of `based_on` removed in this version.
    removal_reasons = models.JSONField("删除事项及理由", default=dict, blank=True)
    effective_from = models.DateField("生效日期", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("起草时间", default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="法制审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("法制审核时间", null=True, blank=True)
    review_opinion = models.TextField("法制审核意见", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    approval_opinion = models.TextField("批准意见", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    filing_authority = models.CharField("备案机关", max_length=100, blank=True)
    filing_number = models.CharField("备案号", max_length=100, blank=True)
    filing_date = models.DateField("备案日期", null=True, blank=True)

    class Meta:
        verbose_name = "执法事项清单版本"
        verbose_name_plural = "执法事项清单版本"
        ordering: ClassVar = ["unit__path", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "number"], name="catalogversion_unique_number"),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="catalogversion_one_open_per_unit",
            ),
            models.UniqueConstraint(
                fields=["unit", "effective_from"],
                condition=Q(status="published"),
                name="catalogversion_unique_effective_date",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["unit", "status", "effective_from"], name="catalogversion_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.title}"

    @property
    def title(self) -> str:
        return f"第{self.number}版" + (f"（{self.label}）" if self.label else "")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class CatalogEntry(models.Model):
    """One item in one version. A refine entry leaves name/power_type/category/sanction blank."""

    version = models.ForeignKey(
        CatalogVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="entries"
    )
    position = models.PositiveIntegerField("序号", default=0)
    code = models.CharField("事项编码", max_length=40)
    action = models.CharField("调整方式", max_length=8, choices=EntryAction.choices, default=EntryAction.ADD)
    name = models.CharField("事项名称", max_length=300, blank=True)
    power_type = models.CharField("职权类型", max_length=16, choices=PowerType.choices, blank=True)
    category = models.CharField("类别", max_length=40, blank=True)
    legal_basis = models.JSONField("实施依据", default=list, blank=True)
    sanction = models.JSONField("法定罚则", default=dict, blank=True)
    implementing_subject = models.CharField("实施主体", max_length=300, blank=True)
    first_level = models.CharField("第一责任层级建议", max_length=16, choices=FirstLevel.choices, blank=True)
    township_delegable = models.BooleanField("可委托乡镇（街道）实施", default=False)
    notes = models.TextField("备注", blank=True)
    # The codes of the items this item replaces when the law changed (e.g. a Code item naming the
    # repealed single-media law's item): the engine follows it between catalogs in force at two dates.
    predecessors = models.JSONField("前身事项编码", default=list, blank=True)
    local = models.BooleanField("本级新增或细化", default=False)
    change_reason = models.CharField("调整理由", max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("最后修改时间", default=timezone.now)

    class Meta:
        verbose_name = "执法事项"
        verbose_name_plural = "执法事项"
        ordering: ClassVar = ["version", "position", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "code"], name="catalogentry_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def sanction_lines(self) -> list[str]:
        return sanction_words(self.sanction)


# ---------------------------------------------------------------- Chinese rendering helpers

_DIGITS = "零一二三四五六七八九"


def _cn_below_10000(n: int) -> str:
    out, zero = "", False
    for digit, unit in zip(f"{n:04d}", ("千", "百", "十", ""), strict=True):
        d = int(digit)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out, zero = out + "零", False
        out += _DIGITS[d] + unit
    return out


def cn_number(n: int) -> str:
    """1 → 一, 15 → 十五, 105 → 一百零五, 100000 → 十万, 1000000 → 一百万 (as statutes write them)."""
    if n <= 0 or n >= 10**8:
        return str(n)
    high, low = divmod(n, 10000)
    text = _cn_below_10000(low) if not high else _cn_below_10000(high) + "万"
    if high and low:
        text += ("零" if low < 1000 else "") + _cn_below_10000(low)
    return text[1:] if text.startswith("一十") else text


def cn_yuan(value: Any) -> str:
    """An amount in yuan as statutes write it: 100000 → 十万元; keeps digits for fractions."""
    amount = Decimal(str(value))
    if amount == amount.to_integral_value() and 0 < amount < 10**8:
        return cn_number(int(amount)) + "元"
    return f"{amount.normalize():,f}元"


def cn_rate(value: Any) -> str:
    """0.01 → 百分之一, 0.035 → 百分之三点五, 3 → 三倍."""
    rate = Decimal(str(value))
    if rate >= 1:
        return (cn_number(int(rate)) if rate == rate.to_integral_value() else f"{rate.normalize():f}") + "倍"
    pct = (rate * 100).normalize()
    if pct == pct.to_integral_value() and pct > 0:
        return "百分之" + cn_number(int(pct))
    return f"百分之{pct:f}"


# Labels of calculation bases: catalog.sanction.BASES plus those the starter catalog uses.
EXTRA_BASES = {"original_fine": "原处罚数额"}


def base_label(code: str | None) -> str:
    from ecoenforce.penalty.engine.sanction import BASES

    if not code:
        return ""
    return BASES.get(code) or EXTRA_BASES.get(code, code)


def _range_words(kind: str, low: Any, high: Any, base: str | None) -> str:
    fmt = cn_yuan if kind == "amount" else cn_rate
    prefix = base_label(base) if kind == "multiple" else ""
    if low is None and high is None:
        return "处以罚款（法律未规定罚款幅度）"
    if low is not None and high is not None and Decimal(str(low)) == Decimal(str(high)):
        return f"处{prefix}{fmt(low)}的罚款"
    parts = ([f"{fmt(low)}以上"] if low is not None else []) + (
        [f"{fmt(high)}以下"] if high is not None else []
    )
    return f"处{prefix}{''.join(parts)}的罚款"


def sanction_words(sanction: dict[str, Any] | None) -> list[str]:
    """The statutory sanction in Chinese sentences, e.g. ["处十万元以上一百万元以下的罚款", …]."""
    if not sanction:
        return ["罚则未录入（以实施依据条文为准）"]
    kind = sanction.get("kind")
    lines: list[str] = []
    if kind in ("amount", "multiple"):
        fine = _range_words(kind, sanction.get("min"), sanction.get("max"), sanction.get("base"))
        if sanction.get("warning"):
            fine = "处警告或者" + fine.removeprefix("处")
        lines.append(fine)
        if sanction.get("base_floor") is not None:
            lines.append(
                f"{base_label(sanction.get('base'))}不足{cn_yuan(sanction['base_floor'])}的，"
                f"按{cn_yuan(sanction['base_floor'])}计算"
            )
    elif kind == "warning_only":
        lines.append("警告")
    if measures := sanction.get("other_measures"):
        lines.append("其他措施：" + "；".join(str(m) for m in measures))
    if esc := sanction.get("escalation"):
        lines.append(
            f"{esc.get('condition', '')}，"
            + _range_words(esc.get("kind", "amount"), esc.get("min"), esc.get("max"), esc.get("base"))
        )
    if persons := sanction.get("persons"):
        words = _range_words("amount", persons.get("min"), persons.get("max"), None).removeprefix("处")
        lines.append(f"对{persons.get('who', '责任人员')}处{words}")
    if sanction.get("serious"):
        lines.append(str(sanction["serious"]))
    if sanction.get("daily_penalty"):
        lines.append("拒不改正的，可以按日连续处罚")
    return lines or ["无罚款"]


def cite(basis: dict[str, Any]) -> str:
    """《中华人民共和国大气污染防治法》第九十九条第（二）项"""
    parts = (basis.get(key, "") for key in ("article", "paragraph", "clause"))
    return f"《{basis.get('law', '')}》" + "".join(parts)


def basis_line(basis: dict[str, Any], *, with_kind: bool = False) -> str:
    kind = f"【{basis['kind']}】" if with_kind and basis.get("kind") else ""
    text = basis.get("text") or ""
    return f"{cite(basis)}{kind}" + (f"：{text}" if text else "")


def basis_text(legal_basis: list[dict[str, Any]], *, with_kind: bool = False) -> str:
    """The legal basis as the 实施依据 column writes it: one provision per line."""
    return "\n".join(basis_line(b, with_kind=with_kind) for b in legal_basis)


_CN_NUM = r"[零〇一二三四五六七八九十百千0-9]+"
BASIS_LINE_RE = re.compile(
    r"^《(?P<law>[^》]{1,100})》\s*"
    rf"(?P<article>第{_CN_NUM}条(?:之[一二三四五六七八九十]+)?)\s*"
    rf"(?P<paragraph>第{_CN_NUM}款)?\s*"
    rf"(?P<clause>第?[（(]{_CN_NUM}[)）]项?|第{_CN_NUM}项)?\s*"
    r"(?:【(?P<kind>[^】]{1,20})】)?\s*"
    r"(?:[：:]\s*(?P<text>.*))?$",
    re.DOTALL,
)


def parse_basis_text(text: str) -> list[dict[str, str]]:
    """Parse the 实施依据 column (one provision per line; lines not starting with 《 continue the text).

    Raises ValueError with a Chinese message naming the line that cannot be read.
    """
    out: list[dict[str, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("《"):
            if not out:
                raise ValueError(f"第{number}行「{line[:20]}」应以《法律法规名称》第×条开头")
            out[-1]["text"] = (out[-1]["text"] + "\n" + line).strip()
            continue
        m = BASIS_LINE_RE.match(line)
        if m is None:
            raise ValueError(
                f"第{number}行「{line[:30]}」无法识别，应写作《法律法规名称》第×条（第×款第（×）项）：条文"
            )
        out.append({k: (v or "").strip() for k, v in m.groupdict().items()})
    for basis in out:
        if basis["clause"] and (num := re.search(_CN_NUM, basis["clause"])):
            basis["clause"] = f"第（{num.group(0)}）项"
    return [{k: v for k, v in b.items() if v or k in ("law", "article")} for b in out]


def today() -> date:
    return timezone.localdate()


def entry_snapshot(entry: CatalogEntry) -> dict[str, Any]:
    return {
        "version": entry.version_id,
        "code": entry.code,
        "action": entry.action,
        "name": entry.name,
        "power_type": entry.power_type,
        "category": entry.category,
        "legal_basis": entry.legal_basis,
        "sanction": entry.sanction,
        "implementing_subject": entry.implementing_subject,
        "first_level": entry.first_level,
        "township_delegable": entry.township_delegable,
        "notes": entry.notes,
        "predecessors": entry.predecessors,
        "change_reason": entry.change_reason,
    }
