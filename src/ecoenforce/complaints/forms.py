"""Forms of the public intake and of the handlers' work. Labels use the words of the regulations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from ecoenforce.complaints.models import Category, Channel, Finding, Satisfaction
from ecoenforce.complaints.uploads import MAX_FILES
from ecoenforce.org.divisions import children_of
from ecoenforce.org.models import Unit

no_nul = ProhibitNullCharactersValidator(message="不能包含空字符")


class Styled(forms.Form):
    """Bootstrap classes on every widget (pages are server-rendered Bootstrap 5)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, (forms.CheckboxInput, forms.RadioSelect)):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            elif not isinstance(w, forms.HiddenInput):
                w.attrs.setdefault("class", "form-control")


def district_choices() -> list[tuple[str, str]]:
    """The districts below the top unit's territory (the places the platform's units serve)."""
    top = Unit.objects.filter(is_active=True).order_by("level", "path").first()
    if top is None:
        return []
    return [(d.code, d.name) for d in children_of(top.division_code)] or [(top.division_code, top.name)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4,video/quicktime"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ComplaintForm(Styled):
    category = forms.ChoiceField(label="举报类别", choices=[("", "请选择"), *Category.choices])
    description = forms.CharField(
        label="举报内容（时间、地点、单位、污染情况）",
        max_length=4000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_nul],
        error_messages={"min_length": "请至少写10个字，说明时间、地点和情况"},
    )
    address = forms.CharField(
        label="地点（地址或参照物）", max_length=300, required=False, validators=[no_nul]
    )
    division_code = forms.ChoiceField(label="所在区县", required=False)
    latitude = forms.DecimalField(
        label="纬度",
        max_digits=9,
        decimal_places=6,
        required=False,
        min_value=3,
        max_value=54,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label="经度",
        max_digits=9,
        decimal_places=6,
        required=False,
        min_value=73,
        max_value=136,
        widget=forms.HiddenInput,
    )
    anonymous = forms.BooleanField(label="匿名举报（不留姓名和联系方式，凭查询码查询结果）", required=False)
    name = forms.CharField(label="姓名", max_length=50, required=False, validators=[no_nul])
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9+\- ]{7,20}$",
        required=False,
        error_messages={"invalid": "请填写有效的电话号码"},
    )
    attachments = MultipleFileField(
        label=f"照片或视频（最多{MAX_FILES}个，照片≤10MB，视频≤50MB）", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = [("", "请选择（或在地图上点选）"), *district_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("anonymous") and not (data.get("name") and data.get("phone")):
            self.add_error("name", "实名举报请填写姓名和联系电话；不愿留名请勾选“匿名举报”")
        if not data.get("address") and data.get("latitude") is None:
            self.add_error("address", "请在地图上选点或填写地点")
        return data


class PublicComplaintForm(ComplaintForm):
    answer = forms.CharField(label="验证题", max_length=4)
    token = forms.CharField(widget=forms.HiddenInput, max_length=400)


class HandlerComplaintForm(ComplaintForm):
    channel = forms.ChoiceField(
        label="来源渠道", choices=[c for c in Channel.choices if c[0] != Channel.PORTAL]
    )
    external_ref = forms.CharField(
        label="转办单号（12345/12369）", max_length=64, required=False, validators=[no_nul]
    )
    field_order = ("channel", "external_ref")


class LookupForm(Styled):
    code = forms.CharField(
        label="查询码",
        max_length=64,
        min_length=20,
        error_messages={"min_length": "查询码不正确", "required": "请输入查询码"},
    )


class RateForm(Styled):
    code = forms.CharField(widget=forms.HiddenInput, max_length=64)
    satisfaction = forms.ChoiceField(
        label="您对处理结果是否满意", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="意见（可不填）",
        max_length=500,
        required=False,
        validators=[no_nul],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DispatchForm(Styled):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.none())
    note = forms.CharField(label="交办意见", max_length=300, required=False, validators=[no_nul])

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()  # type: ignore[attr-defined]


class VerifyForm(Styled):
    finding = forms.ChoiceField(label="核查结论", choices=[("", "请选择"), *Finding.choices])
    verification = forms.CharField(
        label="现场核查情况", max_length=4000, validators=[no_nul], widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(Styled):
    reply = forms.CharField(
        label="答复内容（将告知举报人，请勿写入举报人信息）",
        max_length=4000,
        validators=[no_nul],
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtendForm(Styled):
    days = forms.IntegerField(label="延长天数（不超过30日）", min_value=1, max_value=30)
    reason = forms.CharField(label="延期理由（将告知举报人）", max_length=300, validators=[no_nul])


class MergeForm(Styled):
    primary = forms.CharField(label="并入的投诉举报编号", max_length=20)


class RewardProposeForm(Styled):
    tier = forms.ChoiceField(label="奖励档次")
    proven = forms.BooleanField(label="举报事项经查证属实，存在生态环境违法行为", required=False)
    not_staff = forms.BooleanField(
        label="举报人不是负有生态环境监管职责的工作人员或者被举报单位的直接责任人", required=False
    )

    def __init__(self, *args: Any, tiers: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = tiers or []  # type: ignore[attr-defined]


class RewardApproveForm(Styled):
    approve = forms.TypedChoiceField(
        label="审批", choices=[("1", "批准"), ("0", "不批准")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="审批意见", max_length=300, required=False, validators=[no_nul])


class RewardPayForm(Styled):
    payment_ref = forms.CharField(label="发放凭证号", max_length=60, validators=[no_nul])


class TransferImportForm(Styled):
    file = forms.FileField(label="转办清单（.xlsx）")
