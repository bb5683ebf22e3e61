"""Reads of units and people, always within the reader's jurisdiction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from ecoenforce.org.jurisdiction import scope, visible_units
from ecoenforce.org.models import ApiToken, EnforcementCertificate, RoleGrant, Training, Unit, User
from ecoenforce.org.roles import Role

EXPIRING_DAYS = 60


def units_for(user: Any) -> QuerySet[Unit]:
    return visible_units(user)


@dataclass
class TreeNode:
    unit: Unit
    depth: int
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(user: Any) -> list[TreeNode]:
    """The units in the jurisdiction, depth-first, siblings by division code then name."""
    units = list(units_for(user).select_related("parent"))
    ids = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for u in units:
        children[u.parent_id if u.parent_id in ids else None].append(u)
    out: list[TreeNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for u in sorted(children[parent_id], key=lambda x: (x.division_code, x.name)):
            out.append(TreeNode(u, depth))
            walk(u.pk, depth + 1)

    walk(None, 0)
    return out


def people_for(user: Any) -> QuerySet[User]:
    qs = scope(User.objects.select_related("unit"), user, field="unit")
    return qs.order_by("unit__path", "username")


def accounts_for(user: Any, *, q: str = "", unit_id: int | None = None,
                 active: bool | None = None) -> QuerySet[User]:
    """Accounts in the jurisdiction with their role grants, for the account and role pages."""
    grants = Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role"))
    qs = people_for(user).prefetch_related(grants)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(real_name__icontains=q))
    if unit_id:
        unit = units_for(user).filter(pk=unit_id).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def role_labels(user: User) -> list[str]:
    """Role names from prefetched grants (no query when `role_grants` was prefetched)."""
    return [Role(g.role).label for g in user.role_grants.all()]


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of `usernames` are locked out now by django-axes (failures within the cool-off period)."""
    from axes.models import AccessAttempt

    names = list(usernames)
    if not names:
        return set()
    qs = AccessAttempt.objects.filter(username__in=names)
    cool_off = get_cool_off()
    if cool_off is not None:
        qs = qs.filter(attempt_time__gte=timezone.now() - cool_off)
    totals = qs.values("username").annotate(n=Sum("failures_since_start"))
    return {row["username"] for row in totals if row["n"] >= settings.AXES_FAILURE_LIMIT}


def tokens_for(user: Any) -> QuerySet[ApiToken]:
    return scope(ApiToken.objects.select_related("user", "user__unit"), user, field="user__unit").order_by(
        "revoked", "-created_at"
    )


# ------------------------------------------------------------------------------ certificates, people


class CertStatus:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    PENDING = "pending"
    NONE = "none"
    LABELS: ClassVar[dict[str, str]] = {
        VALID: "有效",
        EXPIRING: f"{EXPIRING_DAYS}天内到期",
        EXPIRED: "已过期",
        PENDING: "未生效",
        NONE: "无执法证",
    }


def current_certificate(certs: Iterable[EnforcementCertificate],
                        today: date) -> EnforcementCertificate | None:
    """The certificate that counts today: a valid one ending last; else the latest one."""
    live = [c for c in certs if not c.revoked]
    valid = [c for c in live if c.valid_from <= today <= c.valid_to]
    pool = valid or live
    return max(pool, key=lambda c: (c.valid_to, c.pk)) if pool else None


def certificate_status(cert: EnforcementCertificate | None, today: date) -> str:
    if cert is None:
        return CertStatus.NONE
    if cert.valid_to < today:
        return CertStatus.EXPIRED
    if cert.valid_from > today:
        return CertStatus.PENDING
    if (cert.valid_to - today).days <= EXPIRING_DAYS:
        return CertStatus.EXPIRING
    return CertStatus.VALID


@dataclass
class PersonRow:
    person: User
    roles: list[str]
    certificate: EnforcementCertificate | None
    status: str
    days_left: int | None
    training_count: int
    training_hours: Decimal

    @property
    def status_label(self) -> str:
        return CertStatus.LABELS[self.status]


def people_rows(user: Any, *, today: date | None = None, q: str = "", unit_id: int | None = None,
                role: str = "", status: str = "") -> list[PersonRow]:
    """Active people in the jurisdiction with their certificate status and this year's trainings."""
    today = today or timezone.localdate()
    qs = accounts_for(user, q=q, unit_id=unit_id, active=True).prefetch_related(
        Prefetch("certificates", queryset=EnforcementCertificate.objects.filter(revoked=False)),
        Prefetch("trainings", queryset=Training.objects.filter(revoked=False, held_on__year=today.year),
                 to_attr="trainings_this_year"),
    )
    if role:
        qs = qs.filter(role_grants__role=role).distinct()
    rows = []
    for person in qs:
        cert = current_certificate(person.certificates.all(), today)
        row_status = certificate_status(cert, today)
        if status and row_status != status:
            continue
        trainings = person.trainings_this_year
        rows.append(PersonRow(
            person=person, roles=role_labels(person), certificate=cert, status=row_status,
            days_left=(cert.valid_to - today).days if cert else None,
            training_count=len(trainings), training_hours=sum((t.hours for t in trainings), Decimal(0)),
        ))
    return rows


def person_for(user: Any, pk: int) -> User | None:
    return people_for(user).filter(pk=pk).first()


def certificates_of(person: User) -> QuerySet[EnforcementCertificate]:
    return person.certificates.order_by("-valid_to")


def trainings_of(person: User) -> QuerySet[Training]:
    return person.trainings.order_by("revoked", "-held_on")


def certificate_for(user: Any, pk: int) -> EnforcementCertificate | None:
    qs = scope(EnforcementCertificate.objects.select_related("officer", "officer__unit"), user,
               field="officer__unit")
    return qs.filter(pk=pk).first()


def training_for(user: Any, pk: int) -> Training | None:
    qs = scope(Training.objects.select_related("officer", "officer__unit"), user, field="officer__unit")
    return qs.filter(pk=pk).first()


def certificates_expiring(user: Any, *, within_days: int = EXPIRING_DAYS, today: date | None = None,
                          include_expired: bool = True) -> QuerySet[EnforcementCertificate]:
    """Certificates of active people ending within `within_days` (and, by default, those already expired).

    A certificate is left out when its holder already has a later one (it has been renewed).
    """
    today = today or timezone.localdate()
    qs = scope(EnforcementCertificate.objects.select_related("officer", "officer__unit"), user,
               field="officer__unit")
    renewed = EnforcementCertificate.objects.filter(
        officer=OuterRef("officer"), revoked=False, valid_to__gt=OuterRef("valid_to")
    )
    qs = qs.filter(revoked=False, officer__is_active=True, valid_to__lte=today + timedelta(days=within_days))
    if not include_expired:
        qs = qs.filter(valid_to__gte=today, valid_from__lte=today)
    return qs.exclude(Exists(renewed)).order_by("valid_to", "number")
