"""Stored data → rules → alerts (deduplicated) → the officer's lifecycle, with jurisdiction and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ecoenforce.audit.models import AuditEvent
from ecoenforce.monitoring import alerts as al
from ecoenforce.monitoring.models import Alert, Measurement, Period
from ecoenforce.monitoring.screening import screen_recent
from ecoenforce.org.permissions import Refused

START = dt.datetime(2026, 11, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Beijing calendar day
NOW = START + dt.timedelta(days=5)


def _store_hours(point, pollutant: str, levels: list[float], flag: str = "N", start: dt.datetime = START):
    Measurement.objects.bulk_create(
        [
            Measurement(point_id=point.pk, period=Period.HOUR, pollutant=pollutant, flag=flag, value=v,
                        data_time=start + dt.timedelta(hours=i), received_at=start)
            for i, v in enumerate(levels)
        ]
    )  # fmt: skip


def _cod_days(*levels: float) -> list[float]:
    out: list[float] = []
    for day, level in enumerate(levels):
        out += [level + 0.1 * ((h * 7 + day) % 5) for h in range(24)]
    return out


@pytest.fixture
def exceeding(plant_a):
    _store_hours(plant_a.point, "w01018", _cod_days(30, 80, 30, 30, 30))
    return plant_a


def test_day_exceedance_raises_one_alert_with_its_basis_and_dedups(exceeding):
    assert screen_recent(now=NOW) >= 1
    alert = Alert.objects.get(rule="exceedance")
    assert alert.owner_unit == exceeding.entity.owner_unit and alert.pollutant == "w01018"
    assert alert.facts["period"] == "day" and alert.facts["limit"] == 50.0
    assert "第一千一百零七条" in alert.facts["basis"]
    assert alert.window_start == START + dt.timedelta(days=1)
    screen_recent(now=NOW)  # the next run finds the same anomaly: no second alert
    assert Alert.objects.filter(rule="exceedance").count() == 1
    assert AuditEvent.objects.filter(action="alert.raise").count() == Alert.objects.count() == 1


def test_maintenance_flagged_exceedance_is_not_judged(plant_a):
    _store_hours(plant_a.point, "w01018", _cod_days(30))
    _store_hours(plant_a.point, "w01018", _cod_days(80), flag="M", start=START + dt.timedelta(days=1))
    _store_hours(plant_a.point, "w01018", _cod_days(30, 30, 30), start=START + dt.timedelta(days=2))
    screen_recent(now=NOW)
    assert not Alert.objects.filter(rule="exceedance").exists()


def test_lifecycle_explain_then_dismiss_with_reason(exceeding, world):
    screen_recent(now=NOW)
    alert = Alert.objects.get(rule="exceedance")
    officer = world.user("county_a", "officer")
    alert = al.alert_request_explanation(alert=alert, by=officer)
    assert alert.status == "explaining"
    with pytest.raises(ValidationError):
        al.alert_record_explanation(alert=alert, explanation="  ", by=officer)
    alert = al.alert_record_explanation(alert=alert, explanation="11月2日COD分析仪故障，已报备", by=officer)
    assert alert.status == "new" and "故障" in alert.explanation
    with pytest.raises(ValidationError):
        al.alert_dismiss(alert=alert, reason="", by=officer)
    alert = al.alert_dismiss(alert=alert, reason="企业已提交故障报告，经核实属实", by=officer)
    assert alert.status == "dismissed"
    with pytest.raises(ValidationError):
        al.alert_confirm(alert=alert, by=officer)  # dismissed is final
    actions = list(
        AuditEvent.objects.filter(action__startswith="alert.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["alert.request_explanation", "alert.record_explanation", "alert.dismiss"]


def test_out_of_jurisdiction_and_read_only_roles_are_refused(exceeding, world):
    screen_recent(now=NOW)
    alert = Alert.objects.get(rule="exceedance")
    with pytest.raises(Refused):
        al.alert_confirm(alert=alert, by=world.user("county_b", "officer"))
    with pytest.raises(Refused):
        al.alert_confirm(alert=alert, by=world.user("county_a", "supervisor"))
    assert Alert.objects.get(pk=alert.pk).status == "new"


def test_confirmed_alert_to_lead_needs_the_cases_app(exceeding, world):
    from ecoenforce.monitoring import handoff

    screen_recent(now=NOW)
    officer = world.user("county_a", "officer")
    alert = al.alert_confirm(alert=Alert.objects.get(rule="exceedance"), by=officer)
    if not handoff.cases_available():
        with pytest.raises(ValidationError, match="线索"):
            al.alert_open_lead(alert=alert, by=officer)
        assert Alert.objects.get(pk=alert.pk).status == "confirmed"
    else:
        alert = al.alert_open_lead(alert=alert, by=officer)
        assert alert.status == "lead" and alert.lead_ref


def test_the_worker_runs_the_rules(exceeding, time_machine):
    from ecoenforce.monitoring.tasks import run_rules
    from ecoenforce.worker.inline import run_queued

    time_machine.move_to(NOW)
    run_rules.enqueue()
    assert run_queued() == 1
    assert Alert.objects.filter(rule="exceedance").exists()
