"""Every write for settings, sampling rules and draw plans (commit → publish → run once → publish result).

Each service: authorize, validate, write and audit in one transaction. A refused input (stale pool,
second run, bad seed…) is recorded as a `refused` audit event in its own transaction, then raised as
a ValidationError with the Chinese message; nothing of the refused write remains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import Entity
from ecoenforce.inspections import checklist, draw
from ecoenforce.inspections.defaults import defaults, setting
from ecoenforce.inspections.models import (
    DrawPlan,
    DrawStatus,
    RecusalDeclaration,
    SamplingRule,
    SeedKind,
    SupervisionSettings,
)
from ecoenforce.inspections.models_work import Inspection, InspectionItem, InspectionKind
from ecoenforce.inspections.pool import build_pool, unit_settings
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import authorize


def refuse(*, by: Any, action: str, target: Any, message: str, code: str = "") -> NoReturn:
    """Record the refusal (its own transaction: the refused write has rolled back) and raise it."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action=action,
            target=target,
            outcome=Outcome.REFUSED,
            reason=f"{message} [{code}]" if code else message,
        )
    raise ValidationError(message, code=code or "refused")


# --- settings and rules ---------------------------------------------------------------------------


def rules_for(unit: Unit) -> list[SamplingRule]:
    """The unit's rules, or its nearest superior's, or the defaults file's (unsaved, with sources)."""
    for u in reversed([*unit.ancestors(), unit]):
        found = list(SamplingRule.objects.filter(unit=u).order_by("stratum"))
        if found:
            return found
    return [
        SamplingRule(
            unit=unit,
            stratum=r["stratum"],
            mode=r["mode"],
            value=r["value"],
            period=r["period"],
            source=r["source"],
            unverified=r.get("unverified", False),
        )
        for r in defaults()["sampling_rules"]
    ]


def sampling_rule_set(
    *, unit: Unit, stratum: str, mode: str, value: str, source: str, by: User
) -> SamplingRule:
    authorize(by, "inspections.configure", unit, action="sampling_rule.set")
    rule = SamplingRule.objects.filter(unit=unit, stratum=stratum).first() or SamplingRule(
        unit=unit, stratum=stratum
    )
    before = {"mode": rule.mode, "value": rule.value} if rule.pk else None
    rule.mode, rule.value, rule.source = mode, (value or "").strip(), (source or "").strip()
    rule.unverified = False
    rule.full_clean()
    try:
        draw.parse_rules({stratum: {"mode": mode, "value": rule.value}})
    except draw.DrawError as exc:
        raise ValidationError({"value": str(exc)}) from exc
    with transaction.atomic():
        rule.save()
        audit_record(
            actor=by,
            action="sampling_rule.set",
            target=rule,
            before=before,
            after={"stratum": stratum, "mode": mode, "value": rule.value, "source": rule.source},
        )
    return rule


def settings_update(*, unit: Unit, by: User, **fields: Any) -> SupervisionSettings:
    authorize(by, "inspections.configure", unit, action="supervision_settings.update")
    conf = SupervisionSettings.objects.filter(unit=unit).first() or SupervisionSettings(unit=unit)
    for key, value in fields.items():
        setattr(conf, key, value)
    conf.full_clean()
    with transaction.atomic():
        conf.save()
        audit_record(
            actor=by,
            action="supervision_settings.update",
            target=unit,
            after={k: str(v) for k, v in fields.items()},
        )
    return conf


# --- draw plans -----------------------------------------------------------------------------------


