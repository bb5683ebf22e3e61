"""Issue 8's pages in headless Chromium: the point list and its Leaflet map (base layer from the platform's
own GeoJSON, no tile server), a point's ECharts series with the limit line, and an alert taken from the
list through confirm to a lead, then the alert list exported to Excel — no request leaves the machine."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ecoenforce.cases.models import Lead
from ecoenforce.entities.models import Entity
from ecoenforce.monitoring.models import Alert, AlertStatus
from ecoenforce.monitoring.screening import screen_recent
from tests.monitoring.conftest import MN_A, make_plant
from tests.monitoring.test_alerts import _cod_days, _store_hours

pytestmark = pytest.mark.browser


@pytest.fixture
def exceeding(committed_world: Any) -> Any:
    plant = make_plant(committed_world, "county_a", 8801, MN_A)
    Entity.objects.filter(pk=plant.entity.pk).update(latitude=39.43, longitude=116.30)
    now = timezone.now()
    start = (now - dt.timedelta(days=5)).replace(hour=0, minute=0, second=0, microsecond=0)
    _store_hours(plant.point, "w01018", _cod_days(30, 80, 30, 30, 30), start=start)
    screen_recent(now=now)
    return plant


def test_points_map_chart_alert_to_lead_and_export(
    committed_world: Any, exceeding: Any, login: Any, live_server: Any
) -> None:
    page = login(committed_world.user("county_a", "officer"))
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))

    page.goto(f"{live_server.url}/monitoring/")
    # the division layer (a polygon) and the point's marker are drawn as Leaflet vector paths
    # a locator waits without eval (the page's CSP forbids 'unsafe-eval', which wait_for_function needs)
    page.locator("#mon-map path.leaflet-interactive").nth(1).wait_for(state="attached")
    assert page.locator("td.mon-status-abnormal").inner_text() == "异常"

    page.click(f"text={exceeding.entity.name}")
    page.wait_for_selector("#chart-w01018 canvas")
    limit = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-w01018')).getOption().series[0].markLine.data[0].yAxis"
    )
    assert limit == 50.0  # the outlet's day limit of COD, drawn as the limit line

    page.goto(f"{live_server.url}/monitoring/alerts/")
    page.click("table a:has-text('超标排放')")
    page.click("button:has-text('确认告警')")
    page.wait_for_selector("text=已确认告警")
    page.click("button:has-text('转为案件线索')")
    page.wait_for_selector("text=已转为案件线索")
    alert = Alert.objects.get(rule="exceedance")
    assert alert.status == AlertStatus.LEAD and Lead.objects.filter(pk=alert.lead_ref).exists()

    page.goto(f"{live_server.url}/monitoring/alerts/")
    with page.expect_download() as info:
        page.click("text=导出 Excel")
    with open(info.value.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and any("超标排放" in str(c) for r in rows[1:] for c in r)
    assert set(hosts) == {urlsplit(live_server.url).netloc}, hosts
