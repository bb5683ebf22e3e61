"""The monitoring API: scoped reads, power readings (JSON and Excel) and alarm events, with Chinese errors."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import Workbook

from ecoenforce.monitoring.models import FieldEvent, PowerReading
from ecoenforce.monitoring.services import power_meter_add


def _client(world, unit: str, role: str) -> Client:
    c = Client()
    c.force_login(world.user(unit, role))
    return c


def test_points_and_alerts_are_scoped(world, plant_a, plant_b):
    mns = {p["mn"] for p in _client(world, "county_a", "officer").get("/api/monitoring/points").json()}
    assert mns == {plant_a.mn}
    c = _client(world, "county_a", "officer")
    assert c.get(f"/api/monitoring/points/{plant_b.point.pk}/series").status_code == 404
    assert c.get(f"/api/monitoring/points/{plant_a.point.pk}/series?days=0").status_code == 422


def test_power_readings_json_idempotent_and_bad_rows_rejected_whole(world, plant_a):
    by = world.user("county_a", "team_leader")
    power_meter_add(
        entity=plant_a.entity, code="P1", name="生产线1", kind="production", point=plant_a.point, by=by
    )
    c = _client(world, "county_a", "officer")
    url = f"/api/monitoring/entities/{plant_a.entity.pk}/power-readings"
    body = {"readings": [{"meter_code": "P1", "time": "2026-11-30T10:00:00+08:00", "power_kw": 120.5}]}
    r = c.post(url, body, content_type="application/json")
    assert r.json() == {"added": 1, "duplicates": 0}
    assert c.post(url, body, content_type="application/json").json() == {"added": 0, "duplicates": 1}
    bad = {
        "readings": [
            {"meter_code": "P1", "time": "2026-11-30T11:00:00+08:00", "power_kw": 1},
            {"meter_code": "NOPE", "time": "2026-11-30T11:00:00+08:00", "power_kw": 1},
        ]
    }
    r = c.post(url, bad, content_type="application/json")
    assert r.status_code == 422 and "第2条：电表编号“NOPE”未登记" in str(r.json())
    assert PowerReading.objects.count() == 1  # nothing of the bad batch was written
    other = _client(world, "county_b", "officer")
    assert other.post(url, body, content_type="application/json").status_code == 404


def test_power_readings_excel_and_not_an_excel(world, plant_a):
    by = world.user("county_a", "team_leader")
    power_meter_add(entity=plant_a.entity, code="T1", name="污水处理站", kind="treatment", by=by)
    wb = Workbook()
    ws = wb.active
    ws.append(["电表编号", "时间", "有功功率(kW)"])
    ws.append(["T1", "2026-11-30 10:00", 45])
    ws.append(["T1", "2026-11-30 11:00", 0.2])
    buf = io.BytesIO()
    wb.save(buf)
    c = _client(world, "county_a", "officer")
    url = f"/api/monitoring/entities/{plant_a.entity.pk}/power-readings.xlsx"
    r = c.post(url, {"file": io.BytesIO(buf.getvalue())})
    assert r.json() == {"added": 2, "duplicates": 0}
    r = c.post(url, {"file": io.BytesIO(b"not an excel")})
    assert r.status_code == 422 and "Excel" in r.json()["errors"]["__all__"][0]


def test_alarm_events_once_and_read_only_roles_refused(world, plant_a):
    url = f"/api/monitoring/entities/{plant_a.entity.pk}/events"
    body = {
        "kind": "infrared",
        "external_id": "IR-001",
        "occurred_at": "2026-11-30T02:10:00+08:00",
        "description": "夜间排放口红外热成像报警",
    }
    c = _client(world, "county_a", "officer")
    assert c.post(url, body, content_type="application/json").json()["created"] is True
    assert c.post(url, body, content_type="application/json").json()["created"] is False
    assert FieldEvent.objects.count() == 1
    r = c.post(url, {**body, "kind": "smoke"}, content_type="application/json")
    assert r.status_code == 422
    sup = _client(world, "county_a", "supervisor")
    assert sup.post(url, {**body, "external_id": "IR-2"}, content_type="application/json").status_code == 403