def draw_plan_create(
    *,
    unit: Unit,
    title: str,
    period: str,
    draw_time: datetime,
    seed_kind: str,
    seed_description: str,
    witness_commitments: Sequence[str] = (),
    by: User,
) -> DrawPlan:
    authorize(by, "inspections.draw", unit, action="draw_plan.create")
    plan = DrawPlan(
        unit=unit,
        title=(title or "").strip(),
        period=(period or "").strip(),
        draw_time=draw_time,
        seed_kind=seed_kind,
        seed_description=(seed_description or "").strip(),
        witness_commitments=[c.strip().lower() for c in witness_commitments if c.strip()],
        team_size=int(setting("team_size")),
        created_by=by,
    )
    plan.full_clean()
    if draw_time <= timezone.now():
        raise ValidationError({"draw_time": "抽取时间应晚于现在（计划须在抽取前承诺并公示）"})
    with transaction.atomic():
        plan.save()
        audit_record(
            actor=by,
            action="draw_plan.create",
            target=plan,
            after={"title": plan.title, "period": plan.period, "draw_time": draw_time.isoformat()},
        )
    return plan


def _locked(plan: DrawPlan) -> DrawPlan:
    return DrawPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)


def _plan_fields(plan: DrawPlan, pool: Any) -> dict[str, Any]:
    rules = {
        r.stratum: ({"mode": "all"} if r.mode == "all" else {"mode": r.mode, "value": r.value})
        for r in rules_for(plan.unit)
    }
    source: dict[str, Any] = {"kind": plan.seed_kind, "description": plan.seed_description}
    if plan.seed_kind == SeedKind.WITNESS:
        source["commitments"] = list(plan.witness_commitments)
    return dict(
        plan_id=f"DP{plan.pk}",
        unit=plan.unit.division_code,
        period=plan.period,
        title=plan.title,
        rules=rules,
        team_size=plan.team_size,
        township_recusal=unit_settings(plan.unit).township_recusal,
        draw_time=timezone.localtime(plan.draw_time).isoformat(),
        seed_source=source,
        entities=pool.entities,
        officers=pool.officers,
        recusals=pool.recusals,
        due=pool.due,
    )


Progress = Callable[[int, int, str], None]  # (done, total, Chinese message) — see inspections/tasks.py


def _quiet(_done: int, _total: int, _message: str) -> None:
    return None


def draw_plan_commit(*, plan: DrawPlan, by: User, progress: Progress = _quiet) -> DrawPlan:
    """Fix the rules, the pool (its digest), the draw time and the seed source: the commitment.

    The pool is read and digested before the row lock (a province's pool takes seconds), so the
    progress reported meanwhile is visible; the status is checked again under the lock."""
    authorize(by, "inspections.draw", plan, action="draw_plan.commit")
    plan = DrawPlan.objects.select_related("unit").get(pk=plan.pk)
    message = _commit_refusal(plan)
    if not message:
        progress(1, 3, "正在读取抽查对象库和执法人员库…")
        pool = build_pool(plan.unit, timezone.localdate())
        progress(
            2, 3, f"正在计算对象库摘要（{len(pool.entities)}个监管对象、{len(pool.officers)}名执法人员）…"
        )
        try:
            committed = draw.make_plan(**_plan_fields(plan, pool))
        except draw.DrawError as exc:
            message = str(exc)
    if not message:
        progress(3, 3, "正在保存承诺…")
        with transaction.atomic():
            plan = _locked(plan)
            message = _commit_refusal(plan)
            if not message:
                plan.plan, plan.commitment = committed, draw.commitment_of(committed)
                plan.pool = pool.as_json()
                plan.status, plan.committed_at = DrawStatus.COMMITTED, timezone.now()
                plan.save()
                audit_record(
                    actor=by,
                    action="draw_plan.commit",
                    target=plan,
                    after={
                        "commitment": plan.commitment,
                        "pool_digest": committed["pool_digest"],
                        "pool_counts": committed["pool_counts"],
                        "officers": len(pool.officers),
                        "positive_excluded": pool.positive_excluded,
                        "due": len(pool.due),
                    },
                )
                return plan
    refuse(by=by, action="draw_plan.commit", target=plan, message=message)


def _commit_refusal(plan: DrawPlan) -> str:
    if plan.status != DrawStatus.DRAFT:
        return "该抽查计划已承诺，不能再次承诺或修改"
    if plan.draw_time <= timezone.now():
        return "抽取时间已过，须重新确定抽取时间后再承诺"
    return ""


