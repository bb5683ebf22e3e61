"""Legal parameters (法律参数): the figures of ``data/legal_parameters.yaml``, their effective values
and the legal reviewer's confirmation.

* ``legal_parameter(key)`` — the effective value (Decimal, int or str) other code uses: the value of
  the latest ``LegalParameterConfirmation`` of the key, else the file's default.
* ``legal_parameters()`` — every parameter with its definition, effective value, verified status and
  history (the parameters page).
* ``legal_parameter_confirm(*, by, key, value, note)`` — a legal reviewer of the top unit confirms
  the value or changes it (permission ``catalog.confirm_parameter``; audited with before/after).
  A parameter bound to program code or to a data file (``binding: code | data``) can be confirmed
  but not changed online: the program would not read the new value.

A parameter is verified when the file says so (sources read verbatim or reported, [T]/[S]) or when a
legal reviewer has confirmed it; [UNCONFIRMED] figures and platform conventions start unverified.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.penalty.engine.errors import CatalogError
from ecoenforce.penalty.engine.errors import ValidationError as DataError
from ecoenforce.penalty.engine.sanction import Reader, load_yaml
from ecoenforce.penalty.models import LegalParameterConfirmation

PARAMETERS_FILE = Path(__file__).resolve().parent / "data" / "legal_parameters.yaml"
CONFIDENCE_LABELS = {
    "T": "已核对原文",
    "S": "据公开转述，原文待核对",
    "UNCONFIRMED": "来源待核实",
    "PLATFORM": "平台约定，待法制审核确认",
}
BINDING_LABELS = {
    "accessor": "运行时读取，确认修改后立即生效",
    "code": "由程序内置，修改须变更程序",
    "data": "由数据文件维护，修改须变更数据文件",
}
TYPES = ("integer", "decimal", "text")
_KEYS = frozenset(
    {"key", "name", "group", "value", "type", "unit", "source", "confidence", "verified", "binding",
     "code_ref", "min", "max", "note"}
)
MAX_VALUE_CHARS = 200
MAX_NOTE_CHARS = 1000
ORDER = ("key", "-confirmed_at", "-pk")  # latest confirmation of each key first

Value = Decimal | int | str


@dataclass(frozen=True)
class ParameterDef:
    key: str
    name: str
    group: str
    default: Value
    type: str
    unit: str
    source: str
    confidence: str
    verified: bool
    binding: str
    code_ref: str = ""
    min: Decimal | None = None
    max: Decimal | None = None
    note: str = ""

    @property
    def confidence_label(self) -> str:
        return CONFIDENCE_LABELS[self.confidence]

    @property
    def binding_label(self) -> str:
        return BINDING_LABELS[self.binding]

    @property
    def changeable(self) -> bool:
        return self.binding == "accessor"


@dataclass
class ParameterState:
    definition: ParameterDef
    value: Value
    verified: bool
    history: list[LegalParameterConfirmation] = field(default_factory=list)
    form: Any = None  # the confirm form the parameters page attaches

    @property
    def anchor(self) -> str:
        return "param-" + self.definition.key.replace(".", "_")

    @property
    def confirmed(self) -> LegalParameterConfirmation | None:
        return self.history[0] if self.history else None

    @property
    def value_text(self) -> str:
        return format_value(self.value)


@dataclass(frozen=True)
class ParameterFile:
    groups: Mapping[str, str]
    parameters: Mapping[str, ParameterDef]


# ---------------------------------------------------------------- the file


def format_value(value: Value) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    return str(value)


def parse_value(definition: ParameterDef, raw: object, path: str = "value") -> Value:
    """A value of the parameter's type within its bounds; CatalogError (Chinese) otherwise."""
    text = str(raw).strip() if raw is not None else ""
    if not text or len(text) > MAX_VALUE_CHARS or "\x00" in text:
        raise DataError(f"参数值不能为空、不能超过{MAX_VALUE_CHARS}字、不得含有非法字符", path)
    if definition.type == "text":
        return text
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise DataError(f"参数值「{text[:40]}」不是有效的数值", path) from None
    if not number.is_finite():
        raise DataError(f"参数值「{text[:40]}」不是有限数值", path)
    if definition.type == "integer" and number != number.to_integral_value():
        raise DataError(f"参数值应为整数，实际为「{text[:40]}」", path)
    low, high = definition.min, definition.max
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = "～".join("—" if b is None else format_value(b) for b in (low, high))
        raise DataError(f"参数值 {format_value(number)} 超出允许范围 {bounds}", path)
    return int(number) if definition.type == "integer" else number


def _definition(r: Reader, groups: Mapping[str, str]) -> ParameterDef:
    kind = r.text("type")
    if kind not in TYPES:
        raise DataError(f"未知的参数类型「{kind}」，应为 {'、'.join(TYPES)}", r.at("type"))
    group = r.text("group")
    if group not in groups:
        raise DataError(f"未声明的参数分组「{group}」", r.at("group"))
    confidence = r.text("confidence")
    if confidence not in CONFIDENCE_LABELS:
        raise DataError(f"未知的可信度标记「{confidence}」", r.at("confidence"))
    verified = r.flag("verified")
    if verified and confidence in ("UNCONFIRMED", "PLATFORM"):
        raise DataError("[UNCONFIRMED] 或平台约定的参数必须标记 verified: false", r.at("verified"))
    binding = r.text("binding")
    if binding not in BINDING_LABELS:
        raise DataError(f"未知的参数绑定方式「{binding}」", r.at("binding"))
    if binding != "accessor" and not r.opt_text("code_ref"):
        raise DataError("由程序或数据文件使用的参数必须写明 code_ref", r.at("code_ref"))
    base = ParameterDef(
        key=r.text("key"), name=r.text("name"), group=group, default="", type=kind, unit=r.text("unit"),
        source=r.text("source"), confidence=confidence, verified=verified, binding=binding,
        code_ref=r.opt_text("code_ref") or "", min=r.opt_decimal("min"), max=r.opt_decimal("max"),
        note=r.opt_text("note") or "",
    )
    default = parse_value(base, r.raw("value"), r.at("value"))
    return dataclasses.replace(base, default=default)


