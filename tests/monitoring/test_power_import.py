"""Power-meter readings by Excel on a page: template, upload within budgets, preview, commit once."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import Workbook, load_workbook

from ecoenforce.audit.models import AuditEvent
from ecoenforce.monitoring.models import PowerImport, PowerReading
from ecoenforce.monitoring.services import power_meter_add


def _xlsx(*rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["电表编号", "时间", "有功功率(kW)"])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "读数.xlsx"
    return buf


def test_template_upload_preview_commit_once(world, plant_a):
    by = world.user("county_a", "team_leader")
    power_meter_add(entity=plant_a.entity, code="T1", name="污水处理站", kind="treatment", by=by)
    c = Client()
    c.force_login(by)
    base = f"/monitoring/entities/{plant_a.entity.pk}/power-import/"
    template = load_workbook(io.BytesIO(c.get(base + "template.xlsx").content))
    assert [v.value for v in template["用电读数"][1]] == ["电表编号", "时间", "有功功率(kW)"]
    assert any(row[0] == "T1" for row in template["填写说明"].iter_rows(values_only=True))
    upload = _xlsx(
        ("T1", "2026-11-30 10:00", 45),
        ("T1", "2026-11-30 11:00", 0.2),
        ("X9", "2026-11-30 11:00", 1),
        ("T1", "昨天", 3),
    )
    r = c.post(base, {"file": upload})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "电表编号“X9”未登记" in page and "时间格式应为" in page
    assert PowerReading.objects.count() == 0  # a preview writes nothing
    preview = PowerImport.objects.get()
    assert (len(preview.good_rows), len(preview.errors)) == (2, 2)
    commit = f"/monitoring/power-import/{preview.pk}/commit/"
    page = c.post(commit, follow=True).content.decode()
    assert "已导入 2 条读数" in page
    assert PowerReading.objects.count() == 2
    page = c.post(commit, follow=True).content.decode()  # the same preview again: refused, nothing written
    assert "已经提交过" in page and PowerReading.objects.count() == 2
    assert AuditEvent.objects.filter(action="power_readings.import").count() == 1
    # a second file with a reading already stored counts it as a duplicate
    r = c.post(base, {"file": _xlsx(("T1", "2026-11-30 10:00", 45), ("T1", "2026-11-30 12:00", 44))})
    c.post(r["Location"] + "commit/")
    second = PowerImport.objects.exclude(pk=preview.pk).get()
    assert (second.added, second.duplicates) == (1, 1)


def test_bad_files_are_refused_in_chinese_and_others_cannot_see_a_preview(world, plant_a):
    by = world.user("county_a", "team_leader")
    c = Client()
    c.force_login(by)
    base = f"/monitoring/entities/{plant_a.entity.pk}/power-import/"
    bad = io.BytesIO(b"not an excel")
    bad.name = "a.xlsx"
    r = c.post(base, {"file": bad})
    assert r.status_code == 400 and "请上传 Excel（.xlsx）文件" in r.content.decode()
    wb = Workbook()
    wb.active.append(["编号", "时间"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "b.xlsx"
    r = c.post(base, {"file": buf})
    assert r.status_code == 400 and "列名与模板不一致" in r.content.decode()
    power_meter_add(entity=plant_a.entity, code="T1", name="污水处理站", kind="treatment", by=by)
    r = c.post(base, {"file": _xlsx(("T1", "2026-11-30 10:00", 45))})
    other = Client()
    other.force_login(world.user("county_a", "officer"))
    assert other.get(r["Location"]).status_code == 404  # a preview is its uploader's own
    outsider = Client()
    outsider.force_login(world.user("county_b", "team_leader"))
    assert outsider.get(base).status_code == 404