def draw_plan_publish(*, plan: DrawPlan, by: User) -> DrawPlan:
    authorize(by, "inspections.draw", plan, action="draw_plan.publish")
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status == DrawStatus.COMMITTED:
            plan.status, plan.published_at = DrawStatus.PUBLISHED, timezone.now()
            plan.save(update_fields=["status", "published_at"])
            audit_record(
                actor=by, action="draw_plan.publish", target=plan, after={"commitment": plan.commitment}
            )
            return plan
    refuse(by=by, action="draw_plan.publish", target=plan, message="只有已承诺、尚未公示的计划可以公示")


def draw_run(
    *, plan: DrawPlan, seed_values: Sequence[str], by: User, progress: Progress = _quiet
) -> DrawPlan:
    """Run a published plan exactly once; creates one inspection task per selected entity.

    The pool is read and the draw computed before the row lock (pure and deterministic: a second,
    concurrent run computes the same and is refused under the lock), reporting progress."""
    authorize(by, "inspections.draw", plan, action="draw.run")
    values = [str(v).strip() for v in seed_values]
    plan = DrawPlan.objects.select_related("unit").get(pk=plan.pk)
    message, code = _run_refusal(plan)
    if not message:
        progress(1, 4, "正在读取抽查对象库和执法人员库…")
        # the pool as of the commitment day: certificates valid and entities due on that day (§2)
        pool = build_pool(plan.unit, timezone.localdate(plan.committed_at or timezone.now()))
        due = pool.due if draw.plan_algorithm(plan.plan or {}) != draw.ALGORITHM_V1 else []
        progress(2, 4, f"正在抽取（{len(pool.entities)}个监管对象、{len(pool.officers)}名执法人员）…")
        try:
            document = draw.run(plan.plan or {}, pool.entities, pool.officers, pool.recusals, values, due)
        except draw.DrawError as exc:
            message, code = str(exc), exc.code
    if not message:
        progress(3, 4, f"正在生成检查任务（{len(document['result']['selected'])}项）…")
        with transaction.atomic():
            plan = _locked(plan)
            message, code = _run_refusal(plan)
            if not message:
                _create_tasks(plan, document, pool)
                plan.document, plan.result_digest = document, document["result_digest"]
                plan.status, plan.drawn_at = DrawStatus.DRAWN, timezone.now()
                plan.save()
                audit_record(
                    actor=by,
                    action="draw.run",
                    target=plan,
                    after={
                        "seed_values": values,
                        "result_digest": plan.result_digest,
                        "counts": document["result"]["counts"],
                    },
                )
                return plan
    refuse(by=by, action="draw.run", target=plan, message=message, code=code)


def refused_at_once(plan: DrawPlan, action: str, seed_values: Sequence[str] = ()) -> bool:
    """Whether `action` ("commit", "run" or "publish_result") would be refused before any heavy work
    (status, time, seed values) — the page then calls the service directly instead of a background job."""
    if action == "commit":
        return bool(_commit_refusal(plan))
    if action == "publish_result":
        return plan.status != DrawStatus.DRAWN
    if _run_refusal(plan)[0]:
        return True
    try:
        draw.check_seed_values(plan.plan or {}, [str(v).strip() for v in seed_values])
    except (draw.DrawError, KeyError, TypeError):
        return True
    return False


def _run_refusal(plan: DrawPlan) -> tuple[str, str]:
    if plan.status in (DrawStatus.DRAWN, DrawStatus.RESULT_PUBLISHED):
        return "该抽查计划已经抽取过，同一计划只能抽取一次", "second_run"
    if plan.status != DrawStatus.PUBLISHED:
        return "抽查计划须先承诺并公示，才能抽取", "not_published"
    if plan.seed_kind == SeedKind.PUBLIC and timezone.now() < plan.draw_time:
        return "未到计划公示的抽取时间，公开数值尚未产生，不能抽取", "too_early"
    return "", ""


