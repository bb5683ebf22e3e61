"""People pages: officers with their certificates and trainings, the Excel export, and the user's own
account (password change, second factor)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device

from ecoenforce.org import selectors, services
from ecoenforce.org.exports import people_workbook
from ecoenforce.org.forms import (
    CertificateForm,
    ConfirmPasswordForm,
    PasswordChangeForm,
    PeopleFilterForm,
    ReasonForm,
    TrainingForm,
)
from ecoenforce.org.models import User
from ecoenforce.org.passwords import configured_min_length
from ecoenforce.org.permissions import can
from ecoenforce.org.roles import ADMIN_ROLES
from ecoenforce.org.web import attempt, found, page, paginate, query_without_page, signed_in

# ----------------------------------------------------------------------------------------------- people


def _people_filters(request: HttpRequest) -> tuple[PeopleFilterForm, dict[str, Any]]:
    filters = PeopleFilterForm(request.GET or None, units=selectors.units_for(request.user))
    d = filters.cleaned_data if filters.is_valid() else {}
    return filters, {"q": d.get("q", ""), "unit_id": getattr(d.get("unit"), "pk", None),
                     "role": d.get("role", ""), "status": d.get("status", "")}


@page("org.view_people")
def people(request: HttpRequest) -> HttpResponse:
    filters, criteria = _people_filters(request)
    rows = selectors.people_rows(request.user, **criteria)
    return render(request, "org/people.html", {
        "filters": filters, "page_obj": paginate(request, rows), "count": len(rows),
        "query": query_without_page(request)})


@page("org.view_people")
def people_export(request: HttpRequest) -> HttpResponse:
    _, criteria = _people_filters(request)
    rows = selectors.people_rows(request.user, **criteria)
    content = people_workbook(rows, by=signed_in(request), criteria=criteria)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        "attachment; filename=\"people.xlsx\"; filename*=UTF-8''%E4%BA%BA%E5%91%98.xlsx"
    )
    return response


def _person_page(request: HttpRequest, person: User, *, cert_form: CertificateForm | None = None,
                 training_form: TrainingForm | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    certs = list(selectors.certificates_of(person))
    current = selectors.current_certificate(certs, today)
    cert_status = selectors.certificate_status(current, today)
    manage = can(request.user, "org.manage_certificates", person) and person.pk != request.user.pk
    return render(request, "org/person.html", {
        "person": person, "roles": selectors.role_labels(person), "certificates": certs,
        "current": current, "status": cert_status,
        "status_label": selectors.CertStatus.LABELS[cert_status],
        "trainings": selectors.trainings_of(person),
        "manage": manage, "cert_form": cert_form or CertificateForm(),
        "training_form": training_form or TrainingForm(), "reason_form": ReasonForm(),
        "today": today,
    }, status=status)


@page("org.view_people")
def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, found(selectors.person_for(request.user, pk)))


@page("org.manage_certificates", ("POST",))
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    officer = found(selectors.person_for(by, pk))
    form = CertificateForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        ok, cert = attempt(request, lambda: services.certificate_add(
            by=by, officer=officer, number=d["number"], issuer=d["issuer"], valid_from=d["valid_from"],
            valid_to=d["valid_to"]), form)
        if ok and cert is not None:
            messages.success(request, f"已登记执法证：{cert.number}")
            return redirect("org:person", pk=officer.pk)
    return _person_page(request, officer, cert_form=form, status=400)


@page("org.manage_certificates", ("POST",))
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    cert = found(selectors.certificate_for(by, pk))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    ok, _ = attempt(request, lambda: services.certificate_revoke(by=by, certificate=cert, reason=reason))
    if ok:
        messages.success(request, f"已注销执法证：{cert.number}")
    return redirect("org:person", pk=cert.officer_id)


@page("org.manage_certificates", ("POST",))
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    officer = found(selectors.person_for(by, pk))
    form = TrainingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        ok, training = attempt(request, lambda: services.training_add(
            by=by, officer=officer, title=d["title"], organizer=d["organizer"], held_on=d["held_on"],
            hours=d["hours"]), form)
        if ok and training is not None:
            messages.success(request, f"已登记培训：{training.title}")
            return redirect("org:person", pk=officer.pk)
    return _person_page(request, officer, training_form=form, status=400)


@page("org.manage_certificates", ("POST",))
def training_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    training = found(selectors.training_for(by, pk))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    ok, _ = attempt(request, lambda: services.training_revoke(by=by, training=training, reason=reason))
    if ok:
        messages.success(request, f"已撤销培训记录：{training.title}")
    return redirect("org:person", pk=training.officer_id)


# ---------------------------------------------------------------------------------- the user's own


@page(None, ("GET", "POST"))
def password_change(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, _ = attempt(request, lambda: services.password_change(
            user=user, old_password=d["old_password"], new_password=d["new_password1"]), form)
        if ok:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("org:account")
    return render(request, "org/password_change.html", {
        "form": form, "forced": user.must_change_password, "min_length": configured_min_length()})


@page(None)
def my_account(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    return render(request, "org/my_account.html", {
        "person": user, "roles": selectors.role_labels(user), "has_totp": user_has_device(user),
        "is_admin": user.has_role(*ADMIN_ROLES), "confirm_form": ConfirmPasswordForm()})


@page(None, ("POST",))
def totp_reset_own(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = ConfirmPasswordForm(request.POST)
    password = form.cleaned_data["password"] if form.is_valid() else ""
    ok, _ = attempt(request, lambda: services.totp_reset_own(user=user, password=password))
    if ok:
        return redirect(reverse("otp-verify") + "?next=" + reverse("org:account"))
    return redirect("org:account")
