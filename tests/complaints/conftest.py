"""Fixtures for complaints: a public client that answers the arithmetic challenge, images, entities."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.entities.conftest import entity_fields  # noqa: F401  (reused builders)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def solve(html: str) -> dict[str, str]:
    a, b = map(int, re.search(r"验证题：(\d+) 加 (\d+) 等于多少", html).groups())  # type: ignore[union-attr]
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    return {"answer": str(a + b), "token": token}


def public_form(**over: Any) -> dict[str, Any]:
    data = {
        "category": "air",
        "description": "夜间工厂烟囱冒黑烟，气味刺鼻，持续两小时以上。",
        "address": "固安县工业园区东路18号",
        "division_code": "131022",
        "anonymous": "on",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def submit(world: Any) -> Callable[..., tuple[Any, str]]:
    """submit(client=None, **fields) → (response, tracking code or "")."""

    def run(client: Client | None = None, files: list[Any] | None = None, **over: Any) -> tuple[Any, str]:
        client = client or Client()
        page = client.get("/public/complaints/").content.decode()
        data = {**public_form(**over), **solve(page)}
        if files:
            data["attachments"] = files
        response = client.post("/public/complaints/", data)
        found = re.search(r'id="tracking-code">([^<]+)<', response.content.decode())
        return response, (found.group(1).strip() if found else "")

    return run


@pytest.fixture
def client_for(world: Any) -> Callable[[str, str], Client]:
    def make(unit_key: str, role: str) -> Client:
        client = Client()
        client.force_login(world.user(unit_key, role))
        return client

    return make
