"""Legal parameters: the file, the accessor, the legal reviewer's confirmation (audited), the page,
and that the figures the code uses agree with the file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError

from ecoenforce.audit.models import AuditEvent
from ecoenforce.penalty import catalog_items as penalty_engine
from ecoenforce.penalty import params
from ecoenforce.penalty.engine import daily_penalty
from ecoenforce.penalty.engine.benchmarks import GenericRule
from ecoenforce.penalty.engine.discretion import BENCHMARKS_DIR, PenaltyFacts, compute_penalty, load_rule_set
from ecoenforce.penalty.engine.errors import ValidationError as DataError
from ecoenforce.penalty.models import LegalParameterConfirmation

URL = "/catalog/penalty/parameters/"


def test_file_loads_and_is_honest() -> None:
    pf = params.load_parameter_file()
    assert len(pf.parameters) >= 50
    for d in pf.parameters.values():
        assert d.source and d.name and d.unit
        if d.confidence in ("UNCONFIRMED", "PLATFORM"):
            assert not d.verified, d.key
    must = [
        "deadline.decision_days",
        "deadline.hearing_request_days",
        "deadline.service_days",
        "deadline.payment_days",
        "deadline.late_fee_daily_rate",
        "coercion.seizure_days",
        "coercion.seizure_extension_days",
        "referral.decision_days",
        "referral.handover_hours",
        "threshold.summary_fine_citizen",
        "threshold.summary_fine_org",
        "threshold.hearing_fine_org",
        "threshold.hearing_fine_citizen",
        "deadline.discovery_limit_years",
        "random.key_county_quarter_ratio",
        "criminal.hazardous_waste_tonnes",
        "discretion.rounding",
        "discretion.GD-2022.heavier_position",
    ]
    for key in must:
        assert key in pf.parameters, key
    assert pf.parameters["deadline.decision_days"].default == 90
    assert pf.parameters["threshold.hearing_fine_org"].confidence == "S"
    assert pf.parameters["threshold.hearing_fine_citizen"].verified is False


def test_code_agrees_with_the_file() -> None:
    p = params.load_parameter_file().parameters
    assert p["deadline.late_fee_daily_rate"].default == daily_penalty.LATE_FEE_RATE
    assert p["deadline.payment_days"].default == daily_penalty.PAYMENT_PERIOD_DAYS
    assert p["deadline.daily_penalty_recheck_days"].default == daily_penalty.RECHECK_WINDOW_DAYS
    gd = load_rule_set(BENCHMARKS_DIR / "guangdong.yaml")
    for name in penalty_engine.GENERIC_FIELDS:
        assert p[f"discretion.GD-2022.{name}"].default == getattr(gd.generic, name), name
    base = GenericRule()
    for key, d in p.items():
        if key.startswith("discretion.national."):
            assert d.default == getattr(base, key.rsplit(".", 1)[1]), key
    assert gd.apology is not None
    assert p["discretion.apology_min_rate"].default == gd.apology.min_rate
    assert p["discretion.apology_max_rate"].default == gd.apology.max_rate


def _write(tmp_path: Path, **change) -> Path:
    data = yaml.safe_load(params.PARAMETERS_FILE.read_text(encoding="utf-8"))
    data["parameters"][0].update(change)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"verified": True}, "verified: false"),
        ({"type": "float"}, "未知的参数类型"),
        ({"value": "abc"}, "不是有效的数值"),
        ({"value": 1000}, "超出允许范围"),
        ({"confidence": "X"}, "未知的可信度"),
        ({"binding": "code"}, "code_ref"),
    ],
)
def test_file_validation(tmp_path, change, message) -> None:
    with pytest.raises(DataError, match=message):
        params.load_parameter_file(_write(tmp_path, **change))


@pytest.mark.django_db
def test_unverified_default_shows_as_unverified(world, client) -> None:
    state = params.parameter_state("threshold.hearing_fine_citizen")
    assert state.value == 5000 and state.verified is False and state.history == []
    client.force_login(world.user("county_a", "officer"))
    page = client.get(URL).content.decode()
    row = page.split('data-key="threshold.hearing_fine_citizen"')[1].split("</tr>")[0]
    assert "未核实" in row and "来源待核实" in row and ">5000<" in row
    assert "[UNCONFIRMED]" not in row and "threshold.hearing_fine_citizen<" not in row
    assert "确认 / 修改" not in page  # an officer only reads


@pytest.mark.django_db
def test_confirmation_changes_value_and_is_audited(world) -> None:
    reviewer = world.user("city", "legal_reviewer")
    assert params.legal_parameter("threshold.hearing_fine_citizen") == 5000
    row = params.legal_parameter_confirm(
        by=reviewer,
        key="threshold.hearing_fine_citizen",
        value="10000",
        note="依据本省规定，公民较大数额罚款为一万元",
    )
    assert row.changed and row.previous_value == "5000" and row.value == "10000"
    assert params.legal_parameter("threshold.hearing_fine_citizen") == 10000
    state = params.parameter_state("threshold.hearing_fine_citizen")
    assert state.verified and state.history[0] == row
    event = AuditEvent.objects.get(action="catalog.parameter_change")
    assert event.target_id == "threshold.hearing_fine_citizen" and event.actor_id == reviewer.pk
    assert '"value":"5000"' in event.before.replace(" ", "") and '"value":"10000"' in event.after.replace(
        " ", ""
    )


@pytest.mark.django_db
def test_confirm_same_value_verifies(world) -> None:
    reviewer = world.user("city", "legal_reviewer")
    row = params.legal_parameter_confirm(by=reviewer, key="deadline.filing_days", value="15", note="")
    assert not row.changed
    assert params.parameter_state("deadline.filing_days").verified
    assert AuditEvent.objects.filter(action="catalog.parameter_confirm").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value", "note", "field"),
    [
        ("deadline.late_fee_daily_rate", "0.05", "改", "value"),  # bound to code: cannot change online
        ("deadline.decision_days", "abc", "x", "value"),
        ("deadline.decision_days", "91.5", "改一下", "value"),
        ("deadline.decision_days", "1000", "改一下", "value"),
        ("deadline.decision_days", "100", "", "note"),  # a change needs its ground
        ("nope.key", "1", "", "key"),
    ],
)
def test_confirm_validation(world, key, value, note, field) -> None:
    with pytest.raises(ValidationError) as exc:
        params.legal_parameter_confirm(
            by=world.user("city", "legal_reviewer"), key=key, value=value, note=note
        )
    assert field in exc.value.message_dict
    assert (
        not LegalParameterConfirmation.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="catalog.parameter").exists()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("unit", "role"),
    [("county_a", "legal_reviewer"), ("city", "bureau_head"), ("city", "officer"), ("city", "sysadmin")],
)
def test_confirm_refused(world, unit, role) -> None:
    with pytest.raises(PermissionDenied):
        params.legal_parameter_confirm(by=world.user(unit, role), key="deadline.filing_days", value="15")


@pytest.mark.django_db
def test_page_confirm_form(world, client) -> None:
    client.force_login(world.user("city", "legal_reviewer"))
    page = client.get(URL).content.decode()
    assert "确认 / 修改" in page and 'id="unverified-count"' in page
    url = "/catalog/penalty/parameters/deadline.filing_days/confirm/"
    response = client.post(
        url, {"p-deadline_filing_days-value": "20", "p-deadline_filing_days-note": "本省规定"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#param-deadline_filing_days")
    assert params.legal_parameter("deadline.filing_days") == 20
    response = client.post(url, {"p-deadline_filing_days-value": "-3", "p-deadline_filing_days-note": "x"})
    assert response.status_code == 400 and "超出允许范围" in response.content.decode()
    client.force_login(world.user("county_a", "legal_reviewer"))
    assert client.post(url, {"p-deadline_filing_days-value": "20"}).status_code == 403
    client.force_login(world.user("city", "sysadmin"))
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_generic_parameter_change_reaches_the_engine(world) -> None:
    item = penalty_engine.items_for(None, dt.date(2026, 6, 1)).get("AIR-98-0")
    assert item is not None and item.sanction.min is not None and item.sanction.max is not None
    facts = {"grade": "heavier"}
    before = penalty_engine.compute(
        item=item, rule_set=penalty_engine.resolve_rule_set("GD-2022"), facts=facts
    )
    params.legal_parameter_confirm(
        by=world.user("city", "legal_reviewer"),
        key="discretion.GD-2022.heavier_position",
        value="0.9",
        note="法制审核确认从重取90%位置",
    )
    after = penalty_engine.compute(
        item=item, rule_set=penalty_engine.resolve_rule_set("GD-2022"), facts=facts
    )
    low, high = item.sanction.min, item.sanction.max
    assert before.result.amount == low + Decimal("0.8") * (high - low)
    assert after.result.amount == low + Decimal("0.9") * (high - low)
    plain = compute_penalty(
        item_code=item.code,
        sanction=item.sanction,
        rule_set=load_rule_set(BENCHMARKS_DIR / "guangdong.yaml"),
        facts=PenaltyFacts(),
    )
    assert plain.amount == low + (high - low) / 2
