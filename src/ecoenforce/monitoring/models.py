"""Off-site supervision data: devices, quarantine, raw log, measurements, power meters, events, alerts."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from ecoenforce.entities.models import Entity, MonitoringPoint


class Device(models.Model):
    """The platform's registration of a data logger: its MN and a hash of its access password (PW)."""

    point = models.OneToOneField(
        MonitoringPoint, on_delete=models.CASCADE, related_name="device", verbose_name="监测点"
    )
    mn = models.CharField("数采仪编码(MN)", max_length=27, unique=True)
    pw_salt = models.CharField(max_length=32)
    pw_hash = models.CharField(max_length=64)  # SHA-256(salt + PW): checked for every connection
    accept_modbus_crc = models.BooleanField("接受MODBUS校验(旧设备)", default=False)
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    last_seen_at = models.DateTimeField("最近通讯", null=True, blank=True)
    last_peer = models.CharField("最近来源地址", max_length=64, blank=True)

    class Meta:
        verbose_name = "数采仪"
        verbose_name_plural = "数采仪"

    def __str__(self) -> str:
        return self.mn


class QuarantinedDevice(models.Model):
    """Loggers that sent data but are not registered (or gave a wrong PW): kept, not dropped."""

    class Reason(models.TextChoices):
        UNKNOWN = "unknown_device", "未登记设备"
        PASSWORD = "bad_password", "访问密码错误"

    mn = models.CharField("数采仪编码(MN)", max_length=27, unique=True)
    reason = models.CharField("原因", max_length=16, choices=Reason.choices)
    first_seen_at = models.DateTimeField("首次通讯")
    last_seen_at = models.DateTimeField("最近通讯")
    last_peer = models.CharField("最近来源地址", max_length=64, blank=True)
    frames = models.PositiveIntegerField("报文数", default=0)

    class Meta:
        verbose_name = "待核实设备"
        verbose_name_plural = "待核实设备"

    def __str__(self) -> str:
        return self.mn


class FrameStatus(models.TextChoices):
    OK = "ok", "正常"
    BAD_CRC = "bad_crc", "校验错误"
    BAD_FORMAT = "bad_format", "格式错误"
    UNKNOWN_DEVICE = "unknown_device", "未登记设备"
    BAD_PASSWORD = "bad_password", "访问密码错误"
    DUPLICATE = "duplicate", "重复报文"


class RawFrame(models.Model):
    """Every received byte, with peer, time and status — what a fraud case can later show arrived."""

    received_at = models.DateTimeField("接收时间", db_index=True)
    peer = models.CharField("来源地址", max_length=64)
    data = models.BinaryField("原始报文")
    status = models.CharField("状态", max_length=16, choices=FrameStatus.choices)
    mn = models.CharField("MN", max_length=27, blank=True, db_index=True)
    cn = models.CharField("CN", max_length=4, blank=True)
    qn = models.CharField("QN", max_length=17, blank=True)
    detail = models.CharField("说明", max_length=200, blank=True)  # English, for operators' logs

    class Meta:
        verbose_name = "原始报文"
        verbose_name_plural = "原始报文"

    def __str__(self) -> str:
        return f"{self.peer} {self.received_at:%Y-%m-%d %H:%M:%S} {self.status}"


class Period(models.TextChoices):
    RTD = "rtd", "实时"
    MINUTE = "minute", "分钟"
    HOUR = "hour", "小时"
    DAY = "day", "日"


class Measurement(models.Model):
    """One value per point, pollutant, period and DataTime; the natural key makes storage idempotent.

    On PostgreSQL the table is partitioned by month of data_time (migration 0002, docs/operations.md).
    """

    pk = models.CompositePrimaryKey("point_id", "period", "pollutant", "data_time")
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    period = models.CharField("周期", max_length=8, choices=Period.choices)
    pollutant = models.CharField("监测因子", max_length=24)
    data_time = models.DateTimeField("数据时间")
    value = models.FloatField("数值", null=True)  # Avg (periods) or Rtd (real time); RS for SBxxx
    min_value = models.FloatField(null=True)
    max_value = models.FloatField(null=True)
    cou = models.FloatField(null=True)  # cumulative (e.g. discharge volume)
    flag = models.CharField("数据标记", max_length=1, default="N")
    received_at = models.DateTimeField("接收时间")

    class Meta:
        verbose_name = "监测数据"
        verbose_name_plural = "监测数据"
        indexes: ClassVar = [models.Index(fields=["data_time"], name="monitoring_meas_time")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.pollutant} {self.period} {self.data_time:%Y-%m-%d %H:%M}"


class EquipmentKind(models.TextChoices):
    PRODUCTION = "production", "生产设施"
    TREATMENT = "treatment", "治污设施"


