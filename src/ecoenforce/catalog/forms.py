"""Forms of the catalog pages. They parse input; services validate and write."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ecoenforce.catalog.models import (
    EXTRA_BASES,
    CatalogEntry,
    FirstLevel,
    PowerType,
    basis_text,
    parse_basis_text,
    today,
)
from ecoenforce.org.models import Unit
from ecoenforce.penalty.engine.errors import CatalogError
from ecoenforce.penalty.engine.sanction import BASES, parse_sanction

# Service field → form field, where they differ.
FIELD_MAP = {"legal_basis": "legal_basis_text", "sanction": "sanction_kind"}
SANCTION_KINDS = [
    ("", "未录入"),
    ("amount", "定额幅度罚款（元）"),
    ("multiple", "倍数或百分比罚款"),
    ("warning_only", "仅警告"),
    ("none", "无罚款（仅其他措施）"),
]
BASE_CHOICES = [("", "—")] + [(k, v) for k, v in {**BASES, **EXTRA_BASES}.items()]
# Keys of the sanction block the form does not edit; kept as they are when an item is edited.
SANCTION_EXTRAS = ("escalation", "persons", "base_floor")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (no inline styles: the CSP forbids them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(f.widget, forms.Select | forms.RadioSelect):
                css = "form-select" if isinstance(f.widget, forms.Select) else "form-check-input"
            else:
                css = "form-control"
            f.widget.attrs.setdefault("class", css)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            target = FIELD_MAP.get(name, name)
            form.add_error(target if target in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BrowseForm(StyledForm):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "事项名称、编码、法律条款……", "type": "search"}),
    )
    power_type = forms.ChoiceField(
        label="职权类型", required=False, choices=[("", "全部"), *PowerType.choices]
    )
    first_level = forms.ChoiceField(
        label="第一责任层级", required=False, choices=[("", "全部"), *FirstLevel.choices]
    )
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部")])
    delegable = forms.ChoiceField(
        label="可委托乡镇", required=False, choices=[("", "全部"), ("1", "可委托"), ("0", "不可委托")]
    )
    on = forms.DateField(label="日期", required=False, widget=DateInput())

    def __init__(self, *args: Any, categories: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "全部")] + [(c, c) for c in categories or []]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        delegable = data.get("delegable")
        return {
            "q": data.get("q", ""),
            "power_type": data.get("power_type", ""),
            "first_level": data.get("first_level", ""),
            "category": data.get("category", ""),
            "delegable": None if not delegable else delegable == "1",
        }

    def day(self) -> date:
        return (self.cleaned_data.get("on") if self.is_valid() else None) or today()


class DraftCreateForm(StyledForm):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), empty_label=None
    )
    label = forms.CharField(
        label="版本名称",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例如：2027年版"}),
    )
    change_reason = forms.CharField(
        label="动态调整说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class VersionMetaForm(StyledForm):
    label = forms.CharField(label="版本名称", required=False, max_length=100)
    change_reason = forms.CharField(
        label="动态调整说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="本版本相对上一版本调整的总体原因，提交审核时必填（首版可不填）。",
    )


class _BasisMixin(StyledForm):
    legal_basis_text = forms.CharField(
        label="实施依据",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="每条依据一行：《法律法规名称》第×条第×款第（×）项【违法条款/处罚条款】：条文内容。"
        "条文可以换行续写。",
    )

    def clean_legal_basis_text(self) -> list[dict[str, str]]:
        try:
            return parse_basis_text(self.cleaned_data.get("legal_basis_text") or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def bases(self, previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The parsed bases, keeping what the text does not show (law code and version) from before."""
        known = {_basis_key(b): b for b in previous}
        meta = ("law_code", "law_version")
        return [
            {**b, **{k: known[_basis_key(b)][k] for k in meta if k in known.get(_basis_key(b), {})}}
            for b in self.cleaned_data["legal_basis_text"]
        ]


class EntryForm(_BasisMixin):
    code = forms.CharField(
        label="事项编码", max_length=40, help_text="大写字母开头、以连字符分段，例如 AIR-99-2"
    )
    name = forms.CharField(label="事项名称", max_length=300)
    power_type = forms.ChoiceField(label="职权类型", choices=PowerType.choices)
    category = forms.CharField(label="类别", required=False, max_length=40)
    sanction_kind = forms.ChoiceField(label="法定罚则类型", required=False, choices=SANCTION_KINDS)
    sanction_min = forms.DecimalField(
        label="最低额（元）或最低倍数/比例",
        required=False,
        min_value=0,
        help_text="比例写小数：1% 写 0.01；倍数写 1、3 等",
    )
    sanction_max = forms.DecimalField(label="最高额（元）或最高倍数/比例", required=False, min_value=0)
    sanction_base = forms.ChoiceField(label="计罚基数（倍数罚款）", required=False, choices=BASE_CHOICES)
    sanction_warning = forms.BooleanField(label="法律允许给予警告", required=False)
    sanction_daily = forms.BooleanField(label="适用按日连续处罚", required=False)
    sanction_measures = forms.CharField(
        label="其他措施",
        required=False,
        max_length=300,
        help_text="多项措施用分号分隔，例如：责令改正；限制生产、停产整治",
    )
    sanction_serious = forms.CharField(label="情节严重等加重情形", required=False, max_length=500)
    implementing_subject = forms.CharField(label="实施主体", max_length=300)
    first_level = forms.ChoiceField(label="第一责任层级建议", choices=FirstLevel.choices)
    township_delegable = forms.BooleanField(label="可委托乡镇（街道）实施", required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    change_reason = forms.CharField(
        label="调整理由", required=False, max_length=500, help_text="动态调整须说明理由（首版可不填）"
    )

    field_order = ("code", "name", "power_type", "category", "legal_basis_text")

    def __init__(self, *args: Any, entry: CatalogEntry | None = None, **kwargs: Any) -> None:
        self.entry = entry
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = entry_initial(entry)
        super().__init__(*args, **kwargs)
        if entry is not None:
            self.fields["code"].disabled = True

    def sanction(self) -> dict[str, Any]:
        data = self.cleaned_data
        if not data.get("sanction_kind"):
            return {}
        block: dict[str, Any] = {
            "kind": data["sanction_kind"],
            "min": _num(data.get("sanction_min")),
            "max": _num(data.get("sanction_max")),
            "base": data.get("sanction_base") or None,
            "warning": bool(data.get("sanction_warning")) or data["sanction_kind"] == "warning_only",
            "other_measures": [
                m.strip() for m in re.split(r"[；;\n]", data.get("sanction_measures") or "") if m.strip()
            ],
            "serious": (data.get("sanction_serious") or "").strip() or None,
            "daily_penalty": bool(data.get("sanction_daily")),
        }
        if block["kind"] in ("warning_only", "none"):
            block.update({"min": None, "max": None, "base": None})
        previous = self.entry.sanction if self.entry is not None else {}
        block.update({k: previous[k] for k in SANCTION_EXTRAS if k in previous})
        return previous if _same_sanction(block, previous) else block

    def to_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": self.entry.code if self.entry is not None else data["code"],
            "name": data["name"],
            "power_type": data["power_type"],
            "category": data.get("category", ""),
            "legal_basis": self.bases(self.entry.legal_basis if self.entry is not None else []),
            "sanction": self.sanction(),
            "implementing_subject": data["implementing_subject"],
            "first_level": data["first_level"],
            "township_delegable": bool(data.get("township_delegable")),
            "notes": data.get("notes", ""),
        }


