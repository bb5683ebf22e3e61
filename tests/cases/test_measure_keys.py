"""The seizure and referral forms carry a one-time token: the same form sent twice (two tabs, a
retried request) makes one record; the repeat is refused in Chinese, changes nothing, and is audited.
Two concurrent submissions of one token: exactly one succeeds."""

from __future__ import annotations

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.cases import measures
from ecoenforce.cases.models import Measure, Referral
from ecoenforce.org.permissions import Refused

ITEMS = [{"name": "废气处理设备", "quantity": "1套", "place": "二车间"}]
REFERRAL = {"op": "refer", "kind": "detention", "police": "固安县公安局", "materials": "案件移送书"}


def _client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _key_of(page: str) -> str:
    found = re.search(r'name="key" value="([0-9a-f]{32})"', page)
    assert found, "the form carries no one-time key"
    return found.group(1)


@pytest.mark.django_db
def test_seizure_form_sent_twice_makes_one_measure_and_audits_the_refusal(drive):
    case = drive.to(drive.open(), "investigating")
    url = f"/cases/{case.pk}/measures/"
    head = _client(drive.head)
    key = _key_of(head.get(url).content.decode())
    form = {"op": "seize", "kind": "seal", "item_name_0": "废气处理设备", "key": key}
    assert head.post(url, form).status_code == 302
    r = head.post(url, form)  # the second tab, or the browser retrying
    assert r.status_code == 422 and "该表单已提交，请勿重复提交" in r.content.decode()
    assert Measure.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="cases.measure_seize", outcome="refused").exists()
    # a fresh form (new key) is a new seizure, as the officer means it
    fresh = _key_of(head.get(url).content.decode())
    assert fresh != key
    assert head.post(url, form | {"key": fresh}).status_code == 302
    assert Measure.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_a_refused_seizure_form_keeps_its_key_so_the_corrected_one_goes_through(drive):
    case = drive.to(drive.open(), "investigating")
    url = f"/cases/{case.pk}/measures/"
    head = _client(drive.head)
    key = _key_of(head.get(url).content.decode())
    r = head.post(url, {"op": "seize", "kind": "seal", "key": key})  # no list: nothing written
    assert r.status_code == 422 and _key_of(r.content.decode()) == key
    assert (
        head.post(url, {"op": "seize", "kind": "seal", "item_name_0": "设备", "key": key}).status_code == 302
    )
    assert Measure.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_referral_form_sent_twice_makes_one_referral(drive):
    case = drive.to(drive.open("EPL-63-3"), "investigating")
    url = f"/cases/{case.pk}/referral/"
    head = _client(drive.head)
    key = _key_of(head.get(url).content.decode())
    assert head.post(url, REFERRAL | {"key": key}).status_code == 302
    r = head.post(url, REFERRAL | {"key": key})
    assert r.status_code == 422 and "该表单已提交，请勿重复提交" in r.content.decode()
    assert Referral.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="cases.referral", outcome="refused").exists()


@pytest.mark.django_db
def test_the_same_key_on_another_case_is_not_a_repeat(drive):
    a = drive.to(drive.open(), "investigating")
    b = drive.to(drive.open(), "investigating")
    for case in (a, b):
        measures.measure_seize(
            case=case, by=drive.head, kind="seal", items=ITEMS, basis="", idempotency_key="k1"
        )
    assert Measure.objects.filter(idempotency_key="k1").count() == 2


needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_of_one_form_make_one_seizure_and_one_referral():
    import datetime as dt

    from ecoenforce.catalog.services import catalog_load_starter
    from tests.cases.driver import Driver
    from tests.factories import make_world

    world = make_world()
    catalog_load_starter(unit=world.units["city"], effective_from=dt.date(2020, 1, 1))
    drive = Driver(world)
    case = drive.to(drive.open("EPL-63-3"), "investigating")

    def race(write) -> list[str]:
        barrier, results = threading.Barrier(2), []

        def run() -> None:
            try:
                barrier.wait()
                write()
                results.append("ok")
            except (Refused, ValidationError) as exc:
                results.append(str(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    results = race(
        lambda: measures.measure_seize(
            case=case, by=drive.head, kind="seize", items=ITEMS, basis="", idempotency_key="tab"
        )
    )
    assert results.count("ok") == 1 and "请勿重复提交" in "".join(results), results
    assert Measure.objects.filter(case=case).count() == 1
    results = race(
        lambda: measures.referral_record(
            case=case,
            by=drive.head,
            kind="detention",
            police="固安县公安局",
            materials="移送书",
            idempotency_key="tab",
        )
    )
    assert results.count("ok") == 1 and "请勿重复提交" in "".join(results), results
    assert Referral.objects.filter(case=case).count() == 1
