"""The home dashboard: real figures within the reader's jurisdiction; administrators land elsewhere."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse

from ecoenforce.entities.models import Entity
from ecoenforce.evaluation import selectors
from ecoenforce.org import services
from tests.factories import make_uscc

SEQ = {"n": 5000}


def entity(world, unit_key: str, klass: str, status: str = "operating") -> Entity:
    SEQ["n"] += 1
    unit = world.units[unit_key]
    return Entity.objects.create(
        name=f"看板测试企业{SEQ['n']}",
        uscc=make_uscc(SEQ["n"]),
        legal_representative="张三",
        address="测试路1号",
        division_code=unit.division_code[:6],
        industry_code="C2614",
        supervision_class=klass,
        status=status,
        owner_unit=unit,
    )


@pytest.fixture
def data(world):
    """Entities: county_a 2 key + 1 general, town_a 1 special + 1 general, county_b 1 key (+1 closed),
    city itself 1 general. Certificates: one expiring in 10 days (county_a), one in 45 days (town_b),
    one expired (county_a), one expiring but already renewed (county_b), one expiring of an inactive user."""
    for unit_key, klass in [
        ("county_a", "key"),
        ("county_a", "key"),
        ("county_a", "general"),
        ("town_a", "special"),
        ("town_a", "general"),
        ("county_b", "key"),
        ("city", "general"),
    ]:
        entity(world, unit_key, klass)
    entity(world, "county_b", "key", status="closed")
    today = date.today()
    head = world.user("city", "bureau_head")

    def cert(unit_key: str, role: str, number: str, days: int, start: int = -700) -> None:
        services.certificate_add(
            by=head,
            officer=world.user(unit_key, role),
            number=number,
            issuer="河北省人民政府",
            valid_from=today + timedelta(days=start),
            valid_to=today + timedelta(days=days),
        )

    cert("county_a", "team_leader", "ZF-A-10", 10)
    cert("town_b", "team_leader", "ZF-TB-45", 45)
    cert("county_a", "legal_reviewer", "ZF-A-OLD", -3)
    cert("county_b", "team_leader", "ZF-B-30", 30)
    cert("county_b", "team_leader", "ZF-B-NEW", 30 + 1460, start=31)  # the renewal
    cert("county_a", "complaint_handler", "ZF-A-GONE", 20)
    gone = world.user("county_a", "complaint_handler")
    gone.is_active = False
    gone.save()
    return world


def bars(user) -> dict[str, dict[str, int]]:
    result = selectors.entities_by_unit(user)
    assert len({b.label for b in result}) == len(result)  # labels are distinct
    return {b.label: dict(b.by_class) for b in result}


def test_city_figures(data):
    city = data.user("city", "officer")
    assert selectors.entities_by_class(city) == [
        ("key", "重点排污单位", 3),
        ("general", "一般排污单位", 3),
        ("special", "特殊监管对象", 1),
    ]
    # both counties' short names are "综合执法大队": the bars fall back to the full names
    assert data.units["county_a"].short_name == data.units["county_b"].short_name
    short_a, short_b = data.units["county_a"].name, data.units["county_b"].name
    assert bars(city) == {
        short_a: {"key": 2, "general": 2, "special": 1},  # county_a with town_a
        short_b: {"key": 1},  # the closed entity is not counted
        "本级": {"general": 1},
    }
    rows, count = selectors.certificates_expiring_soon(city)
    assert [(r.certificate.number, r.days_left) for r in rows] == [("ZF-A-10", 10), ("ZF-TB-45", 45)]
    assert count == 2
    assert selectors.certificates_expired_count(city) == 1


def test_county_figures(data):
    county = data.user("county_a", "officer")
    assert selectors.entities_by_class(county) == [
        ("key", "重点排污单位", 2),
        ("general", "一般排污单位", 2),
        ("special", "特殊监管对象", 1),
    ]
    assert bars(county) == {
        data.units["town_a"].short_name: {"special": 1, "general": 1},
        "本级": {"key": 2, "general": 1},
    }
    rows, count = selectors.certificates_expiring_soon(county)
    assert [r.certificate.number for r in rows] == ["ZF-A-10"] and count == 1
    assert selectors.certificates_expired_count(county) == 1
    assert selectors.certificates_expired_count(data.user("county_b", "officer")) == 0


def test_township_figures_have_no_children(data):
    town = data.user("town_a", "officer")
    assert bars(town) == {"本级": {"special": 1, "general": 1}}
    assert selectors.certificates_expiring_soon(town)[1] == 0


def test_officer_counts(data):
    # one officer per unit, each with a certificate valid for another 365 days
    assert selectors.officer_counts(data.user("city", "officer")) == (5, 5)
    assert selectors.officer_counts(data.user("county_a", "supervisor")) == (2, 2)


def chart_option(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def test_dashboard_page_for_the_city_and_a_county(data, client_for):
    html = client_for("city", "officer").get("/").content.decode()
    assert 'id="stat-entities">7<' in html and 'id="stat-key">3<' in html
    assert 'id="stat-expiring">2<' in html and 'id="stat-expired">1<' in html
    assert 'data-chart="chart-class"' in html and 'data-chart="chart-unit"' in html
    assert "vendor/echarts/echarts.min.js" in html
    pie = chart_option(html, "chart-class")
    assert {d["name"]: d["value"] for d in pie["series"][0]["data"]} == {
        "重点排污单位": 3,
        "一般排污单位": 3,
        "特殊监管对象": 1,
    }
    bar = chart_option(html, "chart-unit")["baseOption"]
    labels = bar["xAxis"]["data"]
    totals = [sum(s["data"][i] for s in bar["series"]) for i in range(len(labels))]
    assert dict(zip(labels, totals, strict=True)) == {
        data.units["county_a"].name: 5,
        data.units["county_b"].name: 1,
        "本级": 1,
    }
    table = html.split('id="expiring-table"', 1)[1].split("</table>", 1)[0]
    assert "ZF-A-10" in table and "ZF-TB-45" in table and "ZF-B-30" not in table and "ZF-A-GONE" not in table
    assert ">10<" in table and ">45<" in table

    html = client_for("county_a", "officer").get("/").content.decode()
    assert 'id="stat-entities">5<' in html and 'id="stat-expiring">1<' in html
    assert "ZF-TB-45" not in html and "永清" not in html


@pytest.mark.parametrize(
    ("role", "target"), [("sysadmin", "org:units"), ("secadmin", "org:roles"), ("auditadmin", None)]
)
def test_administrators_see_their_todo_and_a_link_to_their_page(data, client_for, role, target):
    if target is None:
        try:
            expected = reverse("audit:events")
        except NoReverseMatch:
            expected = reverse("org:account")
    else:
        expected = reverse(target)
    response = client_for("county_a", role).get("/")
    html = response.content.decode()
    assert response.status_code == 200 and "我的待办" in html
    assert f'href="{expected}"' in html and "进入我的工作页面" in html
    assert 'id="stat-entities"' not in html  # no dashboard figures for administrators


def test_dashboard_count_says_why_it_differs_from_the_list(data, client_for):
    """The dashboard leaves closed entities out, the list counts them: the card says so and agrees."""
    html = client_for("city", "officer").get("/").content.decode()
    listed = client_for("city", "officer").get(reverse("entities:list")).context["page"].paginator.count
    assert listed == 8  # 7 supervised + 1 closed
    assert 'id="stat-entities">7<' in html and "不含已关闭" in html
    note = html.split('id="stat-entities-note">', 1)[1].split("</div>", 1)[0]
    assert "另有已关闭 1 家" in note and f"名录共 {listed} 家" in note
    html = client_for("county_a", "officer").get("/").content.decode()
    note = html.split('id="stat-entities-note">', 1)[1].split("</div>", 1)[0]
    assert "已关闭" not in note and "名录共 5 家" in note


def test_a_user_without_roles_lands_on_his_account_page(data, client_for):
    user = services.user_create(
        by=None, username="no_role", password="x", unit=data.units["county_a"], validate=False
    )
    response = client_for(user).get("/", follow=True)
    assert response.redirect_chain == [(reverse("org:account"), 302)]
    assert "您尚未被授予角色" in response.content.decode()


def test_anonymous_is_sent_to_login(db, client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
