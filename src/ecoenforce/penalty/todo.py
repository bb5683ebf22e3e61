"""Legal parameters still unverified: a to-do of the legal reviewer (penalty/data/legal_parameters.yaml)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ecoenforce.org.todo import TodoItem, register_todo
from ecoenforce.penalty.params import legal_parameters


def items(user: Any) -> list[TodoItem]:
    pending = sum(1 for state in legal_parameters() if not state.verified)
    return [TodoItem(f"法定参数待核实 {pending} 项", reverse("penalty:parameters"), pending)]


def register() -> None:
    register_todo("penalty.parameters", label="法定参数核实", items=items,
                  perms=("catalog.confirm_parameter",), order=40)
