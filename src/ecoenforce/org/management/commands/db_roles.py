"""manage.py db_roles: the PostgreSQL owner role and the application role (docs/operations.md).

The owner owns every table, sequence and function of the schema: migrations run as it. The
application role (web processes and the worker) owns nothing, so it can neither ALTER a table nor
DISABLE its triggers; it may read and write business tables, but only SELECT and INSERT the audit
events and SELECT, INSERT and UPDATE the audit head (whose trigger lets it move only forward). Run
it as a superuser after `migrate`, and again after any migration that adds tables (idempotent).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
AUDIT_GRANTS = {
    "audit_auditevent": "SELECT, INSERT",
    "audit_audithead": "SELECT, INSERT, UPDATE",
}
APP_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"


def _role_sql(name: str, attributes: str, password: str | None) -> list[tuple[str, list[Any]]]:
    quoted = connection.ops.quote_name(name)
    # `name` matched _NAME (letters, digits, underscore), so it is safe inside the literal.
    create = (
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + name + "') "  # noqa: S608
        "THEN CREATE ROLE " + quoted + "; END IF; END $$"
    )
    statements: list[tuple[str, list[Any]]] = [(create, []), (f"ALTER ROLE {quoted} {attributes}", [])]
    if password:
        statements.append((f"ALTER ROLE {quoted} PASSWORD %s", [password]))
    return statements


def plan(
    owner: str, app: str, owner_password: str | None, app_password: str | None
) -> list[tuple[str, list[Any]]]:
    """Every statement, in order (printed by --dry-run)."""
    q_owner, q_app = connection.ops.quote_name(owner), connection.ops.quote_name(app)
    owner_attrs = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    steps = _role_sql(owner, owner_attrs, owner_password) + _role_sql(app, APP_ATTRIBUTES, app_password)
    steps.append((f"REVOKE {q_owner} FROM {q_app}", []))  # never a member: it would inherit ownership
    steps += [(sql, []) for sql in _ownership(q_owner)]
    steps += [
        (f"GRANT USAGE ON SCHEMA public TO {q_app}", []),
        (f"REVOKE CREATE ON SCHEMA public FROM {q_app}", []),
        (f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q_app}", []),
        (f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q_app}", []),
        (
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {q_owner} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q_app}",
            [],
        ),
        (
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {q_owner} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {q_app}",
            [],
        ),
    ]
    for table, grants in AUDIT_GRANTS.items():
        steps.append((f"REVOKE ALL ON {table} FROM {q_app}", []))
        steps.append((f"GRANT {grants} ON {table} TO {q_app}", []))
    return steps


def _ownership(q_owner: str) -> list[str]:
    """ALTER … OWNER for every table, view, sequence (not owned by a column) and function of public."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relkind, quote_ident(c.relname) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))"
            " ORDER BY c.relname"
        )
        relations = cur.fetchall()
        cur.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = 'public' ORDER BY 1"
        )
        functions = [r[0] for r in cur.fetchall()]
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    statements = [f"ALTER {kinds[kind]} {name} OWNER TO {q_owner}" for kind, name in relations]
    statements += [f"ALTER FUNCTION {fn} OWNER TO {q_owner}" for fn in functions]
    return statements


class Command(BaseCommand):
    help = "创建 PostgreSQL 属主角色与应用角色并授权：应用角色不拥有任何表，不能改动或停用审计表的触发器。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", default="ecoenforce_owner", help="属主角色名（运行迁移）")
        parser.add_argument("--app", default="ecoenforce_app", help="应用角色名（网页进程与后台任务进程）")
        parser.add_argument("--owner-password", default=None, help="属主角色口令（不填则不改）")
        parser.add_argument("--app-password", default=None, help="应用角色口令（不填则不改）")
        parser.add_argument("--dry-run", action="store_true", help="只打印将执行的语句")

    def handle(self, *args: Any, **opts: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("db_roles 只用于 PostgreSQL（SQLite 没有数据库角色）。")
        owner, app = opts["owner"], opts["app"]
        if not (_NAME.match(owner) and _NAME.match(app)) or owner == app:
            raise CommandError("角色名须为小写字母、数字、下划线，且属主与应用角色不同。")
        steps = plan(owner, app, opts["owner_password"], opts["app_password"])
        if opts["dry_run"]:
            for sql, params in steps:
                self.stdout.write(sql.replace("%s", "'***'") if params else sql)
            return
        with transaction.atomic(), connection.cursor() as cur:
            for sql, params in steps:
                cur.execute(sql, params or None)
        self.stdout.write(
            f"已设置：属主角色 {owner} 拥有全部表；应用角色 {app} 不拥有任何对象，"
            f"审计事件表仅可查询与追加。共执行 {len(steps)} 条语句。"
        )
