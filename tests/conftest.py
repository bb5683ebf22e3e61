"""Shared fixtures: a small world of units and one user per role in each, and the browser setup."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

# Django's live_server with Playwright's sync API runs in an event loop thread (STACK-NOTES).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Test-Passw0rd!"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_ADMIN_TOTP = False
    settings.AXES_ENABLED = True


def _empty_audit_table() -> None:
    """Empty the audit table as its owner would, so Django's flush (TRUNCATE) can run on PostgreSQL:
    the append-only trigger lets TRUNCATE through only when the table is already empty."""
    from django.db import connection, transaction

    from ecoenforce.audit import guard

    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("RESET ROLE")  # tests/audit may run as the application role
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            guard.sqlite_drop(cur)  # SQLite refuses DELETE too (audit/0004); its owner drops the guard
        cur.execute("DELETE FROM audit_auditevent")
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            guard.sqlite_create(cur)


@pytest.fixture(autouse=True)
def _audit_flushable(request: pytest.FixtureRequest) -> Any:
    """Transactional and live-server tests end with a flush; empty the audit table just before it."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    transactional_mark = bool(marker and marker.kwargs.get("transaction"))
    if not transactional_mark and not names & {"transactional_db", "live_server", "committed_world"}:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down after this fixture
    yield
    _empty_audit_table()


@pytest.fixture
def committed_world(transactional_db: Any) -> Any:
    """The standard world, committed, so a live server (another thread) sees it."""
    from tests.factories import make_world

    return make_world()


@pytest.fixture
def world(db: Any) -> Any:
    from tests.factories import make_world

    return make_world()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"Chromium not found at {CHROMIUM}: .ci/run installs Debian's chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True)
def _audit_checkpoint_files(
    settings: Any, tmp_path_factory: pytest.TempPathFactory, monkeypatch: Any
) -> None:
    """Each test its own checkpoint file and keys (never the developer's var/audit)."""
    where = tmp_path_factory.mktemp("audit")
    settings.AUDIT_CHECKPOINT_FILE = where / "checkpoints.jsonl"
    settings.AUDIT_PUBLIC_KEY_FILE = where / "public_keys.txt"
    settings.AUDIT_SIGNING_KEY_FILE = where / "signing.key"
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)
