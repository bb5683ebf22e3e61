"""A filled-in example context for every document kind (one fictitious case).

Used by the tests, the render benchmark and the demo; the values are what a case would supply.
Pure data: no Django.
"""

# ruff: noqa: E501  (sample document text reads best unbroken)
from __future__ import annotations

from typing import Any

PARTY = "廊坊市示例化工有限公司"
_COMMON: dict[str, Any] = {
    "party_name": PARTY,
    "party_id": "91131000000000001X",
    "legal_representative": "张某",
    "party_address": "河北省廊坊市固安县工业园区纬三路8号",
    "officers": "王某（执法证号 13100001）、李某（执法证号 13100002）",
    "reconsideration_body": "廊坊市人民政府",
    "court": "固安县人民法院",
    "contact": "王某，0316-0000000",
}
_FACTS = (
    "2026年3月12日，我局执法人员对你单位进行现场检查，发现你单位废水总排口化学需氧量排放浓度为186毫克/升，"
    "超过《污水综合排放标准》（GB 8978-1996）规定的排放限值100毫克/升。\n"
    "经采样监测，超标0.86倍。"
)
_BASIS = "《中华人民共和国水污染防治法》第十条"
# A signature drawn on screen (160×60 PNG), as the inspection form on a phone sends it.
SIGNATURE_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAKAAAAA8CAAAAADEAO7JAAABlUlEQVR42u2ZQZbDIAxDLd//zp7NzCtNMEgunZeFs2gXgepHshsSEPbsw60BG7ABG7ABG/CZgDA8GhCHCP1rfK/PfwEU7cDl++uAYmAwM4sjhC4ZovEdIWQAgQJmHPLQFfvAGxh2KGUn84qQG+QDQgiAGPOC1CBlwrEhXZIjpC4TCoTAOMOJ9ohBSuXTCfEu5sJYImRMrkQj/C15KuLr2H3ImDotEOL2Cy6nJfMJhLjLICQ1rDCRXwTo67uOctrrbcgrCMbDKV8GiCTSnQmxPAFTKz6LeBNWSCeolDNH5g7uKgaVBU9sy2Mq6SpfWLULFoRJvPOIYYR/UenSbNRS0WW+WaAcX+LhWtF5s/OQSb454UbRC1LXezLNNyHEbrLXrLits9n1bMzW6Mt/p1DL79onEt/7eEbQK3xjyCrf4CEl6Ep7ZCFrWxl/hJyg358TaRHmBpcTktb7OC80EVQfKUOwHtWdpmrAauWW327FJ3wWdF6o79Whznf+7Za+Qn0AYGhtVc2pt2MbsAEbsAEbsAEbcHX8AAg4jHAVD1SGAAAAAElFTkSuQmCC"
)
_EVIDENCE = ["现场检查（勘察）笔录1份", "调查询问笔录1份", "监测报告（廊环监字〔2026〕第031号）1份", "现场照片6张"]

