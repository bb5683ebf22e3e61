"""Amounts in words: 人民币大写 (Chinese capital numerals) as written on penalty decisions and
payment notices, e.g. 100000 → 人民币壹拾万元整, 1050.5 → 人民币壹仟零伍拾元伍角, 1.05 → 人民币壹元零伍分.

Conventions (《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》): 整 after 元 when there is no
角/分, none after 角 or 分; one 零 for any run of zeros inside the number; 壹拾 for 10–19 (never
拾 alone).  Where that rule allows writing 零 or not (元位为0而角位不为0), no 零 is written.
Pure Python, no Django.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["rmb_upper"]

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("仟", "佰", "拾", "")
SECTION_UNITS = ("", "万", "亿", "万亿")
FEN = Decimal("0.01")


def _section(value: int) -> str:
    """0 < value < 10000, without leading 零."""
    out: list[str] = []
    zero = False
    for digit, unit in zip(f"{value:04d}", SMALL_UNITS, strict=True):
        d = int(digit)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + unit)
    return "".join(out)


def _integer(value: int) -> str:
    sections: list[int] = []
    while value:
        value, part = divmod(value, 10000)
        sections.append(part)
    if len(sections) > len(SECTION_UNITS):
        raise ValueError("amount too large for Chinese capital numerals")
    out: list[str] = []
    pending_zero = False
    for index in range(len(sections) - 1, -1, -1):
        part = sections[index]
        if part == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or part < 1000):
            out.append("零")
        out.append(_section(part) + SECTION_UNITS[index])
        pending_zero = False
    return "".join(out)


def rmb_upper(amount: Decimal | int | str) -> str:
    """人民币大写 of a non-negative amount in yuan, rounded half up to the fen."""
    value = Decimal(str(amount)).quantize(FEN, ROUND_HALF_UP)
    if value < 0:
        raise ValueError("negative amount")
    fen_total = int(value * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return "人民币零元整"
    text = "人民币"
    if yuan:
        text += _integer(yuan) + "元"
    if not jiao and not fen:
        return text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"  # 1.05 → 壹元零伍分
    if fen:
        text += DIGITS[fen] + "分"
    return text
