"""Reads of the catalog: the effective catalog of a unit on a date, version history, diffs, search.

The merge rule (effective_catalog): take, for the unit and each of its ancestors, the published
version in force on the date (the latest `effective_from` on or before it). Walk them from the root
down. An `add` entry contributes a new item. A `refine` entry changes the inherited item with the
same code: it replaces the implementing subject, the first responsibility level and the township
delegation flag (when given), and appends its notes and its legal bases (local regulations) to the
inherited ones; name, power type, category and sanction stay the superior's (statutory). An `add`
of a code that a superior also has on that date (the superior added it later) is treated as a
refine and listed in `conflicts`; a `refine` of a code no superior has on that date is dropped and
listed in `orphans`. Each resulting item says which unit/version it came from and who refined it.

Published versions are public; versions in progress are visible only to the catalog's legal staff
(draft / legal review / approval / publication permissions) within their jurisdiction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from django.http import Http404

from ecoenforce.catalog.models import (
    REFINE_REPLACES,
    STATE_LABELS,
    CatalogEntry,
    CatalogVersion,
    EntryAction,
    FirstLevel,
    PowerType,
    VersionStatus,
    basis_text,
    sanction_words,
    today,
)
from ecoenforce.org.jurisdiction import visible_units
from ecoenforce.org.models import Unit
from ecoenforce.org.permissions import Refused, authorize, can

WORKFLOW_PERMS = ("catalog.draft", "catalog.legal_review", "catalog.approve", "catalog.publish")


# ---------------------------------------------------------------- the effective catalog


@dataclass
class EffectiveEntry:
    code: str
    name: str
    power_type: str
    category: str
    legal_basis: list[dict[str, Any]]
    sanction: dict[str, Any]
    implementing_subject: str
    first_level: str
    township_delegable: bool
    notes: str
    origin: CatalogEntry
    refinements: list[CatalogEntry] = field(default_factory=list)

    @classmethod
    def of(cls, entry: CatalogEntry) -> EffectiveEntry:
        return cls(
            code=entry.code,
            name=entry.name,
            power_type=entry.power_type,
            category=entry.category,
            legal_basis=list(entry.legal_basis),
            sanction=dict(entry.sanction),
            implementing_subject=entry.implementing_subject,
            first_level=entry.first_level,
            township_delegable=entry.township_delegable,
            notes=entry.notes,
            origin=entry,
        )

    @property
    def origin_version(self) -> CatalogVersion:
        return self.origin.version

    @property
    def origin_unit(self) -> Unit:
        return self.origin.version.unit

    @property
    def power_type_label(self) -> str:
        return PowerType(self.power_type).label if self.power_type in PowerType.values else self.power_type

    @property
    def first_level_label(self) -> str:
        return (
            FirstLevel(self.first_level).label if self.first_level in FirstLevel.values else self.first_level
        )

    @property
    def sanction_lines(self) -> list[str]:
        return sanction_words(self.sanction)

    @property
    def basis_text(self) -> str:
        return basis_text(self.legal_basis)

    @property
    def refined_by(self) -> list[str]:
        return [f"{e.version.unit.name} {e.version.title}" for e in self.refinements]

    def refine(self, entry: CatalogEntry) -> None:
        for name in REFINE_REPLACES:
            value = getattr(entry, name)
            if value or isinstance(value, bool):
                setattr(self, name, value)
        if entry.notes:
            who = entry.version.unit.short_name or entry.version.unit.name
            self.notes = (self.notes + "\n" if self.notes else "") + f"【{who}细化】{entry.notes}"
        known = {
            (b.get("law"), b.get("article"), b.get("paragraph"), b.get("clause")) for b in self.legal_basis
        }
        self.legal_basis = self.legal_basis + [
            b
            for b in entry.legal_basis
            if (b.get("law"), b.get("article"), b.get("paragraph"), b.get("clause")) not in known
        ]
        self.refinements.append(entry)

    def haystack(self) -> str:
        return " ".join(
            [self.code, self.name, self.category, self.implementing_subject, self.notes, self.basis_text]
        ).lower()


@dataclass
class EffectiveCatalog:
    unit: Unit
    on: date
    entries: list[EffectiveEntry]
    layers: list[tuple[Unit, CatalogVersion | None]]
    conflicts: list[CatalogEntry] = field(default_factory=list)
    orphans: list[CatalogEntry] = field(default_factory=list)

    def get(self, code: str) -> EffectiveEntry | None:
        return next((e for e in self.entries if e.code == code), None)

    def codes(self) -> set[str]:
        return {e.code for e in self.entries}

    @property
    def versions(self) -> list[CatalogVersion]:
        return [v for _, v in self.layers if v is not None]


def _versions_in_force(units: list[Unit], on: date) -> dict[int, CatalogVersion]:
    chosen: dict[int, CatalogVersion] = {}
    qs = (
        CatalogVersion.objects.filter(unit__in=units, status=VersionStatus.PUBLISHED, effective_from__lte=on)
        .select_related("unit")
        .order_by("unit_id", "-effective_from")
    )
    for version in qs:
        chosen.setdefault(version.unit_id, version)
    return chosen


def effective_catalog(unit: Unit, on: date | None = None) -> EffectiveCatalog:
    """The catalog in force for `unit` on `on` (default today), merged from its ancestors down."""
    on = on or today()
    chain = unit.ancestors() if unit.path else [unit]
    chosen = _versions_in_force(chain, on)
    by_version: dict[int, list[CatalogEntry]] = defaultdict(list)
    entries_qs = CatalogEntry.objects.filter(version__in=list(chosen.values())).order_by("position", "code")
    versions_by_id = {v.pk: v for v in chosen.values()}
    for entry in entries_qs:
        entry.version = versions_by_id[entry.version_id]
        by_version[entry.version_id].append(entry)
    result = EffectiveCatalog(unit=unit, on=on, entries=[], layers=[(u, chosen.get(u.pk)) for u in chain])
    merged: dict[str, EffectiveEntry] = {}
    for layer_unit in chain:
        version = chosen.get(layer_unit.pk)
        for entry in by_version.get(version.pk, []) if version else []:
            current = merged.get(entry.code)
            if current is not None:
                current.refine(entry)
                if entry.action == EntryAction.ADD:
                    result.conflicts.append(entry)
            elif entry.action == EntryAction.ADD:
                merged[entry.code] = EffectiveEntry.of(entry)
                result.entries.append(merged[entry.code])
            else:
                result.orphans.append(entry)
    return result


def inherited_catalog(unit: Unit, on: date | None = None) -> EffectiveCatalog:
    """What `unit` inherits from its superiors on `on` (empty for a root unit)."""
    if unit.parent_id is None:
        return EffectiveCatalog(unit=unit, on=on or today(), entries=[], layers=[])
    return effective_catalog(unit.parent, on)  # type: ignore[arg-type]


def effective_item(unit: Unit, code: str, on: date | None = None) -> EffectiveEntry | None:
    """One item of the effective catalog (for the penalty calculator, cases, the API)."""
    return effective_catalog(unit, on).get(code)


# ---------------------------------------------------------------- whose catalog a user may read


def readable_units(user: Any) -> list[Unit]:
    """The user's subtree and his unit's superiors (whose published catalogs his unit inherits)."""
    units = {u.pk: u for u in visible_units(user)}
    if getattr(user, "unit", None) is not None:
        units.update({u.pk: u for u in user.unit.ancestors()})
    return sorted(units.values(), key=lambda u: u.path)


def readable_unit(user: Any, unit_id: int | None) -> Unit:
    """The unit whose catalog `user` asks for (default his own); Refused outside his reach, 404 if unknown."""
    authorize(user, "catalog.view", action="catalog.view")
    if unit_id is None:
        if user.unit is None:
            raise Refused("您的账户未关联单位，无法查看执法事项清单", action="catalog.view")
        unit_id = user.unit_id
    units = {u.pk: u for u in readable_units(user)}
    if unit_id in units:
        return units[unit_id]
    target = Unit.objects.filter(pk=unit_id).first()
    if target is None:
        raise Http404
    raise Refused("该单位不在您的辖区内，无权查看其执法事项清单", action="catalog.view", target=target)


# ---------------------------------------------------------------- search


def filter_entries(
    entries: Iterable[EffectiveEntry],
    *,
    q: str = "",
    power_type: str = "",
    first_level: str = "",
    category: str = "",
    delegable: bool | None = None,
) -> list[EffectiveEntry]:
    terms = [t for t in q.lower().split() if t]
    out = []
    for entry in entries:
        if power_type and entry.power_type != power_type:
            continue
        if first_level and entry.first_level != first_level:
            continue
        if category and entry.category != category:
            continue
        if delegable is not None and entry.township_delegable != delegable:
            continue
        if terms and not all(t in entry.haystack() for t in terms):
            continue
        out.append(entry)
    return out


def categories(entries: Iterable[EffectiveEntry]) -> list[str]:
    return sorted({e.category for e in entries if e.category})


# ---------------------------------------------------------------- versions


@dataclass
class VersionInfo:
    version: CatalogVersion
    state: str
    state_label: str
    effective_to: date | None = None


def can_see_unpublished(user: Any, unit: Unit) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any(can(user, perm, unit) for perm in WORKFLOW_PERMS)


def version_state(version: CatalogVersion, effective_to: date | None, on: date) -> tuple[str, str]:
    if version.status != VersionStatus.PUBLISHED:
        return version.status, version.get_status_display()
    assert version.effective_from is not None
    if version.effective_from > on:
        state = "pending"
    elif effective_to is not None and effective_to < on:
        state = "superseded"
    else:
        state = "in_force"
    return state, STATE_LABELS[state]


def published_periods(unit: Unit) -> dict[int, date | None]:
    """version id → last day in force (None while no later version is published)."""
    published = list(
        CatalogVersion.objects.filter(unit=unit, status=VersionStatus.PUBLISHED).order_by("effective_from")
    )
    periods: dict[int, date | None] = {v.pk: None for v in published}
    for current, following in pairwise(published):
        if following.effective_from is not None:
            periods[current.pk] = following.effective_from - timedelta(days=1)
    return periods


def versions_for(unit: Unit, user: Any = None, *, on: date | None = None) -> list[VersionInfo]:
    """The unit's versions, newest first: published ones for everyone, the rest for legal staff."""
    on = on or today()
    qs = (
        CatalogVersion.objects.filter(unit=unit)
        .select_related("unit", "created_by", "reviewed_by", "approved_by", "published_by", "based_on")
        .order_by("-number")
    )
    if not can_see_unpublished(user, unit):
        qs = qs.filter(status=VersionStatus.PUBLISHED)
    periods = published_periods(unit)
    out = []
    for version in qs:
        effective_to = periods.get(version.pk)
        state, label = version_state(version, effective_to, on)
        out.append(VersionInfo(version=version, state=state, state_label=label, effective_to=effective_to))
    return out


