"""The context rules on stored data: recorded maintenance windows (page, API), the treatment facility's run
status from HJ 212 2021 packets, and inspection notices (published draw results)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.monitoring.models import Alert, MaintenanceWindow, Measurement, Period
from ecoenforce.monitoring.screening import screen_recent

CST = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 1, tzinfo=CST)


def _store(point, pollutant: str, levels, *, flags=None, period=Period.HOUR, start=START):
    Measurement.objects.bulk_create(
        [
            Measurement(point_id=point.pk, period=period, pollutant=pollutant, value=float(v),
                        flag=flags[i] if flags is not None else "N",
                        data_time=start + dt.timedelta(hours=i), received_at=start)
            for i, v in enumerate(levels)
        ]
    )  # fmt: skip


def _cod(hours: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.round(25 + 5 * np.sin(2 * np.pi * np.arange(hours) / 24) + rng.normal(0, 1, hours), 2)


def _client(world, unit: str, role: str) -> Client:
    c = Client()
    c.force_login(world.user(unit, role))
    return c


def test_window_recorded_on_the_point_page_spares_its_flags_and_others_are_screened(world, plant_a):
    c = _client(world, "county_a", "team_leader")
    url = f"/monitoring/points/{plant_a.point.pk}/maintenance-windows/"
    r = c.post(
        url, {"kind": "C", "starts_at": "2026-11-02T10:00", "ends_at": "2026-11-02T12:00", "note": "周校准"}
    )
    assert r.status_code == 302
    page = c.get(f"/monitoring/points/{plant_a.point.pk}/").content.decode()
    assert "周校准" in page and "登记的运维时段" in page
    assert AuditEvent.objects.filter(action="maintenance_window.add").count() == 1
    # a window that ends before it starts is refused in Chinese and nothing is written
    r = c.post(
        url, {"kind": "M", "starts_at": "2026-11-03T10:00", "ends_at": "2026-11-03T09:00"}, follow=True
    )
    assert "结束时间应晚于开始时间" in r.content.decode()
    assert MaintenanceWindow.objects.count() == 1
    hours = 5 * 24
    flags = ["N"] * hours
    flags[34:36] = ["C", "C"]  # 2026-11-02 10:00–12:00, inside the recorded window
    flags[76:80] = ["M"] * 4  # 2026-11-04 04:00–08:00, no window recorded
    _store(plant_a.point, "w01018", _cod(hours), flags=flags)
    screen_recent(now=START + dt.timedelta(hours=hours))
    found = list(Alert.objects.filter(rule="flag_outside_window"))
    assert [(a.window_start, a.window_end) for a in found] == [
        (START + dt.timedelta(hours=76), START + dt.timedelta(hours=80))
    ]
    assert "第二十五条" in found[0].facts["basis"]


def test_window_api_scoped_and_validated(world, plant_a, plant_b):
    c = _client(world, "county_a", "team_leader")
    url = f"/api/monitoring/points/{plant_a.point.pk}/maintenance-windows"
    body = {"kind": "M", "starts_at": "2026-11-02T10:00:00+08:00", "ends_at": "2026-11-02T14:00:00+08:00"}
    r = c.post(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json()["kind"] == "M"
    assert [w["id"] for w in c.get(url).json()] == [r.json()["id"]]
    too_long = {**body, "ends_at": "2026-12-20T10:00:00+08:00"}
    r = c.post(url, too_long, content_type="application/json")
    assert r.status_code == 422 and "31天" in str(r.json())
    other = f"/api/monitoring/points/{plant_b.point.pk}/maintenance-windows"
    assert c.post(other, body, content_type="application/json").status_code == 404
    # officers of the unit read them too
    ro = _client(world, "county_a", "officer")
    assert ro.get(url).status_code == 200


def test_data_contradicting_the_facilitys_run_status_raises_one_point_alert(plant_a):
    hours = 3 * 24
    _store(plant_a.point, "w01018", _cod(hours))
    _store(plant_a.point, "w21003", _cod(hours, 2) / 10)
    _store(plant_a.point, "w00000", np.full(hours, 9.5))
    status = np.ones(hours)
    status[30:34] = 0  # the treatment facility reports "off" while the data say "normal"
    _store(plant_a.point, "SB1-RS", status, period=Period.RTD)
    screen_recent(now=START + dt.timedelta(hours=hours))
    found = list(Alert.objects.filter(rule="status_contradiction"))
    assert len(found) == 1 and found[0].pollutant == ""  # about the point, not one pollutant
    assert (found[0].window_start, found[0].window_end) == (
        START + dt.timedelta(hours=30),
        START + dt.timedelta(hours=34),
    )


def test_fall_after_a_published_draw_result_is_screened(world, plant_a):
    from ecoenforce.inspections.models import DrawPlan

    notice = START + dt.timedelta(days=9)
    DrawPlan.objects.create(
        unit=world.units["county_a"], title="2026年第四季度双随机抽查", period="2026Q4",
        draw_time=notice, seed_kind="public", seed_description="公开数值",
        created_by=world.user("county_a", "team_leader"), status="result_published",
        document={"result": {"selected": [[plant_a.entity.uscc, "A", 1]]}}, result_published_at=notice,
    )  # fmt: skip
    hours = 14 * 24
    levels = _cod(hours)
    levels[9 * 24 + 5 :] *= 0.45  # five hours after the publication the level halves
    _store(plant_a.point, "w01018", levels)
    screen_recent(now=START + dt.timedelta(hours=hours))
    found = list(Alert.objects.filter(rule="shift_after_notice"))
    assert len(found) == 1 and found[0].window_start == notice
    assert found[0].facts["change"] < -0.3


def test_no_fall_after_a_notice_no_alert(world, plant_a):
    from ecoenforce.monitoring import notices

    notices.register_notice_source("test", lambda ids, a, b: [(i, START + dt.timedelta(days=9)) for i in ids])
    try:
        _store(plant_a.point, "w01018", _cod(14 * 24))
        screen_recent(now=START + dt.timedelta(days=14))
        assert not Alert.objects.filter(rule="shift_after_notice").exists()
    finally:
        notices._sources.pop("test")
