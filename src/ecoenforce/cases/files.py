"""Uploaded files (lead attachments, evidence): type by content, size limit, SM3 digest.

A file is accepted only when its content is what its name says (magic bytes via the `filetype`
library) and it is within the size limit; the SM3 digest (GB/T 32905) is stored with it so a copy
can be checked later.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from ecoenforce.audit.chain import sm3_hex

# extension → accepted content types (what filetype reports for it)
ALLOWED: dict[str, tuple[str, ...]] = {
    "jpg": ("image/jpeg",),
    "jpeg": ("image/jpeg",),
    "png": ("image/png",),
    "heic": ("image/heic",),
    "pdf": ("application/pdf",),
    "mp4": ("video/mp4",),
    "mov": ("video/quicktime",),
    "mp3": ("audio/mpeg",),
    "m4a": ("audio/mp4", "video/mp4"),
    "wav": ("audio/x-wav", "audio/wav"),
    "amr": ("audio/amr",),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"),
}
LABELS = "JPG、PNG、HEIC 图片，PDF，MP4/MOV 视频，MP3/M4A/WAV/AMR 录音，DOCX/XLSX"


def max_bytes() -> int:
    return int(getattr(settings, "CASE_FILE_MAX_BYTES", 50 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sm3: str

    @property
    def size(self) -> int:
        return len(self.content)

    def django_file(self) -> ContentFile[bytes]:
        return ContentFile(self.content, name=self.name)


def _read(upload: Any) -> tuple[str, bytes]:
    if isinstance(upload, tuple):
        name, content = upload
        return str(name), bytes(content)
    name = os.path.basename(str(getattr(upload, "name", "") or "file"))
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        return name, b""  # checked below without reading a huge file
    if hasattr(upload, "seek"):
        upload.seek(0)
    return name, upload.read()


def check_file(upload: Any) -> CheckedFile:
    """Accept one upload or refuse it with a Chinese message (ValidationError on "file")."""
    name, content = _read(upload)
    name = name.replace("\x00", "")[:200] or "file"
    size = getattr(upload, "size", None) if not isinstance(upload, tuple) else len(content)
    if (size or len(content)) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise ValidationError({"file": f"文件「{name}」超过大小上限 {limit} MB"})
    if not content:
        raise ValidationError({"file": f"文件「{name}」为空"})
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise ValidationError({"file": f"文件「{name}」的类型不允许上传；允许：{LABELS}"})
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in ALLOWED[ext]:
        raise ValidationError({"file": f"文件「{name}」的内容与扩展名 .{ext} 不符，拒绝上传"})
    return CheckedFile(name=name, content=content, content_type=kind.mime, sm3=sm3_hex(content))


def check_files(uploads: Iterable[Any]) -> list[CheckedFile]:
    return [check_file(u) for u in uploads]
