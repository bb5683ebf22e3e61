"""Management pages: draw plans (commit, publish, run, publish result, JSON), the positive list,
inspection plans and campaigns; every list exports to Excel."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ecoenforce.entities.models import SupervisionClass
from ecoenforce.entities.selectors import entity_get_for
from ecoenforce.inspections import excel, frequency, plans, positive, selectors, services
from ecoenforce.inspections.defaults import defaults
from ecoenforce.inspections.forms import CampaignForm, DrawPlanForm, PlanForm, SeedForm
from ecoenforce.inspections.models import DrawStatus, PositiveEffect, RuleMode
from ecoenforce.inspections.pool import unit_settings
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import Refused, authorize, can


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _unit(request: HttpRequest) -> Unit:
    unit = _user(request).unit
    if unit is None:
        raise Refused("您的账户未归属任何执法机构", action="inspections.unit")
    return unit


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def draw_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "inspections.view", action="draw_plan.list")
    qs = selectors.draw_plans_for(request.user)
    if request.GET.get("export") == "xlsx":
        authorize(request.user, "inspections.export", action="draw_plan.export")
        rows = [
            [
                p.title,
                p.unit.name,
                p.period,
                p.get_status_display(),
                f"{timezone.localtime(p.draw_time):%Y-%m-%d %H:%M}",
                p.commitment,
                p.result_digest,
            ]
            for p in qs
        ]
        return excel.response(
            "抽查计划", ["名称", "单位", "周期", "状态", "抽取时间", "计划承诺摘要", "结果摘要"], rows
        )
    form = DrawPlanForm(request.POST or None)
    if request.method == "POST":
        unit = _user(request).unit
        authorize(request.user, "inspections.draw", unit, action="draw_plan.create")
        if form.is_valid() and unit is not None:
            try:
                plan = services.draw_plan_create(
                    unit=unit,
                    by=_user(request),
                    witness_commitments=form.commitments(),
                    **{
                        k: form.cleaned_data[k]
                        for k in ("title", "period", "draw_time", "seed_kind", "seed_description")
                    },
                )
                return redirect("inspections:draw", pk=plan.pk)
            except ValidationError as exc:
                _errors(request, exc)
    return render(
        request,
        "inspections/draws.html",
        {"plans": qs[:200], "form": form, "can_draw": can(request.user, "inspections.draw")},
    )


def _in_background(
    request: HttpRequest, plan: Any, action: str, values: list[str] | None = None
) -> HttpResponse:
    """Commit, run or publish a draw's result in the worker; the job page shows its progress and
    links back to the plan (also when the job fails: result_url is set before the work starts)."""
    from ecoenforce.inspections.tasks import draw_commit_task, draw_publish_result_task, draw_run_task
    from ecoenforce.worker.jobs import job_start, job_url

    user = _user(request)
    if action == "commit":
        job = job_start(kind="inspections.draw_commit", title=f"承诺抽查计划：{plan.title}", by=user, total=3)
    elif action == "run":
        job = job_start(kind="inspections.draw_run", title=f"抽取：{plan.title}", by=user, total=4)
    else:
        title = f"公示抽取结果：{plan.title}"
        job = job_start(kind="inspections.draw_publish_result", title=title, by=user, total=3)
    job.result_url = reverse("inspections:draw", args=[plan.pk])
    job.save(update_fields=["result_url"])
    if action == "commit":
        draw_commit_task.enqueue(str(job.pk), plan.pk, user.pk)
    elif action == "run":
        draw_run_task.enqueue(str(job.pk), plan.pk, values or [], user.pk)
    else:
        draw_publish_result_task.enqueue(str(job.pk), plan.pk, user.pk)
    return redirect(job_url(job))


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "inspections.view", action="draw_plan.view")
    plan = selectors.get_or_404(
        selectors.draw_plans_for(request.user), pk, user=request.user, action="draw_plan.view"
    )
    if request.GET.get("format") == "json" and plan.document:
        response = HttpResponse(
            json.dumps(plan.document, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="draw-{plan.pk}.json"'
        return response
    seed_form = SeedForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "commit":
                if not services.refused_at_once(plan, "commit"):
                    return _in_background(request, plan, "commit")
                services.draw_plan_commit(plan=plan, by=_user(request))
            elif action == "publish":
                services.draw_plan_publish(plan=plan, by=_user(request))
            elif action == "run" and seed_form.is_valid():
                values = seed_form.value_list()
                if not services.refused_at_once(plan, "run", values):
                    return _in_background(request, plan, "run", values)
                services.draw_run(plan=plan, seed_values=values, by=_user(request))
            elif action == "publish_result":
                if not services.refused_at_once(plan, "publish_result"):
                    return _in_background(request, plan, "publish_result")
                services.draw_result_publish(plan=plan, by=_user(request))
            return redirect("inspections:draw", pk=plan.pk)
        except ValidationError as exc:
            _errors(request, exc)
    tasks = plan.inspections.select_related("entity").prefetch_related("officers") if plan.document else []
    return render(
        request,
        "inspections/draw.html",
        {
            "plan": plan,
            "seed_form": seed_form,
            "tasks": tasks,
            "statuses": DrawStatus,
            "can_draw": can(request.user, "inspections.draw", plan),
            "publish_due": services.result_publish_due(plan),
        },
    )


@login_required
def positive_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "inspections.view", action="positive_list.list")
    qs = selectors.positive_entries_for(request.user)
    if request.GET.get("export") == "xlsx":
        authorize(request.user, "inspections.export", action="positive_list.export")
        rows = [
            [
                e.entity.name,
                e.entity.uscc,
                e.unit.name,
                e.get_status_display(),
                e.get_removal_trigger_display(),
                e.removal_ref,
                e.removal_notice,
            ]
            for e in qs
        ]
        return excel.response(
            "正面清单", ["企业", "统一社会信用代码", "单位", "状态", "移出原因", "依据", "移出告知"], rows
        )
    if request.method == "POST":
        try:
            _positive_action(request)
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("inspections:positive")
    return render(request, "inspections/positive.html", {"entries": qs[:300]})


def _positive_action(request: HttpRequest) -> None:
    by, action = _user(request), request.POST.get("action", "")
    if action == "nominate":
        entity = entity_get_for(request.user, request.POST.get("entity"))
        positive.positive_list_nominate(
            entity=entity,
            by=by,
            how=request.POST.get("how", "nomination"),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"已提名 {entity.name}")
        return
    entry = selectors.get_or_404(
        selectors.positive_entries_for(request.user),
        request.POST.get("entry"),
        user=by,
        action="positive_list.act",
    )
    approve = request.POST.get("decision", "yes") == "yes"
    reason = request.POST.get("reason", "")
    if action == "review":
        positive.positive_list_review(entry=entry, approve=approve, reason=reason, by=by)
    elif action == "approve":
        positive.positive_list_approve(entry=entry, approve=approve, reason=reason, by=by)
    elif action == "publish":
        positive.positive_list_publish(entry=entry, by=by)
    elif action == "remove":
        positive.positive_list_remove(entity=entry.entity, trigger="manual", ref=reason[:100], by=by)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "inspections.view", action="inspection_plan.list")
    qs = selectors.inspection_plans_for(request.user)
    if request.GET.get("export") == "xlsx":
        authorize(request.user, "inspections.export", action="inspection_plan.export")
        rows = [
            [p.title, p.unit.name, p.year, p.quarter or "全年", p.get_status_display(), p.tasks.count()]
            for p in qs
        ]
        return excel.response("现场检查计划", ["名称", "单位", "年度", "季度", "状态", "任务数"], rows)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.inspection_plan_create(unit=_unit(request), by=_user(request), **form.cleaned_data)
            return redirect("inspections:plan", pk=plan.pk)
        except ValidationError as exc:
            _errors(request, exc)
    return render(request, "inspections/plans.html", {"plans": qs[:200], "form": form})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "inspections.view", action="inspection_plan.view")
    plan = selectors.get_or_404(
        selectors.inspection_plans_for(request.user), pk, user=request.user, action="inspection_plan.view"
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                plans.inspection_plan_approve(plan=plan, by=_user(request))
            else:
                entity = (
                    entity_get_for(request.user, request.POST["entity"])
                    if request.POST.get("entity")
                    else None
                )
                plans.plan_task_add(
                    plan=plan,
                    kind=request.POST.get("kind", ""),
                    entity=entity,
                    by=_user(request),
                    planned_visits=int(request.POST.get("planned_visits") or 1),
                )
            return redirect("inspections:plan", pk=plan.pk)
        except ValidationError as exc:
            _errors(request, exc)
        except ValueError:
            messages.error(request, "计划检查次数应为正整数")
    context: dict[str, Any] = {"plan": plan, "rows": plans.progress(plan), "capacity": plans.capacity(plan)}
    return render(request, "inspections/plan.html", context)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "inspections.view", action="campaign.list")
    qs = selectors.campaigns_for(request.user)
    if request.GET.get("export") == "xlsx":
        authorize(request.user, "inspections.export", action="campaign.export")
        rows = [
            [c.theme, c.unit.name, c.starts_on, c.ends_on, "、".join(c.partners), c.approval_ref] for c in qs
        ]
        return excel.response(
            "专项行动", ["主题", "单位", "开始", "结束", "联合执法部门", "审批或备案文号"], rows
        )
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans.campaign_create(
                unit=_unit(request),
                by=_user(request),
                theme=data["theme"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                checklist=data["checklist"].splitlines(),
                partners=data["partners"].splitlines(),
                approval_ref=data["approval_ref"],
            )
            return redirect("inspections:campaigns")
        except ValidationError as exc:
            _errors(request, exc)
    return render(request, "inspections/campaigns.html", {"campaigns": qs[:200], "form": form})


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The unit's sampling rules and settings, each with its source; leaders change them (audited)."""
    authorize(request.user, "inspections.view", action="supervision_settings.view")
    unit = _unit(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "frequency":
                frequency.frequency_rule_set(
                    unit=unit,
                    stratum=request.POST.get("stratum", ""),
                    months=request.POST.get("months", ""),
                    source=request.POST.get("source", ""),
                    by=_user(request),
                    day=timezone.localdate(),
                )
            elif request.POST.get("action") == "frequency_delete":
                frequency.frequency_rule_delete(
                    unit=unit, stratum=request.POST.get("stratum", ""), by=_user(request)
                )
            elif request.POST.get("action") == "rule":
                services.sampling_rule_set(
                    unit=unit,
                    stratum=request.POST.get("stratum", ""),
                    mode=request.POST.get("mode", ""),
                    value=request.POST.get("value", ""),
                    source=request.POST.get("source", ""),
                    by=_user(request),
                )
            else:
                cap = request.POST.get("visit_cap_per_year", "").strip()
                services.settings_update(
                    unit=unit,
                    by=_user(request),
                    positive_effect=request.POST.get("positive_effect", ""),
                    positive_weight=request.POST.get("positive_weight", ""),
                    township_recusal=request.POST.get("township_recusal") == "on",
                    visit_cap_per_year=int(cap) if cap.isdigit() else None,
                    visit_cap_source=request.POST.get("visit_cap_source", ""),
                )
            messages.success(request, "已保存")
            return redirect("inspections:settings")
        except ValidationError as exc:
            _errors(request, exc)
    context = {
        "unit": unit,
        "rules": services.rules_for(unit),
        "frequencies": list(frequency.effective(unit, timezone.localdate()).values()),
        "own_frequencies": frequency.own_rules(unit),
        "conf": unit_settings(unit),
        "defaults": defaults()["settings"],
        "can_change": can(request.user, "inspections.configure", unit),
        "effects": PositiveEffect.choices,
        "modes": RuleMode.choices,
        "strata": SupervisionClass.choices,
    }
    return render(request, "inspections/settings.html", context)
