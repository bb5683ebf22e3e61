"""The dashboard on a phone (375 px): the unit bar chart's axis labels do not overlap; the to-do panel shows.

Read from the chart ECharts actually drew: its effective option (after the media query) and its width."""

from __future__ import annotations

import math
from typing import Any

import pytest

from ecoenforce.entities.services import entity_create
from ecoenforce.org.models import UnitLevel
from tests.entities.conftest import entity_fields
from tests.factories import make_unit

pytestmark = pytest.mark.browser

READ_CHART = """() => {
  const el = document.querySelector('[data-chart="chart-unit"]');
  const chart = echarts.getInstanceByDom(el);
  const opt = chart.getOption();
  return {width: chart.getWidth(), labels: opt.xAxis[0].data, label: opt.xAxis[0].axisLabel};
}"""


def _labels_fit(chart: dict[str, Any]) -> tuple[bool, str]:
    """Neighbouring labels never overlap: upright ones are narrower than their slot; turned ones are
    spaced wider than a line of text measured across the slant."""
    slot = chart["width"] / len(chart["labels"])
    label = chart["label"]
    rotate = abs(label.get("rotate") or 0)
    line = (label.get("fontSize") or 12) * 1.3
    if rotate == 0:
        return (label.get("interval") == 0 and label.get("overflow") == "truncate"
                and label["width"] <= slot), f"upright width {label['width']} in a slot of {slot:.0f}"
    return slot * math.sin(math.radians(rotate)) >= line, f"turned {rotate}° in a slot of {slot:.0f}"


def test_unit_chart_labels_do_not_overlap_at_phone_width(committed_world: Any, login: Any) -> None:
    world = committed_world
    city = world.units["city"]
    counties = [("大城县生态环境综合执法大队", "131025"), ("文安县生态环境综合执法大队", "131026"),
                ("霸州市生态环境综合执法大队", "131081"), ("三河市生态环境综合执法大队", "131082")]
    for n, (name, code) in enumerate(counties):
        unit = make_unit(name, UnitLevel.COUNTY, code, city)
        entity_create(by=world.user("city", "team_leader"),
                      **entity_fields(9100 + n, unit.division_code, owner_unit=unit))
    page = login(world.user("city", "officer"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.wait_for_selector('[data-chart="chart-unit"] canvas')
    narrow = page.evaluate(READ_CHART)
    assert narrow["width"] <= 375 and len(narrow["labels"]) >= 6
    assert narrow["label"]["rotate"] > 0  # the phone layout turned the labels
    fits, why = _labels_fit(narrow)
    assert fits, why
    assert page.locator("#todo-panel").is_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.wait_for_selector('[data-chart="chart-unit"] canvas')
    wide = page.evaluate(READ_CHART)
    assert wide["label"]["rotate"] == 0  # upright on a wide screen, each within its slot
    fits, why = _labels_fit(wide)
    assert fits, why
