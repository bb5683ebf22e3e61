"""The page shell on a phone-sized screen (headless Chromium): collapsible navigation, charts drawn,
no horizontal scrolling, no Content-Security-Policy violations."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_phone_layout_navigation_and_charts(committed_world, live_server, page):
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "city_officer")
    assert page.url == f"{live_server.url}/"

    people_link = page.locator("#main-nav a[href='/org/people/']")
    assert page.locator(".navbar-toggler").is_visible()
    assert not people_link.is_visible()  # collapsed on a phone
    page.click(".navbar-toggler")
    people_link.wait_for(state="visible")
    assert page.locator("#main-nav .dropdown-toggle").is_visible()

    page.locator("[data-chart='chart-class'] canvas").wait_for()
    page.locator("[data-chart='chart-unit'] canvas").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.locator("#main-nav.collapse.show").wait_for()  # the opening animation has finished
    with page.expect_navigation(url=f"{live_server.url}/org/people/"):
        people_link.click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems == []


def test_desktop_layout_shows_the_navigation(committed_world, live_server, page):
    world = committed_world
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, "city_sysadmin")
    assert page.url == f"{live_server.url}/"  # the home page's to-do panel, then the work pages
    assert not page.locator(".navbar-toggler").is_visible()
    assert page.locator("#main-nav a[href='/org/accounts/']").is_visible()
    page.on("dialog", lambda dialog: dialog.dismiss())  # data-confirm asks before a reset
    page.goto(f"{live_server.url}/org/accounts/{world.user('county_a', 'officer').pk}/")
    page.click("text=重置密码")
    assert "/reset-password/" not in page.url  # dismissed: nothing was posted
