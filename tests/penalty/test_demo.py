"""penalty_demo: a year of decided penalties recorded through the penalty door, enough for the
consistency report to find something; deterministic; --if-empty a no-op."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ecoenforce.audit.models import AuditEvent
from ecoenforce.org.models import UnitLevel, User
from ecoenforce.penalty import demo
from ecoenforce.penalty.catalog_items import CODE_IN_FORCE
from ecoenforce.penalty.models import DecidedPenalty
from ecoenforce.penalty.selectors import ConsistencyFilters, consistency_report

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def _rows() -> list[tuple[object, ...]]:
    fields = ("decided_on", "item_code", "officer__username", "decided_amount", "reason")
    return list(DecidedPenalty.objects.order_by(*fields).values_list(*fields))


def test_a_year_of_decisions_that_the_consistency_report_can_read() -> None:
    call_command("demo_seed", "--entities", "0", stdout=StringIO())
    seeded = demo.seed_decisions(count=150, today=TODAY)
    assert seeded.skipped == [] and seeded.decisions == DecidedPenalty.objects.count() >= 140
    rows = DecidedPenalty.objects.select_related("unit", "officer__unit")
    # a year, both sides of the Code's entry into force, with the item codes in force on each side
    assert min(r.decided_on for r in rows) >= TODAY - dt.timedelta(days=365)
    assert max(r.decided_on for r in rows) <= TODAY
    assert all(r.item_code.startswith(("CODE-", "PERMIT-")) for r in rows if r.decided_on >= CODE_IN_FORCE)
    assert all(not r.item_code.startswith("CODE-") for r in rows if r.decided_on < CODE_IN_FORCE)
    # spread over officers and over the city and every county; township stations decide nothing
    assert len({r.officer_id for r in rows}) >= 20
    assert {r.unit.level for r in rows} == {UnitLevel.CITY, UnitLevel.COUNTY}
    assert len({r.unit_id for r in rows}) == 7 and all(r.unit_id == r.officer.unit_id for r in rows)
    # through the door: the engine's amount is stored, every decision within the statutory range, audited
    assert AuditEvent.objects.filter(action="catalog.penalty_decision").count() == len(rows)
    assert all(r.decided_amount > 0 for r in rows)
    report = consistency_report(User.objects.get(username="lf_legal_reviewer"), ConsistencyFilters()).report
    assert report.total.count == len(rows) and report.total.errors == 0
    assert 0 < report.total.flagged < report.total.count / 2  # most follow the benchmark, some do not
    assert 0 < report.total.flagged_without_reason < report.total.flagged
    assert report.flagged and len(report.by_unit) == 7


def test_deterministic_and_if_empty() -> None:
    call_command("demo_seed", "--entities", "0", stdout=StringIO())
    call_command("penalty_demo", "--count", "30", stdout=StringIO())
    first = _rows()
    out = StringIO()
    call_command("penalty_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue() and _rows() == first
    with pytest.raises(CommandError):
        call_command("penalty_demo", "--count", "30", stdout=StringIO())
    DecidedPenalty.objects.all().delete()
    call_command("penalty_demo", "--count", "30", stdout=StringIO())
    assert len(first) >= 25 and _rows() == first


def test_refuses_without_officers() -> None:
    with pytest.raises(CommandError, match="demo_seed"):
        call_command("penalty_demo", stdout=StringIO())
