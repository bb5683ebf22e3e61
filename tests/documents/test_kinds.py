"""The pure cores: kinds as data, verification codes, the case-file manifest."""

from __future__ import annotations

from datetime import date

import pytest

from ecoenforce.audit.chain import sm3_hex
from ecoenforce.documents import codes, kinds, manifest
from ecoenforce.documents.render import DOCX_DIR
from ecoenforce.documents.samples import SAMPLES

BRIEF_KINDS = {
    "filing_approval": "立案审批表",
    "inspection_record": "现场检查（勘察）笔录",
    "interview_record": "调查询问笔录",
    "correction_order": "责令改正违法行为决定书",
    "advance_notice": "行政处罚事先告知书",
    "hearing_notice": "行政处罚听证通知书",
    "penalty_decision": "行政处罚决定书",
    "service_receipt": "送达回证",
    "seizure_decision": "查封（扣押）决定书",
    "seizure_list": "查封、扣押清单",
    "referral_letter": "案件移送函",
    "closing_approval": "行政处罚案件结案审批表",
}


def test_every_kind_the_procedure_needs_is_there_with_its_docx_template() -> None:
    found = {code: k.title for code, k in kinds.all_kinds().items()}
    assert found == BRIEF_KINDS
    for code in found:
        assert (DOCX_DIR / f"{code}.docx").is_file(), code
        assert not kinds.all_kinds()[code].problems(SAMPLES[code]), code


def test_missing_fields_are_named_in_the_users_words() -> None:
    decision = kinds.all_kinds()["penalty_decision"]
    context = {**SAMPLES["penalty_decision"], "facts": "  ", "evidence": [], "payment_route": None}
    assert decision.problems(context) == ["缺少必填内容：违法事实、证据、缴款方式"]


def test_optional_fields_may_be_absent_but_wrong_types_are_refused() -> None:
    decision = kinds.all_kinds()["penalty_decision"]
    context = dict(SAMPLES["penalty_decision"])
    del context["legal_representative"]
    assert decision.problems(context) == []
    assert decision.problems({**context, "evidence": "一份笔录"}) == ["“证据”应为列表"]
    assert decision.problems({**context, "discretion": ["", "x"]}) == ["“裁量过程”的每一项都应为非空文字"]
    assert decision.problems({**context, "facts": {"a": 1}}) == ["“违法事实”应为文字"]
    assert "过长" in decision.problems({**context, "facts": "字" * (kinds.MAX_TEXT + 1)})[0]
    qa = kinds.all_kinds()["interview_record"]
    assert qa.problems({**SAMPLES["interview_record"], "qa": ["问答"]}) == ["“询问内容”的每一行都应包含q、a"]


def test_clean_keeps_declared_fields_only_and_strips_nul() -> None:
    receipt = kinds.all_kinds()["service_receipt"]
    cleaned = receipt.clean({**SAMPLES["service_receipt"], "secret": "x", "recipient": " 某公司\x00 "})
    assert "secret" not in cleaned and cleaned["recipient"] == "某公司" and cleaned["note"] == ""


def test_legal_terms_come_from_data_with_their_source_and_period() -> None:
    terms = kinds.terms_on(date(2026, 9, 1))
    assert terms["reconsideration"].value == 60 and "行政复议法》第二十条" in terms["reconsideration"].source
    assert terms["litigation"].words == "六个月" and "行政诉讼法》第四十六条" in terms["litigation"].source
    assert terms["payment"].value == 15 and terms["statement"].unverified
    # before the 2023 revision of the reconsideration law came into force there is no version on file
    assert "reconsideration" not in kinds.terms_on(date(2023, 12, 31))


def test_codes_are_random_125_bit_and_typed_forgivingly() -> None:
    many = {codes.new_code() for _ in range(2000)}
    assert len(many) == 2000 and all(len(c) == codes.LENGTH for c in many)
    assert len(codes.ALPHABET) ** codes.LENGTH >= 2**125
    code = next(iter(many))
    printed = codes.grouped(code)
    assert printed.count("-") == 4
    assert codes.normalize(printed.lower()) == code
    assert codes.normalize(" " + printed.replace("-", " ") + " ") == code
    assert codes.normalize("O" * 25) == "0" * 25 and codes.normalize("il" + "0" * 23) == "11" + "0" * 23
    for bad in ("", "ABC", "U" * 25, "A" * 26, "<script>" * 3 + "A"):
        assert codes.normalize(bad) is None


def _entry(n: int, pages: int) -> manifest.Entry:
    return manifest.Entry(kind="k", title=f"文书{n}", issuer="某局", issued_on="2026-04-01", code=f"C{n}",
                          pdf_sm3="ab" * 32, pages=pages)


def test_page_ranges_follow_the_documents() -> None:
    placed = manifest.place([_entry(1, 1), _entry(2, 3), _entry(3, 2)])
    assert [(p.number, p.page_range) for p in placed] == [(1, "1"), (2, "2-4"), (3, "5-6")]
    with pytest.raises(ValueError, match="no pages"):
        manifest.place([_entry(1, 0)])


def test_manifest_digest_is_sm3_of_its_canonical_json() -> None:
    data = manifest.build(title="某案", built_at="2026-05-01T10:00:00+08:00",
                          placed=manifest.place([_entry(1, 2)]), volume_sm3="cd" * 32)
    raw = manifest.canonical(data)
    assert raw.startswith(b'{"algorithm":"SM3"') and "某案".encode() in raw
    assert manifest.digest(data, sm3_hex) == sm3_hex(raw)
    data["documents"][0]["pdf_sm3"] = "ef" * 32
    assert manifest.digest(data, sm3_hex) != sm3_hex(raw)