def _create_tasks(plan: DrawPlan, document: dict[str, Any], pool: Any) -> None:
    """One task per selected entity, its team, and its permit checklist."""
    day = timezone.localdate()
    selected = document["result"]["selected"]
    entities = Entity.objects.in_bulk([pool.entity_ids[row[0]] for row in selected])
    for uscc, _stratum, team in selected:
        entity = entities[pool.entity_ids[uscc]]
        inspection = Inspection.objects.create(
            unit=plan.unit, entity=entity, kind=InspectionKind.RANDOM, draw_plan=plan
        )
        inspection.officers.set([pool.officer_users[code] for code in team])
        items = checklist.build(entity, day)
        InspectionItem.objects.bulk_create(
            [InspectionItem(inspection=inspection, order=i, **item) for i, item in enumerate(items, 1)]
        )


def draw_result_publish(*, plan: DrawPlan, by: User, progress: Progress = _quiet) -> DrawPlan:
    """Publish a drawn plan's result on the portal (一公开), once. The stored document is verified
    first — the same check the portal's verifier runs over the whole pool — so nothing that would not
    verify is published; over a large pool this is the slow part (the page runs it in the worker)."""
    authorize(by, "inspections.draw", plan, action="draw.publish_result")
    plan = DrawPlan.objects.get(pk=plan.pk)
    message = "" if plan.status == DrawStatus.DRAWN else RESULT_NOT_DRAWN
    if not message:
        pool = (plan.document or {}).get("pool", {})
        progress(1, 3, f"正在校验抽取结果（{len(pool.get('entities', []))}个监管对象）…")
        problems = draw.verify(plan.document)
        if problems:
            message = "抽取结果校验未通过，不能公示：" + "；".join(problems[:3])
    if not message:
        progress(2, 3, "正在公示抽取结果…")
        with transaction.atomic():
            plan = _locked(plan)
            if plan.status == DrawStatus.DRAWN:
                plan.status, plan.result_published_at = DrawStatus.RESULT_PUBLISHED, timezone.now()
                plan.save(update_fields=["status", "result_published_at"])
                audit_record(
                    actor=by,
                    action="draw.publish_result",
                    target=plan,
                    after={"result_digest": plan.result_digest},
                )
                return plan
            message = RESULT_NOT_DRAWN
    refuse(by=by, action="draw.publish_result", target=plan, message=message)


RESULT_NOT_DRAWN = "只有已抽取、尚未公示结果的计划可以公示结果"


def recusal_declare(*, officer: User, entity: Any, reason: str, by: User) -> RecusalDeclaration:
    """An officer declares (or a leader records) a conflict with an entity: 行政处罚法 art 43."""
    if by.pk != officer.pk:
        authorize(by, "inspections.plan", entity, action="recusal.declare")
    elif not by.has_role("officer", "team_leader"):
        authorize(by, "inspections.inspect", action="recusal.declare")
    declaration = RecusalDeclaration(officer=officer, entity=entity, reason=(reason or "").strip())
    declaration.full_clean()
    with transaction.atomic():
        declaration.save()
        audit_record(
            actor=by,
            action="recusal.declare",
            target=declaration,
            after={"officer": officer.pk, "entity": entity.pk, "reason": declaration.reason},
        )
    return declaration


def result_publish_due(plan: DrawPlan) -> Any:
    """The last day to publish a draw's result: the unit's deadline in working days after the draw
    (default 20 working days, data/supervision_defaults.yaml, flagged for legal confirmation)."""
    if plan.drawn_at is None:
        return None
    from chinese_calendar import is_workday

    day, left = timezone.localtime(plan.drawn_at).date(), unit_settings(plan.unit).publish_deadline_days
    while left > 0:
        day = day.fromordinal(day.toordinal() + 1)
        try:
            left -= is_workday(day)
        except NotImplementedError:  # a year chinese-calendar has no data for: Monday to Friday
            left -= day.weekday() < 5
    return day
