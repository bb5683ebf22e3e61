"""Drive a case through the procedure with the real services (each step as its proper actor)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import time_machine

from ecoenforce.cases.case_services import case_open, evidence_add
from ecoenforce.cases.models import Case
from ecoenforce.cases.services import lead_open
from ecoenforce.cases.transitions import case_transition
from ecoenforce.org.roles import Role
from tests.cases.helpers import PNG, make_entity
from tests.factories import make_user

_n = itertools.count(1)
# Before the 生态环境法典 (in force 2026-08-15) repealed the 大气污染防治法 the starter items cite.
ACT_DATE = dt.date(2026, 6, 1)
BIG_ITEM = "AIR-99-2"  # 超标排放大气污染物: 10万–100万 (a hearing case)
SMALL_ITEM = "AIR-100-1"  # 自动监测设备: 2万–20万


class Driver:
    def __init__(self, world: Any, unit: str = "county_a") -> None:
        self.world, self.unit_key = world, unit
        self.unit = world.units[unit]
        self.officer = world.user(unit, Role.OFFICER)
        self.officer2 = make_user(f"{unit}_officer2_{next(_n)}", self.unit, Role.OFFICER)
        self.leader = world.user(unit, Role.TEAM_LEADER)
        self.head = world.user(unit, Role.BUREAU_HEAD)
        self.legal = world.user(unit, Role.LEGAL_REVIEWER)
        self.presiding = make_user(
            f"{unit}_presiding_{next(_n)}", self.unit, Role.OFFICER, Role.LEGAL_REVIEWER
        )

    def open(
        self, item: str = BIG_ITEM, *, summary: bool = False, act_date: dt.date | None = None, **kw: Any
    ) -> Case:
        n = next(_n)
        entity = make_entity(self.unit, 1000 + n + id(self) % 1000, by=self.officer)
        lead = lead_open(
            unit=self.unit,
            entity=entity,
            source_kind="discovery",
            source_ref=f"T-{id(self)}-{n}",
            summary="检查发现超标排放",
            facts={},
            by=self.officer,
        )
        kw.setdefault("title", "超标排放大气污染物案")
        return case_open(
            lead=lead,
            by=self.officer,
            act_date=act_date or ACT_DATE,
            item_codes=[item],
            officers=[self.officer, self.officer2],
            procedure="summary" if summary else "general",
            **kw,
        )

    def step(self, case: Case, action: str, by: Any, **data: Any) -> Case:
        reason = data.pop("reason", "")
        return case_transition(case=case, action=action, by=by, data=data, reason=reason)

    def evidence(self, case: Case) -> None:
        evidence_add(
            case=case, by=self.officer, upload=("现场照片.png", PNG), kind="photo", description="排口"
        )

    def to(self, case: Case, target: str, *, proposal: str = "penalty", hearing: bool = False) -> Case:
        """Drive `case` to state `target` along the ordinary path."""
        path = self._path(case, proposal, hearing)
        states = ["pending_filing"] + [state for state, _ in path]
        start = states.index(case.state) if case.state in states else 0
        for state, fn in path[start:]:
            if case.state == target:
                return case
            case = fn(case)
            assert case.state == state, (case.state, state)
        assert case.state == target, (case.state, target)
        return case

    def _path(self, case: Case, proposal: str, hearing: bool) -> list[tuple[str, Any]]:
        s = self.step
        path: list[tuple[str, Any]] = [
            ("investigating", lambda c: s(c, "approve_filing", self.leader)),
            (
                "investigated",
                lambda c: (
                    self.evidence(c),
                    s(
                        c,
                        "submit_report",
                        self.officer,
                        proposal_kind=proposal,
                        report="经查，排放口颗粒物超标1.5倍。",
                    ),
                )[1],
            ),
            ("reviewed", lambda c: s(c, "review_case", self.leader)),
        ]
        if proposal != "penalty":
            path.append(("legal_review", lambda c: s(c, "skip_notice", self.officer)))
        elif hearing:
            path += [
                ("notified", lambda c: s(c, "send_notice", self.officer)),
                ("hearing_requested", lambda c: s(c, "request_hearing", self.officer)),
                (
                    "hearing_scheduled",
                    lambda c: s(
                        c,
                        "schedule_hearing",
                        self.leader,
                        presiding=self.presiding.pk,
                        hearing_date=dt.date.today() + dt.timedelta(days=14),
                    ),
                ),
                ("legal_review", self._hold_hearing),
            ]
        else:
            path += [
                ("notified", lambda c: s(c, "send_notice", self.officer)),
                (
                    "legal_review",
                    lambda c: s(
                        c, "close_statement", self.officer, statement_waived=True, hearing_waived=True
                    ),
                ),
            ]
        path += [
            (
                "deliberation",
                lambda c: s(c, "pass_legal_review", self.legal, opinion="事实清楚，证据确凿，同意"),
            ),
            (
                "pending_decision",
                lambda c: s(
                    c, "deliberate", self.head, participants="局长、副局长、法制科长", conclusion="同意"
                ),
            ),
            ("decided", lambda c: s(c, "decide", self.head)),
            ("served", lambda c: s(c, "serve", self.officer)),
        ]
        return path

    def _hold_hearing(self, case: Case) -> Case:
        with time_machine.travel(dt.date.today() + dt.timedelta(days=15), tick=False):
            return self.step(case, "hold_hearing", self.presiding, report="听证认为事实清楚")
