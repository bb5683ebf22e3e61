"""When a cited law was in force (data/laws.yaml), and articles written as the law writes them.

``LawBook.note`` gives the calculator's 法律效力提示 for a law on a date: in force, or repealed since
when and by what (《中华人民共和国生态环境法典》第一千二百四十二条) — never "in force" for a date on
which the law was repealed.  ``article_label`` writes 第一千零六十条第一款第（一）项.  Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import ValidationError
from .sanction import load_yaml

__all__ = ["LAWS_FILE", "LawBook", "LawPeriod", "article_label", "cn_number", "load_law_book"]

LAWS_FILE = Path(__file__).resolve().parent.parent / "data" / "laws.yaml"
DIGITS = "零一二三四五六七八九"
UNITS = ("", "十", "百", "千")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 105 → 一百零五, 1060 → 一千零六十, 1242 → 一千二百四十二 (n < 10000)."""
    if not 0 < n < 10000:
        raise ValueError(n)
    digits = [int(d) for d in str(n)]
    out: list[str] = []
    zero = False
    for pos, d in enumerate(digits):
        unit = UNITS[len(digits) - pos - 1]
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(("" if d == 1 and unit == "十" and not out else DIGITS[d]) + unit)
    return "".join(out)


def article_label(article: object, paragraph: object = None, clause: object = None) -> str:
    """第N条[第N款][第（N）项] from the catalog's numbers (0 / None = not given) or its labels
    ("第三十一条", "第一款", "第（二）项" — kept as written)."""
    text = ""
    for value, fmt in ((article, "第{}条"), (paragraph, "第{}款"), (clause, "第（{}）项")):
        if isinstance(value, str) and value.startswith("第"):
            text += value
            continue
        try:
            number = int(str(value))
        except ValueError:
            continue
        if 0 < number < 10000:
            text += fmt.format(cn_number(number))
    return text


@dataclass(frozen=True, slots=True)
class LawPeriod:
    code: str
    name: str
    in_force_from: dt.date | None
    in_force_to: dt.date | None
    repealed: bool

    @property
    def title(self) -> str:
        return f"《{self.name}》"

    def in_force(self, on: dt.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= on) and (
            self.in_force_to is None or on <= self.in_force_to)


@dataclass(frozen=True)
class LawBook:
    laws: Mapping[str, LawPeriod]
    repeal_source: str

    def find(self, code: object = None, name: object = None) -> LawPeriod | None:
        if isinstance(code, str) and code in self.laws:
            return self.laws[code]
        wanted = _bare(str(name or ""))
        return next((lp for lp in self.laws.values() if wanted and _bare(lp.name) == wanted), None)

    def note(self, law: LawPeriod, on: dt.date, when: str) -> str:
        """One line: the law's force on `on` ("违法行为发生时（2026-07-01）" …)."""
        if law.in_force(on):
            ends = ""
            if law.in_force_to is not None:
                since = (law.in_force_to + dt.timedelta(days=1)).isoformat()
                ends = f"；自{since}起废止（{self.repeal_source}）"
            return f"{when}（{on.isoformat()}）{law.title}有效{ends}"
        if law.in_force_to is not None and on > law.in_force_to:
            since = (law.in_force_to + dt.timedelta(days=1)).isoformat()
            return f"{when}（{on.isoformat()}）{law.title}已废止（自{since}起，{self.repeal_source}）"
        start = "" if law.in_force_from is None else f"，自{law.in_force_from.isoformat()}起施行"
        return f"{when}（{on.isoformat()}）{law.title}尚未施行{start}"


def _bare(name: str) -> str:
    return name.strip().strip("《》").removeprefix("中华人民共和国")


def _date(value: object, path: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"日期格式应为 YYYY-MM-DD：{value}", path) from None


def load_law_book(path: Path = LAWS_FILE) -> LawBook:
    doc = load_yaml(path)
    src = doc.get("repeal_source") or {}
    laws: dict[str, LawPeriod] = {}
    for code, d in (doc.get("laws") or {}).items():
        where = f"{path.name} › laws › {code}"
        if not isinstance(d, Mapping) or not d.get("name"):
            raise ValidationError("每部法律须有名称", where)
        laws[str(code)] = LawPeriod(
            str(code), str(d["name"]), _date(d.get("in_force_from"), where),
            _date(d.get("in_force_to"), where), bool(d.get("repealed", False)),
        )
    return LawBook(laws, f"{src.get('document', '')}{src.get('article', '')}")
