"""USCC, division code, industry code, latitude/longitude and territory validation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ecoenforce.entities.industries import industry_code_ok, industry_name
from ecoenforce.entities.models import Entity, validate_uscc
from ecoenforce.org.divisions import (
    division_full_name,
    division_name,
    is_within,
    territory_prefix,
    validate_division_code,
)
from tests.entities.conftest import entity_fields
from tests.factories import make_uscc


def test_division_lookup_covers_nation_and_demo_townships() -> None:
    assert division_name("131022") == "固安县"
    assert division_name("131081") == "霸州市"
    assert division_name("110105") == "朝阳区"
    assert division_name("131022100") == "固安镇"
    assert division_full_name("131022100") == "河北省廊坊市固安县固安镇"
    assert division_name("999999") is None


@pytest.mark.parametrize("code", ["131022", "131000", "130000", "131023100", "650000"])
def test_known_division_codes_pass(code: str) -> None:
    validate_division_code(code)


@pytest.mark.parametrize("code", ["999999", "131099", "131022999", "131022100001"])
def test_unknown_division_code(code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_division_code(code)
    assert exc.value.messages == ["未知的行政区划代码"]


@pytest.mark.parametrize("code", ["13102", "abcdef", "1310221", ""])
def test_malformed_division_code(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_division_code(code)


def test_territory() -> None:
    assert territory_prefix("130000") == "13"
    assert territory_prefix("131000") == "1310"
    assert is_within("131022100", "131022")
    assert is_within("131022", "131000")
    assert not is_within("131023100", "131022")
    assert not is_within("131022", "131022100")


def test_uscc_check_character() -> None:
    validate_uscc(make_uscc(1))
    bad = make_uscc(1)[:-1] + ("0" if make_uscc(1)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_uscc(bad)
    assert "统一社会信用代码无效" in exc.value.messages[0]


@pytest.mark.parametrize(
    "code,ok",
    [
        ("C2611", True),
        ("D4411", True),
        ("C26", True),
        ("C261", True),
        ("C4411", False),
        ("D2611", False),
        ("Z1234", False),
        ("C", False),
        ("C26111", False),
        ("c2611", False),
    ],
)
def test_industry_codes(code: str, ok: bool) -> None:
    assert industry_code_ok(code) is ok


def test_industry_names() -> None:
    assert industry_name("C3011") == "水泥制造"
    assert industry_name("C3099") == "制造业"
    assert industry_name("C4411") == ""


def _entity(world: Any, **over: Any) -> Entity:
    fields = entity_fields(1, over.pop("division_code", "131022100"), **over)
    fields.setdefault("owner_unit", world.units["county_a"])
    return Entity(**fields)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("latitude", Decimal("60"), "纬度应在 3 到 54 之间（中国境内）"),
        ("latitude", Decimal("-1"), "纬度应在 3 到 54 之间（中国境内）"),
        ("longitude", Decimal("150"), "经度应在 73 到 136 之间（中国境内）"),
        ("division_code", "999999", "未知的行政区划代码"),
        ("industry_code", "C4411", None),
        ("name", "含\x00空字符", "不能包含空字符（\\x00）"),
    ],
)
def test_entity_field_validation(world: Any, field: str, value: Any, message: str | None) -> None:
    entity = _entity(world, **{field: value})
    with pytest.raises(ValidationError) as exc:
        entity.full_clean()
    assert field in exc.value.message_dict
    if message:
        assert message in exc.value.message_dict[field]


def test_entity_division_must_lie_in_owner_territory(world: Any) -> None:
    entity = _entity(world, division_code="131023100")  # 永清 code, 固安 owner
    with pytest.raises(ValidationError) as exc:
        entity.full_clean()
    assert exc.value.message_dict["division_code"] == ["行政区划代码不在属地执法机构的辖区范围内"]
    _entity(world, division_code="131022105").full_clean()