def version_info(version: CatalogVersion, on: date | None = None) -> VersionInfo:
    effective_to = published_periods(version.unit).get(version.pk) if version.is_published else None
    state, label = version_state(version, effective_to, on or today())
    return VersionInfo(version=version, state=state, state_label=label, effective_to=effective_to)


def latest_published(unit: Unit) -> CatalogVersion | None:
    return (
        CatalogVersion.objects.filter(unit=unit, status=VersionStatus.PUBLISHED)
        .order_by("-effective_from", "-number")
        .first()
    )


def open_version(unit: Unit) -> CatalogVersion | None:
    return CatalogVersion.objects.filter(unit=unit).exclude(status=VersionStatus.PUBLISHED).first()


def visible_version(user: Any, pk: int, *, public: bool = False) -> CatalogVersion:
    """A version the reader may see, else 404 (versions in progress are not admitted to exist)."""
    version = CatalogVersion.objects.select_related("unit", "based_on").filter(pk=pk).first()
    if version is None:
        raise Http404
    if version.is_published or (not public and can_see_unpublished(user, version.unit)):
        return version
    raise Http404


def open_versions_for(user: Any) -> list[CatalogVersion]:
    """Versions in progress the user's legal staff may work on (their jurisdiction)."""
    from ecoenforce.org.jurisdiction import scope

    qs = scope(CatalogVersion.objects.exclude(status=VersionStatus.PUBLISHED), user, field="unit")
    return [
        v
        for v in qs.select_related("unit", "created_by").order_by("unit__path")
        if can_see_unpublished(user, v.unit)
    ]


