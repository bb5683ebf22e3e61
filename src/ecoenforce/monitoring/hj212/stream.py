"""Cut a TCP byte stream into frames: several frames per read, frames split across reads, junk.

Framing uses the declared length (not a search for CRLF, which CP text may in theory contain), so a
frame is complete after 6 + n + 4 bytes (+ CRLF when present). Bytes that cannot start a frame are
returned as junk chunks, so the caller can keep every received byte in the raw log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_SEGMENT = 1024


@dataclass(slots=True)
class Chunk:
    data: bytes
    is_frame: bool  # False: junk that is not a frame (kept with status bad_format)


@dataclass(slots=True)
class FrameReader:
    max_segment: int = MAX_SEGMENT
    _buf: bytearray = field(default_factory=bytearray)

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[Chunk]:
        self._buf += data
        out: list[Chunk] = []
        while self._buf:
            chunk = self._next()
            if chunk is None:
                break
            out.append(chunk)
        return out

    def flush(self) -> list[Chunk]:
        """At end of stream: whatever is left is junk (an incomplete frame)."""
        rest, self._buf = bytes(self._buf), bytearray()
        return [Chunk(rest, False)] if rest else []

    def _take(self, n: int, is_frame: bool) -> Chunk:
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return Chunk(data, is_frame)

    def _next(self) -> Chunk | None:
        buf = self._buf
        start = buf.find(b"##")
        if start < 0:  # keep a trailing '#' that may begin the next frame
            keep = 1 if buf.endswith(b"#") else 0
            return self._take(len(buf) - keep, False) if len(buf) > keep else None
        if start > 0:
            return self._take(start, False)
        if len(buf) < 6:
            return None
        head = bytes(buf[2:6])
        if not head.isdigit() or int(head) > self.max_segment:
            return self._skip_bad_header()
        end = 6 + int(head) + 4
        if len(buf) < end:
            return None
        if len(buf) < end + 2 and bytes(buf[end:]) in (b"", b"\r"):
            return None  # the CRLF may still be coming
        if buf[end : end + 2] == b"\r\n":
            end += 2
        return self._take(end, True)

    def _skip_bad_header(self) -> Chunk:
        nxt = self._buf.find(b"##", 2)
        return self._take(nxt if nxt > 0 else len(self._buf), False)
