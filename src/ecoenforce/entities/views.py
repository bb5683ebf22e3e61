"""Entity pages: list (search, filters, export, import), detail, create/edit, Excel import.

Thin: permission via org.permissions.authorize (a Refused becomes a recorded 403 page), reads via
selectors, writes via services and excel.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ecoenforce.entities import excel
from ecoenforce.entities.excel.columns import NOT_EXCEL
from ecoenforce.entities.excel.reading import budget
from ecoenforce.entities.forms import EntityForm, ImportUploadForm
from ecoenforce.entities.industries import industry_name
from ecoenforce.entities.models import EntityStatus, ImportStatus, SupervisionClass
from ecoenforce.entities.selectors import EntityFilters, entities_page, entity_get_for, filter_units_for
from ecoenforce.entities.services import entity_create, entity_update
from ecoenforce.entities.tasks import import_preview_task
from ecoenforce.org.divisions import division_full_name
from ecoenforce.org.models import User
from ecoenforce.org.permissions import authorize, can
from ecoenforce.org.uploads import NOT_XLSX, UploadRefused, check_zip, spool_put
from ecoenforce.worker.jobs import job_start, job_url

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"entities.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@login_required
def entity_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "entities.view", action="entity.list")
    filters = EntityFilters.from_params(request.GET)
    page = entities_page(request.user, filters, request.GET.get("page"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "classes": SupervisionClass.choices,
        "statuses": EntityStatus.choices,
        "units": filter_units_for(request.user),
        "can_change": can(request.user, "entities.change"),
        "can_import": can(request.user, "entities.import"),
        "can_export": can(request.user, "entities.export"),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "entities/_results.html", context)
    return render(request, "entities/list.html", context)


@login_required
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "entities.view", action="entity.view")
    entity = entity_get_for(request.user, pk)
    return render(
        request,
        "entities/detail.html",
        {
            "entity": entity,
            "division_name": division_full_name(entity.division_code) or "",
            "industry_name": industry_name(entity.industry_code),
            "points": [(o, m) for o in entity.outlets.all() for m in o.monitoring_points.all()],
            "can_change": can(request.user, "entities.change", entity),
        },
    )


def _apply_errors(form: EntityForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def entity_create_view(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "entities.change", action="entity.create")
    form = EntityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entity = entity_create(by=_user(request), **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已登记监管对象：{entity.name}")
            return redirect("entities:detail", pk=entity.pk)
    return render(request, "entities/form.html", {"form": form, "entity": None})


@login_required
@require_http_methods(["GET", "POST"])
def entity_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "entities.view", action="entity.view")
    entity = entity_get_for(request.user, pk)
    authorize(request.user, "entities.change", entity, action="entity.update")
    form = EntityForm(request.POST or None, user=request.user, entity=entity)
    if request.method == "POST" and form.is_valid():
        try:
            entity = entity_update(by=_user(request), entity=entity, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("entities:detail", pk=entity.pk)
    return render(request, "entities/form.html", {"form": form, "entity": entity})


@login_required
def entity_export(request: HttpRequest) -> HttpResponse:
    data, _count = excel.entities_export(by=_user(request), filters=EntityFilters.from_params(request.GET))
    return _xlsx(data, "监管对象导出.xlsx")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "entities.import", action="entity.import")
    return _xlsx(excel.template_bytes(), "监管对象导入模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "entities.import", action="entity.import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            limits = budget()
            data = upload.read(limits.max_bytes + 1)
            try:  # the cheap budgets here (size, zip directory); the rows in the worker
                check_zip(data, limits)
            except UploadRefused as exc:
                form.add_error("file", NOT_EXCEL if exc.message == NOT_XLSX else exc.message)
            else:
                job = job_start(kind="entities.import", title="监管对象导入预览", by=request.user)
                spool_put(str(job.pk), data)
                import_preview_task.enqueue(str(job.pk), _user(request).pk, upload.name or "upload.xlsx")
                return redirect(job_url(job))
        status = 400
    return render(request, "entities/import.html", {"form": form, "columns": excel.COLUMNS}, status=status)


@login_required
def import_preview(request: HttpRequest, pk: str) -> HttpResponse:
    authorize(request.user, "entities.import", action="entity.import")
    preview = excel.import_get_for(_user(request), pk)
    return render(
        request,
        "entities/import_preview.html",
        {
            "preview": preview,
            "good_shown": [
                {**g, "class_label": SupervisionClass(g["supervision_class"]).label}
                for g in preview.good_rows[:200]
            ],
            "errors_shown": preview.errors[:2000],
            "committable": preview.status == ImportStatus.PREVIEWED and bool(preview.good_rows),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: str) -> HttpResponse:
    authorize(request.user, "entities.import", action="entity.import")
    preview = excel.import_get_for(_user(request), pk)
    try:
        count = excel.import_commit(by=_user(request), preview=preview)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("entities:import_preview", pk=preview.pk)
    messages.success(request, f"已导入 {count} 个监管对象（文件：{preview.file_name}）")
    return redirect("entities:list")


@login_required
def import_errors(request: HttpRequest, pk: str) -> HttpResponse:
    authorize(request.user, "entities.import", action="entity.import")
    preview = excel.import_get_for(_user(request), pk)
    return _xlsx(excel.errors_workbook(preview), "导入错误清单.xlsx")
