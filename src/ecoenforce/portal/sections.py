"""The portal promises only what exists: each section links to its page only when that page's route
is installed in this deployment (other apps add /public/draws/, /public/decisions/, …); otherwise the
section says 暂无公开内容. The portal's own routes are found by name (django.urls.reverse, NoReverseMatch
when absent); routes other apps add are found by their agreed path (django.urls.resolve)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, Resolver404, resolve, reverse


@dataclass(frozen=True)
class Section:
    stage: str  # 事前 / 事中 / 事后 / 监督
    title: str
    description: str
    url_name: str  # a route name, or a path ("/public/draws/") for routes other apps own

    @property
    def url(self) -> str | None:
        if self.url_name.startswith("/"):
            try:
                resolve(self.url_name)
            except Resolver404:
                return None
            return self.url_name
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


SECTIONS: tuple[Section, ...] = (
    Section("事前公开", "执法主体与执法人员", "执法机构、职责，执法人员姓名及执法证件编号", "portal:units"),
    Section("事前公开", "执法事项清单", "生态环境保护综合行政执法事项及其依据", "portal:catalog"),
    Section("事前公开", "办事指南", "执法程序，投诉举报、行政复议和行政诉讼的途径", "portal:guide"),
    Section(
        "事中公示", "双随机抽查计划与结果", "随机抽取检查对象和执法检查人员的计划与抽取结果", "/public/draws/"
    ),
    Section("事后公开", "检查结果", "随机抽查和专项检查的结果", "/public/inspections/"),
    Section("事后公开", "行政处罚决定", "行政处罚决定信息（已依法隐去个人信息）", "/public/decisions/"),
    Section("事后公开", "执法文书核验", "核验执法文书的真伪", "/public/verify/"),
    Section("事前公开", "法律法规", "生态环境法典等法律法规全文", "/public/laws/"),
    Section("社会监督", "审计存证公示", "执法全过程记录的公开存证点", "/public/audit/checkpoints/"),
    Section(
        "社会监督", "我要举报", "网上举报生态环境违法行为，凭查询码查询办理进展", "complaints-public:new"
    ),
    Section("社会监督", "举报办理查询", "凭查询码查询办理进展和答复并评价", "complaints-public:track"),
    Section("社会监督", "统计数据", "投诉举报受理、办结和满意情况", "portal:stats"),
)


def stages() -> list[tuple[str, list[Section]]]:
    order: list[str] = []
    groups: dict[str, list[Section]] = {}
    for s in SECTIONS:
        if s.stage not in groups:
            order.append(s.stage)
            groups[s.stage] = []
        groups[s.stage].append(s)
    return [(stage, groups[stage]) for stage in order]
