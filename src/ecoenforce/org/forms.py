"""Forms of the org pages. They only parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from ecoenforce.org.models import Unit, UnitLevel, User
from ecoenforce.org.roles import Role
from ecoenforce.org.selectors import CertStatus


class BootstrapMixin:
    """Bootstrap classes on every widget (no inline styles: the CSP forbids them)."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for f in self.fields.values():
            widget = f.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            "invalid_login": "用户名或密码错误。连续失败次数过多将被临时锁定。",
            "inactive": "该账户已停用，请联系系统管理员。",
        }
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"


class TotpForm(forms.Form):
    token = forms.CharField(
        label="动态口令",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    level = forms.TypedChoiceField(label="层级", choices=UnitLevel.choices, coerce=int)
    division_code = forms.CharField(label="行政区划代码", max_length=12,
                                    help_text="GB/T 2260：县级及以上6位，乡镇、街道9位")
    parent = forms.ModelChoiceField(label="上级单位", queryset=Unit.objects.none(), empty_label=None)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, parents: QuerySet[Unit], root: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = parents
        if root:  # the top unit keeps having no parent
            field.required, field.disabled = False, True
            field.empty_label = "（顶级单位）"


class AccountForm(StyledForm):
    real_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    unit = forms.ModelChoiceField(label="所属单位", queryset=Unit.objects.none(), empty_label=None)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class AccountCreateForm(AccountForm):
    username = forms.CharField(label="用户名", max_length=150,
                               help_text="字母、数字及 @/./+/-/_，创建后不可修改")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["username", "real_name", "phone", "unit"])


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", max_length=200)


class ActiveForm(StyledForm):
    active = forms.TypedChoiceField(choices=[("1", "启用"), ("0", "停用")], coerce=lambda v: v == "1")
    reason = forms.CharField(label="原因", max_length=200, required=False)


class RoleForm(StyledForm):
    role = forms.ChoiceField(label="角色", choices=Role.choices)


class CertificateForm(StyledForm):
    number = forms.CharField(label="证件编号", max_length=40)
    issuer = forms.CharField(label="发证机关", max_length=100)
    valid_from = forms.DateField(label="有效期起", widget=DATE)
    valid_to = forms.DateField(label="有效期止", widget=DATE)


class TrainingForm(StyledForm):
    title = forms.CharField(label="培训名称", max_length=200)
    organizer = forms.CharField(label="组织单位", max_length=100, required=False)
    held_on = forms.DateField(label="培训日期", widget=DATE)
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=0, initial=0)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.username}）"


class TokenForm(StyledForm):
    user = PersonChoiceField(label="账户", queryset=User.objects.none())
    name = forms.CharField(label="令牌名称", max_length=100, help_text="如：某市在线监控平台对接")

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = users


class PasswordChangeForm(StyledForm):
    old_password = forms.CharField(label="原密码", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label="新密码", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label="确认新密码", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class ConfirmPasswordForm(StyledForm):
    password = forms.CharField(label="当前密码", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class PeopleFilterForm(StyledForm):
    q = forms.CharField(label="姓名或用户名", required=False, max_length=50)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False,
                                  empty_label="全部单位")
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])
    status = forms.ChoiceField(label="执法证", required=False,
                               choices=[("", "全部"), *CertStatus.LABELS.items()])

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class AccountFilterForm(StyledForm):
    q = forms.CharField(label="姓名或用户名", required=False, max_length=50)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False,
                                  empty_label="全部单位")
    active = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部"), ("1", "启用"), ("0", "停用")])

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
