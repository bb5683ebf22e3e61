"""Administration pages: units and accounts (system administrator), roles and API tokens
(security administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import user_has_device

from ecoenforce.org import selectors, services
from ecoenforce.org.forms import (
    AccountCreateForm,
    AccountFilterForm,
    AccountForm,
    ActiveForm,
    RoleForm,
    TokenForm,
    UnitForm,
)
from ecoenforce.org.models import Unit, User
from ecoenforce.org.passwords import password_generate
from ecoenforce.org.roles import ADMIN_ROLES
from ecoenforce.org.web import attempt, found, page, paginate, query_without_page, signed_in

# ---------------------------------------------------------------------------------------------- units


@page("org.manage_units")
def units(request: HttpRequest) -> HttpResponse:
    return render(request, "org/units.html", {"tree": selectors.unit_tree(request.user)})


@page("org.manage_units", ("GET", "POST"))
def unit_create(request: HttpRequest) -> HttpResponse:
    by = signed_in(request)
    parents = selectors.units_for(by)
    initial = {"parent": request.GET.get("parent"), "is_active": True}
    form = UnitForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, unit = attempt(request, lambda: services.unit_create(
            by=by, name=d["name"], short_name=d["short_name"], level=d["level"],
            division_code=d["division_code"], parent=d["parent"]), form)
        if ok and unit is not None:
            messages.success(request, f"已新建单位：{unit.name}")
            return redirect("org:units")
    return render(request, "org/unit_form.html", {"form": form, "unit": None})


@page("org.manage_units", ("GET", "POST"))
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    unit = found(selectors.units_for(by).filter(pk=pk).first())
    # Anywhere in the jurisdiction outside the unit's own subtree; the current parent stays selectable.
    in_scope = selectors.units_for(by).exclude(path__startswith=unit.path).values("pk")
    parents = Unit.objects.filter(Q(pk__in=in_scope) | Q(pk=unit.parent_id or 0))
    initial = {"name": unit.name, "short_name": unit.short_name, "level": unit.level,
               "division_code": unit.division_code, "parent": unit.parent_id, "is_active": unit.is_active}
    form = UnitForm(request.POST or None, parents=parents, initial=initial, root=unit.parent_id is None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, _ = attempt(request, lambda: services.unit_update(
            by=by, unit=unit, name=d["name"], short_name=d["short_name"], level=d["level"],
            division_code=d["division_code"], parent=d["parent"], is_active=d["is_active"]), form)
        if ok:
            messages.success(request, f"已保存单位：{unit.name}")
            return redirect("org:units")
        unit.refresh_from_db()
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


# ------------------------------------------------------------------------------------------- accounts


@page("org.manage_accounts")
def accounts(request: HttpRequest) -> HttpResponse:
    by = signed_in(request)
    filters = AccountFilterForm(request.GET or None, units=selectors.units_for(by))
    d = filters.cleaned_data if filters.is_valid() else {}
    active = {"1": True, "0": False}.get(d.get("active") or "")
    qs = selectors.accounts_for(by, q=d.get("q", ""), unit_id=getattr(d.get("unit"), "pk", None),
                                active=active)
    page_obj = paginate(request, qs)
    locked = selectors.locked_usernames(u.username for u in page_obj)
    rows = [{"person": u, "roles": selectors.role_labels(u), "locked": u.username in locked}
            for u in page_obj]
    return render(request, "org/accounts.html", {
        "filters": filters, "page_obj": page_obj, "rows": rows, "query": query_without_page(request)})


@page("org.manage_accounts", ("GET", "POST"))
def account_create(request: HttpRequest) -> HttpResponse:
    by = signed_in(request)
    form = AccountCreateForm(request.POST or None, units=selectors.units_for(by),
                             initial={"unit": by.unit_id})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        temporary = password_generate()
        ok, person = attempt(request, lambda: services.user_create(
            by=by, username=d["username"], password=temporary, unit=d["unit"], real_name=d["real_name"],
            phone=d["phone"]), form)
        if ok and person is not None:
            return _password_issued(request, person, temporary, created=True)
    return render(request, "org/account_form.html", {"form": form, "person": None})


def _password_issued(request: HttpRequest, person: User, temporary: str, *, created: bool) -> HttpResponse:
    """The temporary password, shown once in this response and never stored in clear."""
    response = render(request, "org/password_issued.html",
                      {"person": person, "temporary": temporary, "created": created})
    response["Cache-Control"] = "no-store"
    return response


def _account_in_scope(request: HttpRequest, pk: int) -> User:
    return found(selectors.accounts_for(request.user).filter(pk=pk).first())


@page("org.manage_accounts", ("GET", "POST"))
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    person = _account_in_scope(request, pk)
    initial = {"real_name": person.real_name, "phone": person.phone, "unit": person.unit_id}
    form = AccountForm(request.POST or None, units=selectors.units_for(by), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, _ = attempt(request, lambda: services.user_update(
            by=by, user=person, real_name=d["real_name"], phone=d["phone"], unit=d["unit"]), form)
        if ok:
            messages.success(request, f"已保存账户：{person.username}")
            return redirect("org:accounts")
        person.refresh_from_db()
    return render(request, "org/account_form.html", {
        "form": form, "person": person, "roles": selectors.role_labels(person),
        "is_admin": person.has_role(*ADMIN_ROLES), "active_form": ActiveForm()})


@page("org.manage_accounts", ("POST",))
def account_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    person = _account_in_scope(request, pk)
    form = ActiveForm(request.POST)
    if form.is_valid():
        active = form.cleaned_data["active"]
        ok, _ = attempt(request, lambda: services.user_set_active(
            by=by, user=person, active=active, reason=form.cleaned_data["reason"]))
        if ok:
            messages.success(request, f"已{'启用' if active else '停用'}账户：{person.username}")
    return redirect("org:account-edit", pk=person.pk)


@page("org.manage_accounts", ("POST",))
def account_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    person = _account_in_scope(request, pk)
    ok, temporary = attempt(request, lambda: services.password_reset(by=by, user=person))
    if ok and temporary is not None:
        return _password_issued(request, person, temporary, created=False)
    return redirect("org:account-edit", pk=person.pk)


# -------------------------------------------------------------------------------------- roles, tokens


@page("org.grant_roles")
def roles(request: HttpRequest) -> HttpResponse:
    by = signed_in(request)
    filters = AccountFilterForm(request.GET or None, units=selectors.units_for(by))
    d = filters.cleaned_data if filters.is_valid() else {}
    active = {"1": True, "0": False}.get(d.get("active") or "")
    qs = selectors.accounts_for(by, q=d.get("q", ""), unit_id=getattr(d.get("unit"), "pk", None),
                                active=active)
    page_obj = paginate(request, qs)
    locked = selectors.locked_usernames(u.username for u in page_obj)
    rows = [{
        "person": u, "grants": list(u.role_grants.all()), "locked": u.username in locked,
        "has_totp": user_has_device(u), "is_self": u.pk == by.pk,
    } for u in page_obj]
    return render(request, "org/roles.html", {
        "filters": filters, "page_obj": page_obj, "rows": rows, "role_form": RoleForm(),
        "query": query_without_page(request)})


def _back_to_roles(request: HttpRequest) -> HttpResponse:
    """Back to the roles page with its filters (re-encoded: only a query string, nothing else)."""
    query = QueryDict(request.POST.get("query", "")[:500]).urlencode()
    return redirect(reverse("org:roles") + (f"?{query}" if query else ""))


@page("org.grant_roles", ("POST",))
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    person = _account_in_scope(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择要授予的角色")
        return _back_to_roles(request)
    role = form.cleaned_data["role"]
    ok, grant = attempt(request, lambda: services.role_grant(by=by, user=person, role=role))
    if ok and grant is not None:
        messages.success(request, f"已为 {person.display_name} 授予角色：{grant.get_role_display()}")
    return _back_to_roles(request)


@page("org.grant_roles", ("POST",))
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    person = _account_in_scope(request, pk)
    role = request.POST.get("role", "")
    ok, _ = attempt(request, lambda: services.role_revoke(by=by, user=person, role=role))
    if ok:
        messages.success(request, f"已撤销 {person.display_name} 的角色")
    return _back_to_roles(request)


@page("org.account_security", ("POST",))
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    person = _account_in_scope(request, pk)
    ok, _ = attempt(request, lambda: services.account_unlock(by=by, user=person))
    if ok:
        messages.success(request, f"已解除账户锁定：{person.username}")
    return _back_to_roles(request)


@page("org.account_security", ("POST",))
def totp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    person = _account_in_scope(request, pk)
    ok, _ = attempt(request, lambda: services.totp_reset(by=by, user=person))
    if ok:
        messages.success(request, f"已重置 {person.display_name} 的动态口令，其下次登录时须重新设置")
    return _back_to_roles(request)


@page("org.manage_tokens", ("GET", "POST"))
def tokens(request: HttpRequest) -> HttpResponse:
    by = signed_in(request)
    candidates = selectors.people_for(by).filter(is_active=True).exclude(role_grants__role__in=ADMIN_ROLES)
    form = TokenForm(request.POST or None, users=candidates)
    issued = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, result = attempt(request, lambda: services.token_issue(by=by, user=d["user"], name=d["name"]),
                             form)
        if ok and result is not None:
            issued = {"token": result[0], "raw": result[1]}
            form = TokenForm(users=candidates)
    response = render(request, "org/tokens.html", {
        "form": form, "issued": issued, "tokens": selectors.tokens_for(by)[:200]})
    if issued:
        response["Cache-Control"] = "no-store"
    return response


@page("org.manage_tokens", ("POST",))
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    by = signed_in(request)
    token = found(selectors.tokens_for(by).filter(pk=pk).first())
    ok, _ = attempt(request, lambda: services.token_revoke(by=by, token=token))
    if ok:
        messages.success(request, f"已吊销令牌：{token.name}")
    return redirect("org:tokens")
