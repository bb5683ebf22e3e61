from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecoenforce.audit.context import client_ip
from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record, record_not_found, record_refusal
from ecoenforce.org.forms import LoginForm, TotpForm
from ecoenforce.org.ratelimit import hit


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limited = _address_limited(request, "login", settings.LOGIN_RATE_PER_ADDRESS)
        return limited or super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["platform_owner"] = settings.PLATFORM_OWNER
        context["idle_minutes"] = settings.SESSION_COOKIE_AGE // 60
        return context


def _address_limited(request: HttpRequest, what: str, limit: int) -> HttpResponse | None:
    """A 429 page when this address sent more than `limit` POSTs of `what` in LOGIN_RATE_WINDOW."""
    ip = client_ip(request.META)
    if hit(f"{what}:{ip}", limit=limit, window=settings.LOGIN_RATE_WINDOW).allowed:
        return None
    minutes = max(1, settings.LOGIN_RATE_WINDOW // 60)
    message = f"本地址尝试次数过多，请 {minutes} 分钟后再试。忘记密码请联系本单位系统管理员重置。"
    return render(request, "org/403.html", {"message": message}, status=429)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您无权访问此页面或执行此操作。"
    return render(request, "org/403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a Chinese page, and the refused request in the audit trail."""
    record_refusal(request, PermissionDenied(f"CSRF校验失败：{reason}"), action="http.csrf_failed")
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A signed-in user's 404 is recorded: out-of-jurisdiction objects answer 404 (never 403, which
    # would confirm they exist), and those attempts must leave a trace like the 403s do.
    record_not_found(request)
    return render(request, "org/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a Chinese page rendered without context (the error may lie in a context processor)."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Verify (or, the first time, set up) the TOTP second factor."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setup = device is None
    if device is None:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="身份验证器", confirmed=False)
    form = TotpForm(request.POST or None)
    limit = settings.TOTP_RATE_PER_ADDRESS
    if request.method == "POST" and (limited := _address_limited(request, "totp", limit)):
        return limited
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                if setup:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                otp_login(request, device)
                audit_record(action="auth.totp_setup" if setup else "auth.totp_verified", target=request.user)
            return redirect(_safe_next(request))
        with transaction.atomic():
            audit_record(action="auth.totp_failed", target=request.user, outcome=Outcome.FAILED,
                         reason="动态口令错误")
        form.add_error("token", "动态口令错误或已过期")
    context: dict[str, Any] = {"form": form, "setup": setup, "next": _safe_next(request)}
    if setup:
        context["qr_svg"] = _qr_data_uri(device.config_url)  # issuer from OTP_TOTP_ISSUER
        context["secret"] = base64.b32encode(device.bin_key).decode()
    response = render(request, "org/otp_verify.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _qr_data_uri(text: str) -> str:
    buf = BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage).save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()
