"""The public verification page (/public/verify/): no login. Anyone types the code printed on a paper
copy or uploads the file, and learns who issued it, when, which kind, whether the file is exactly
the one issued, and whether it has been revoked — nothing about the party or the case.

Fruitless checks are rate-limited per client (throttle.py); a blocked client gets 429 with a
Chinese message and its further attempts are not even looked up.
"""

from __future__ import annotations

import logging

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecoenforce.audit.context import client_ip
from ecoenforce.documents import selectors, throttle

log = logging.getLogger(__name__)
MAX_UPLOAD = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    code = forms.CharField(label="核验码", required=False, max_length=60)
    file = forms.FileField(label="或上传文书文件（PDF或DOCX）", required=False)

    def clean_file(self) -> object:
        f = self.cleaned_data.get("file")
        if f is not None and f.size > MAX_UPLOAD:
            raise forms.ValidationError("文件过大（不超过20MB）")
        return f

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (data.get("code") or "").strip() and not data.get("file") and not self.errors:
            raise forms.ValidationError("请输入核验码或上传文书文件")
        return data


def _ip(request: HttpRequest) -> str:
    return client_ip(request.META)  # the same address the audit trail records


def _answer(request: HttpRequest, form: VerifyForm, result: selectors.Verification | None,
            status: int = 200, error: str = "") -> HttpResponse:
    context = {"form": form, "result": result, "error": error}
    return render(request, "documents/public_verify.html", context, status=status)


def _blocked(request: HttpRequest, form: VerifyForm) -> HttpResponse:
    log.warning("document verification rate limit reached for a client")
    return _answer(request, form, None, status=429, error="核验失败次数过多，请稍后再试。")


def _checked(request: HttpRequest, form: VerifyForm, result: selectors.Verification) -> HttpResponse:
    if not result.found or (result.digest_checked and not result.digest_match):
        throttle.verify_miss(_ip(request))
    return _answer(request, form, result)


def verify(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _answer(request, VerifyForm(), None)
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _answer(request, form, None, status=422)
    if throttle.verify_blocked(_ip(request)):
        return _blocked(request, form)
    upload = form.cleaned_data.get("file")
    code = form.cleaned_data.get("code") or ""
    result = selectors.verify_file(upload.read(), code) if upload else selectors.verify_code(code)
    return _checked(request, form, result)


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """The page a QR code opens: the code is in the address; a file may still be uploaded."""
    form = VerifyForm(initial={"code": code})
    if throttle.verify_blocked(_ip(request)):
        return _blocked(request, form)
    return _checked(request, form, selectors.verify_code(code[:60]))
