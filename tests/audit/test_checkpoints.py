"""Signed checkpoints: SM2 against GB/T 32918.2's own example, the periodic job, and audit_verify
catching a rewritten history (digests and head recomputed) against a checkpoint kept outside."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from ecoenforce.audit import anchoring, chain
from ecoenforce.audit import checkpoint as cp
from ecoenforce.audit.models import AuditEvent, AuditHead
from ecoenforce.audit.services import audit_record, row_of
from ecoenforce.audit.tasks import checkpoint_task
from ecoenforce.worker.inline import run_queued
from tests.audit.conftest import make_events
from tests.audit.test_command import run

# GB/T 32918.2-2016 Annex A.2 (= GM/T 0003.2-2012): the Fp-256 test curve, the signer ALICE.
TEST_CURVE = {
    "p": "8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3",
    "a": "787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498",
    "b": "63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A",
    "g": "421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D"
    "0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2",
    "n": "8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7",
}
ALICE = b"ALICE123@YAHOO.COM"
D_A = "128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263"
K = "6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F"
R_S = (
    "40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1"
    "6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7"
).lower()


def test_sm2_reproduces_the_standards_example():
    public = cp.public_key_of(D_A, TEST_CURVE)
    assert public == (
        "0ae4c7798aa0f119471bee11825be46202bb79e2a5844495e97c04ff4df2548a"
        "7c0240f88f1cd4e16352a73c17b7f16f07353e53a176d684a9fe0c6bb798e857"
    )
    z = cp.signer_z(public, ALICE, TEST_CURVE)
    assert z.hex() == "f4a38489e32b45b6f876e3ac2168ca392362dc8f23459c1d1146fc3dbfb7bc9a"
    sig = cp.sm2_sign(b"message digest", D_A, signer_id=ALICE, curve=TEST_CURVE, k=K)
    assert sig == R_S
    assert cp.sm2_verify(b"message digest", sig, public, signer_id=ALICE, curve=TEST_CURVE)
    assert not cp.sm2_verify(b"message digest!", sig, public, signer_id=ALICE, curve=TEST_CURVE)
    assert not cp.sm2_verify(b"message digest", sig, public, signer_id=b"BOB", curve=TEST_CURVE)


def test_a_checkpoint_verifies_and_any_change_is_refused():
    key = cp.generate_private_key()
    good = cp.make_checkpoint(7, "ab" * 32, "2026-12-01T00:00:00.000000Z", key)
    keys = {good.key_id: cp.public_key_of(key)}
    cp.verify_checkpoint(good, keys)
    for changed in (
        cp.Checkpoint(8, good.digest, good.time, good.key_id, good.signature),
        cp.Checkpoint(7, "cd" * 32, good.time, good.key_id, good.signature),
        cp.Checkpoint(7, good.digest, "2026-12-01T00:00:01.000000Z", good.key_id, good.signature),
        cp.Checkpoint(7, good.digest, good.time, good.key_id, "0" * 128),
    ):
        with pytest.raises(cp.CheckpointError, match="signature does not verify"):
            cp.verify_checkpoint(changed, keys)
    other = cp.generate_private_key()
    with pytest.raises(cp.CheckpointError, match="unknown key"):
        cp.verify_checkpoint(cp.make_checkpoint(7, good.digest, good.time, other), keys)


def test_malformed_checkpoint_files_are_refused_with_the_line():
    with pytest.raises(cp.CheckpointError, match="line 2"):
        line = '{"seq":1,"digest":"' + "0" * 64 + '","time":"t","key_id":"k","signature":"s"}'
        cp.parse_lines(line + "\nnot json")
    with pytest.raises(cp.CheckpointError, match="lacks a field"):
        cp.parse_lines('{"seq": 1}')


@pytest.fixture
def signer(settings):
    anchoring.keygen()
    return anchoring.signing_key()


def test_the_periodic_job_signs_every_m_events_and_every_n_minutes(db, settings, signer):
    settings.AUDIT_CHECKPOINT_EVENTS = 10
    settings.AUDIT_CHECKPOINT_MINUTES = 10
    make_events(3)
    checkpoint_task.enqueue()
    run_queued()
    first = anchoring.last_checkpoint()
    assert first is not None and first.seq == AuditHead.objects.get().seq == 3
    checkpoint_task.enqueue()
    run_queued()
    assert len(anchoring.read_checkpoints()) == 1  # nothing due yet
    make_events(10)
    checkpoint_task.enqueue()
    run_queued()
    assert anchoring.last_checkpoint().seq == 13  # type: ignore[union-attr]
    later = dt.datetime.fromisoformat(first.time.replace("Z", "+00:00")) + dt.timedelta(minutes=11)
    assert anchoring.checkpoint_write(now=later) is not None  # time-based, even with no new event
    assert [c.seq for c in anchoring.read_checkpoints()] == [3, 13, 13]
    keys = anchoring.public_keys()
    for c in anchoring.read_checkpoints():
        cp.verify_checkpoint(c, keys)


def test_without_a_key_no_checkpoint_is_written_and_the_platform_runs(db, caplog):
    make_events(2)
    assert anchoring.checkpoint_write(force=True) is None
    assert "no signing key" in caplog.text
    assert not anchoring.read_checkpoints()


def _rewrite_from(seq: int) -> None:
    """What a database administrator would do: change event `seq`, recompute every digest after it
    and the head, so the chain verifies on its own."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("RESET ROLE")
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
        else:
            from ecoenforce.audit import guard

            guard.sqlite_drop(cur)
    prev = AuditEvent.objects.get(seq=seq - 1).digest
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            event.reason = "（已改写）"
        event.prev_digest = prev
        event.digest = chain.event_digest(row_of(event))
        AuditEvent.objects.filter(seq=event.seq).update(
            reason=event.reason, prev_digest=event.prev_digest, digest=event.digest
        )
        prev = event.digest
    AuditHead.objects.filter(id=1).update(digest=prev)


