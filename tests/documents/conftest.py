"""Fixtures for the documents app: media in a temporary folder, an `issue` helper, PDF inspection."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecoenforce.documents.samples import SAMPLES
from ecoenforce.documents.services import document_issue

SUBJECT = "cases.case"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_BASE_URL = "https://zf.example.gov.cn"


@pytest.fixture
def issue(world: Any) -> Callable[..., Any]:
    """issue("penalty_decision", unit="county_a", role="officer", subject_id="7", **context overrides)."""

    def make(kind: str = "penalty_decision", *, unit: str = "county_a", role: str = "officer",
             subject_id: str = "1", **over: Any) -> Any:
        context = {**SAMPLES[kind], **over}
        return document_issue(kind=kind, context=context, unit=world.units[unit], by=world.user(unit, role),
                              subject_type=SUBJECT, subject_id=subject_id)

    return make


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils (.ci/run installs it)")
    return path


def pdf_fonts(path: Path) -> str:
    return subprocess.run([need("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout


def pdf_text(path: Path, page: int | None = None, *, layout: bool = True) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    mode = ["-layout"] if layout else []
    return subprocess.run([need("pdftotext"), *pages, *mode, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def ink_ratio(path: Path, page: int = 1) -> float:
    """The share of dark pixels of `page` rendered in grey at 40 dpi (0 for a blank page)."""
    out = subprocess.run([need("pdftoppm"), "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(path)],
                         capture_output=True, check=True).stdout
    # PGM: "P5\n<w> <h>\n255\n" then one byte per pixel
    header_end, fields = 0, 0
    while fields < 4:
        while out[header_end:header_end + 1].isspace():
            header_end += 1
        while not out[header_end:header_end + 1].isspace():
            header_end += 1
        fields += 1
    pixels = out[header_end + 1:]
    return sum(1 for b in pixels if b < 128) / max(len(pixels), 1)