def entries_of(version: CatalogVersion) -> list[CatalogEntry]:
    return list(version.entries.order_by("position", "code"))


def units_with_catalog(on: date | None = None) -> list[tuple[Unit, CatalogVersion | None]]:
    """Active units with a catalog in force on `on` (their own or inherited), with their own version."""
    on = on or today()
    own: dict[int, CatalogVersion] = {}
    published = CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED, effective_from__lte=on)
    for version in published.select_related("unit").order_by("effective_from"):
        own[version.unit_id] = version
    roots = [v.unit.path for v in own.values()]
    units = Unit.objects.filter(is_active=True).order_by("path")
    return [(u, own.get(u.pk)) for u in units if any(u.path.startswith(p) for p in roots)]


# ---------------------------------------------------------------- diff


DIFF_FIELDS = (
    ("name", "事项名称"),
    ("action", "调整方式"),
    ("power_type", "职权类型"),
    ("category", "类别"),
    ("legal_basis", "实施依据"),
    ("sanction", "法定罚则"),
    ("implementing_subject", "实施主体"),
    ("first_level", "第一责任层级建议"),
    ("township_delegable", "可委托乡镇实施"),
    ("notes", "备注"),
)


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class DiffItem:
    code: str
    name: str
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class CatalogDiff:
    a: CatalogVersion
    b: CatalogVersion
    added: list[DiffItem]
    removed: list[DiffItem]
    changed: list[DiffItem]
    unchanged: int
    version_reasons: list[tuple[CatalogVersion, str]]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def field_text(entry: CatalogEntry, name: str) -> str:
    value = getattr(entry, name)
    if name == "legal_basis":
        return basis_text(value)
    if name == "sanction":
        return "；".join(sanction_words(value)) if value else "（未录入）"
    if isinstance(value, bool):
        return "是" if value else "否"
    display = getattr(entry, f"get_{name}_display", None)
    return str(display() if display and value else value)


