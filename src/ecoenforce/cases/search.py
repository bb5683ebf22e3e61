"""Chinese full-text search on both databases, over the same jieba tokens.

`tokens(text)` cuts with jieba (search mode, with the domain dictionary data/jieba_dict.txt) and
keeps runs of Chinese characters or of ASCII letters/digits, lower-cased — forms PostgreSQL's
parser leaves whole, so `to_tsvector('simple', search_text)` (GIN-indexed) holds exactly these
tokens. SQLite indexes the same text in an FTS5 table (cases_case_fts, external content kept in
step by triggers, migration 0005) whose unicode61 tokenizer splits only on the spaces we put in —
so it holds exactly these tokens too. A case matches when every query token is one of its tokens:
the same result on both databases.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

DICT = Path(__file__).parent / "data" / "jieba_dict.txt"
_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
MAX_QUERY_TOKENS = 12


@functools.cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(60)
    jieba.load_userdict(str(DICT))
    return jieba


def token_list(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for piece in _jieba().cut_for_search(str(text or "").lower()):
        for run in _RUN.findall(piece):
            seen.setdefault(run, None)
    return list(seen)


def tokens(text: str) -> str:
    """The text stored in Case.search_text: unique tokens, space-separated and space-padded."""
    found = token_list(text)
    return f" {' '.join(found)} " if found else ""


FTS_TRIGGERS = {
    "cases_case_fts_ai": "AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "cases_case_fts_ad": "AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "cases_case_fts_au": "AFTER UPDATE OF search_text ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
}


def ensure_sqlite_fts(conn: Any) -> bool:
    """Create the FTS5 table and its triggers where missing and rebuild the index then; True if it
    had to. Run by migration 0005 and after every migrate: SQLite's ALTER of cases_case (Django
    remakes the table) drops the triggers with the old table, and the index must not go stale."""
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE name LIKE 'cases_case_fts%%'")
        present = {row[0] for row in cur.fetchall()}
        cur.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='cases_case'")
        if cur.fetchone() is None:
            return False
        missing = [n for n in ("cases_case_fts", *FTS_TRIGGERS) if n not in present]
        if not missing:
            return False
        cur.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS cases_case_fts USING fts5("
            "search_text, content='cases_case', content_rowid='id', tokenize='unicode61')"
        )
        for name, body in FTS_TRIGGERS.items():
            cur.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        cur.execute("INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')")
    return True


def matching(qs: QuerySet[Any], query: str, field: str = "search_text") -> QuerySet[Any]:
    words = token_list(query)[:MAX_QUERY_TOKENS]
    if not words:
        return qs
    if connection.vendor == "postgresql":
        table = qs.model._meta.db_table
        sql = f"to_tsvector('simple', \"{table}\".\"{field}\") @@ plainto_tsquery('simple', %s)"
        # the table and field names are ours; the query text is a parameter
        return qs.filter(RawSQL(sql, [" ".join(words)], output_field=BooleanField()))  # noqa: S611
    if (qs.model._meta.db_table, field) != ("cases_case", "search_text"):
        raise ValueError(f"no FTS5 index for {qs.model._meta.db_table}.{field}")
    # each token a quoted FTS5 string (tokens are CJK or [a-z0-9] runs: no quote to escape); AND
    expr = " ".join(f'"{w}"' for w in words)
    fts = "SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s"
    return qs.filter(pk__in=RawSQL(fts, [expr]))  # noqa: S611
