"""Small real files for evidence and signatures: a JPEG with EXIF time and GPS, a signature PNG."""

from __future__ import annotations

import io
import uuid
from typing import Any

from PIL import Image

from ecoenforce.inspections.onsite import Submission


def png(color: str = "black") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 20), color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(lat: float = 39.436, lon: float = 116.298) -> bytes:
    image = Image.new("RGB", (32, 32), "green")
    exif = Image.Exif()
    exif[0x0132] = "2026:11:30 10:15:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "E"
    gps[2] = (float(int(lat)), float(int((lat % 1) * 60)), round(((lat * 60) % 1) * 60, 2))
    gps[4] = (float(int(lon)), float(int((lon % 1) * 60)), round(((lon * 60) % 1) * 60, 2))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def full_submission(inspection: Any, *, problem_code: str = "", **over: Any) -> Submission:
    officers = list(inspection.officers.all())
    items = {}
    for item in inspection.items.all():
        items[item.code] = ("problem", "现场发现超标排放") if item.code == problem_code else ("compliant", "")
    fields: dict[str, Any] = dict(
        idempotency_key=uuid.uuid4().hex,
        certificate_shown=True,
        items=items,
        summary="现场检查情况正常",
        latitude="39.436000",
        longitude="116.298000",
        photos=[("现场.jpg", jpeg_with_gps(), "", "")],
        signatures=[("officer", o.display_name, o.pk, png()) for o in officers[:2]]
        + [("party", "张三", None, png())],
    )
    fields.update(over)
    return Submission(**fields)
