"""Catalog version lifecycle: each step by its role, wrong roles refused and recorded, audit, validation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from tests.catalog.test_catalog_support import (
    AIR_99_2,
    ITEMS,
    as_data,
    draft,
    load_city,
    new_item,
    walk_to_published,
    write_catalog,
)

from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.catalog import services
from ecoenforce.catalog.models import CatalogEntry, CatalogVersion, VersionStatus, today
from ecoenforce.org.permissions import Refused

pytestmark = pytest.mark.django_db


def _events(version: CatalogVersion) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(target_type="catalog.catalogversion", target_id=str(version.pk)).order_by(
            "seq"
        )
    )


def test_full_lifecycle_each_step_by_its_role_and_audited(world, tmp_path):
    v1 = load_city(world, tmp_path)
    leader, reviewer, head = (world.user("city", r) for r in ("team_leader", "legal_reviewer", "bureau_head"))

    v2 = services.version_create_draft(
        unit=world.units["city"], by=leader, label="2027年版", change_reason="大气法修正后的年度动态调整"
    )
    assert (v2.status, v2.number, v2.based_on_id, v2.created_by_id) == (
        VersionStatus.DRAFT,
        2,
        v1.pk,
        leader.pk,
    )
    assert v2.entries.count() == len(ITEMS)  # copied from the published version
    entry = v2.entries.get(code="AIR-100-3")
    services.entry_update(
        entry=entry,
        by=leader,
        data={**ITEMS[2], "legal_basis": entry.legal_basis, "first_level": "设区的市"},
        reason="自动监测案件由市级统一查处",
    )
    services.entry_add(version=v2, by=leader, data=new_item("AIR-108-1", "挥发性有机物未密闭"), reason="新增")

    v2 = services.version_submit(version=v2, by=leader)
    assert (v2.status, v2.submitted_by_id) == (VersionStatus.LEGAL_REVIEW, leader.pk)
    v2 = services.version_legal_review(version=v2, by=reviewer, approve=True, opinion="合法，同意")
    assert (v2.status, v2.reviewed_by_id, v2.review_opinion) == (
        VersionStatus.REVIEWED,
        reviewer.pk,
        "合法，同意",
    )
    v2 = services.version_approve(version=v2, by=head)
    assert (v2.status, v2.approved_by_id) == (VersionStatus.APPROVED, head.pk)
    day = today() + timedelta(days=5)
    v2 = services.version_publish(
        version=v2,
        by=reviewer,
        effective_from=day,
        filing_authority="廊坊市司法局",
        filing_number="廊司备〔2026〕12号",
        filing_date=today(),
    )
    assert (v2.status, v2.effective_from, v2.published_by_id) == (VersionStatus.PUBLISHED, day, reviewer.pk)
    assert (v2.filing_authority, v2.filing_number, v2.filing_date) == (
        "廊坊市司法局",
        "廊司备〔2026〕12号",
        today(),
    )

    events = _events(v2)
    assert [e.action for e in events] == [
        "catalog.draft_create",
        "catalog.submit",
        "catalog.legal_review",
        "catalog.approve",
        "catalog.publish",
    ]
    assert all(e.outcome == Outcome.OK for e in events)
    publish = events[-1]
    assert json.loads(publish.before)["status"] == "approved"
    assert json.loads(publish.after)["status"] == "published"
    assert json.loads(publish.after)["supersedes"] == v1.pk
    assert publish.actor_id == reviewer.pk
    entry_events = AuditEvent.objects.filter(action__in=["catalog.entry_update", "catalog.entry_add"])
    assert entry_events.count() == 2
    update = entry_events.get(action="catalog.entry_update")
    assert json.loads(update.before)["first_level"] == "county"
    assert json.loads(update.after)["first_level"] == "city"
    assert update.reason == "自动监测案件由市级统一查处"
    assert AuditEvent.objects.filter(action="catalog.load_starter", target_id=str(v1.pk)).exists()


def _submitted(world, tmp_path) -> CatalogVersion:
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="调整")
    services.entry_add(
        version=version,
        by=world.user("city", "team_leader"),
        data=new_item("AIR-108-1", "挥发性有机物未密闭"),
        reason="新增",
    )
    return services.version_submit(version=version, by=world.user("city", "team_leader"))


def _refused_over_http(client, user, url, data, action) -> None:
    client.force_login(user)
    before = AuditEvent.objects.filter(outcome=Outcome.REFUSED).count()
    response = client.post(url, data)
    assert response.status_code == 403, (user.username, url, response.status_code)
    refused = AuditEvent.objects.filter(outcome=Outcome.REFUSED).order_by("-seq")
    assert refused.count() == before + 1
    assert refused.first().action == action
    assert refused.first().actor_id == user.pk


@pytest.mark.parametrize(
    "role", ["officer", "team_leader", "bureau_head", "complaint_handler", "supervisor", "sysadmin"]
)
def test_legal_review_by_a_wrong_role_is_refused_and_recorded(world, tmp_path, client, role):
    version = _submitted(world, tmp_path)
    _refused_over_http(
        client,
        world.user("city", role),
        reverse("catalog:review", args=[version.pk]),
        {"decision": "pass", "opinion": "同意"},
        "catalog.legal_review",
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.LEGAL_REVIEW


@pytest.mark.parametrize("role", ["officer", "team_leader", "legal_reviewer", "supervisor"])
def test_approval_by_a_wrong_role_is_refused_and_recorded(world, tmp_path, client, role):
    version = _submitted(world, tmp_path)
    services.version_legal_review(
        version=version, by=world.user("city", "legal_reviewer"), approve=True, opinion="同意"
    )
    _refused_over_http(
        client,
        world.user("city", role),
        reverse("catalog:approve", args=[version.pk]),
        {"decision": "approve"},
        "catalog.approve",
    )
    assert CatalogVersion.objects.get(pk=version.pk).status == VersionStatus.REVIEWED


@pytest.mark.parametrize("role", ["officer", "team_leader", "complaint_handler", "supervisor"])
def test_publication_by_a_wrong_role_is_refused_and_recorded(world, tmp_path, client, role):
    version = _submitted(world, tmp_path)
    services.version_legal_review(
        version=version, by=world.user("city", "legal_reviewer"), approve=True, opinion="同意"
    )
    services.version_approve(version=version, by=world.user("city", "bureau_head"))
    data = {
        "effective_from": today().isoformat(),
        "filing_authority": "廊坊市司法局",
        "filing_number": "1号",
        "filing_date": today().isoformat(),
    }
    _refused_over_http(
        client,
        world.user("city", role),
        reverse("catalog:publish", args=[version.pk]),
        data,
        "catalog.publish",
    )
    assert CatalogVersion.objects.get(pk=version.pk).status == VersionStatus.APPROVED


@pytest.mark.parametrize("role", ["officer", "complaint_handler", "supervisor"])
def test_drafting_by_a_wrong_role_is_refused_and_recorded(world, tmp_path, client, role):
    load_city(world, tmp_path)
    _refused_over_http(
        client,
        world.user("city", role),
        reverse("catalog:draft-create"),
        {"unit": world.units["city"].pk},
        "catalog.draft_create",
    )
    version = draft(world, "city", change_reason="调整")
    _refused_over_http(
        client, world.user("city", role), reverse("catalog:submit", args=[version.pk]), {}, "catalog.submit"
    )
    assert not CatalogVersion.objects.filter(status=VersionStatus.LEGAL_REVIEW).exists()


def test_another_countys_reviewer_is_refused_by_jurisdiction(world, tmp_path, client):
    load_city(world, tmp_path)
    version = draft(world, "county_a", change_reason="本县新增")
    services.entry_add(
        version=version,
        by=world.user("county_a", "team_leader"),
        data=new_item("L131022-001", "本县事项"),
        reason="新增",
    )
    services.version_submit(version=version, by=world.user("county_a", "team_leader"))
    with pytest.raises(Refused, match="辖区"):
        services.version_legal_review(
            version=version, by=world.user("county_b", "legal_reviewer"), approve=True, opinion="同意"
        )
    # Over HTTP the other county cannot even see the version in progress.
    client.force_login(world.user("county_b", "legal_reviewer"))
    assert client.get(reverse("catalog:version", args=[version.pk])).status_code == 404


def test_reviewer_may_not_review_a_version_he_drafted(world, tmp_path, client):
    load_city(world, tmp_path)
    reviewer = world.user("city", "legal_reviewer")
    version = services.version_create_draft(unit=world.units["city"], by=reviewer, change_reason="调整")
    services.entry_add(
        version=version, by=reviewer, data=new_item("AIR-108-1", "挥发性有机物"), reason="新增"
    )
    services.version_submit(version=version, by=reviewer)
    with pytest.raises(Refused, match="起草与审核分离"):
        services.version_legal_review(version=version, by=reviewer, approve=True, opinion="同意")
    _refused_over_http(
        client,
        reviewer,
        reverse("catalog:review", args=[version.pk]),
        {"decision": "pass", "opinion": "同意"},
        "catalog.legal_review",
    )
    page = client.get(reverse("catalog:version", args=[version.pk])).content.decode()
    assert "起草与审核分离" in page and 'id="btn-review"' not in page


def test_only_drafts_change(world, tmp_path):
    version = _submitted(world, tmp_path)
    leader = world.user("city", "team_leader")
    with pytest.raises(ValidationError, match="只有草稿可以修改"):
        services.entry_add(version=version, by=leader, data=new_item("AIR-108-5", "粉尘"), reason="x")
    with pytest.raises(ValidationError, match="只有草稿可以修改"):
        services.entry_remove(entry=version.entries.first(), by=leader, reason="x")
    with pytest.raises(ValidationError, match="不能提交法制审核"):
        services.version_submit(version=version, by=leader)


def test_rejection_goes_back_to_the_drafter_with_the_opinion(world, tmp_path):
    version = _submitted(world, tmp_path)
    leader, reviewer = world.user("city", "team_leader"), world.user("city", "legal_reviewer")
    with pytest.raises(ValidationError, match="请填写法制审核意见"):
        services.version_legal_review(version=version, by=reviewer, approve=False, opinion=" ")
    version = services.version_legal_review(
        version=version, by=reviewer, approve=False, opinion="依据条款有误"
    )
    assert (version.status, version.review_opinion) == (VersionStatus.REJECTED, "依据条款有误")
    with pytest.raises(ValidationError, match="只有草稿可以修改"):
        services.entry_add(version=version, by=leader, data=new_item("AIR-108-5", "粉尘"), reason="x")
    version = services.version_reopen(version=version, by=leader)
    assert version.status == VersionStatus.DRAFT
    services.version_submit(version=version, by=leader)
    version = services.version_legal_review(version=version, by=reviewer, approve=True, opinion="已改正")
    with pytest.raises(ValidationError, match="退回时请填写意见"):
        services.version_approve(version=version, by=world.user("city", "bureau_head"), approve=False)
    version = services.version_approve(
        version=version, by=world.user("city", "bureau_head"), approve=False, opinion="再研究"
    )
    assert version.status == VersionStatus.REJECTED
    actions = [e.action for e in _events(version)]
    assert actions.count("catalog.legal_review") == 2 and "catalog.reopen" in actions


def test_publication_needs_a_valid_date_and_the_filing_record(world, tmp_path):
    version = _submitted(world, tmp_path)
    services.version_legal_review(
        version=version, by=world.user("city", "legal_reviewer"), approve=True, opinion="同意"
    )
    services.version_approve(version=version, by=world.user("city", "bureau_head"))
    publisher = world.user("city", "bureau_head")
    with pytest.raises(ValidationError) as exc:
        services.version_publish(
            version=version,
            by=publisher,
            effective_from=today() - timedelta(days=1),
            filing_authority="",
            filing_number="",
            filing_date=None,
        )
    errors = exc.value.message_dict
    assert "不能早于今天" in errors["effective_from"][0]
    assert errors["filing_authority"] == ["请填写备案机关（向司法行政部门备案的记录）"]
    assert "备案号" in errors["filing_number"][0] and "备案日期" in errors["filing_date"][0]
    with pytest.raises(ValidationError, match="备案日期不能晚于今天"):
        services.version_publish(
            version=version,
            by=publisher,
            effective_from=today(),
            filing_authority="司法局",
            filing_number="1号",
            filing_date=today() + timedelta(days=1),
        )
    assert CatalogVersion.objects.get(pk=version.pk).status == VersionStatus.APPROVED


def test_new_version_must_take_effect_after_the_previous_one(world, tmp_path):
    load_city(world, tmp_path, effective_from=today() + timedelta(days=30))
    version = draft(world, "city", change_reason="调整")
    services.entry_add(
        version=version,
        by=world.user("city", "team_leader"),
        data=new_item("AIR-108-1", "VOCs"),
        reason="新增",
    )
    with pytest.raises(ValidationError, match="必须晚于上一版本"):
        walk_to_published(world, version, "city", effective_from=today() + timedelta(days=30))


def test_one_version_in_progress_per_unit(world, tmp_path):
    load_city(world, tmp_path)
    draft(world, "city")
    with pytest.raises(ValidationError, match="已有未发布的清单版本"):
        draft(world, "city")


def test_submission_needs_a_reason_and_a_change(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "city")
    leader = world.user("city", "team_leader")
    with pytest.raises(ValidationError) as exc:
        services.version_submit(version=version, by=leader)
    assert "动态调整说明" in exc.value.message_dict["change_reason"][0]
    services.version_update_meta(version=version, by=leader, label="", change_reason="年度调整")
    with pytest.raises(ValidationError, match="没有任何调整"):
        services.version_submit(version=version, by=leader)
    with pytest.raises(ValidationError) as exc:
        services.entry_add(version=version, by=leader, data=new_item("AIR-108-1", "VOCs"))
    assert "调整理由" in exc.value.message_dict["change_reason"][0]


def test_entry_data_errors_are_chinese_and_name_the_field(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "city")
    leader = world.user("city", "team_leader")
    bad = new_item(
        "air 99",
        "",
        power_type="处罚",
        first_level="省里",
        sanction={"kind": "amount", "min": 200000, "max": 100000},
        legal_basis=[{"law": "", "article": "九十九"}],
    )
    with pytest.raises(ValidationError) as exc:
        services.entry_add(version=version, by=leader, data=bad, reason="x")
    errors = exc.value.message_dict
    assert "格式不符" in errors["code"][0]
    assert errors["name"] == ["请填写事项名称"]
    assert "职权类型「处罚」不是可选值" in errors["power_type"][0]
    assert "第一责任层级建议「省里」不是可选值" in errors["first_level"][0]
    assert "最低额 200000 大于最高额 100000" in errors["sanction"][0]
    assert "第1条依据缺少法律法规名称" in errors["legal_basis"][0]
    with pytest.raises(ValidationError) as exc:
        services.entry_add(version=version, by=leader, data={**AIR_99_2, "legal_basis": []}, reason="x")
    assert exc.value.message_dict == {"legal_basis": ["请至少填写一条实施依据（法律法规名称和条款）"]}
    with pytest.raises(ValidationError) as exc:
        services.entry_add(version=version, by=leader, data=as_data(AIR_99_2), reason="x")
    assert exc.value.message_dict == {"code": ["本版本已有编码为 AIR-99-2 的事项"]}


def test_removal_keeps_its_reason_on_the_version(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="调整")
    leader = world.user("city", "team_leader")
    with pytest.raises(ValidationError):
        services.entry_remove(entry=version.entries.get(code="EIA-31-1"), by=leader, reason="")
    services.entry_remove(
        entry=version.entries.get(code="EIA-31-1"), by=leader, reason="已由自然资源部门实施"
    )
    version.refresh_from_db()
    assert version.removal_reasons == {
        "EIA-31-1": {"name": ITEMS[1]["name"], "reason": "已由自然资源部门实施"}
    }
    assert not version.entries.filter(code="EIA-31-1").exists()
    event = AuditEvent.objects.get(action="catalog.entry_remove")
    assert json.loads(event.before)["code"] == "EIA-31-1" and event.reason == "已由自然资源部门实施"


# ---------------------------------------------------------------- the starter catalog


def test_starter_catalog_loads_as_the_first_published_version(world, tmp_path):
    version = load_city(world, tmp_path)
    assert (version.status, version.number, version.effective_from) == (
        VersionStatus.PUBLISHED,
        1,
        today() - timedelta(days=100),
    )
    entry = version.entries.get(code="AIR-99-2")
    assert entry.power_type == "penalty" and entry.first_level == "city"
    assert entry.legal_basis[1] == {
        "law": "中华人民共和国大气污染防治法",
        "article": "第九十九条",
        "clause": "第（二）项",
        "kind": "处罚条款",
        "text": AIR_99_2["legal_basis"][1]["text"],
        "law_code": "AIR",
        "law_version": "2018-10-26",
    }
    assert entry.sanction["min"] == "100000" and entry.sanction["max"] == "1000000"
    eia = version.entries.get(code="EIA-31-1")
    assert eia.sanction["min"] == "0.01" and eia.legal_basis[0]["paragraph"] == "第一款"
    assert [e.code for e in version.entries.order_by("position")] == [i["code"] for i in ITEMS]


def test_a_bad_item_refuses_the_whole_file_and_names_the_item(world, tmp_path):
    bad = [
        *ITEMS[:2],
        {**ITEMS[2], "sanction": {"kind": "amount", "min": 5, "max": 1}},
        {**ITEMS[3], "first_level": "中央"},
        {**ITEMS[0], "legal_basis": [{"law": "XYZ", "article": 1}]},
    ]
    path = write_catalog(tmp_path / "bad.yaml", bad)
    with pytest.raises(ValidationError) as exc:
        services.catalog_load_starter(unit=world.units["city"], path=path)
    text = "\n".join(exc.value.messages)
    assert "有 3 处错误，整个文件未导入" in text
    assert "第3项（AIR-100-3） 法定罚则" in text
    assert "第4项（EPL-24-0） 第一责任层级建议：第一责任层级建议「中央」不是可选值" in text
    assert "第5项（AIR-99-2） 实施依据：未知的法律代码「XYZ」" in text
    assert not CatalogVersion.objects.exists() and not CatalogEntry.objects.exists()


def test_starter_catalog_is_loaded_once_and_not_under_a_published_superior(world, tmp_path):
    load_city(world, tmp_path)
    with pytest.raises(ValidationError, match="起步清单只能作为第一版导入"):
        load_city(world, tmp_path)
    with pytest.raises(ValidationError, match="上级单位已发布执法事项清单"):
        services.catalog_load_starter(unit=world.units["county_a"], path=write_catalog(tmp_path / "c.yaml"))


def test_starter_load_by_a_user_needs_the_publish_permission(world, tmp_path):
    with pytest.raises(Refused):
        services.catalog_load_starter(
            unit=world.units["city"],
            by=world.user("city", "officer"),
            path=write_catalog(tmp_path / "s.yaml"),
        )
    version = services.catalog_load_starter(
        unit=world.units["city"],
        by=world.user("city", "bureau_head"),
        path=write_catalog(tmp_path / "s.yaml"),
    )
    assert version.published_by == world.user("city", "bureau_head")


def test_the_shipped_starter_catalog_loads(world):
    version = services.catalog_load_starter(unit=world.units["city"])
    assert version.entries.count() >= 40


@pytest.mark.parametrize("opinion", ["依据\x00有误", "长" * 1_000_000], ids=["nul", "one-million-chars"])
def test_a_review_opinion_with_nul_or_too_long_is_refused_in_chinese_and_stores_nothing(
    world, tmp_path, client, opinion
):
    version = _submitted(world, tmp_path)
    events = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    client.force_login(world.user("city", "legal_reviewer"))
    url = reverse("catalog:review", args=[version.pk])
    response = client.post(url, {"decision": "reject", "opinion": opinion}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "空字符" in page or "不能超过2000字" in page
    version.refresh_from_db()
    assert version.status == VersionStatus.LEGAL_REVIEW and version.review_opinion == ""
    new = list(AuditEvent.objects.filter(seq__gt=events).values_list("action", "reason", "after"))
    assert not [e for e in new if e[0] == "catalog.legal_review"], new
    assert all(len(str(e)) < 5000 for e in new), "no opinion copied into the audit trail"
    with pytest.raises(ValidationError, match="意见"):  # the approval opinion too, at the service
        services.version_approve(version=version, by=world.user("city", "bureau_head"), approve=False,
                                 opinion=opinion)
