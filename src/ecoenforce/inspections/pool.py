"""The pools of a unit (一单两库): the entity directory by supervision class and the officer
directory (officers with a certificate valid today), plus recusals — as rows for draw.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from ecoenforce.entities.models import Entity, EntityStatus
from ecoenforce.inspections import draw
from ecoenforce.inspections.frequency import effective as minimum_frequency
from ecoenforce.inspections.models import (
    PositiveEffect,
    PositiveListEntry,
    PositiveStatus,
    RecusalDeclaration,
    SupervisionSettings,
)
from ecoenforce.inspections.models_work import Inspection, InspectionStatus
from ecoenforce.org.models import EnforcementCertificate, RoleGrant, Unit, User
from ecoenforce.org.roles import Role


def officer_code(certificate_number: str) -> str:
    """The id an officer has in published draws: no name, stable across databases (docs/draw.md §2)."""
    return draw.sm3_hex(f"officer|{certificate_number}".encode())[:16]


def township_code(division_code: str) -> str:
    return division_code[:9] if len(division_code) >= 9 else ""


@dataclass
class Pool:
    entities: list[list[str]] = field(default_factory=list)
    officers: list[list[str]] = field(default_factory=list)
    recusals: list[list[str]] = field(default_factory=list)
    officer_users: dict[str, int] = field(default_factory=dict)  # officer code → user id
    entity_ids: dict[str, int] = field(default_factory=dict)  # uscc → entity id
    positive_excluded: int = 0
    due: list[str] = field(default_factory=list)  # usccs overdue under the minimum frequency

    def as_json(self) -> dict[str, list[Any]]:
        return {
            "entities": self.entities,
            "officers": self.officers,
            "recusals": self.recusals,
            "due": self.due,
        }


def unit_settings(unit: Unit) -> SupervisionSettings:
    """The unit's own settings, or the nearest superior's, or the defaults (unsaved)."""
    for u in reversed([*unit.ancestors(), unit]):
        found = SupervisionSettings.objects.filter(unit=u).first()
        if found:
            return found
    return SupervisionSettings(unit=unit)


def positive_entity_ids(unit: Unit) -> set[int]:
    return set(
        PositiveListEntry.objects.filter(
            status=PositiveStatus.PUBLISHED, entity__owner_unit__path__startswith=unit.path
        ).values_list("entity_id", flat=True)
    )


def officers_of(unit: Unit, day: date) -> dict[str, User]:
    """Officers of the unit's subtree with a certificate valid on `day`: code → user."""
    ids = RoleGrant.objects.filter(
        role=Role.OFFICER, user__unit__path__startswith=unit.path, user__is_active=True
    ).values_list("user_id", flat=True)
    certs = (
        EnforcementCertificate.objects.filter(
            officer_id__in=ids, revoked=False, valid_from__lte=day, valid_to__gte=day
        )
        .select_related("officer__unit")
        .order_by("officer_id", "-valid_to")
    )
    out: dict[str, User] = {}
    seen: set[int] = set()
    for cert in certs:
        if cert.officer_id not in seen:
            seen.add(cert.officer_id)
            out[officer_code(cert.number)] = cert.officer
    return out


def build_pool(unit: Unit, day: date) -> Pool:
    pool = Pool()
    conf = unit_settings(unit)
    positive = positive_entity_ids(unit)
    weight = format(Decimal(conf.positive_weight).normalize(), "f")
    rows = (
        Entity.objects.filter(owner_unit__path__startswith=unit.path)
        .exclude(status=EntityStatus.CLOSED)
        .values_list("id", "uscc", "supervision_class", "division_code", "created_at")
    )
    overdue = _overdue_since(unit, day)
    last = _last_inspected(unit) if overdue else {}
    for pk, uscc, stratum, division, created in rows:
        since = overdue.get(stratum)
        if since is not None and pk not in positive and (last.get(pk) or created) < since:
            pool.due.append(uscc)
        w = "1"
        if pk in positive:
            if conf.positive_effect == PositiveEffect.EXCLUDED:
                pool.positive_excluded += 1
                continue
            w = weight
        pool.entities.append([uscc, stratum, w, township_code(division)])
        pool.entity_ids[uscc] = pk
    officers = officers_of(unit, day)
    user_code = {u.pk: code for code, u in officers.items()}
    for code, user in officers.items():
        pool.officers.append([code, township_code(user.unit.division_code) if user.unit else ""])
        pool.officer_users[code] = user.pk
    uscc_of = {pk: uscc for uscc, pk in pool.entity_ids.items()}
    pairs = set()
    for officer_id, entity_id in RecusalDeclaration.objects.filter(
        officer_id__in=user_code, entity_id__in=uscc_of
    ).values_list("officer_id", "entity_id"):
        pairs.add((user_code[officer_id], uscc_of[entity_id]))
    pairs |= _last_time(uscc_of, user_code)
    pool.recusals = sorted([list(p) for p in pairs])
    return pool


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the last day of that month when it is shorter)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _overdue_since(unit: Unit, day: date) -> dict[str, datetime]:
    """Stratum → the moment before which the last inspection makes an entity due (the minimum frequency
    in force for the unit: the defaults file's, or a stricter one of the unit or a superior)."""
    tz = timezone.get_current_timezone()
    return {
        stratum: datetime.combine(months_before(day, rule.months), datetime.min.time(), tz)
        for stratum, rule in minimum_frequency(unit, day).items()
    }


def _last_inspected(unit: Unit) -> dict[int, datetime]:
    """Entity id → its latest completed inspection (the minimum-frequency clock)."""
    done = Inspection.objects.filter(
        entity__owner_unit__path__startswith=unit.path,
        status__in=[InspectionStatus.SUBMITTED, InspectionStatus.PUBLISHED],
        inspected_at__isnull=False,
    )
    return dict(done.values("entity_id").annotate(last=Max("inspected_at")).values_list("entity_id", "last"))


def _last_time(uscc_of: dict[int, str], user_code: dict[int, str]) -> set[tuple[str, str]]:
    """The officers of each entity's latest completed inspection (must not inspect it again)."""
    latest: dict[int, int] = {}
    done = (
        Inspection.objects.filter(
            entity_id__in=uscc_of, status__in=[InspectionStatus.SUBMITTED, InspectionStatus.PUBLISHED]
        )
        .order_by("entity_id", "-inspected_at", "-id")
        .values_list("entity_id", "id")
    )
    for entity_id, inspection_id in done:
        latest.setdefault(entity_id, inspection_id)
    through = Inspection.officers.through.objects.filter(inspection_id__in=latest.values())
    by_inspection = {v: k for k, v in latest.items()}
    return {
        (user_code[uid], uscc_of[by_inspection[iid]])
        for iid, uid in through.values_list("inspection_id", "user_id")
        if uid in user_code
    }
