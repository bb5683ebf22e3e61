"""Catalog pages: the browser, item detail, version history and diff, the version workflow, Excel.

Thin: permissions and writes are the services'; a refusal (Refused) propagates to the middleware,
which records it in the audit trail and renders the 403 page. Each action button is shown only to
the role that may press it (the service checks again).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_POST

from ecoenforce.catalog import excel, selectors, services
from ecoenforce.catalog.forms import (
    ApproveForm,
    BrowseForm,
    DraftCreateForm,
    EntryForm,
    ImportForm,
    PublishForm,
    RefineForm,
    RemoveForm,
    ReviewForm,
    VersionMetaForm,
    apply_errors,
)
from ecoenforce.catalog.models import CatalogEntry, CatalogVersion, EntryAction, VersionStatus, today
from ecoenforce.catalog.tasks import import_task
from ecoenforce.org.jurisdiction import visible_units
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import Refused, authorize, can
from ecoenforce.org.uploads import UploadRefused, check_zip, spool_put
from ecoenforce.worker.jobs import job_start, job_url
from ecoenforce.worker.models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every view here is login_required
    return user


def unit_for_read(request: HttpRequest) -> Unit:
    raw = request.GET.get("unit", "")
    if raw and not raw.isdigit():
        raise Http404
    return selectors.readable_unit(request.user, int(raw) if raw else None)


def version_for_read(request: HttpRequest, pk: int) -> CatalogVersion:
    authorize(request.user, "catalog.view", action="catalog.view")
    return selectors.visible_version(request.user, pk)


def require_workflow(user: Any) -> None:
    if not any(can(user, perm) for perm in selectors.WORKFLOW_PERMS):
        raise Refused("您的角色无权办理执法事项清单的起草、审核、批准或发布", action="catalog.workflow")


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    for message in services.error_messages(exc):
        messages.error(request, message)


def _detail(version: CatalogVersion) -> HttpResponse:
    return redirect("catalog:version", pk=version.pk)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _date(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else today()
    except ValueError:
        return today()


# ---------------------------------------------------------------- reading


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    unit = unit_for_read(request)
    on = _date(request.GET.get("on"))
    catalog = selectors.effective_catalog(unit, on)
    form = BrowseForm(request.GET or None, categories=selectors.categories(catalog.entries))
    entries = selectors.filter_entries(catalog.entries, **form.filters())
    context = {
        "catalog": catalog,
        "entries": entries,
        "form": form,
        "unit": unit,
        "on": on,
        "units": selectors.readable_units(request.user),
        "query": request.GET.urlencode(),
    }
    template = "catalog/_entries.html" if request.headers.get("HX-Request") else "catalog/browse.html"
    return render(request, template, context)


@login_required
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_for_read(request)
    on = _date(request.GET.get("on"))
    entry = selectors.effective_item(unit, code, on)
    if entry is None:
        raise Http404
    calculator_url = ""
    if (entry.sanction or {}).get("kind") in ("amount", "multiple") and can(
        request.user, "catalog.compute_penalty", unit
    ):
        query = urlencode({"item": code, "on": f"{on:%Y-%m-%d}"})
        calculator_url = f"{reverse('penalty:calculator')}?{query}"
    return render(request, "catalog/item.html",
                  {"entry": entry, "unit": unit, "on": on, "calculator_url": calculator_url})


@login_required
def export_effective(request: HttpRequest) -> HttpResponse:
    unit = unit_for_read(request)
    on = _date(request.GET.get("on"))
    catalog = selectors.effective_catalog(unit, on)
    form = BrowseForm(request.GET or None, categories=selectors.categories(catalog.entries))
    content = excel.export_effective(catalog, selectors.filter_entries(catalog.entries, **form.filters()))
    return xlsx_response(content, f"执法事项清单-{unit.name}-{on:%Y%m%d}.xlsx")


@login_required
def versions(request: HttpRequest) -> HttpResponse:
    unit = unit_for_read(request)
    rows = selectors.versions_for(unit, request.user)
    return render(
        request,
        "catalog/versions.html",
        {
            "unit": unit,
            "rows": rows,
            "units": selectors.readable_units(request.user),
            "can_draft": can(request.user, "catalog.draft", unit),
        },
    )


@login_required
def diff_view(request: HttpRequest) -> HttpResponse:
    b_raw, a_raw = request.GET.get("b", ""), request.GET.get("a", "")
    if not b_raw.isdigit() or (a_raw and not a_raw.isdigit()):
        raise Http404
    b = version_for_read(request, int(b_raw))
    a = version_for_read(request, int(a_raw)) if a_raw else (b.based_on or selectors.previous_published(b))
    if a is None:
        messages.info(request, f"{b.title}是该单位的第一个版本，没有可比较的上一版本。")
        return _detail(b)
    return render(request, "catalog/diff.html", {"diff": selectors.diff(a, b)})


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for_read(request, pk)
    user: Any = request.user
    names = selectors.inherited_names(version) if version.unit.parent_id else {}
    # What the reviewer must see: the change against the version this one replaces, not the entries' origin.
    base = selectors.previous_published(version)
    changes = selectors.diff(base, version) if base else None
    change_of: dict[str, str] = {}
    if changes:
        change_of = {i.code: "新增" for i in changes.added} | {i.code: "修改" for i in changes.changed}
    rows = [
        (e, e.name or names.get(e.code, ""), change_of.get(e.code, "未变"))
        for e in selectors.entries_of(version)
    ]
    return render(
        request,
        "catalog/version.html",
        {
            "version": version,
            "info": selectors.version_info(version),
            "rows": rows,
            "actions": actions_for(user, version),
            "meta_form": VersionMetaForm(
                initial={"label": version.label, "change_reason": version.change_reason}
            ),
            "review_form": ReviewForm(),
            "approve_form": ApproveForm(initial={"decision": "approve"}),
            "publish_form": PublishForm(initial={"effective_from": today(), "filing_date": today()}),
            "remove_form": RemoveForm(),
            "is_lower": version.unit.parent_id is not None,
            "diff": changes,
        },
    )


def actions_for(user: Any, version: CatalogVersion) -> dict[str, bool]:
    s = version.status
    reviewer = s == VersionStatus.LEGAL_REVIEW and can(user, "catalog.legal_review", version)
    own = user.pk in (version.created_by_id, version.submitted_by_id)
    drafter = can(user, "catalog.draft", version)
    return {
        "edit": s == VersionStatus.DRAFT and drafter,
        "review": reviewer and not own,
        "review_own": reviewer and own,
        "approve": s == VersionStatus.REVIEWED and can(user, "catalog.approve", version),
        "publish": s == VersionStatus.APPROVED and can(user, "catalog.publish", version),
        "reopen": s == VersionStatus.REJECTED and drafter,
    }


@login_required
def export_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for_read(request, pk)
    return xlsx_response(
        excel.export_version(version), f"执法事项清单-{version.unit.name}-第{version.number}版.xlsx"
    )


# ---------------------------------------------------------------- the workflow


@login_required
def drafts(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require_workflow(user)
    draft_units = [u for u in visible_units(user) if can(user, "catalog.draft", u)]
    form = DraftCreateForm(
        units=Unit.objects.filter(pk__in=[u.pk for u in draft_units]).order_by("path"),
        initial={"unit": user.unit_id},
    )
    return render(
        request,
        "catalog/drafts.html",
        {
            "open_versions": selectors.open_versions_for(user),
            "form": form if draft_units else None,
        },
    )


@login_required
@require_POST
def draft_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    authorize(user, "catalog.draft", action="catalog.draft_create")
    form = DraftCreateForm(request.POST, units=visible_units(user))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
        return redirect("catalog:drafts")
    try:
        version = services.version_create_draft(
            unit=form.cleaned_data["unit"],
            by=user,
            label=form.cleaned_data["label"],
            change_reason=form.cleaned_data["change_reason"],
        )
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("catalog:drafts")
    messages.success(request, f"已创建{version.unit.name}执法事项清单{version.title}草稿。")
    return _detail(version)


def _draft_for_edit(request: HttpRequest, pk: int, action: str) -> CatalogVersion:
    """Permission first (a refused attempt is recorded even on a version the user cannot see)."""
    version = get_object_or_404(CatalogVersion.objects.select_related("unit", "based_on"), pk=pk)
    authorize(request.user, "catalog.draft", version, action=action)
    return version


@login_required
@require_POST
def version_meta(request: HttpRequest, pk: int) -> HttpResponse:
    version = _draft_for_edit(request, pk, "catalog.draft_edit")
    form = VersionMetaForm(request.POST)
    if form.is_valid():
        try:
            services.version_update_meta(version=version, by=_user(request), **form.cleaned_data)
            messages.success(request, "已保存版本说明。")
        except ValidationError as exc:
            _fail(request, exc)
    return _detail(version)


def _not_draft(request: HttpRequest, version: CatalogVersion) -> HttpResponse | None:
    if version.status == VersionStatus.DRAFT:
        return None
    messages.error(
        request, f"{version.title}当前状态为「{version.get_status_display()}」，只有草稿可以修改。"
    )
    return _detail(version)


@login_required
def entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    version = _draft_for_edit(request, pk, "catalog.entry_add")
    if response := _not_draft(request, version):
        return response
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_add(
                version=version,
                by=_user(request),
                data=form.to_data(),
                reason=form.cleaned_data["change_reason"],
            )
            messages.success(request, f"已新增事项 {entry.code}。")
            return _detail(version)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "catalog/entry_form.html", {"version": version, "form": form, "title": "新增事项"})


@login_required
def entry_edit(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    version = _draft_for_edit(request, pk, "catalog.entry_update")
    if response := _not_draft(request, version):
        return response
    entry = get_object_or_404(CatalogEntry, pk=entry_pk, version=version)
    form: EntryForm | RefineForm
    if entry.action == EntryAction.REFINE:
        form = RefineForm(request.POST or None, entry=entry, choices=[(entry.code, entry.code)])
    else:
        form = EntryForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(
                entry=entry,
                by=_user(request),
                data=form.to_data(),
                reason=form.cleaned_data["change_reason"],
            )
            messages.success(request, f"已保存事项 {entry.code}。")
            return _detail(version)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "catalog/entry_form.html",
        {"version": version, "form": form, "entry": entry, "title": f"修改事项 {entry.code}"},
    )


@login_required
@require_POST
def entry_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    version = _draft_for_edit(request, pk, "catalog.entry_remove")
    entry = get_object_or_404(CatalogEntry, pk=entry_pk, version=version)
    form = RemoveForm(request.POST)
    form.is_valid()
    try:
        services.entry_remove(entry=entry, by=_user(request), reason=form.cleaned_data.get("reason", ""))
        messages.success(request, f"已删除事项 {entry.code}。")
    except ValidationError as exc:
        _fail(request, exc)
    return _detail(version)


@login_required
def entry_refine(request: HttpRequest, pk: int) -> HttpResponse:
    version = _draft_for_edit(request, pk, "catalog.entry_refine")
    if response := _not_draft(request, version):
        return response
    inherited = selectors.inherited_catalog(version.unit)
    taken = set(version.entries.values_list("code", flat=True))
    choices = [(e.code, f"{e.code} {e.name}") for e in inherited.entries if e.code not in taken]
    initial = {}
    if (code := request.GET.get("code")) and (base := inherited.get(code)):
        initial = {
            "code": code,
            "implementing_subject": base.implementing_subject,
            "first_level": base.first_level,
            "township_delegable": base.township_delegable,
        }
    form = RefineForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_refine(
                version=version,
                by=_user(request),
                data=form.to_data(),
                reason=form.cleaned_data["change_reason"],
            )
            messages.success(request, f"已细化上级事项 {entry.code}。")
            return _detail(version)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "catalog/entry_form.html",
        {"version": version, "form": form, "title": "细化上级事项", "refine": True},
    )


@login_required
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    version = _draft_for_edit(request, pk, "catalog.entries_import")
    if response := _not_draft(request, version):
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    report = _import_report(request, version)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(excel.BUDGET.max_bytes + 1)
        try:  # the cheap budgets here (size, zip directory); reading and checking rows in the worker
            check_zip(data, excel.BUDGET)
        except UploadRefused as exc:
            form.add_error("file", exc.message)
        else:
            job = job_start(kind="catalog.import", title=f"导入事项：{version.title}", by=request.user)
            spool_put(str(job.pk), data)
            import_task.enqueue(str(job.pk), version.pk, _user(request).pk, upload.name or "upload.xlsx",
                                form.cleaned_data["reason"])
            return redirect(job_url(job))
    return render(request, "catalog/import.html", {"version": version, "form": form, "report": report})


def _import_report(request: HttpRequest, version: CatalogVersion) -> excel.ImportReport | None:
    """The row errors of the user's own import job of this version (?job=<id>), to show with the form."""
    job_id = _uuid(request.GET.get("job"))
    if job_id is None:
        return None
    job = Job.objects.filter(pk=job_id, owner_id=request.user.pk, kind="catalog.import").first()
    if job is None or not job.result.get("errors"):
        return None
    return excel.ImportReport(rows=job.result.get("rows", 0),
                              errors=[excel.RowError(*e) for e in job.result["errors"]])


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _transition(request: HttpRequest, pk: int, run: Any) -> HttpResponse:
    """Run a lifecycle step; the service checks the permission and records nothing on refusal
    (the middleware records the Refused)."""
    version = get_object_or_404(CatalogVersion.objects.select_related("unit", "based_on"), pk=pk)
    try:
        message = run(version)
        messages.success(request, message)
    except ValidationError as exc:
        _fail(request, exc)
    return _detail(version)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(version: CatalogVersion) -> str:
        services.version_submit(version=version, by=_user(request))
        return "已提交法制审核。"

    return _transition(request, pk, run)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    def run(version: CatalogVersion) -> str:
        services.version_legal_review(
            version=version,
            by=_user(request),
            approve=request.POST.get("decision") == "pass",
            opinion=request.POST.get("opinion", ""),
        )
        return "法制审核通过，已送局领导批准。" if request.POST.get("decision") == "pass" else "已退回修改。"

    return _transition(request, pk, run)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    def run(version: CatalogVersion) -> str:
        ok = request.POST.get("decision", "approve") == "approve"
        services.version_approve(
            version=version,
            by=_user(request),
            approve=ok,
            opinion=request.POST.get("opinion", ""),
        )
        return "已批准，待发布。" if ok else "已退回修改。"

    return _transition(request, pk, run)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    form = PublishForm(request.POST)
    valid = form.is_valid()

    def run(version: CatalogVersion) -> str:
        data = form.cleaned_data if valid else {}
        services.version_publish(
            version=version,
            by=_user(request),
            effective_from=data.get("effective_from"),
            filing_authority=data.get("filing_authority", ""),
            filing_number=data.get("filing_number", ""),
            filing_date=data.get("filing_date"),
        )
        return f"已发布，自{data['effective_from']:%Y-%m-%d}起生效。"

    return _transition(request, pk, run)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def run(version: CatalogVersion) -> str:
        services.version_reopen(version=version, by=_user(request))
        return "已恢复为草稿，可继续修改后重新提交。"

    return _transition(request, pk, run)
