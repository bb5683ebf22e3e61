"""The workflow table: every state × action, allowed and refused (pure, no database)."""

from __future__ import annotations

import pytest

from ecoenforce.cases import workflow
from ecoenforce.cases.workflow import ACTIONS, REQUIREMENTS, STATE_LABELS, State, check

ALL_ROLES = frozenset({"handler", "presiding", "officer", "team_leader", "bureau_head", "legal_reviewer"})
ALL_MET = {code: True for code in REQUIREMENTS}
PAIRS = [(s, a) for s in State for a in ACTIONS]


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s.value}-{a}" for s, a in PAIRS])
def test_every_state_and_action(state: State, action: str) -> None:
    spec = ACTIONS[action]
    verdict = check(state, action, ALL_ROLES, ALL_MET)
    if state in spec.sources:
        assert verdict.allowed and verdict.target == spec.target
        # the wrong roles are refused
        others = ALL_ROLES - spec.roles
        refused = check(state, action, others, ALL_MET)
        assert not refused.allowed and "身份" in refused.message
        # each requirement, unmet, refuses with its own message
        for code in spec.requires:
            v = check(state, action, ALL_ROLES, {**ALL_MET, code: False})
            assert not v.allowed and REQUIREMENTS[code].message in v.reasons
    else:
        assert not verdict.allowed
        assert STATE_LABELS[state] in verdict.message and spec.label in verdict.message


def test_missing_fact_fails_closed() -> None:
    assert not check(State.PENDING_DECISION, "decide", ALL_ROLES, {}).allowed


def test_unknown_action() -> None:
    assert check(State.INVESTIGATING, "fly", ALL_ROLES, ALL_MET).message == "未知的办案步骤"


def test_final_states_have_no_way_out_but_archiving() -> None:
    for state in workflow.FINAL:
        assert workflow.actions_from(state) == []
    assert [a.code for a in workflow.actions_from(State.CLOSED)] == ["archive"]


def test_every_state_is_reachable_from_filing() -> None:
    seen, todo = {State.PENDING_FILING, State.SUMMARY}, [State.PENDING_FILING, State.SUMMARY]
    while todo:
        state = todo.pop()
        for a in workflow.actions_from(state):
            if a.target is not None and a.target not in seen:
                seen.add(a.target)
                todo.append(a.target)
    assert seen == set(State)


def test_decision_needs_legal_review_and_only_the_head_decides() -> None:
    decide = ACTIONS["decide"]
    assert "legal_review_passed" in decide.requires and decide.roles == {"bureau_head"}
    assert ACTIONS["hold_hearing"].roles == {"presiding"}


def test_every_requirement_names_its_source() -> None:
    assert all(r.source for r in REQUIREMENTS.values())