def _changes(old: CatalogEntry, new: CatalogEntry) -> list[FieldChange]:
    return [
        FieldChange(name, label, field_text(old, name), field_text(new, name))
        for name, label in DIFF_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]


def _steps(a: CatalogVersion, b: CatalogVersion) -> list[CatalogVersion]:
    """The versions whose recorded reasons explain a → b: those after a up to b of the same unit."""
    if a.unit_id == b.unit_id and a.number < b.number:
        return list(
            CatalogVersion.objects.filter(
                unit_id=a.unit_id, number__gt=a.number, number__lte=b.number
            ).order_by("number")
        )
    return [b]


def _reasons(steps: list[CatalogVersion]) -> tuple[dict[str, str], dict[str, str]]:
    changed: dict[str, str] = {}
    removed: dict[str, str] = {}
    rows = (
        CatalogEntry.objects.filter(version__in=steps).exclude(change_reason="").order_by("version__number")
    )
    for code, reason in rows.values_list("code", "change_reason"):
        changed[code] = reason
    for step in steps:
        for code, info in (step.removal_reasons or {}).items():
            removed[code] = str(info.get("reason", "")) if isinstance(info, dict) else str(info)
    return changed, removed


def inherited_names(version: CatalogVersion) -> dict[str, str]:
    """Names of the inherited items a refine entry points at (refine entries carry no name)."""
    return {e.code: e.name for e in inherited_catalog(version.unit, version.effective_from).entries}


def _display_names(entries: Iterable[CatalogEntry], version: CatalogVersion) -> dict[str, str]:
    names = {e.code: e.name for e in entries}
    if not all(names.values()):
        inherited = inherited_names(version)
        names = {code: name or inherited.get(code, "") for code, name in names.items()}
    return names


def diff(a: CatalogVersion, b: CatalogVersion) -> CatalogDiff:
    """Items added, removed and changed (field by field) from version a to version b, with reasons."""
    old = {e.code: e for e in entries_of(a)}
    new = {e.code: e for e in entries_of(b)}
    names = {**_display_names(old.values(), a), **_display_names(new.values(), b)}
    steps = _steps(a, b)
    changed_reasons, removed_reasons = _reasons(steps)
    result = CatalogDiff(
        a=a,
        b=b,
        added=[],
        removed=[],
        changed=[],
        unchanged=0,
        version_reasons=[(s, s.change_reason) for s in steps if s.change_reason],
    )
    for code, entry in new.items():
        if code not in old:
            result.added.append(DiffItem(code, names[code], changed_reasons.get(code, "")))
        elif changes := _changes(old[code], entry):
            result.changed.append(DiffItem(code, names[code], changed_reasons.get(code, ""), changes))
        else:
            result.unchanged += 1
    for code in old:
        if code not in new:
            result.removed.append(DiffItem(code, names[code], removed_reasons.get(code, "")))
    return result


def previous_published(version: CatalogVersion) -> CatalogVersion | None:
    """The published version before `version` of the same unit (for the public change log)."""
    if version.effective_from is None:
        return version.based_on
    return (
        CatalogVersion.objects.filter(
            unit_id=version.unit_id, status=VersionStatus.PUBLISHED, effective_from__lt=version.effective_from
        )
        .order_by("-effective_from")
        .first()
    )
