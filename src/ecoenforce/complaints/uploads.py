"""What a reporter may upload: photos and videos recognised by their first bytes, within size limits.

Pure core. The declared content type and the file name are never trusted: a script renamed .jpg is
refused because its bytes are not a JPEG.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_FILES = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_VIDEO_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "photo" | "video"
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    """The media type from the first 16 bytes; None when it is not an accepted photo or video."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("photo", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("photo", "image/png", "png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("photo", "image/webp", "webp")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return Sniffed("video", "video/quicktime", "mov")
        return Sniffed("video", "video/mp4", "mp4")
    return None


def check(head: bytes, size: int) -> tuple[Sniffed | None, str]:
    """(what it is, "") when acceptable, else (None, a Chinese reason)."""
    found = sniff(head)
    if found is None:
        return None, "只能上传照片（JPEG、PNG、WebP）或视频（MP4、MOV）"
    limit = MAX_PHOTO_BYTES if found.kind == "photo" else MAX_VIDEO_BYTES
    if size > limit:
        return None, f"{'照片' if found.kind == 'photo' else '视频'}不能超过 {limit // (1024 * 1024)} MB"
    if size == 0:
        return None, "文件为空"
    return found, ""
