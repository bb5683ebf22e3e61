"""Document kinds as data (data/kinds.yaml) and the legal periods they quote (data/terms.yaml).

Pure: no Django. A kind says its title, the fields a caller must supply (with Chinese labels, so a
missing field is named in the user's words), its layout blocks and its place in the case file.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
FIELD_TYPES = ("text", "para", "list", "rows", "signatures")
AUTO_FIELDS = ("issuer_name", "issued_on", "verify_code", "verify_url", "terms")
MAX_TEXT = 20_000  # characters in one field: far beyond any real document, short of abuse
MAX_SIGNATURE = 256 * 1024  # bytes of one signature PNG (a drawn signature is a few KiB)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "text"
    optional: bool = False
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    layout: str
    numbered: bool
    archive_rank: int
    fields: tuple[Field, ...]
    blocks: tuple[dict[str, Any], ...]

    def problems(self, context: Mapping[str, Any]) -> list[str]:
        """What is wrong with `context` for this kind, in Chinese; empty when it will do."""
        missing = [f.label for f in self.fields if not f.optional and _empty(context.get(f.name))]
        out = [f"缺少必填内容：{'、'.join(missing)}"] if missing else []
        for f in self.fields:
            value = context.get(f.name)
            if not _empty(value):
                out.extend(_type_problems(f, value))
        return out

    def clean(self, context: Mapping[str, Any]) -> dict[str, Any]:
        """The declared fields only (unknown keys dropped), text stripped, absent optional ones ""."""
        out: dict[str, Any] = {}
        for f in self.fields:
            value = context.get(f.name)
            if f.type == "signatures":
                out[f.name] = [_clean_signature(v) for v in value or []]
            elif f.type in ("list", "rows"):
                out[f.name] = list(value or [])
            else:
                out[f.name] = "" if value is None else str(value).replace("\x00", "").strip()
        return out


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return len(value) == 0
    return False


def _type_problems(f: Field, value: Any) -> list[str]:
    if f.type in ("text", "para"):
        if not isinstance(value, str | int | float):
            return [f"“{f.label}”应为文字"]
        if len(str(value)) > MAX_TEXT:
            return [f"“{f.label}”过长（不超过{MAX_TEXT}字）"]
        return []
    if not isinstance(value, list | tuple):
        return [f"“{f.label}”应为列表"]
    if f.type == "list" and not all(isinstance(v, str) and v.strip() for v in value):
        return [f"“{f.label}”的每一项都应为非空文字"]
    if f.type == "rows" and not all(isinstance(v, Mapping) for v in value):
        return [f"“{f.label}”的每一行都应包含{'、'.join(f.keys)}"]
    if f.type == "signatures":
        return [f"“{f.label}”第{i}项{p}" for i, v in enumerate(value, 1) if (p := _signature_problem(v))]
    return []


def signature_png(image: str) -> bytes | None:
    """The PNG bytes of a base64 image (a data: URI prefix is allowed), or None when it is not one."""
    raw = image.split(",", 1)[1] if image.startswith("data:") else image
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if data.startswith(PNG_MAGIC) and len(data) <= MAX_SIGNATURE else None


def _signature_problem(value: Any) -> str:
    if not isinstance(value, Mapping) or not str(value.get("label") or "").strip():
        return "应包含签名人身份（label）和签名图片（image）"
    if not isinstance(value.get("image"), str) or signature_png(value["image"]) is None:
        return "的签名图片不是有效的PNG图片（不超过256KB）"
    return ""


def _clean_signature(value: Mapping[str, Any]) -> dict[str, str]:
    png = signature_png(str(value["image"])) or b""
    return {"label": str(value["label"]).strip(), "name": str(value.get("name") or "").strip(),
            "image": base64.b64encode(png).decode("ascii")}


def _kind(code: str, raw: Mapping[str, Any]) -> Kind:
    fields = tuple(
        Field(
            name=f["name"], label=f["label"], type=f.get("type", "text"),
            optional=bool(f.get("optional", False)), keys=tuple(f.get("keys", ())),
        )
        for f in raw["fields"]
    )
    for f in fields:
        if f.type not in FIELD_TYPES or f.name in AUTO_FIELDS:
            raise ValueError(f"kind {code}: bad field {f.name} ({f.type})")
    return Kind(
        code=code, title=raw["title"], layout=raw["layout"], numbered=bool(raw.get("numbered")),
        archive_rank=int(raw["archive_rank"]), fields=fields, blocks=tuple(raw["blocks"]),
    )


@cache
def all_kinds() -> dict[str, Kind]:
    raw = yaml.safe_load((DATA / "kinds.yaml").read_text(encoding="utf-8"))["kinds"]
    return {code: _kind(code, spec) for code, spec in raw.items()}


def get(code: str) -> Kind | None:
    return all_kinds().get(code)


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    value: int
    words: str
    source: str
    unverified: bool


@cache
def _terms_raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / "terms.yaml").read_text(encoding="utf-8"))["terms"]
    return data


def terms_on(day: date) -> dict[str, Term]:
    """Each term's version in force on `day` (a term with none in force is left out)."""
    out: dict[str, Term] = {}
    for key, spec in _terms_raw().items():
        for v in spec["versions"]:
            if v["valid_from"] <= day and (v.get("valid_to") is None or day <= v["valid_to"]):
                out[key] = Term(key, spec["label"], int(v["value"]), v["words"], v["source"],
                                bool(v.get("unverified", False)))
    return out
