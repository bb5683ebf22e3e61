"""Lead sources: the apps that find violations register their kind here, so `cases` never imports them.

An app calls ``register_lead_source(kind, label=..., url_for=...)`` from its ``AppConfig.ready()``;
``url_for(source_ref)`` returns the link to the source record (or None). The case pages show the
label and the link; ``lead_open`` refuses a kind nobody registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

UrlFor = Callable[[str], "str | None"]
_KIND = re.compile(r"^[a-z][a-z0-9_.-]{0,31}$")


@dataclass(frozen=True)
class LeadSource:
    kind: str
    label: str
    url_for: UrlFor

    def url(self, source_ref: str) -> str | None:
        try:
            return self.url_for(source_ref)
        except Exception:  # a broken link must not break the case page
            return None


_SOURCES: dict[str, LeadSource] = {}


def _no_url(_ref: str) -> str | None:
    return None


def register_lead_source(kind: str, *, label: str, url_for: UrlFor | None = None) -> LeadSource:
    """Register (or replace) a lead source kind with its Chinese label and link maker."""
    if not _KIND.match(kind):
        raise ValueError(f"invalid lead source kind {kind!r}: lower-case ascii, up to 32 chars")
    if not label.strip():
        raise ValueError("a lead source needs a Chinese label")
    source = LeadSource(kind=kind, label=label.strip(), url_for=url_for or _no_url)
    _SOURCES[kind] = source
    return source


def lead_source(kind: str) -> LeadSource | None:
    return _SOURCES.get(kind)


def lead_sources() -> list[LeadSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.kind)


def source_label(kind: str) -> str:
    source = _SOURCES.get(kind)
    return source.label if source else "其他来源"


# Sources that need no other app: an officer's own discovery, a transfer from another agency, an
# assignment by a superior (生态环境行政处罚办法 art 13 ff. on jurisdiction and transfer).
BUILTIN = {
    "discovery": "执法人员自行发现",
    "transfer": "其他机关移送",
    "assignment": "上级交办",
}


def register_builtin_sources() -> None:
    for kind, label in BUILTIN.items():
        if kind not in _SOURCES:
            register_lead_source(kind, label=label)


# --- case-filed hooks -------------------------------------------------------------------------------
# Apps that must react when a case is filed against an entity (e.g. inspections removes it from the
# positive list: 正面清单 removal trigger "立案查处") register here, so `cases` never imports them.
# Each hook is called as fn(case, by) inside the filing transaction: if it raises, the filing rolls back.

CaseFiledHook = Callable[[object, object], None]
_CASE_FILED_HOOKS: dict[str, CaseFiledHook] = {}


def register_case_filed_hook(fn: CaseFiledHook) -> CaseFiledHook:
    """Register fn(case, by), called when a case is filed (立案); idempotent per function."""
    _CASE_FILED_HOOKS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def case_filed(case: object, by: object) -> None:
    """Run every registered hook (called by cases inside the filing transaction)."""
    for fn in list(_CASE_FILED_HOOKS.values()):
        fn(case, by)
