"""Evidence files: type and size checks, SM3 digest, time and GPS from EXIF (Pillow) or the device."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from PIL import ExifTags, Image, UnidentifiedImageError

from ecoenforce.inspections.draw import sm3_hex

MAX_BYTES = 10 * 1024 * 1024
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
LAT, LON = (Decimal("-90"), Decimal("90")), (Decimal("-180"), Decimal("180"))


@dataclass
class Checked:
    data: bytes
    content_type: str
    sm3: str
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    position_source: str


def coordinate(value: Any, bounds: tuple[Decimal, Decimal], what: str) -> Decimal | None:
    """A coordinate from the device ("" → None); anything else that is not a number in range is refused."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError(f"{what}不是有效的坐标：{str(value)[:30]}", code="bad_gps") from exc
    if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
        raise ValidationError(
            f"{what}超出范围（{bounds[0]} 至 {bounds[1]}）：{str(value)[:30]}", code="bad_gps"
        )
    return number.quantize(Decimal("0.000001"))


def _dms(values: Any, ref: str) -> Decimal:
    d, m, s = (Decimal(str(float(v))) for v in values)
    out = d + m / 60 + s / 3600
    return -out if ref in ("S", "W") else out


def _exif(image: Image.Image) -> tuple[datetime | None, Decimal | None, Decimal | None]:
    exif = image.getexif()
    taken = None
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(
        ExifTags.Base.DateTime
    )
    if raw:
        try:
            taken = datetime.strptime(str(raw), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            taken = None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        lat = _dms(gps[2], gps[1]).quantize(Decimal("0.000001"))
        lon = _dms(gps[4], gps[3]).quantize(Decimal("0.000001"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        return taken, None, None
    if not (LAT[0] <= lat <= LAT[1] and LON[0] <= lon <= LON[1]):
        return taken, None, None
    return taken, lat, lon


def check_photo(
    data: bytes, *, device_lat: Any = None, device_lon: Any = None, max_bytes: int = MAX_BYTES
) -> Checked:
    if not data:
        raise ValidationError("文件为空", code="empty_file")
    if len(data) > max_bytes:
        raise ValidationError(
            f"文件过大：{len(data) / 1048576:.1f} MB，上限为 {max_bytes // 1048576} MB", code="too_large"
        )
    lat, lon = coordinate(device_lat, LAT, "纬度"), coordinate(device_lon, LON, "经度")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            taken, exif_lat, exif_lon = _exif(image)
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError("不是有效的图片文件（支持 JPEG、PNG、WebP）", code="not_image") from exc
    if kind not in IMAGE_TYPES:
        raise ValidationError("不是有效的图片文件（支持 JPEG、PNG、WebP）", code="not_image")
    source = "exif" if exif_lat is not None else ("device" if lat is not None else "")
    return Checked(
        data=data,
        content_type=IMAGE_TYPES[kind],
        sm3=sm3_hex(data),
        taken_at=taken,
        latitude=exif_lat if exif_lat is not None else lat,
        longitude=exif_lon if exif_lat is not None else lon,
        position_source=source,
    )


def check_signature(data: bytes) -> str:
    """A signature drawn on screen: a PNG no larger than 256 KB; returns its SM3.

    256 KB is what the documents app embeds in the record (documents/kinds.py MAX_SIGNATURE): a
    larger one accepted here would make the 现场检查笔录 fail after the record was stored."""
    if not data or len(data) > 256 * 1024:
        raise ValidationError("签名图片为空或过大", code="bad_signature")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValidationError("签名应为PNG图片", code="bad_signature")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError("签名不是有效的PNG图片", code="bad_signature") from exc
    return sm3_hex(data)
