import itertools

from ecoenforce.audit.chain import sm3_hex
from ecoenforce.audit.models import AuditEvent


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016 Appendix A.1: SM3("abc")
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_world_creation_is_audited_in_one_chain(world):
    world.all_users()
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_digest == a.digest for a, b in itertools.pairwise(events))
    assert {e.action for e in events} >= {"unit.create", "user.create", "role.grant", "certificate.add"}