def load_parameter_file(path: Path = PARAMETERS_FILE) -> ParameterFile:
    """Read and validate the parameters file; DataError names the file, entry and field."""
    r = Reader(load_yaml(path), f"文件 {path.name}", frozenset({"groups", "parameters"}))
    g = r.child("groups")
    groups = {str(k): g.text(str(k)) for k in g.data}
    params: dict[str, ParameterDef] = {}
    for i, raw in enumerate(r.items("parameters")):
        definition = _definition(Reader(raw, r.at(f"parameters[{i}]"), _KEYS), groups)
        if definition.key in params:
            raise DataError(f"参数键重复：{definition.key}", r.at(f"parameters[{i}]"))
        params[definition.key] = definition
    return ParameterFile(groups, params)


@functools.cache
def parameter_file() -> ParameterFile:
    return load_parameter_file(PARAMETERS_FILE)


def definition(key: str) -> ParameterDef:
    try:
        return parameter_file().parameters[key]
    except KeyError:
        raise KeyError(f"unknown legal parameter {key!r}") from None


# ---------------------------------------------------------------- reading


def _effective(d: ParameterDef, latest: LegalParameterConfirmation | None) -> tuple[Value, bool]:
    if latest is None:
        return d.default, d.verified
    try:
        return parse_value(d, latest.value), True
    except CatalogError:  # the file's bounds changed since: fall back to the default, unverified
        return d.default, False


def legal_parameter(key: str) -> Value:
    """The effective value of one parameter (Decimal, int or str)."""
    d = definition(key)
    latest = LegalParameterConfirmation.objects.filter(key=key).order_by(*ORDER).first()
    return _effective(d, latest)[0]


def legal_parameter_values(prefix: str = "") -> dict[str, Value]:
    """Effective values of every parameter whose key starts with `prefix` (one query)."""
    defs = {k: d for k, d in parameter_file().parameters.items() if k.startswith(prefix)}
    latest: dict[str, LegalParameterConfirmation] = {}
    rows = LegalParameterConfirmation.objects.filter(key__in=list(defs)).order_by(*ORDER)
    for row in rows:
        latest.setdefault(row.key, row)
    return {k: _effective(d, latest.get(k))[0] for k, d in defs.items()}


def legal_parameters() -> list[ParameterState]:
    """Every parameter in file order, with its effective value, verified status and history."""
    history: dict[str, list[LegalParameterConfirmation]] = defaultdict(list)
    rows = LegalParameterConfirmation.objects.select_related("confirmed_by").order_by(*ORDER)
    for row in rows:
        history[row.key].append(row)
    out = []
    for key, d in parameter_file().parameters.items():
        rows_of = history.get(key, [])
        value, verified = _effective(d, rows_of[0] if rows_of else None)
        out.append(ParameterState(d, value, verified, rows_of))
    return out


def parameter_state(key: str) -> ParameterState:
    d = definition(key)
    qs = LegalParameterConfirmation.objects.filter(key=key).select_related("confirmed_by")
    rows = list(qs.order_by(*ORDER))
    value, verified = _effective(d, rows[0] if rows else None)
    return ParameterState(d, value, verified, rows)


# ---------------------------------------------------------------- the write


def legal_parameter_confirm(
    *, by: Any, key: str, value: object, note: str = ""
) -> LegalParameterConfirmation:
    """Confirm (same value) or change a legal parameter; audited with before/after."""
    authorize(by, "catalog.confirm_parameter", action="catalog.parameter_confirm")
    unit = getattr(by, "unit", None)
    if unit is None or unit.parent_id is not None:
        raise Refused("法律参数适用于全平台，只能由最上级单位的法制审核人员确认或修改",
                      action="catalog.parameter_confirm", target=("legal_parameter", key, key))
    if key not in parameter_file().parameters:
        raise ValidationError({"key": [f"未知的法律参数：{key[:80]}"]})
    d = definition(key)
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS or "\x00" in note:
        raise ValidationError({"note": [f"说明不能超过{MAX_NOTE_CHARS}字，且不得含有非法字符"]})
    try:
        new = parse_value(d, value)
    except CatalogError as exc:
        raise ValidationError({"value": [exc.message]}) from None
    with transaction.atomic():
        current = parameter_state(key)
        changed = format_value(new) != current.value_text
        if changed and not d.changeable:
            raise ValidationError({"value": [f"该参数{d.binding_label}（{d.code_ref}），不能在线修改；"
                                             "请核对后按原值确认，或提出程序变更需求"]})
        if changed and len(note) < 2:
            raise ValidationError({"note": ["修改参数值时须说明依据（法律条款或文件）"]})
        row = LegalParameterConfirmation(
            key=key, value=format_value(new), previous_value=current.value_text, changed=changed, note=note,
            confirmed_by=by, confirmed_at=timezone.now(),
        )
        row.full_clean()
        row.save()
        audit_record(
            actor=by,
            action="catalog.parameter_change" if changed else "catalog.parameter_confirm",
            target=("legal_parameter", key, d.name),
            before={"key": key, "value": current.value_text, "verified": current.verified},
            after={"key": key, "value": row.value, "verified": True, "note": note},
            reason=note,
        )
    return row
