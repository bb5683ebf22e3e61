"""Cases (案件): the case, its items and officers, its events (the timeline), clocks and evidence."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from ecoenforce.cases.workflow import STATE_LABELS, State

STATE_CHOICES = [(s.value, STATE_LABELS[s]) for s in State]
USER = settings.AUTH_USER_MODEL


class Procedure(models.TextChoices):
    GENERAL = "general", "普通程序"
    SUMMARY = "summary", "简易程序"


class ProposalKind(models.TextChoices):
    PENALTY = "penalty", "给予行政处罚"
    NO_PENALTY = "no_penalty", "不予行政处罚"
    NOT_ESTABLISHED = "not_established", "违法事实不能成立，不予行政处罚"
    TRANSFER = "transfer", "移送有关机关处理"


class Case(models.Model):
    number = models.CharField("案号", max_length=60, blank=True)
    unit = models.ForeignKey("org.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    handling_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="提级或指定管辖后的承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    lead = models.OneToOneField(
        "cases.Lead",
        verbose_name="线索",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
    )
    entity = models.ForeignKey(
        "entities.Entity", verbose_name="当事人", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("案由", max_length=300)
    place = models.CharField("违法行为发生地", max_length=300, blank=True)
    act_date = models.DateField("违法行为发生日期")
    act_end_date = models.DateField("违法行为终了日期", null=True, blank=True)
    procedure = models.CharField("程序", max_length=16, choices=Procedure.choices, default=Procedure.GENERAL)
    state = models.CharField("办理阶段", max_length=24, choices=STATE_CHOICES, default=State.PENDING_FILING)
    resume_state = models.CharField("中止前阶段", max_length=24, blank=True)
    is_special = models.BooleanField("专案", default=False)
    special_team = models.CharField("专案组", max_length=100, blank=True)
    # proposal (调查终结报告的拟处理意见) and the engine's computation
    proposal_kind = models.CharField("拟处理意见", max_length=20, choices=ProposalKind.choices, blank=True)
    proposed_amount = models.DecimalField(
        "拟罚款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    engine_amount = models.DecimalField(
        "裁量计算金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    engine_result = models.JSONField("裁量计算过程", default=dict, blank=True)
    penalty_facts = models.JSONField("裁量情节", default=dict, blank=True)
    amount_reason = models.TextField("金额与裁量计算不一致的理由", blank=True)
    measures = models.JSONField("拟采取的其他处罚", default=list, blank=True)
    report = models.TextField("调查终结报告", blank=True)
    # flags that decide the path
    hearing_eligible = models.BooleanField("应告知听证权利", default=False)
    legal_review_mandatory = models.BooleanField("应当法制审核", default=False)
    legal_review_grounds = models.JSONField("法制审核情形", default=list, blank=True)
    deliberation_mandatory = models.BooleanField("应当集体讨论", default=False)
    referral_mandatory = models.BooleanField("应当移送公安机关", default=False)
    criminal_flags = models.JSONField("涉嫌犯罪提示", default=list, blank=True)
    criminal_facts = models.JSONField("涉嫌犯罪情形", default=dict, blank=True)
    statement_done = models.BooleanField("已陈述申辩或放弃", default=False)
    hearing_waived = models.BooleanField("放弃听证", default=False)
    legal_review_passed = models.BooleanField("法制审核通过", default=False)
    decision_extended = models.BooleanField("已延长办案期限", default=False)
    # decision
    decision_kind = models.CharField("决定", max_length=20, choices=ProposalKind.choices, blank=True)
    decided_amount = models.DecimalField(
        "决定罚款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    served_on = models.DateField("送达日期", null=True, blank=True)
    filed_on = models.DateField("立案日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    archived_on = models.DateField("归档日期", null=True, blank=True)
    manifest_digest = models.CharField("案卷清单摘要", max_length=64, blank=True)
    review_findings = models.JSONField("即办即审结果", default=dict, blank=True)
    search_text = models.TextField("检索词", blank=True, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "year", "seq"], name="case_unique_number"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["unit", "state", "-created_at"], name="case_unit_state_idx"),
            # The list's order (-created_at, -id), whole and within a state: the first page is read
            # in index order, filtering the jurisdiction's units, instead of sorting every match.
            models.Index(fields=["-created_at", "-id"], name="case_created_idx"),
            models.Index(fields=["state", "-created_at", "-id"], name="case_state_created_idx"),
            # The to-do list's "my cases" and "waiting for my role", newest change first.
            models.Index(fields=["-updated_at"], name="case_updated_idx"),
            models.Index(fields=["entity"], name="case_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or '（待立案）'} {self.title}"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[State(self.state)]


class CaseItem(models.Model):
    """An enforcement item of the case, copied from the catalog in force at the act date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField("事项编码", max_length=40)
    item_name = models.CharField("事项名称", max_length=300)
    legal_basis = models.JSONField("实施依据", default=list)
    sanction = models.JSONField("处罚种类和幅度", default=dict)
    referral_mandatory = models.BooleanField("应当移送公安机关", default=False)

    class Meta:
        verbose_name = "案件事项"
        verbose_name_plural = "案件事项"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "item_code"], name="caseitem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.item_name}"