def test_a_rewritten_history_is_caught_against_a_published_checkpoint(db, settings, signer):
    make_events(5)
    anchoring.checkpoint_write(force=True)
    make_events(20, start=5)
    anchoring.checkpoint_write(force=True)
    _rewrite_from(12)
    with pytest.raises(CommandError, match="无法读取检查点") as raised:
        run("--checkpoints", "/nonexistent/none.jsonl")  # unreadable is an error, never a pass
    assert raised.value.returncode == 2
    assert run()[0] == 1  # the platform's own checkpoint file is found without being named
    path = str(settings.AUDIT_CHECKPOINT_FILE)
    settings.AUDIT_CHECKPOINT_FILE = settings.AUDIT_CHECKPOINT_FILE.parent / "elsewhere.jsonl"
    code, _, err = run()
    assert code == 0, err  # on its own the recomputed chain holds: that is the threat
    code, _, err = run("--checkpoints", path)
    assert code == 1
    assert "审计链断裂：第 25 号事件：摘要与签署于" in err
    assert "在第 5 号事件（最后一个相符的检查点）之后" in err


def test_a_checkpoint_with_a_bad_signature_is_refused(db, settings, signer, tmp_path):
    make_events(6)
    good = anchoring.checkpoint_write(force=True)
    assert good is not None
    forged = json.loads(good.to_json())
    forged["digest"] = "e" * 64  # claims another head, signature left as it was
    bad = tmp_path / "forged.jsonl"
    bad.write_text(json.dumps(forged) + "\n", encoding="utf-8")
    code, _, err = run("--checkpoints", str(bad))
    assert code == 1
    assert "检查点不可信" in err and "签名验证不通过" in err
    stranger = cp.make_checkpoint(good.seq, "e" * 64, good.time, cp.generate_private_key())
    bad.write_text(stranger.to_json() + "\n", encoding="utf-8")
    code, _, err = run("--checkpoints", str(bad))
    assert code == 1 and "由未知的公钥" in err


def test_removed_newest_events_are_caught_by_a_checkpoint_beyond_the_head(db, settings, signer):
    make_events(8)
    anchoring.checkpoint_write(force=True)
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("RESET ROLE")
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
        else:
            from ecoenforce.audit import guard

            guard.sqlite_drop(cur)
        cur.execute("DELETE FROM audit_auditevent WHERE seq > 6")
        last = AuditEvent.objects.get(seq=6)
        AuditHead.objects.filter(id=1).update(seq=6, digest=last.digest)
    code, _, err = run()
    assert code == 1
    assert "位于链头（第 6 号）之后，事件已被删除" in err


def _at(moment: dt.datetime):
    return lambda: moment


def test_event_times_running_backwards_are_reported(db, monkeypatch, settings):
    settings.AUDIT_CLOCK_TOLERANCE_SECONDS = 2
    base = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    steps = [0, 10, 9, 20, 5, 30]  # seconds after base: 9 is 1 s back (tolerated), 5 is 15 s back
    for i, sec in enumerate(steps):
        monkeypatch.setattr("ecoenforce.audit.services.timezone.now", _at(base + dt.timedelta(seconds=sec)))
        with transaction.atomic():
            audit_record(action="test.clock", reason=str(i))
    code, _, err = run()
    assert code == 1
    assert "第 5 号事件：时间倒流：比前一事件早 15.000 秒（容许误差 2 秒）" in err
    settings.AUDIT_CLOCK_TOLERANCE_SECONDS = 20
    assert run()[0] == 0


def test_the_portal_publishes_checkpoints_and_keys_without_personal_data(client, db, signer):
    make_events(4)
    anchoring.checkpoint_write(force=True)
    response = client.get("/public/audit/checkpoints/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert [c["seq"] for c in body["checkpoints"]] == [4]
    assert body["public_keys"][0]["public_key"] == "04" + cp.public_key_of(signer)
    text = response.content.decode()
    for private in ("tester", "10.0.0.", "pytest/", signer):
        assert private not in text
    assert client.post("/public/audit/checkpoints/").status_code in (403, 405)


@pytest.mark.django_db(transaction=True)
def test_a_third_party_verifies_against_the_portals_url(live_server, signer):
    make_events(5)
    anchoring.checkpoint_write(force=True)
    url = f"{live_server.url}/public/audit/checkpoints/"
    code, _out, err = run("--checkpoints", url, "--public-key", "04" + cp.public_key_of(signer))
    assert code == 0, err
    call_command("audit_checkpoint")  # the operator signs one now
    assert len(anchoring.read_checkpoints()) == 2


def test_the_docs_snippet_verifies_the_portals_checkpoints(client, db, signer):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")
    section = doc.split("## Signed checkpoints", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)\n```", section, re.S)
    assert code
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "docs/audit.md", "exec"), namespace)
    holds = namespace["checkpoint_holds"]
    make_events(3)
    anchoring.checkpoint_write(force=True)
    body = client.get("/public/audit/checkpoints/").json()
    published, key = body["checkpoints"][0], body["public_keys"][0]["public_key"]
    assert holds(published, key)  # type: ignore[operator]
    assert not holds({**published, "digest": "f" * 64}, key)  # type: ignore[operator]
    assert not holds({**published, "seq": published["seq"] + 1}, key)  # type: ignore[operator]
