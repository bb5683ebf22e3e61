"""The enterprise service's lines on the home to-do panel: accounts to approve, questions to answer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ecoenforce.enterprise.models import AccountState, EnterpriseAccount, EnterpriseQuery, QueryState
from ecoenforce.enterprise.services import account_of
from ecoenforce.org.jurisdiction import scope
from ecoenforce.org.todo import TodoItem, register_todo


def accounts(user: Any) -> list[TodoItem]:
    pending = scope(EnterpriseAccount.objects.filter(state=AccountState.PENDING), user, "entity__owner_unit")
    n = pending.count()
    return [TodoItem(f"企业账户注册申请待审核 {n} 个", reverse("enterprise:accounts"), n)]


def queries(user: Any) -> list[TodoItem]:
    account = account_of(user)  # an enterprise user sees only his own entity's questions
    if account is None:
        return []
    n = EnterpriseQuery.objects.filter(entity=account.entity, state=QueryState.OPEN).count()
    return [TodoItem(f"执法机构问询待答复 {n} 件", reverse("enterprise:home"), n, urgent=True)]


def register() -> None:
    register_todo("enterprise.accounts", label="企业账户审核", items=accounts,
                  perms=("enterprise.approve_accounts",), order=60)
    register_todo("enterprise.queries", label="企业服务", items=queries,
                  perms=("enterprise.self_service",), order=5)
