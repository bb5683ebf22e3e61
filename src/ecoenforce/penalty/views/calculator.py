"""The penalty calculator (罚款计算) page.

GET picks the item (search over the effective catalog, or the starter catalog while the unit has
none), the rule set and the date, and shows the item's questions (htmx swaps them in when the item
changes); POST computes.  The result shows the conclusion, the amount in figures and in 人民币大写,
the statutory range and every derivation step with its rule and legal source, unverified steps
flagged; a print button prints it.  Officers, team leaders, legal reviewers and bureau heads may
record the decision actually taken next to the benchmark (penalty_services).  Thin: permission
checks and writes are the services'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ecoenforce.entities.selectors import entities_for
from ecoenforce.org.permissions import authorize
from ecoenforce.org.roles import ACTING_ROLES
from ecoenforce.penalty import catalog_items, law_change, services
from ecoenforce.penalty.catalog_items import ItemSource, PenaltyItem
from ecoenforce.penalty.engine.benchmarks import RuleSet
from ecoenforce.penalty.engine.sanction import fmt_yuan
from ecoenforce.penalty.engine.transition import ActDates
from ecoenforce.penalty.engine.words import rmb_upper
from ecoenforce.penalty.forms import CalculatorForm, PenaltyForm, RecordForm
from ecoenforce.penalty.law_change import Computation
from ecoenforce.penalty.models import DecisionType

DECISION_LABELS = dict(DecisionType.choices)
# Names of the numbers a derivation step carries (ids such as level/grade are not shown).
VALUE_LABELS = {
    "min": "最低额", "max": "最高额", "base": "计罚基数", "weight": "权重(%)", "total": "累计(%)",
    "before": "调整前", "amount": "金额", "value": "数值", "rate": "比例", "scale": "系数",
    "max_rate": "最高比例", "days": "日数", "fine": "罚款", "daily": "每日数额",
}


@dataclass
class Selection:
    form: CalculatorForm
    dates: ActDates
    source: ItemSource
    rule_set_id: str = ""
    rule_set: RuleSet | None = None
    item: PenaltyItem | None = None
    found: list[PenaltyItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    entity: Any = None  # the party, when the calculator was opened from an entity's page

    @property
    def on(self) -> dt.date:
        """The decision date: rule sets and their validity are judged on it."""
        return self.dates.decision_date

    def query(self) -> str:
        d = self.dates
        return urlencode({"item": self.item.code if self.item else "", "rule_set": self.rule_set_id,
                          "act_date": d.act_date.isoformat(),
                          "act_end_date": d.act_end_date.isoformat() if d.act_end_date else "",
                          "decision_date": d.decision_date.isoformat(),
                          **({"entity": self.entity.pk} if self.entity is not None else {})})


def can_record(user: Any) -> bool:
    return bool(user.has_perm("catalog.compute_penalty") and user.has_role(*ACTING_ROLES))


def _dates(params: QueryDict) -> tuple[ActDates, dict[str, list[str]]]:
    """The checked dates and their errors; today's date stands in for bad dates.  ``on`` (the single
    date of earlier links) is read as the act date."""
    today = timezone.localdate()
    raw = {k: (params.get(k) or "").strip() or None for k in ("act_date", "act_end_date", "decision_date")}
    legacy = (params.get("on") or "").strip() or None  # the one "违法行为（决定）日期" of earlier links
    if raw["act_date"] is None and legacy:
        raw["act_date"] = legacy
        raw["decision_date"] = raw["decision_date"] or legacy
    raw["act_date"] = raw["act_date"] or today.isoformat()
    try:
        return law_change.dates(raw["act_date"], raw["act_end_date"], raw["decision_date"], today=today), {}
    except ValidationError as exc:
        return ActDates(today, None, today), exc.message_dict


def select(request: HttpRequest, params: QueryDict) -> Selection:
    """The item, rule set and dates asked for, each checked; problems are Chinese form errors."""
    user: Any = request.user
    data = params.copy()
    dates, errors = _dates(params)
    on = dates.decision_date
    if "rule_set" not in data:
        data["rule_set"] = catalog_items.default_rule_set_id(user.unit, on)
    for key, value in (("act_date", dates.act_date), ("decision_date", on)):
        data.setdefault(key, value.isoformat())
    form = CalculatorForm(data, rule_sets=catalog_items.rule_set_choices(on))
    form.is_valid()
    for key, msgs in errors.items():
        for msg in msgs:
            if msg not in form.errors.get(key, []):
                form.add_error(key if key in form.fields else None, msg)
    sel = Selection(form=form, dates=dates, source=catalog_items.items_for(user.unit, dates.governing))
    sel.rule_set_id = form.cleaned_data.get("rule_set", "") if "rule_set" not in form.errors else ""
    if "rule_set" not in form.errors:
        try:
            sel.rule_set = catalog_items.resolve_rule_set(sel.rule_set_id, on)
        except ValidationError as exc:
            form.add_error("rule_set", exc.message_dict.get("rule_set", exc.messages))
    code = form.cleaned_data.get("item", "")
    if code:
        successors = [i for i in sel.source.items if code in i.predecessors]  # an old code, followed
        sel.item = (sel.source.get(code) or catalog_items.items_for(user.unit, on).get(code)
                    or (successors[0] if len(successors) == 1 else None))
        if sel.item is None:
            where = "平台随附的执法事项清单" if sel.source.from_starter else "本单位有效的执法事项清单"
            message = f"未知的执法事项「{code[:40]}」：违法行为发生时和作出处罚决定时都不在{where}中"
            form.add_error("item", message)
    sel.entity = _entity(user, params, form)
    query = form.cleaned_data.get("q", "")
    if query:
        sel.found = catalog_items.search(sel.source.items, query)
    return sel


def _entity(user: Any, params: QueryDict, form: CalculatorForm) -> Any:
    """The entity named by ?entity=<pk>, within the jurisdiction; a form error when it is not."""
    raw = (params.get("entity") or "").strip()
    if not raw:
        return None
    entity = entities_for(user).filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    if entity is None:
        form.add_error(None, "未找到该监管对象，或其不在您的辖区内")
    return entity


@login_required
def calculator(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "catalog.compute_penalty", action="catalog.compute_penalty")
    params = request.POST if request.method == "POST" else request.GET
    sel = select(request, params)
    htmx = bool(request.headers.get("HX-Request"))
    ctx: dict[str, Any] = {"sel": sel, "can_record": can_record(request.user), "htmx": htmx}
    ready = sel.item is not None and not sel.form.errors
    if ready and sel.item is not None:
        questions = law_change.questions(request.user.unit, sel.item, sel.dates, sel.rule_set)  # type: ignore[union-attr]
        ctx["questions"] = questions
        ctx["law_notes"] = law_change.item_notes(request.user.unit, sel.item.code, sel.dates)  # type: ignore[union-attr]
        if questions.computable:
            done = _compute(request, sel, ctx)
            if done is not None:
                return done
    if htmx and request.method == "GET":
        return render(request, "penalty/_calculator_body.html", ctx)
    return render(request, "penalty/calculator.html", ctx)


def _compute(request: HttpRequest, sel: Selection, ctx: dict[str, Any]) -> HttpResponse | None:
    assert sel.item is not None
    if request.method != "POST":
        ctx["form"] = PenaltyForm(questions=ctx["questions"])
        return None
    form = ctx["form"] = PenaltyForm(request.POST, questions=ctx["questions"])
    if not form.is_valid():
        return None
    d = sel.dates
    try:
        comp = services.compute(unit=request.user.unit, item_code=sel.item.code,  # type: ignore[union-attr]
                                facts=form.facts(), act_date=d.act_date, act_end_date=d.act_end_date,
                                decision_date=d.decision_date, rule_set=sel.rule_set_id)
    except ValidationError as exc:
        form.add_engine_errors(exc)
        return None
    ctx["comp"] = comp
    ctx["result"] = result_context(comp)
    ctx["facts_summary"] = facts_summary(form)
    recording = request.POST.get("action") == "record" and ctx["can_record"]
    record = RecordForm(request.POST) if recording else RecordForm(initial={
        "decision": comp.result.decision.value, "decided_amount": comp.result.amount})
    ctx["record_form"] = record
    if recording:
        return _record(request, sel, comp, record)
    return None


def _record(
    request: HttpRequest, sel: Selection, comp: Computation, record: RecordForm
) -> HttpResponse | None:
    if not record.is_valid():
        return None
    record.check_against(comp.result.decision.value, comp.result.amount)
    if record.errors:
        return None
    d = record.cleaned_data
    try:
        row = services.record_decision(
            by=request.user, item_code=comp.item.code, facts=comp.facts, decided_amount=d["decided_amount"],
            decision=d["decision"], reason=d["reason"], rule_set_id=sel.rule_set_id, decided_on=sel.on,
            act_date=sel.dates.act_date, act_end_date=sel.dates.act_end_date,
            source=("calculator", d["source_id"]), entity=sel.entity,
        )
    except ValidationError as exc:
        for key, msgs in exc.message_dict.items():
            for msg in msgs:
                record.add_error(key if key in record.fields else None, msg)
        return None
    messages.success(request, f"已记录裁量决定：{comp.item.code} {row.get_decision_display()} "
                              f"{fmt_yuan(row.decided_amount)}（基准 {fmt_yuan(row.engine_amount)}）。")
    return redirect(f"{reverse('penalty:calculator')}?{sel.query()}")


@login_required
def items(request: HttpRequest) -> HttpResponse:
    """The item search results (htmx fragment; also a plain page without JavaScript)."""
    authorize(request.user, "catalog.compute_penalty", action="catalog.compute_penalty")
    sel = select(request, request.GET)
    template = "penalty/_items.html" if request.headers.get("HX-Request") else "penalty/calculator.html"
    return render(request, template, {"sel": sel, "can_record": can_record(request.user)})


# ---------------------------------------------------------------- presentation


def statutory_range(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"{fmt_yuan(low)} ～ {fmt_yuan(high)}"
    if high is not None:
        return f"{fmt_yuan(high)}以下"
    return "—" if low is None else f"{fmt_yuan(low)}以上"


def result_context(comp: Computation) -> dict[str, Any]:
    r = comp.result
    steps = [
        {"n": i, "description": s.description, "rule": s.rule, "source": s.source, "unverified": s.unverified,
         "values": [(VALUE_LABELS[k], v) for k, v in s.values.items() if k in VALUE_LABELS and v != "—"]}
        for i, s in enumerate(comp.steps, start=1)
    ]
    t = comp.transition
    sides = [x for x in (t.act, t.decision if t.compared else None) if x is not None]
    return {
        "decision": DECISION_LABELS.get(r.decision.value, r.decision.value),
        "amount": fmt_yuan(r.amount), "words": rmb_upper(r.amount), "is_fine": r.decision.value == "fine",
        "range": statutory_range(r.statutory_min, r.statutory_max), "steps": steps,
        "unverified_count": sum(1 for s in comp.steps if s.unverified),
        "sides": [{"label": x.label, "on": x.on, "law": x.law, "article": x.article, "code": x.item_code,
                   "applied": x is t.applied_side, "punishes": x.punishes,
                   "range": "—" if x.result is None else statutory_range(x.result.statutory_min,
                                                                         x.result.statutory_max),
                   "amount": "不再处罚" if x.result is None else _outcome(x.result)} for x in sides],
        "transition": t, "law_notes": comp.law_notes, "rule_set_notes": comp.rule_set_notes,
        "notices": r.notices, "days": r.days,
        "applied": f"{comp.applied_law}{comp.applied_article}",
        "rule_set": comp.rule_set.name if comp.rule_set else catalog_items.NO_RULE_SET_LABEL,
        "computed_at": timezone.localtime(),
    }


def _outcome(r: Any) -> str:
    if r.decision.value == "fine":
        return f"罚款 {fmt_yuan(r.amount)}"
    return str(DECISION_LABELS.get(r.decision.value, r.decision.value))


def facts_summary(form: PenaltyForm) -> list[tuple[str, str]]:
    """The established facts as (question, answer) lines for the printed sheet."""
    out: list[tuple[str, str]] = []
    for name, bound in ((n, form[n]) for n in form.fields):
        value = form.cleaned_data.get(name)
        if value in (None, "", [], False):
            continue
        choices = dict(getattr(form.fields[name], "choices", []) or [])
        if isinstance(value, list):
            text = "；".join(str(choices.get(v, v)) for v in value)
        elif isinstance(value, bool):
            text = "是"
        else:
            text = str(choices.get(value, value))
        out.append((str(bound.label), text))
    return out
