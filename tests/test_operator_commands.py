"""The commands an operator runs speak Chinese: their description and every option they explain.

(Argparse's own words — "usage:", "show this help message" — are Python's and stay as they are.)"""

from __future__ import annotations

import re

import pytest
from django.core.management import get_commands, load_command_class

# Every project command, the demo-data ones included: `make demo` prints their output to the operator.
OPERATOR_COMMANDS = sorted(name for name, app in get_commands().items() if app.startswith("ecoenforce."))
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_operator_commands_are_found() -> None:
    assert {"audit_verify", "audit_checkpoint", "db_roles", "demo_seed", "statutes_load", "catalog_load_code",
            "draw_verify", "hj212_serve", "hj212_simulate", "hj212_store", "worker"} <= set(OPERATOR_COMMANDS)


@pytest.mark.parametrize("name", OPERATOR_COMMANDS)
def test_the_help_of_each_operator_command_is_chinese(name: str) -> None:
    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("manage.py", name)
    assert CJK.search(command.help), f"{name}: {command.help}"
    own = [a for a in parser._actions if a.dest not in {"help", "version", "verbosity", "settings",
                                                          "pythonpath", "traceback", "no_color",
                                                          "force_color", "skip_checks"}]
    for action in own:
        if action.help:
            assert CJK.search(action.help), f"{name} {action.option_strings}: {action.help}"
