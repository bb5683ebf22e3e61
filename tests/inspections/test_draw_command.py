"""`manage.py draw_verify FILE` as a user runs it: exit 0 when the draw holds, 1 naming what differs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from scripts.draw_example import example


def run(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("draw_verify", str(path), stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_draw_verify_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "draw.json"
    doc = example()
    good.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(good)
    assert code == 0, err
    assert "验证通过" in out
    doc["pool"]["entities"][2][1] = "key"  # one pool member changed
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(bad)
    assert code == 1
    assert "抽查对象库摘要不符" in err
    code, _, err = run(tmp_path / "nope.json")
    assert code == 1 and "无法读取文件" in err


@pytest.mark.parametrize("text", ["{", "[]", '{"format": "x"}'])
def test_draw_verify_malformed(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    assert run(path)[0] == 1
