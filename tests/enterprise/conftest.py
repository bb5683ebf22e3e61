"""Enterprise fixtures: bind an approved enterprise account to an entity, signed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ecoenforce.enterprise import services
from tests.factories import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def bind(world: Any) -> Callable[[Any, str], tuple[Any, Client]]:
    """bind(entity, username) → (account, a client signed in as it), approved by the sysadmin."""

    def make(entity: Any, username: str) -> tuple[Any, Client]:
        account = services.enterprise_apply(
            uscc=entity.uscc,
            username=username,
            password=PASSWORD,
            contact_name="经办人",
            contact_phone="0316-1234567",
        )
        account = services.enterprise_decide(account=account, approve=True, by=world.user("city", "sysadmin"))
        client = Client()
        client.force_login(account.user)
        return account, client

    return make
