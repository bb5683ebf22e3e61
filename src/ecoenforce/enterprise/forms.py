from __future__ import annotations

from django import forms

from ecoenforce.complaints.forms import Styled


class ApplyForm(Styled):
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, min_length=18)
    contact_name = forms.CharField(label="经办人姓名", max_length=50)
    contact_phone = forms.RegexField(
        label="经办人电话", regex=r"^[0-9+\- ]{7,20}$", error_messages={"invalid": "请填写有效的电话号码"}
    )
    username = forms.RegexField(
        label="登录名",
        regex=r"^[A-Za-z0-9_.-]{4,30}$",
        max_length=30,
        error_messages={"invalid": "登录名为4至30位字母、数字或 _ . -"},
    )
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=128)


class AnswerForm(Styled):
    answer = forms.CharField(label="答复", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label="附件（故障报告、维护记录等，PDF或照片，≤20MB，可不传）", required=False)


class QueryForm(Styled):
    """A staff member puts a question to an entity of the jurisdiction, found by its USCC."""

    uscc = forms.CharField(label="企业统一社会信用代码", max_length=18, min_length=18)
    title = forms.CharField(label="标题", max_length=200)
    question = forms.CharField(label="问询内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(
        label="法律依据（如《中华人民共和国生态环境法典》第……条）", max_length=300, required=False
    )
    due_date = forms.DateField(
        label="答复期限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EvidenceForm(Styled):
    subject = forms.CharField(widget=forms.HiddenInput, max_length=90, required=False)
    note = forms.CharField(label="整改情况说明", max_length=500)
    file = forms.FileField(label="整改材料（PDF或照片，≤20MB）")


class PositiveListForm(Styled):
    reason = forms.CharField(
        label="申请纳入监督执法正面清单的理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(Styled):
    approve = forms.TypedChoiceField(
        label="审核", choices=[("1", "通过"), ("0", "不通过")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="审核意见", max_length=300, required=False)
