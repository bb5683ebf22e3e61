"""manage.py audit_verify: output and exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_a_holding_chain_exits_0_with_count_rate_and_head(events):
    code, out, err = run()
    assert code == 0 and not err
    assert out.startswith("审计链完整：") and f"已校验 {len(events)} 个事件" in out
    assert "每秒" in out and events[-1].digest in out


def test_quiet_prints_nothing_when_the_chain_holds(events):
    assert run("--quiet") == (0, "", "")


def test_a_broken_chain_exits_1_naming_the_first_broken_event(events, tamper):
    tamper.change(9)
    tamper.delete(20)
    code, out, err = run("--quiet")
    assert code == 1 and not out
    assert "审计链断裂：第 9 号事件：摘要与事件内容不符，事件已被改动" in err


def test_json_output(events, tamper):
    code, out, _ = run("--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["checked"] == len(events) and report["broken_seq"] is None
    tamper.delete(5)
    code, out, _ = run("--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"] and report["broken_seq"] == 5 and "missing" in report["problem"]


def test_from_seq_skips_the_start(events, tamper):
    tamper.change(2)
    assert run("--quiet")[0] == 1
    code, out, _ = run("--from-seq", "3")
    assert code == 0 and f"已校验 {len(events) - 2} 个事件（第 3 至" in out


def test_an_anchor_catches_a_rewritten_chain(events, tamper):
    anchor = f"{events[9].seq}:{events[9].digest}"
    assert run("--anchor", anchor, "--quiet")[0] == 0
    # Rewrite the whole chain from event 5 with correct digests: the chain alone cannot tell.
    from ecoenforce.audit import chain
    from ecoenforce.audit.models import AuditEvent, AuditHead
    from ecoenforce.audit.services import row_of

    prev = AuditEvent.objects.get(seq=4).digest
    for event in AuditEvent.objects.filter(seq__gte=5).order_by("seq"):
        tamper.sql(
            "UPDATE audit_auditevent SET digest = %s WHERE seq = %s", ["tmp" + str(event.seq), event.seq]
        )
    for event in AuditEvent.objects.filter(seq__gte=5).order_by("seq"):
        event.reason = "rewritten" if event.seq == 5 else event.reason
        event.prev_digest = prev
        event.digest = chain.event_digest(row_of(event))
        tamper.sql(
            "UPDATE audit_auditevent SET reason = %s, prev_digest = %s, digest = %s WHERE seq = %s",
            [event.reason, event.prev_digest, event.digest, event.seq],
        )
        prev = event.digest
    AuditHead.objects.filter(id=1).update(digest=prev)
    assert run("--quiet")[0] == 0  # a full rewrite verifies ...
    code, _, err = run("--anchor", anchor)
    assert (
        code == 1 and f"第 {events[9].seq} 号事件：摘要与锚定值" in err
    )  # ... but not the anchor


def test_an_anchor_beyond_the_head_means_events_were_removed(events):
    code, _, err = run("--anchor", f"{len(events) + 5}:{'a' * 64}")
    assert code == 1 and "位于链头" in err and "事件已被删除" in err


@pytest.mark.parametrize("args", [["--from-seq", "0"], ["--anchor", "12"], ["--anchor", "x:abc"]])
def test_bad_arguments_are_refused(db, args):
    with pytest.raises(CommandError) as info:
        call_command("audit_verify", *args)
    assert info.value.returncode == 2


def test_exit_codes_of_the_real_process(tmp_path):
    """The command as an operator runs it, on its own SQLite database: 0, then 1 after tampering."""
    db_file = tmp_path / "audit.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}", "ECOENFORCE_VAR_DIR": str(tmp_path)}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True)
    make = (
        "from django.db import transaction\n"
        "from ecoenforce.audit.services import audit_record\n"
        "for i in range(5):\n"
        "    with transaction.atomic(): audit_record(action='test.cli', reason=str(i))\n"
    )
    subprocess.run([*manage, "shell", "-c", make], env=env, check=True, capture_output=True)
    ok = subprocess.run([*manage, "audit_verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "已校验 5 个事件" in ok.stdout
    with sqlite3.connect(db_file) as conn:
        for sql in (
            "UPDATE audit_auditevent SET reason = 'x' WHERE seq = 3",
            "DELETE FROM audit_auditevent WHERE seq = 5",
            "UPDATE audit_audithead SET seq = 4",
            "DELETE FROM audit_audithead",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="refused"):
                conn.execute(sql)
        conn.execute("DROP TRIGGER audit_event_no_update")  # as the file's owner can
        conn.execute("UPDATE audit_auditevent SET reason = 'x' WHERE seq = 3")
    broken = subprocess.run([*manage, "audit_verify"], env=env, capture_output=True, text=True)
    assert broken.returncode == 1
    assert "第 3 号事件：摘要与事件内容不符" in broken.stderr


def test_a_database_without_the_audit_tables_is_said_in_one_line_exit_2(tmp_path):
    db_file = tmp_path / "empty.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}", "ECOENFORCE_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "audit_verify"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "CommandError: 此数据库中没有审计表（audit_auditevent），请先运行 manage.py migrate"
    ]


def test_keygen_if_missing_makes_the_key_once(settings):
    """make demo runs `audit_checkpoint --keygen --if-missing` every time: the first run makes the key,
    later runs keep it (a new key would orphan the published checkpoints)."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("audit_checkpoint", "--keygen", "--if-missing", stdout=out)
    key = settings.AUDIT_SIGNING_KEY_FILE.read_text()
    assert "已生成签名私钥" in out.getvalue()
    out = StringIO()
    call_command("audit_checkpoint", "--keygen", "--if-missing", stdout=out)
    assert "已存在" in out.getvalue() and settings.AUDIT_SIGNING_KEY_FILE.read_text() == key
