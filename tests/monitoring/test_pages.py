"""Pages: points and map layer, a point's chart data, alerts list/Excel/actions, the entity strip."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from ecoenforce.monitoring.models import Alert
from ecoenforce.monitoring.screening import screen_recent
from tests.monitoring.test_alerts import NOW, _cod_days, _store_hours


def _client(world, unit: str, role: str) -> Client:
    c = Client()
    c.force_login(world.user(unit, role))
    return c


@pytest.fixture
def data(plant_a, plant_b):
    _store_hours(plant_a.point, "w01018", _cod_days(30, 80, 30, 30, 30))
    _store_hours(plant_b.point, "a21026", [10.0 + (i % 7) for i in range(120)])
    screen_recent(now=NOW)
    return plant_a, plant_b


def test_points_list_shows_only_the_jurisdiction_with_status(world, data):
    plant_a, plant_b = data
    html = _client(world, "county_a", "officer").get("/monitoring/").content.decode()
    assert plant_a.mn in html and plant_b.mn not in html
    assert 'mon-status-abnormal">异常' in html  # plant_a has an open alert
    city = _client(world, "city", "team_leader").get("/monitoring/").content.decode()
    assert plant_a.mn in city and plant_b.mn in city
    layer = _client(world, "county_a", "officer").get("/monitoring/map/divisions.geojson").json()
    assert layer["type"] == "FeatureCollection"


def test_point_page_carries_series_with_limit_and_other_county_gets_404(world, data, time_machine):
    plant_a, plant_b = data
    time_machine.move_to(NOW)
    c = _client(world, "county_a", "officer")
    r = c.get(f"/monitoring/points/{plant_a.point.pk}/?days=30")
    assert r.status_code == 200
    html = r.content.decode()
    blob = html.split('id="mon-series" type="application/json">')[1].split("</script>")[0]
    series = json.loads(blob)
    assert series["w01018"]["limit"] == 50.0 and len(series["w01018"]["points"]) == 120
    assert "化学需氧量" in html
    assert c.get(f"/monitoring/points/{plant_b.point.pk}/").status_code == 404
    assert c.get("/monitoring/points/abc/").status_code == 404


def test_alert_list_export_and_actions(world, data):
    c = _client(world, "county_a", "officer")
    alert = Alert.objects.get(rule="exceedance")
    assert "超标排放" in c.get("/monitoring/alerts/").content.decode()
    Alert.objects.filter(pk=alert.pk).update(summary="=HYPERLINK(\"http://x\")")
    r = c.get("/monitoring/alerts/export.xlsx?status=new")
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [c.value for c in ws[2]]
    assert '=HYPERLINK("http://x")' in cells and ws.cell(2, 11).data_type == "s"
    r = c.post(f"/monitoring/alerts/{alert.pk}/dismiss/", {"reason": ""}, follow=True)
    assert "排除告警须说明理由" in r.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == "new"
    c.post(f"/monitoring/alerts/{alert.pk}/confirm/")
    assert Alert.objects.get(pk=alert.pk).status == "confirmed"
    other = _client(world, "county_b", "officer")
    assert other.get(f"/monitoring/alerts/{alert.pk}/").status_code == 404
    assert other.post(f"/monitoring/alerts/{alert.pk}/dismiss/", {"reason": "x"}).status_code == 404
    supervisor = _client(world, "county_a", "supervisor")
    assert supervisor.post(f"/monitoring/alerts/{alert.pk}/dismiss/", {"reason": "x"}).status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == "confirmed"


def test_entity_page_shows_the_twelve_month_strip(world, data, time_machine):
    plant_a, _ = data
    time_machine.move_to(NOW)
    html = _client(world, "county_a", "officer").get(f"/entities/{plant_a.entity.pk}/").content.decode()
    assert "在线监控告警与合规情况" in html and html.count('role="listitem"') == 12
    assert "cell violation" in html


def test_anonymous_is_sent_to_login(data):
    r = Client().get("/monitoring/")
    assert r.status_code == 302 and "/accounts/login" in r["Location"]
