"""County isolation, 提级管辖 / 指定管辖 through the grant, and concurrent transitions."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from ecoenforce.cases import selectors
from ecoenforce.cases.case_services import case_set_officers, case_take_over
from ecoenforce.cases.models import CaseEvent
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role
from tests.cases.driver import Driver
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_county_officer_cannot_see_or_act_on_another_countys_case(world, drive):
    case = drive.open()
    other = world.user("county_b", Role.OFFICER)
    assert not selectors.cases_for(other).filter(pk=case.pk).exists()
    with pytest.raises(Refused):
        drive.step(case, "approve_filing", world.user("county_b", Role.TEAM_LEADER))
    assert selectors.cases_for(world.user("city", Role.SUPERVISOR)).filter(pk=case.pk).exists()


def test_superior_designates_another_county_which_may_then_act(world, drive):
    case = drive.open()
    head_b = world.user("county_b", Role.BUREAU_HEAD)
    with pytest.raises(Refused):  # a county cannot take over its neighbour's case
        case_take_over(case=case, by=head_b, reason="x")
    city_head = world.user("city", Role.BUREAU_HEAD)
    with pytest.raises(ValidationError):
        case_take_over(case=case, by=city_head, reason="")
    case_take_over(
        case=case, by=city_head, reason="案情重大，指定永清县承办", to_unit=world.units["county_b"]
    )
    leader_b = world.user("county_b", Role.TEAM_LEADER)
    assert selectors.cases_for(leader_b).filter(pk=case.pk).exists()
    b1 = world.user("county_b", Role.OFFICER)
    b2 = make_user("county_b_officer_x", world.units["county_b"], Role.OFFICER)
    case_set_officers(case=case, officers=[b1, b2], by=leader_b)
    case = drive.step(case, "approve_filing", leader_b)
    assert case.state == "investigating"
    # the other county's other cases stay invisible
    assert not selectors.cases_for(leader_b).filter(pk=drive.open().pk).exists()


def test_city_takes_over_and_its_officers_handle(world, drive):
    case = drive.open()
    city_head = world.user("city", Role.BUREAU_HEAD)
    case_take_over(case=case, by=city_head, reason="提级管辖：跨县污染")
    c1 = world.user("city", Role.OFFICER)
    c2 = make_user("city_officer_x", world.units["city"], Role.OFFICER)
    case_set_officers(case=case, officers=[c1, c2], by=world.user("city", Role.TEAM_LEADER))
    case.refresh_from_db()
    assert case.handling_unit == world.units["city"]
    assert set(case.officers.values_list("officer_id", flat=True)) == {c1.pk, c2.pk}


needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_cannot_both_succeed():
    import datetime as dt

    from ecoenforce.catalog.services import catalog_load_starter
    from tests.cases.driver import Driver
    from tests.factories import make_world

    world = make_world()
    catalog_load_starter(unit=world.units["city"], effective_from=dt.date(2020, 1, 1))
    drive = Driver(world)
    case = drive.open()
    barrier, results = threading.Barrier(2), []

    def run(user):
        try:
            barrier.wait()
            drive.step(case, "approve_filing", user)
            results.append("ok")
        except (Refused, ValidationError) as exc:
            results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in (drive.leader, drive.head)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert CaseEvent.objects.filter(case=case, action="approve_filing").count() == 1


def _searched(user, q: str) -> set[int]:
    """The ids a search finds on the list page's path: scoped, then the jurisdiction's unit ids."""
    qs = selectors.filter_cases(selectors.cases_for(user), q=q, user=user)
    return set(qs.values_list("pk", flat=True))


def test_search_by_unit_ids_finds_the_same_cases_as_the_scope(world, drive):
    """The unit-id hint of a search (selectors.whole_units) must not change what a user finds: a
    county sees its own matches only, the city every county's, and a case designated to another
    county by a single-case grant is found there too."""
    own = drive.open(title="雨水排口超标排放案")
    other = Driver(world, unit="county_b").open(title="雨水排口私设暗管案")
    drive.open(title="夜间施工噪声扰民案")
    officer_a, officer_b = world.user("county_a", Role.OFFICER), world.user("county_b", Role.OFFICER)
    assert _searched(officer_a, "雨水排口") == {own.pk}
    assert _searched(officer_b, "雨水排口") == {other.pk}
    assert _searched(world.user("city", Role.SUPERVISOR), "雨水排口") == {own.pk, other.pk}
    case_take_over(
        case=own, by=world.user("city", Role.BUREAU_HEAD), reason="指定管辖", to_unit=world.units["county_b"]
    )
    assert selectors.whole_units(officer_b) is None  # a single-case grant: no unit-id hint
    assert _searched(officer_b, "雨水排口") == {own.pk, other.pk}
    page = Client()
    page.force_login(officer_b)
    html = page.get("/cases/list/", {"q": "雨水排口"}).content.decode()
    assert "雨水排口超标排放案" in html and "雨水排口私设暗管案" in html
    assert _searched(officer_a, "雨水排口") == {own.pk}  # its county still sees it; nothing else