SAMPLES: dict[str, dict[str, Any]] = {
    "filing_approval": {
        **_COMMON, "case_source": "现场检查发现",
        "case_summary": "现场检查发现废水总排口化学需氧量超标排放，涉嫌违反" + _BASIS + "。",
        "handler_opinion": "建议立案调查。", "leader_opinion": "同意立案。",
    },
    "inspection_record": {
        **_COMMON, "inspection_time": "2026年3月12日9时30分至11时10分",
        "inspection_place": "固安县工业园区纬三路8号厂区", "recorder": "李某", "present_person": "赵某（环保负责人）",
        "items": [
            {"item": "废水处理设施运行", "result": "正常运行", "note": ""},
            {"item": "总排口化学需氧量在线监测", "result": "超标", "note": "显示186毫克/升"},
        ],
        "findings": "废水处理设施正在运行，总排口有废水外排，在线监测仪显示化学需氧量186毫克/升。",
        "signatures": [
            {"label": "现场负责人", "name": "赵某", "image": "data:image/png;base64," + SIGNATURE_PNG},
            {"label": "检查人", "name": "王某", "image": SIGNATURE_PNG},
        ],
    },
    "interview_record": {
        **_COMMON, "interview_time": "2026年3月13日14时", "interview_place": "我局询问室",
        "interviewee": "赵某", "interviewee_role": "环保负责人", "recorder": "李某",
        "qa": [
            {"q": "你单位废水处理设施近期运行情况如何？", "a": "3月10日起生化池曝气机故障，处理效果下降。"},
            {"q": "是否及时报告？", "a": "没有报告。"},
        ],
    },
    "correction_order": {
        **_COMMON, "doc_number": "廊环责改〔2026〕15号", "facts": _FACTS, "evidence": _EVIDENCE,
        "legal_basis": _BASIS, "requirements": "立即停止超标排放水污染物的违法行为",
        "deadline": "2026年3月20日",
    },
    "advance_notice": {
        **_COMMON, "doc_number": "廊环罚告〔2026〕12号", "facts": _FACTS, "evidence": _EVIDENCE,
        "legal_basis": _BASIS,
        "proposed_penalty": "依据《中华人民共和国水污染防治法》第八十三条第（二）项，拟处罚款人民币叁拾陆万元整（360,000元）。",
        "hearing_right": "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你单位有权要求举行听证。"
                         "如要求听证，应当在收到本告知书之日起五日内提出。",
    },
    "hearing_notice": {
        **_COMMON, "doc_number": "廊环听通〔2026〕3号", "case_name": "廊坊市示例化工有限公司超标排放水污染物",
        "hearing_time": "2026年4月8日9时", "hearing_place": "廊坊市生态环境局第二会议室",
        "hearing_form": "公开", "presiding_officer": "刘某（法制审核科）",
    },
    "penalty_decision": {
        **_COMMON, "doc_number": "廊环罚〔2026〕12号", "facts": _FACTS, "evidence": _EVIDENCE,
        "statement_handling": "你单位在法定期限内提出了陈述申辩，经复核，申辩理由不成立，不予采纳。",
        "legal_basis": _BASIS,
        "discretion": [
            "适用《中华人民共和国水污染防治法》第八十三条第（二）项：处十万元以上一百万元以下的罚款。",
            "超标倍数0.86倍，对应裁量基准“超标0.5倍以上1倍以下”档，基准罚款为罚款幅度的30%。",
            "无从轻、减轻情形；首次违法，不适用从重情形。",
            "计算：100,000元 + (1,000,000元 − 100,000元) × 29% = 361,000元，取整为360,000元。",
        ],
        "penalty_content": "罚款人民币叁拾陆万元整。", "amount": "人民币360,000元",
        "payment_route": "廊坊市非税收入管理局指定代收银行（中国农业银行廊坊分行），或通过非税收入电子缴款平台缴纳。",
    },
    "service_receipt": {
        "document_title": "行政处罚决定书", "document_number": "廊环罚〔2026〕12号", "recipient": PARTY,
        "service_place": "河北省廊坊市固安县工业园区纬三路8号", "service_method": "直接送达",
        "servers": "王某、李某",
    },
    "seizure_decision": {
        **_COMMON, "doc_number": "廊环查封〔2026〕2号",
        "facts": "通过暗管排放未经处理的生产废水。", "legal_basis": "《中华人民共和国水污染防治法》第三十九条",
        "measure": "查封", "objects": "生产车间排水泵2台及暗管1处", "place": "厂区东侧生产车间",
        "start_date": "2026年3月12日",
    },
    "seizure_list": {
        "decision_number": "廊环查封〔2026〕2号", "party_name": PARTY,
        "items": [
            {"name": "排水泵", "spec": "QW50-20", "quantity": "2台", "location": "生产车间东侧", "note": "已贴封条"},
            {"name": "暗管", "spec": "DN100 PVC", "quantity": "1处", "location": "厂区东墙外", "note": ""},
        ],
    },
    "referral_letter": {
        **_COMMON, "doc_number": "廊环移〔2026〕1号", "receiver": "固安县公安局",
        "facts": "该公司通过暗管排放含重金属的生产废水，经监测总铬浓度超过排放标准三倍以上。",
        "suspected_crime": "污染环境罪",
        "materials": ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告", "监测报告", "现场检查（勘察）笔录及照片"],
    },
    "closing_approval": {
        **_COMMON, "case_number": "廊环罚〔2026〕12号",
        "decision_summary": "罚款人民币360,000元。", "execution": "当事人已于2026年4月30日缴清罚款及加处罚款。",
        "handler_opinion": "处罚决定已执行完毕，建议结案。", "leader_opinion": "同意结案。",
    },
}
