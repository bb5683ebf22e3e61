"""Forms of the management pages (labels in the rules' own words)."""

from __future__ import annotations

from typing import Any

from django import forms

from ecoenforce.inspections.models import SeedKind


class DrawPlanForm(forms.Form):
    title = forms.CharField(label="抽查计划名称", max_length=200)
    period = forms.CharField(label="抽查周期", max_length=16, help_text="例如 2026Q4 或 2026")
    draw_time = forms.DateTimeField(
        label="抽取时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    seed_kind = forms.ChoiceField(label="随机种子来源", choices=SeedKind.choices)
    seed_description = forms.CharField(
        label="种子来源说明",
        max_length=300,
        help_text="公开数值：写明事先确定的数值来源，例如某日某指数收盘值；见证人：写明见证人",
    )
    witness_commitments = forms.CharField(
        label="见证人数值摘要（每行一个SM3摘要）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def commitments(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("witness_commitments", "").splitlines()
            if line.strip()
        ]


class SeedForm(forms.Form):
    values = forms.CharField(
        label="随机种子数值（见证人方式：按顺序每行一个）", widget=forms.Textarea(attrs={"rows": 3})
    )

    def value_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["values"].splitlines() if line.strip()]


class VerifyForm(forms.Form):
    text = forms.CharField(
        label="粘贴公开的抽查结果（JSON）", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    file = forms.FileField(label="或上传JSON文件", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > 200 * 1024 * 1024:
                raise forms.ValidationError("文件过大（上限200 MB）")
            data["text"] = upload.read().decode("utf-8", errors="replace")
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("请粘贴或上传公开的抽查结果")
        return data


class CampaignForm(forms.Form):
    theme = forms.CharField(label="专项行动主题", max_length=200)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    checklist = forms.CharField(label="专项检查内容（每行一项）", widget=forms.Textarea(attrs={"rows": 4}))
    partners = forms.CharField(
        label="联合执法部门（每行一个，可不填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    approval_ref = forms.CharField(label="审批或备案文号", max_length=100, required=False)


class PlanForm(forms.Form):
    title = forms.CharField(label="计划名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "全年"), (1, "第1季度"), (2, "第2季度"), (3, "第3季度"), (4, "第4季度")],
    )
