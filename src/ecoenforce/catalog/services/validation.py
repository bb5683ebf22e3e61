"""Validation of an item's data at the service boundary: every message Chinese and naming its field.

legal_basis is a list of {law, article, paragraph?, clause?, kind?, text?, law_code?, law_version?};
article/paragraph/clause may come as numbers (99 → 第九十九条) and are stored as the Chinese citation.
The sanction block is checked by catalog.sanction.parse_sanction and stored with its numbers as exact
decimal strings ("100000", "0.01").
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from ecoenforce.catalog.models import _CN_NUM, EntryAction, FirstLevel, PowerType, cn_number

CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,15}(?:-[A-Z0-9]{1,10}){1,4}$")
POWER_TYPE_ALIASES: dict[str, str] = {
    **{str(label): value for value, label in PowerType.choices},
    **{value: value for value in PowerType.values},
}
FIRST_LEVEL_ALIASES: dict[str, str] = {
    **{str(label): value for value, label in FirstLevel.choices},
    **{value: value for value in FirstLevel.values},
    "省": "province",
    "省级生态环境部门": "province",
    "市": "city",
    "市级": "city",
    "设区的市级": "city",
    "设区市": "city",
    "县": "county",
    "县（市、区）": "county",
    "县（市、区）级": "county",
    "县区": "county",
    "乡镇（街道）": "township",
    "乡镇街道": "township",
    "街道": "township",
}
BASIS_KEYS = frozenset({"law", "law_code", "law_version", "article", "paragraph", "clause", "kind", "text"})
ARTICLE_RE = re.compile(rf"^第{_CN_NUM}条(?:之[一二三四五六七八九十]+)?$")
PARAGRAPH_RE = re.compile(rf"^第{_CN_NUM}款$")
CLAUSE_RE = re.compile(rf"^第（{_CN_NUM}）项$")
FIELD_LABELS: dict[str, str] = {
    "code": "事项编码",
    "name": "事项名称",
    "power_type": "职权类型",
    "category": "类别",
    "legal_basis": "实施依据",
    "sanction": "法定罚则",
    "implementing_subject": "实施主体",
    "first_level": "第一责任层级建议",
    "township_delegable": "可委托乡镇实施",
    "notes": "备注",
    "change_reason": "调整理由",
}


def _plain(
    value: Any, *, label: str, max_len: int, required: bool, errors: dict[str, list[str]], key: str
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        errors.setdefault(key, []).append(f"{label}应为文字")
        return ""
    text = str(value).strip()
    if "\x00" in text:
        errors.setdefault(key, []).append(f"{label}含有非法字符")
    elif required and not text:
        errors.setdefault(key, []).append(f"请填写{label}")
    elif len(text) > max_len:
        errors.setdefault(key, []).append(f"{label}不能超过{max_len}字（现为{len(text)}字）")
    return text


def _numbered(value: Any, *, fmt: str, pattern: re.Pattern[str], label: str) -> str:
    """An article/paragraph/clause given as a number (99) or as text (第九十九条); 0 or empty = none."""
    if value in (None, "", 0):
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt.format(cn_number(value))
    text = str(value).strip()
    if text.isdigit():
        return fmt.format(cn_number(int(text)))
    if pattern is CLAUSE_RE and (num := re.fullmatch(rf"第?[（(]?({_CN_NUM})[)）]?项?", text)):
        text = f"第（{num.group(1)}）项"
    if not pattern.match(text):
        raise ValueError(f"{label}「{text}」格式不符，应写作{fmt.format('×')}")
    return text


def clean_basis(basis: Any, number: int) -> dict[str, str]:
    """One legal basis {law, article, paragraph?, clause?, kind?, text?, law_code?, law_version?}."""
    where = f"第{number}条依据"
    if not isinstance(basis, dict):
        raise ValueError(f"{where}格式错误，应为包含 law、article 的映射")
    if unknown := sorted(set(basis) - BASIS_KEYS):
        raise ValueError(f"{where}含有未知字段：{'、'.join(map(str, unknown))}")
    law = str(basis.get("law") or "").strip().strip("《》")
    if not law or len(law) > 100 or "\x00" in law:
        raise ValueError(f"{where}缺少法律法规名称，或名称超过100字")
    if law.isascii():
        raise ValueError(f"{where}的法律法规名称「{law}」应写中文全称，例如 中华人民共和国大气污染防治法")
    out = {"law": law}
    try:
        out["article"] = _numbered(basis.get("article"), fmt="第{}条", pattern=ARTICLE_RE, label="条")
        out["paragraph"] = _numbered(basis.get("paragraph"), fmt="第{}款", pattern=PARAGRAPH_RE, label="款")
        out["clause"] = _numbered(basis.get("clause"), fmt="第（{}）项", pattern=CLAUSE_RE, label="项")
    except ValueError as exc:
        raise ValueError(f"{where}（《{law}》）：{exc}") from None
    if not out["article"]:
        raise ValueError(f"{where}（《{law}》）缺少条号")
    for key, limit in (("kind", 20), ("text", 10000), ("law_code", 16), ("law_version", 10)):
        value = str(basis.get(key) or "").strip()
        if len(value) > limit or "\x00" in value:
            raise ValueError(f"{where}（《{law}》）的 {key} 超过{limit}字或含有非法字符")
        out[key] = value
    return {k: v for k, v in out.items() if v or k in ("law", "article")}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return f"{Decimal(repr(value) if isinstance(value, float) else value).normalize():f}"
    return str(value)


def clean_sanction(value: Any) -> dict[str, Any]:
    """Validate the sanction block through catalog.sanction.parse_sanction; numbers kept as exact strings."""
    if value in (None, "", {}):
        return {}
    from ecoenforce.penalty.engine.errors import CatalogError
    from ecoenforce.penalty.engine.sanction import parse_sanction

    try:
        parse_sanction(value)
    except CatalogError as exc:
        raise ValueError(exc.message if not exc.path else f"{exc.path}：{exc.message}") from None
    result: dict[str, Any] = _jsonable(value)
    return result


def _clean_choice(
    value: Any, aliases: dict[str, str], label: str, required: bool, errors: dict[str, list[str]], key: str
) -> str:
    text = str(value or "").strip()
    if not text:
        if required:
            errors.setdefault(key, []).append(f"请填写{label}")
        return ""
    if text not in aliases:
        allowed = "、".join(dict.fromkeys(k for k in aliases if not k.isascii()))
        errors.setdefault(key, []).append(f"{label}「{text}」不是可选值，可选：{allowed}")
        return ""
    return aliases[text]


def _clean_bases(value: Any, required: bool, errors: dict[str, list[str]]) -> list[dict[str, str]]:
    if value in (None, ""):
        value = []
    if not isinstance(value, list):
        errors.setdefault("legal_basis", []).append("实施依据应为列表")
        return []
    if required and not value:
        errors.setdefault("legal_basis", []).append("请至少填写一条实施依据（法律法规名称和条款）")
    out = []
    for number, basis in enumerate(value, start=1):
        try:
            out.append(clean_basis(basis, number))
        except ValueError as exc:
            errors.setdefault("legal_basis", []).append(str(exc))
    return out


# (field, label, max length, required for a new item, statutory: taken from the superior on a refine)
TEXT_FIELDS = (
    ("name", "事项名称", 300, True, True),
    ("category", "类别", 40, False, True),
    ("implementing_subject", "实施主体", 300, True, False),
    ("notes", "备注", 5000, False, False),
)


def _clean_code(value: Any, errors: dict[str, list[str]]) -> str:
    code = _plain(value, label="事项编码", max_len=40, required=True, errors=errors, key="code").upper()
    if code and "code" not in errors and not CODE_RE.match(code):
        errors["code"] = [f"事项编码「{code}」格式不符，应为大写字母开头、以连字符分段，例如 AIR-99-2"]
    return code


def _clean_sanction_field(value: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    try:
        return clean_sanction(value)
    except ValueError as exc:
        errors.setdefault("sanction", []).append(str(exc))
        return {}


def clean_entry_data(data: Any, *, action: str) -> dict[str, Any]:
    """Validate and normalize an item's fields; raise ValidationError {field: [Chinese message]}.

    For a refine (action "refine") the statutory fields (name, power type, category, sanction) are
    the superior's: they are blanked here whatever the input says.
    """
    if not isinstance(data, dict):
        raise ValidationError("事项数据格式错误")
    errors: dict[str, list[str]] = {}
    add = action == EntryAction.ADD
    out: dict[str, Any] = {"code": _clean_code(data.get("code"), errors)}
    for key, label, max_len, required, statutory in TEXT_FIELDS:
        value = data.get(key) if add or not statutory else ""
        out[key] = _plain(
            value, label=label, max_len=max_len, required=add and required, errors=errors, key=key
        )
    power_type = data.get("power_type") if add else ""
    out["power_type"] = _clean_choice(power_type, POWER_TYPE_ALIASES, "职权类型", add, errors, "power_type")
    level = data.get("first_level")
    out["first_level"] = _clean_choice(
        level, FIRST_LEVEL_ALIASES, "第一责任层级建议", add, errors, "first_level"
    )
    out["legal_basis"] = _clean_bases(data.get("legal_basis"), add, errors)
    out["sanction"] = _clean_sanction_field(data.get("sanction") if add else None, errors)
    delegable = data.get("township_delegable", False)
    if not isinstance(delegable, bool):
        errors.setdefault("township_delegable", []).append("可委托乡镇实施应为是或否")
    out["township_delegable"] = bool(delegable)
    if errors:
        raise ValidationError(errors)
    return out


def error_messages(exc: ValidationError) -> list[str]:
    """Chinese messages of a ValidationError, each prefixed with the field's label."""
    if hasattr(exc, "error_dict"):
        return [f"{FIELD_LABELS.get(k, '') or '清单'}：{m}" for k, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)
