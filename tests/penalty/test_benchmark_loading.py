"""Benchmark files: every bad file is refused with a message naming file/item/factor, and a bad
reload leaves the previous version in force."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecoenforce.penalty.engine.discretion import (
    BENCHMARKS_DIR,
    BenchmarkRegistry,
    load_rule_set,
)
from ecoenforce.penalty.engine.errors import ValidationError

GD = BENCHMARKS_DIR / "guangdong.yaml"


def _raw() -> dict[str, Any]:
    data = yaml.safe_load(GD.read_text(encoding="utf-8"))
    return copy.deepcopy(data)  # deepcopy breaks the YAML anchor sharing between two rows


def _write(tmp_path: Path, data: dict[str, Any], name: str = "guangdong.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _factor(data: dict[str, Any], item: str, fid: str) -> dict[str, Any]:
    return next(f for f in data["tables"][item]["factors"] if f["id"] == fid)


def test_shipped_file_loads() -> None:
    rs = load_rule_set(GD)
    assert rs.id == "GD-2022"
    assert rs.region == "广东省"
    assert set(rs.tables) == {"EIA-31-1", "AIR-99-1", "AIR-99-2", "PERMIT-34-1", "AIR-99-3"}
    assert rs.effective_from == dt.date(2022, 1, 1)
    assert rs.effective_to == dt.date(2026, 12, 31)
    assert rs.in_force(dt.date(2024, 6, 1)) and not rs.in_force(dt.date(2027, 1, 1))
    assert rs.apology is not None and len(rs.apology.exclusions) == 11
    assert str(rs.source) == "《广东省生态环境行政处罚自由裁量权规定》 第六条"


def test_round_trip_of_the_fixture_loads(tmp_path: Path) -> None:
    assert load_rule_set(_write(tmp_path, _raw())).tables.keys() == load_rule_set(GD).tables.keys()


Mutation = Callable[[dict[str, Any]], None]


def _set(path: list[Any], value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = d
        for key in path[:-1]:
            node = node[key] if not isinstance(key, tuple) else _factor(d, *key)
        node[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = d
        for key in path[:-1]:
            node = node[key] if not isinstance(key, tuple) else _factor(d, *key)
        del node[path[-1]]

    return mutate


def _dup_level(d: dict[str, Any]) -> None:
    levels = _factor(d, "AIR-99-3", "means")["levels"]
    levels.append(dict(levels[0]))


def _dup_factor(d: dict[str, Any]) -> None:
    factors = d["tables"]["AIR-99-3"]["factors"]
    factors.append(copy.deepcopy(factors[0]))
    factors[-1]["levels"] = [{"id": "x", "label": "x", "weight": 0}]
    factors[-1]["lowest"] = "x"


def _rename_item(d: dict[str, Any]) -> None:
    d["tables"]["AIR99-2"] = d["tables"].pop("AIR-99-2")


def _bool_level(d: dict[str, Any]) -> None:
    f = _factor(d, "AIR-99-3", "toxic")
    f["levels"][0]["id"] = False  # what `id: no` becomes in YAML 1.1


BAD_CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "weights over 100%",
        _set([("AIR-99-3", "means"), "levels", 3, "weight"], 21),
        "事项 AIR-99-3",
        "超过100%",
    ),
    ("start over 100%", _set(["tables", "AIR-99-2", "start"], 101), "事项 AIR-99-2 › start", "超出允许范围"),
    (
        "negative weight",
        _set([("AIR-99-1", "period"), "levels", 1, "weight"], -5),
        "因素 period › levels[1] › weight",
        "超出允许范围",
    ),
    ("duplicate level", _dup_level, "因素 means › levels[4] › id", "档次编号重复"),
    ("duplicate factor", _dup_factor, "事项 AIR-99-3 › 因素 means", "因素编号重复"),
    ("boolean level id", _bool_level, "因素 toxic › levels[0] › id", "yes/no"),
    (
        "lowest not a level",
        _set([("EIA-31-1", "location"), "lowest"], "nowhere"),
        "因素 location › lowest",
        "不是该因素的档次",
    ),
    (
        "lowest not the least weight",
        _set([("EIA-31-1", "location"), "lowest"], "water_source_or_redline"),
        "因素 location › lowest",
        "最小",
    ),
    (
        "missing table source",
        _delete(["tables", "AIR-99-2", "source"]),
        "事项 AIR-99-2 › source",
        "缺少法律依据来源",
    ),
    (
        "missing legal basis",
        _delete(["tables", "EIA-31-1", "legal_basis"]),
        "事项 EIA-31-1 › legal_basis",
        "缺少法律依据来源",
    ),
    (
        "source without article",
        _delete(["tables", "AIR-99-1", "source", "article"]),
        "事项 AIR-99-1 › source › article",
        "缺少必填字段",
    ),
    (
        "special rule without source",
        _delete(["tables", "PERMIT-34-1", "special_rules", 0, "source"]),
        "special_rules[0] › source",
        "缺少法律依据来源",
    ),
    ("rule set without source", _delete(["source"]), "文件 guangdong.yaml › source", "缺少法律依据来源"),
    ("bad item code", _rename_item, "tables › AIR99-2", "执法事项编码"),
    (
        "statutory min > max",
        _set(["tables", "AIR-99-2", "statutory", "min"], 2000000),
        "事项 AIR-99-2 › statutory.min",
        "大于最高额",
    ),
    (
        "statutory negative",
        _set(["tables", "AIR-99-2", "statutory", "min"], -1),
        "事项 AIR-99-2 › statutory.min",
        "负数",
    ),
    (
        "target vs kind",
        _set(["tables", "EIA-31-1", "target"], "statutory_max"),
        "事项 EIA-31-1 › target",
        "不匹配",
    ),
    (
        "unknown target",
        _set(["tables", "EIA-31-1", "target"], "statutory_min"),
        "事项 EIA-31-1 › target",
        "未知的乘数目标",
    ),
    ("typo key", _set(["tables", "AIR-99-2", "strat"], 10), "事项 AIR-99-2", "未知字段：strat"),
    (
        "typo level key",
        _set([("AIR-99-1", "period"), "levels", 0, "weigth"], 0),
        "因素 period › levels[0]",
        "未知字段：weigth",
    ),
    (
        "floor set_to < below",
        _set(["tables", "PERMIT-34-1", "special_rules", 0, "set_to"], 10),
        "special_rules[0] › set_to",
        "不能小于",
    ),
    (
        "unknown special rule",
        _set(["tables", "PERMIT-34-1", "special_rules", 0, "kind"], "ceiling"),
        "special_rules[0] › kind",
        "未知的特别规则",
    ),
    ("end before start", _set(["effective_to"], "2021-01-01"), "effective_to", "早于"),
    ("bad date", _set(["effective_from"], "2022-13-01"), "effective_from", "日期"),
    (
        "apology rates reversed",
        _set(["public_apology", "min_rate"], 0.6),
        "public_apology › min_rate",
        "下限",
    ),
    (
        "apology auto ref",
        _set(["public_apology", "exclusions", 3, "auto_from_heavier"], "riot"),
        "auto_from_heavier",
        "未声明的从重情形",
    ),
    (
        "generic lighter position ≥ 0.5",
        _set(["generic", "platform_defaults", "lighter_position"], 0.5),
        "lighter_position",
        "超出允许范围",
    ),
    ("generic only-max order", _set(["generic", "only_max_lighter"], 0.6), "generic", "从轻 < 一般"),
    ("empty levels", _set([("AIR-99-1", "untreated"), "levels"], []), "因素 untreated › levels", "至少"),
]


@pytest.mark.parametrize(("name", "mutate", "where", "what"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_file_is_refused(tmp_path: Path, name: str, mutate: Mutation, where: str, what: str) -> None:
    data = _raw()
    mutate(data)
    with pytest.raises(ValidationError) as err:
        load_rule_set(_write(tmp_path, data))
    assert "guangdong.yaml" in err.value.path
    assert where in err.value.path, err.value.path
    assert what in err.value.message, err.value.message


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="YAML") as err:
        load_rule_set(path)
    assert err.value.path == "文件 broken.yaml"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="无法读取"):
        load_rule_set(tmp_path / "nope.yaml")


# ---------------------------------------------------------------- registry


def test_registry_from_directory_and_lookup() -> None:
    reg = BenchmarkRegistry.from_directory()
    assert "GD-2022" in reg.ids()
    assert reg.for_region("广东省", dt.date(2023, 3, 1)) is reg.get("GD-2022")
    assert reg.for_region("广东省", dt.date(2021, 12, 31)) is None
    assert reg.for_region("湖南省", dt.date(2023, 3, 1)) is None
    assert [rs.id for rs in reg.in_force(dt.date(2023, 3, 1))] == ["GD-2022"]


def test_registry_get_unknown() -> None:
    with pytest.raises(Exception, match="没有编号为 XX 的裁量基准"):
        BenchmarkRegistry().get("XX")


def test_invalid_reload_keeps_previous_in_force(tmp_path: Path) -> None:
    path = _write(tmp_path, _raw())
    reg = BenchmarkRegistry()
    first = reg.load(path)
    bad = _raw()
    _set([("AIR-99-3", "means"), "levels", 3, "weight"], 99)(bad)
    _write(tmp_path, bad)
    with pytest.raises(ValidationError, match="超过100%"):
        reg.reload(path)
    assert reg.get("GD-2022") is first
    assert reg.get("GD-2022").tables["AIR-99-3"].factors[0].levels[3].weight == 20


@pytest.mark.parametrize("name", [c[0] for c in BAD_CASES])
def test_every_bad_case_keeps_previous_in_force(tmp_path: Path, name: str) -> None:
    mutate = next(c[1] for c in BAD_CASES if c[0] == name)
    path = _write(tmp_path, _raw())
    reg = BenchmarkRegistry()
    first = reg.load(path)
    bad = _raw()
    mutate(bad)
    _write(tmp_path, bad)
    with pytest.raises(ValidationError):
        reg.reload(path)
    assert reg.ids() == ("GD-2022",)
    assert reg.get("GD-2022") is first


def test_valid_reload_replaces(tmp_path: Path) -> None:
    path = _write(tmp_path, _raw())
    reg = BenchmarkRegistry()
    reg.load(path)
    new = _raw()
    new["tables"]["AIR-99-2"]["start"] = 9
    _write(tmp_path, new)
    reg.reload(path)
    assert reg.get("GD-2022").tables["AIR-99-2"].start == 9


def test_reload_with_new_id_replaces_the_old_id(tmp_path: Path) -> None:
    path = _write(tmp_path, _raw())
    reg = BenchmarkRegistry()
    reg.load(path)
    new = _raw()
    new["id"] = "GD-2022-rev1"
    _write(tmp_path, new)
    reg.reload(path)
    assert reg.ids() == ("GD-2022-rev1",)


def test_same_id_from_another_file_is_refused(tmp_path: Path) -> None:
    reg = BenchmarkRegistry()
    reg.load(_write(tmp_path, _raw(), "a.yaml"))
    with pytest.raises(ValidationError, match="已由"):
        reg.load(_write(tmp_path, _raw(), "b.yaml"))


def test_adding_a_province_is_adding_a_file(tmp_path: Path) -> None:
    _write(tmp_path, _raw(), "guangdong.yaml")
    other = _raw()
    other.update(id="XX-2024", name="某省裁量基准", region="某省")
    _write(tmp_path, other, "other.yaml")
    reg = BenchmarkRegistry.from_directory(tmp_path)
    assert reg.ids() == ("GD-2022", "XX-2024")
