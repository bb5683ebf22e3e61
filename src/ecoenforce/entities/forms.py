"""Page forms. They check types and lengths; the services do the real validation (full_clean)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model, model_to_dict

from ecoenforce.entities.excel import MAX_BYTES
from ecoenforce.entities.models import Entity
from ecoenforce.org.jurisdiction import scope
from ecoenforce.org.models import Unit

FORM_FIELDS = (
    "name",
    "uscc",
    "legal_representative",
    "address",
    "division_code",
    "industry_code",
    "supervision_class",
    "status",
    "latitude",
    "longitude",
    "owner_unit",
)


class EntityForm(forms.Form):
    """Create/edit an entity. The owner unit list shows the units the user may write to; any
    other id posted reaches the service, which refuses it (403, recorded)."""

    def __init__(self, *args: Any, user: Any, entity: Entity | None = None, **kwargs: Any) -> None:
        if entity is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(entity, fields=FORM_FIELDS)
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Entity, fields=FORM_FIELDS))
        owner = self.fields["owner_unit"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = Unit.objects.filter(is_active=True)
        owner.required = False
        owner.help_text = "不选则按行政区划代码自动确定属地执法机构"
        writable = scope(Unit.objects.filter(is_active=True), user, field="", write=True).order_by("path")
        owner.widget.choices = [("", "按行政区划代码自动确定"), *((u.pk, u.name) for u in writable)]
        self.fields["division_code"].help_text = "县级6位或乡镇9位，如 131022 或 131022100"
        self.fields["industry_code"].help_text = "GB/T 4754-2017，如 C2611"
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def service_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in FORM_FIELDS}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("文件超过 20 MB 上限，请拆分后分批导入")
        return upload
