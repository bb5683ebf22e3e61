"""The consistency report's reads: the recorded decisions a user may see, streamed, recomputed and
aggregated (catalog.consistency does the pure part).

The database groups identical decisions (same unit, officer, item, input, conclusion, amounts,
reason or not) and the groups are streamed with a server-side cursor (``QuerySet.iterator``) as
plain tuples.  The JSON inputs do not travel with every row: they are keyed by a 64-bit
``jsonb_hash_extended`` on PostgreSQL (a collision needs two different fact sets of the same item
with equal hashes — about 10⁻¹¹ for ten thousand distinct fact sets), and read as text once per
distinct input; on SQLite the key is the text itself.  On PostgreSQL the report can also be split
over worker processes by primary-key range (``workers``); the partial reports are merged.
Measured with bench/bench_consistency.py (1,000,000 decisions).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast

from ecoenforce.org.jurisdiction import visible_units
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.penalty import catalog_items
from ecoenforce.penalty.engine.consistency import (
    ROW_FIELDS,
    Benchmark,
    BenchmarkCache,
    ConsistencyReport,
    Flagged,
    engine_benchmark,
)
from ecoenforce.penalty.models import DecidedPenalty
from ecoenforce.penalty.params import legal_parameter_values

CHUNK = 10_000


@dataclass(frozen=True)
class ConsistencyFilters:
    unit: Unit | None = None  # the unit and its subtree
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    item_code: str = ""


@dataclass
class ConsistencyResult:
    report: ConsistencyReport
    filters: ConsistencyFilters
    units: dict[int, Unit] = field(default_factory=dict)
    officers: dict[int, User] = field(default_factory=dict)
    item_names: dict[str, str] = field(default_factory=dict)
    distinct_inputs: int = 0
    flagged: list[Flagged] = field(default_factory=list)  # the kept ones, with their decision dates


def decisions(user: Any, filters: ConsistencyFilters) -> QuerySet[DecidedPenalty]:
    """Recorded decisions in the user's jurisdiction matching the filters (Refused outside it)."""
    authorize(user, "catalog.consistency_report", action="catalog.consistency_report")
    # The jurisdiction as a list of unit ids (the units' subtree and granted units): the planner then
    # filters the decisions by an index-friendly IN list instead of joining a million rows to units.
    units = visible_units(user)
    if filters.unit is not None:
        if not units.filter(pk=filters.unit.pk).exists():
            raise Refused("该单位不在您的辖区内", action="catalog.consistency_report", target=filters.unit)
        units = units.filter(path__startswith=filters.unit.path)
    qs = DecidedPenalty.objects.filter(unit_id__in=list(units.values_list("pk", flat=True)))
    if filters.date_from is not None:
        qs = qs.filter(decided_on__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(decided_on__lte=filters.date_to)
    if filters.item_code:
        qs = qs.filter(item_code=filters.item_code)
    return qs


class JsonKey(Func):
    """A compact key of a JSON column for grouping: jsonb_hash_extended (64 bits) on PostgreSQL, where
    casting a million documents to text and sending them costs most of the report; the text elsewhere
    (SQLite stores JSON as text)."""

    output_field = TextField()

    def __init__(self, column: str, seed: int) -> None:
        super().__init__(F(column), template=f"jsonb_hash_extended(%(expressions)s, {int(seed)})")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return Cast(self.source_expressions[0], TextField()).as_sql(compiler, connection, **extra)


GROUP = (
    "unit_id",
    "officer_id",
    "item_code",
    "decision",
    "decided_amount",
    "engine_amount",
    "has_reason",
    "rule_set_id",
    "sanction_key",
    "facts_key",
)


def _keyed(qs: QuerySet[DecidedPenalty]) -> QuerySet[DecidedPenalty]:
    return qs.order_by().annotate(
        has_reason=ExpressionWrapper(~Q(reason=""), output_field=BooleanField()),
        sanction_key=JsonKey("sanction", 1),
        facts_key=JsonKey("facts", 2),
    )


def _rows(qs: QuerySet[DecidedPenalty]) -> Iterator[tuple[Any, ...]]:
    """Identical decisions grouped by the database, as tuples in ROW_FIELDS order (latest pk … count)."""
    grouped = _keyed(qs).values(*GROUP).annotate(last=Max("pk"), n=Count("pk")).order_by()
    names = ["last", *GROUP[:7], "rule_set_id", "sanction_key", "facts_key", "n"]
    assert len(names) == len(ROW_FIELDS)
    rows: Iterator[tuple[Any, ...]] = grouped.values_list(*names).iterator(chunk_size=CHUNK)
    return rows


def _texts(pk: int) -> tuple[str, str] | None:
    """The recorded JSON input of one decision as text (sanction, facts)."""
    qs = DecidedPenalty.objects.filter(pk=pk).annotate(
        st=Cast("sanction", TextField()), ft=Cast("facts", TextField())
    )
    row = qs.values_list("st", "ft").first()
    return None if row is None else (row[0], row[1])


def _cache() -> BenchmarkCache:
    """The engine per distinct input. With text keys (SQLite) the keys are the input; with hash keys
    (PostgreSQL) the texts are read once per distinct input from a row that has them."""
    reg = catalog_items.registry()
    values = legal_parameter_values("discretion.")
    rule_sets = {rid: catalog_items.resolve_rule_set(rid, None, values) for rid in reg.ids()}
    compute = engine_benchmark(
        {k: v for k, v in rule_sets.items() if v is not None}, catalog_items.exemption_list_for
    )

    def by_key(item_code: str, rule_set_id: str, sanction_key: Any, facts_key: Any, pk: int) -> Benchmark:
        if isinstance(sanction_key, str) and isinstance(facts_key, str):
            return compute(item_code, rule_set_id, sanction_key, facts_key)
        texts = _texts(pk)
        if texts is None:
            return Benchmark("", Decimal(0), "记录的计算输入无法读取")
        return compute(item_code, rule_set_id, *texts)

    return BenchmarkCache(by_key)


def build_report(
    qs: QuerySet[DecidedPenalty], *, keep: int = 200, workers: int = 1
) -> tuple[ConsistencyReport, int]:
    """The report over `qs` and the number of distinct engine inputs; parallel on PostgreSQL."""
    if workers > 1 and connection.vendor == "postgresql":
        return _parallel(qs, keep, workers)
    report = ConsistencyReport(keep=keep)
    with transaction.atomic():  # one snapshot; the server-side cursor lives in the transaction
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                # A cursor makes the planner favour a fast first row (a sorted GroupAggregate, 3× slower
                # here): the report reads every row, so plan for the whole result (HashAggregate).
                cur.execute("SET LOCAL cursor_tuple_fraction = 1.0")
                cur.execute("SET LOCAL work_mem = '64MB'")
        cache = _cache()
        report.add_rows(_rows(qs), cache)
    return report, len(cache)


def _part(args: tuple[Any, int, int, int]) -> tuple[ConsistencyReport, int]:
    query, low, high, keep = args
    qs = DecidedPenalty.objects.all()
    qs.query = query  # a pickled QuerySet would carry its evaluated rows; its query does not
    try:
        return build_report(qs.filter(pk__gte=low, pk__lt=high), keep=keep)
    finally:
        connections.close_all()


def _parallel(qs: QuerySet[DecidedPenalty], keep: int, workers: int) -> tuple[ConsistencyReport, int]:
    bounds = qs.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return ConsistencyReport(keep=keep), 0
    low, high = bounds["low"], bounds["high"] + 1
    step = max(1, -(-(high - low) // workers))
    parts = [(qs.query, start, min(start + step, high), keep) for start in range(low, high, step)]
    connections.close_all()  # the children open their own connections
    report, inputs = ConsistencyReport(keep=keep), 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for part, n in pool.map(_part, parts):
            report.merge(part)
            inputs += n
    return report, inputs


def consistency_report(
    user: Any, filters: ConsistencyFilters, *, keep: int = 200, workers: int = 1
) -> ConsistencyResult:
    """The consistency report over the decisions `user` may see, with the names to show."""
    report, inputs = build_report(decisions(user, filters), keep=keep, workers=workers)
    unit_ids = set(report.by_unit) | {f.unit_id for f in report.flagged}
    officer_ids = set(report.by_officer)
    source = catalog_items.items_for(getattr(user, "unit", None), dt.date.today())
    known = {i.code: i.name for i in source.items}
    names = {code: known[code] for code in report.by_item if code in known}
    missing = [code for code in report.by_item if code not in names]
    if missing:
        rows = (
            DecidedPenalty.objects.filter(item_code__in=missing)
            .values("item_code")
            .annotate(name=Max("item_name"))
            .order_by()
        )
        names.update({r["item_code"]: r["name"] for r in rows})
    flagged = report.flagged
    dates = dict(
        DecidedPenalty.objects.filter(pk__in=[f.pk for f in flagged]).values_list("pk", "decided_on")
    )
    return ConsistencyResult(
        report=report,
        filters=filters,
        units=Unit.objects.in_bulk(unit_ids),
        officers=User.objects.in_bulk(officer_ids),
        item_names=names,
        distinct_inputs=inputs,
        flagged=[replace(f, decided_on=dates.get(f.pk)) for f in flagged],
    )
