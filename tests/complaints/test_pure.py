"""The pure cores: sealing, the challenge, upload sniffing, deadlines and reward rules as data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecoenforce.complaints import challenge, deadlines, rewards, sealing, uploads


def test_sealed_identity_opens_only_with_its_key_and_row() -> None:
    key = sealing.new_key()
    token = sealing.seal(key, {"name": "王小明", "phone": "13800000000"}, bound_to="complaint:A")
    assert "王小明" not in token and "13800000000" not in token
    assert sealing.unseal(key, token, bound_to="complaint:A")["name"] == "王小明"
    with pytest.raises(sealing.SealError):
        sealing.unseal(key, token, bound_to="complaint:B")  # copied onto another complaint
    with pytest.raises(sealing.SealError):
        sealing.unseal(sealing.new_key(), token, bound_to="complaint:A")
    assert sealing.seal(key, {"name": "x"}, bound_to="r") != sealing.seal(key, {"name": "x"}, bound_to="r")


def test_challenge_right_wrong_forged_and_stale() -> None:
    key = b"k" * 32
    question, token = challenge.issue(key, now=1000)
    a, b = [int(x) for x in question.replace("等于多少？", "").split(" 加 ")]
    nonce, reason = challenge.verify(key, token, str(a + b), now=1010)
    assert nonce and reason == ""
    assert challenge.verify(key, token, str(a + b + 1), now=1010)[1] == "验证题答案不正确"
    assert challenge.verify(b"x" * 32, token, str(a + b), now=1010)[0] is None
    assert challenge.verify(key, token, str(a + b), now=1000 + 31 * 60)[1] == "验证题已过期，请重新作答"
    assert challenge.verify(key, "garbage", "1")[0] is None


def test_uploads_are_judged_by_their_bytes_not_their_name() -> None:
    assert uploads.sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 12).content_type == "image/jpeg"  # type: ignore[union-attr]
    assert uploads.sniff(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00").kind == "video"  # type: ignore[union-attr]
    assert uploads.sniff(b"<script>alert(1)</script>") is None
    assert uploads.check(b"MZ\x90\x00" + b"\x00" * 12, 100)[0] is None
    found, reason = uploads.check(b"\xff\xd8\xff\xe0" + b"\x00" * 12, uploads.MAX_PHOTO_BYTES + 1)
    assert found is None and "10 MB" in reason


def test_deadlines_come_from_the_regulation_with_source() -> None:
    rule = deadlines.rule_for("handle", date(2026, 9, 1))
    assert rule.days == 60 and rule.source == "信访工作条例 第三十四条"
    assert deadlines.due("handle", date(2026, 9, 1)) == date(2026, 10, 31)
    assert deadlines.due("acknowledge", date(2026, 9, 1)) == date(2026, 9, 16)
    assert deadlines.extended(date(2026, 10, 31), 30) == date(2026, 11, 30)
    with pytest.raises(ValueError):
        deadlines.extended(date(2026, 10, 31), 31)
    with pytest.raises(LookupError):
        deadlines.rule_for("handle", date(2021, 1, 1))  # before the regulation was in force


def test_reward_rule_by_unit_eligibility_tiers_and_caps() -> None:
    rule = rewards.rule_for(["131022", "131000"], date(2026, 9, 1))
    assert rule is not None and rule.division_code == "131000" and rule.approver_role == "bureau_head"
    assert rewards.unmet(rule, {"real_name": True, "proven": True, "not_staff": True}) == []
    assert rewards.unmet(rule, {"real_name": False, "proven": True, "not_staff": True}) == [
        "实名举报，且能够联系到举报人"
    ]
    assert rewards.amount(rule, "case_penalty", Decimal("0")) == Decimal("1000")
    assert rewards.amount(rule, "major", Decimal("29000")) == Decimal("1000")  # the yearly cap
    assert rewards.rule_for(["440300"], date(2026, 9, 1)) is None
