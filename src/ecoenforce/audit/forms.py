"""The audit page's filter form (GET). It only parses; selectors.events_for does the filtering."""

from __future__ import annotations

from typing import Any

from django import forms

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.selectors import EventFilter, filter_units
from ecoenforce.org.models import Unit


class EventFilterForm(forms.Form):
    since = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label="操作人用户名", required=False, max_length=150)
    unit = forms.ModelChoiceField(
        label="单位（含下级）", required=False, queryset=Unit.objects.none(), empty_label="全部单位"
    )
    action = forms.CharField(
        label="操作（前缀）",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "如 auth. 或 case.transition"}),
    )
    outcome = forms.ChoiceField(label="结果", required=False, choices=[("", "全部结果"), *Outcome.choices])
    target_type = forms.CharField(
        label="对象类型",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "如 org.user"}),
    )
    target_id = forms.CharField(label="对象编号", required=False, max_length=64)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = filter_units(user)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "结束日期不能早于开始日期")
        return data

    def to_filter(self) -> EventFilter:
        """The filter (invalid fields are left out, so a bad date never hides the whole page)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return EventFilter(
            since=data.get("since"),
            until=data.get("until"),
            actor=data.get("actor") or "",
            unit=data.get("unit"),
            action=data.get("action") or "",
            outcome=data.get("outcome") or "",
            target_type=data.get("target_type") or "",
            target_id=data.get("target_id") or "",
        )
