"""Test data for cases: a real PNG, entities made through the service."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from tests.factories import make_uscc


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = _png()


def make_entity(unit: Any, n: int, by: Any = None, **kw: Any) -> Any:
    from ecoenforce.entities.services import entity_create

    fields = dict(
        name=f"测试化工有限公司{n}",
        uscc=make_uscc(n),
        legal_representative="张三",
        address="河北省廊坊市",
        division_code=unit.division_code,
        industry_code="C2614",
        supervision_class="key",
        owner_unit=unit,
    )
    fields.update(kw)
    if by is None:
        from ecoenforce.org.models import User

        by = User.objects.get(username=f"{_unit_key(unit)}_officer")
    return entity_create(by=by, **fields)


def _unit_key(unit: Any) -> str:
    names = {
        "廊坊市生态环境局": "city",
        "固安县生态环境综合执法大队": "county_a",
        "永清县生态环境综合执法大队": "county_b",
        "固安镇": "town_a",
        "永清镇": "town_b",
    }
    return names[unit.name]
