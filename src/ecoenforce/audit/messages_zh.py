"""Chinese wording of the chain verifier's findings, for operators' terminals.

The verifier (chain, verify, anchoring) words its findings in English for logs and `--json`; an
operator running `manage.py audit_verify` reads them in Chinese. Each pattern below is one English
finding; an unknown finding is shown as it is rather than lost.
"""

from __future__ import annotations

import re

_PAIRS: tuple[tuple[str, str], ...] = (
    (r"event (?P<seq>\d+): (?P<rest>.*)",
     "第 {seq} 号事件：{rest}"),
    (r"event is missing: the next event present is seq (?P<n>\d+)",
     "事件缺失，其后现存的下一个事件为第 {n} 号"),
    (r"event is missing: the chain ends at seq (?P<a>\d+), expected up to (?P<b>\d+)",
     "事件缺失，审计链止于第 {a} 号，应至第 {b} 号"),
    (r"sequence number repeats or goes back \(expected seq (?P<n>\d+)\)",
     "序号重复或倒退（应为第 {n} 号）"),
    (r"prev_digest does not match the previous event",
     "所记前一事件摘要与前一事件不符"),
    (r"digest does not match the event's content",
     "摘要与事件内容不符，事件已被改动"),
    (r"time runs backwards: (?P<s>[\d.]+) s before the previous event \(tolerance (?P<t>[\d.e+-]+) s\)",
     "时间倒流：比前一事件早 {s} 秒（容许误差 {t} 秒）"),
    (r"the chain head's digest differs from this event's digest",
     "链头记录的摘要与本事件的摘要不符"),
    (r"the chain head holds a digest but the chain is empty",
     "链头记录了摘要，但审计链为空"),
    (r"event lies beyond the chain head \(the head is at seq (?P<n>\d+)\)",
     "事件位于链头之后（链头为第 {n} 号）"),
    (r"checkpoint refused: (?P<why>.*)",
     "检查点不可信（{why}）"),
    (r"checkpoint (?P<n>\d+): the signature does not verify",
     "第 {n} 号检查点的签名验证不通过"),
    (r"checkpoint (?P<n>\d+): signed by an unknown key (?P<k>\S+)",
     "第 {n} 号检查点由未知的公钥 {k} 签署"),
    (r"the checkpoint signed at (?P<at>.+) lies beyond the chain head \(seq (?P<n>\d+)\); "
     r"events were removed",
     "签署于 {at} 的检查点位于链头（第 {n} 号）之后，事件已被删除"),
    (r"digest differs from the checkpoint signed at (?P<at>.+); the chain was rewritten after event "
     r"(?P<a>\d+) \(the last checkpoint that agrees\) and at or before this event",
     "摘要与签署于 {at} 的检查点不符："
     "审计链在第 {a} 号事件（最后一个相符的检查点）之后、本事件及之前被改写"),
    (r"digest differs from the anchor (?P<d>[0-9a-f]+); the chain was rewritten",
     "摘要与锚定值 {d} 不符，审计链被改写"),
    (r"anchor lies beyond the chain head \(seq (?P<n>\d+)\); events were removed",
     "锚定的事件位于链头（第 {n} 号）之后，事件已被删除"),
)
_PATTERNS = tuple((re.compile(rf"^{en}$"), zh) for en, zh in _PAIRS)


def problem_zh(text: str) -> str:
    """The Chinese wording of one finding (nested "event N: …" findings are translated in turn)."""
    for pattern, zh in _PATTERNS:
        match = pattern.match(text)
        if match:
            parts = {k: problem_zh(v) if k in ("rest", "why") else v for k, v in match.groupdict().items()}
            return zh.format(**parts)
    return text