class CaseOfficer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_assignments")
    is_lead = models.BooleanField("主办", default=False)
    certificate_number = models.CharField("执法证号", max_length=40)

    class Meta:
        verbose_name = "承办人员"
        verbose_name_plural = "承办人员"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "officer"], name="caseofficer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.officer}（{self.certificate_number}）"


class CaseEvent(models.Model):
    """One step of the timeline. `idempotency_key` (the step form's token) refuses double submissions."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField("序号")
    action = models.CharField("步骤", max_length=40)
    label = models.CharField("步骤名称", max_length=60)
    from_state = models.CharField("原阶段", max_length=24, blank=True)
    to_state = models.CharField("新阶段", max_length=24, blank=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.TextField("意见", blank=True)
    data = models.JSONField("内容", default=dict, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "办案记录"
        verbose_name_plural = "办案记录"
        ordering: ClassVar = ["case", "seq"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "seq"], name="caseevent_unique_seq"),
            models.UniqueConstraint(fields=["case", "idempotency_key"], name="caseevent_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.label}"


class Deadline(models.Model):
    """A statutory clock started by a step, with its legal source; paused while the case is suspended."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    clock = models.CharField("期限", max_length=40)
    label = models.CharField("名称", max_length=100)
    source = models.CharField("依据", max_length=300)
    verified = models.BooleanField("已核实", default=True)
    started_on = models.DateField("起算日")
    due_on = models.DateField("届满日")
    paused_since = models.DateField("中止自", null=True, blank=True)
    paused_days = models.PositiveIntegerField("中止天数", default=0)
    pausable = models.BooleanField(default=True)
    done_on = models.DateField("完成日", null=True, blank=True)
    reminded_on = models.DateField("最近提醒日", null=True, blank=True)

    class Meta:
        verbose_name = "法定期限"
        verbose_name_plural = "法定期限"
        ordering: ClassVar = ["due_on", "id"]
        indexes: ClassVar = [
            models.Index(fields=["done_on", "due_on"], name="deadline_open_due_idx"),
            # Open clocks soonest first (the to-do list's window): "done_on IS NULL" is no equality
            # for the planner, so only a partial index gives the due_on order without a sort.
            models.Index(
                fields=["due_on", "case"],
                name="deadline_open_by_due_idx",
                condition=models.Q(done_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_on}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", "照片"
    VIDEO = "video", "视听资料"
    RECORD = "record", "笔录"
    DOCUMENT = "document", "书证"
    MONITORING = "monitoring", "监测数据、检测报告"
    ELECTRONIC = "electronic", "电子数据"
    OTHER = "other", "其他"


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("证据种类", max_length=16, choices=EvidenceKind.choices)
    name = models.CharField("文件名", max_length=200)
    description = models.CharField("证明事项", max_length=500, blank=True)
    file = models.FileField("文件", upload_to="cases/evidence/%Y/%m/", max_length=300)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sm3 = models.CharField("SM3 摘要", max_length=64)
    collected_on = models.DateField("取证日期", default=timezone.localdate)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "证据"
        verbose_name_plural = "证据"
        ordering: ClassVar = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class CaseCounter(models.Model):
    """Last case number per unit and year (locked while numbering, so numbers never repeat)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["unit", "year"], name="casecounter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"
