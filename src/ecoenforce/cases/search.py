"""Chinese full-text search on both databases, over the same jieba tokens.

`tokens(text)` cuts with jieba (search mode, with the domain dictionary data/jieba_dict.txt) and
keeps runs of Chinese characters or of ASCII letters/digits, lower-cased — forms PostgreSQL's
parser leaves whole, so `to_tsvector('simple', search_text)` (GIN-indexed) holds exactly these
tokens. SQLite matches the same tokens with LIKE over the space-padded text. A case matches when
every query token is one of its tokens: the same result on both databases.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
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


def matching(qs: QuerySet[Any], query: str, field: str = "search_text") -> QuerySet[Any]:
    words = token_list(query)[:MAX_QUERY_TOKENS]
    if not words:
        return qs
    if connection.vendor == "postgresql":
        table = qs.model._meta.db_table
        sql = f"to_tsvector('simple', \"{table}\".\"{field}\") @@ plainto_tsquery('simple', %s)"
        # the table and field names are ours; the query text is a parameter
        return qs.filter(RawSQL(sql, [" ".join(words)], output_field=BooleanField()))  # noqa: S611
    q = Q()
    for word in words:
        q &= Q(**{f"{field}__contains": f" {word} "})
    return qs.filter(q)