class PowerMeter(models.Model):
    """A separately metered circuit (分表计电) of an entity's production or treatment equipment."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+", verbose_name="监管对象")
    code = models.CharField("电表编号", max_length=32)
    name = models.CharField("设施名称", max_length=100)
    kind = models.CharField("设施类型", max_length=12, choices=EquipmentKind.choices)
    point = models.ForeignKey(
        MonitoringPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="关联监测点",
    )  # fmt: skip
    running_kw = models.FloatField("运行功率阈值(kW)", default=1.0)

    class Meta:
        verbose_name = "用电监控电表"
        verbose_name_plural = "用电监控电表"
        constraints: ClassVar = [models.UniqueConstraint(fields=["entity", "code"], name="meter_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class PowerReading(models.Model):
    meter = models.ForeignKey(PowerMeter, on_delete=models.CASCADE, related_name="readings")
    reading_time = models.DateTimeField("时间")
    power_kw = models.FloatField("有功功率(kW)")
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["meter", "reading_time"], name="power_reading_once")
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.reading_time:%Y-%m-%d %H:%M} {self.power_kw}"


class FieldEvent(models.Model):
    """Video and infrared alarm events from on-site systems (by API)."""

    class Kind(models.TextChoices):
        VIDEO = "video", "视频监控报警"
        INFRARED = "infrared", "红外报警"

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+", verbose_name="监管对象")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    external_id = models.CharField("事件编号", max_length=64)
    occurred_at = models.DateTimeField("发生时间")
    description = models.CharField("描述", max_length=500)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["entity", "kind", "external_id"], name="field_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}"


class AlertStatus(models.TextChoices):
    NEW = "new", "待核实"
    EXPLAINING = "explaining", "待企业说明"
    CONFIRMED = "confirmed", "已确认"
    LEAD = "lead", "已转线索"
    DISMISSED = "dismissed", "已排除"


class Severity(models.IntegerChoices):
    LOW = 1, "一般"
    MEDIUM = 2, "较重"
    HIGH = 3, "严重"


class Alert(models.Model):
    """An anomaly a rule found at a point; deduplicated on (rule, point, window start)."""

    owner_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位"
    )
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.CASCADE, related_name="+", verbose_name="监测点"
    )
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+", verbose_name="监管对象")
    rule = models.CharField("规则", max_length=32)
    pollutant = models.CharField("监测因子", max_length=24, blank=True)
    severity = models.PositiveSmallIntegerField("严重程度", choices=Severity.choices)
    status = models.CharField("状态", max_length=12, choices=AlertStatus.choices, default=AlertStatus.NEW)
    window_start = models.DateTimeField("起始时间")
    window_end = models.DateTimeField("结束时间")
    summary = models.CharField("摘要", max_length=300)
    facts = models.JSONField("事实", default=dict)
    occurrences = models.PositiveIntegerField("发现次数", default=1)
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reason = models.CharField("排除理由", max_length=500, blank=True)
    explanation = models.TextField("企业说明", blank=True)
    lead_ref = models.CharField("线索编号", max_length=64, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "告警"
        verbose_name_plural = "告警"
        ordering: ClassVar = ["-window_start", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["rule", "point", "pollutant", "window_start"], name="alert_dedup")
        ]

    def __str__(self) -> str:
        return self.summary


class MaintenanceWindow(models.Model):
    """A scheduled maintenance or calibration period of a point's monitoring equipment (运维计划).

    Flags M/C outside every recorded window are screened (rules_context.flag_outside_window)."""

    class Kind(models.TextChoices):
        MAINTENANCE = "M", "维护"
        CALIBRATION = "C", "校准"

    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.CASCADE, related_name="+", verbose_name="监测点"
    )
    kind = models.CharField("类型", max_length=1, choices=Kind.choices)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "运维时段"
        verbose_name_plural = "运维时段"
        ordering: ClassVar = ["-starts_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["point", "starts_at"], name="maint_window_point")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class PowerImport(models.Model):
    """An uploaded Excel of power-meter readings between preview and commit (committed once).

    The checked rows are held here, so the commit stores exactly what was previewed; the status flips
    inside the commit's transaction, so a second submission of the same preview writes nothing."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "待提交"
        COMMITTED = "committed", "已导入"

    id = models.UUIDField(primary_key=True, editable=False)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+", verbose_name="监管对象")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    good_rows = models.JSONField("待导入读数", default=list)  # [[meter code, ISO time, kW]]
    errors = models.JSONField("错误", default=list)  # [{"row", "message"}]
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    added = models.PositiveIntegerField("新增条数", default=0)
    duplicates = models.PositiveIntegerField("重复条数", default=0)

    class Meta:
        verbose_name = "用电读数导入"
        verbose_name_plural = "用电读数导入"

    def __str__(self) -> str:
        return self.file_name