class RefineForm(_BasisMixin):
    code = forms.ChoiceField(label="细化的上级事项", choices=[])
    implementing_subject = forms.CharField(label="实施主体（本级）", required=False, max_length=300)
    first_level = forms.ChoiceField(
        label="第一责任层级建议（本级）", required=False, choices=[("", "沿用上级"), *FirstLevel.choices]
    )
    township_delegable = forms.BooleanField(label="可委托乡镇（街道）实施", required=False)
    notes = forms.CharField(label="本级补充说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    change_reason = forms.CharField(label="调整理由", required=False, max_length=500)

    field_order = (
        "code",
        "implementing_subject",
        "first_level",
        "township_delegable",
        "notes",
        "legal_basis_text",
    )

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], entry: CatalogEntry | None = None, **kwargs: Any
    ) -> None:
        self.entry = entry
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = entry_initial(entry)
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = choices  # type: ignore[attr-defined]
        self.fields["legal_basis_text"].label = "本级补充依据（地方性法规、规章等，可不填）"
        if entry is not None:
            self.fields["code"].disabled = True

    def to_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": self.entry.code if self.entry is not None else data["code"],
            "implementing_subject": data.get("implementing_subject", ""),
            "first_level": data.get("first_level", ""),
            "township_delegable": bool(data.get("township_delegable")),
            "notes": data.get("notes", ""),
            "legal_basis": self.bases(self.entry.legal_basis if self.entry is not None else []),
        }


def _basis_key(basis: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(basis.get(k, "")) for k in ("law", "article", "paragraph", "clause"))


def _same_sanction(a: dict[str, Any], b: dict[str, Any]) -> bool:
    try:
        return bool(a) and bool(b) and parse_sanction(a) == parse_sanction(b)
    except CatalogError:
        return False


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def entry_initial(entry: CatalogEntry) -> dict[str, Any]:
    s = entry.sanction or {}
    return {
        "code": entry.code,
        "name": entry.name,
        "power_type": entry.power_type,
        "category": entry.category,
        "legal_basis_text": basis_text(entry.legal_basis, with_kind=True),
        "sanction_kind": s.get("kind", ""),
        "sanction_min": s.get("min"),
        "sanction_max": s.get("max"),
        "sanction_base": s.get("base") or "",
        "sanction_warning": bool(s.get("warning")),
        "sanction_daily": bool(s.get("daily_penalty")),
        "sanction_measures": "；".join(s.get("other_measures") or []),
        "sanction_serious": s.get("serious") or "",
        "implementing_subject": entry.implementing_subject,
        "first_level": entry.first_level,
        "township_delegable": entry.township_delegable,
        "notes": entry.notes,
        "change_reason": entry.change_reason,
    }


class RemoveForm(StyledForm):
    reason = forms.CharField(label="删除理由", required=False, max_length=500)


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("pass", "审核通过"), ("reject", "退回修改")], widget=forms.RadioSelect
    )
    opinion = forms.CharField(label="法制审核意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(StyledForm):
    decision = forms.ChoiceField(
        label="决定", choices=[("approve", "批准"), ("reject", "退回修改")], widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="退回时必填",
    )


class PublishForm(StyledForm):
    effective_from = forms.DateField(label="生效日期", widget=DateInput())
    filing_authority = forms.CharField(
        label="备案机关", max_length=100, widget=forms.TextInput(attrs={"placeholder": "例如：廊坊市司法局"})
    )
    filing_number = forms.CharField(label="备案号", max_length=100)
    filing_date = forms.DateField(label="备案日期", widget=DateInput())


class ImportForm(StyledForm):
    file = forms.FileField(label="Excel文件（.xlsx）")
    reason = forms.CharField(
        label="调整理由",
        required=False,
        max_length=500,
        help_text="本次导入的调整理由，记入每个新增或修改的事项（首版可不填）",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError("请上传 .xlsx 格式的 Excel 文件")
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError("文件不能超过5MB")
        return upload
