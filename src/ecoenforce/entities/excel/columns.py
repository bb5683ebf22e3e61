"""The template's columns, the limits of an upload, and ExcelError."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ecoenforce.entities.models import EntityStatus, SupervisionClass

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_UNZIPPED = 400 * 1024 * 1024  # zip-bomb guard for the parts openpyxl will read
PREVIEW_TTL = timedelta(hours=24)
SHEET = "监管对象"
NOT_EXCEL = "请上传 Excel（.xlsx）文件"


@dataclass(frozen=True)
class Column:
    field: str
    title: str
    required: bool
    help: str


COLUMNS: tuple[Column, ...] = (
    Column("name", "单位名称", True, "营业执照上的名称，最长200字"),
    Column(
        "uscc", "统一社会信用代码", True, "18位，校验位须正确（GB 32100）；不得与已登记或本文件其他行重复"
    ),
    Column("legal_representative", "法定代表人", True, "最长50字"),
    Column("address", "地址", True, "生产经营场所地址，最长300字"),
    Column("division_code", "行政区划代码", True, "GB/T 2260 县级6位或乡镇9位代码，如 131022 或 131022100"),
    Column("industry_code", "行业代码", True, "GB/T 4754-2017，门类字母加2～4位数字，如 C2611、D4411"),
    Column(
        "supervision_class", "监管类别", True, "从下拉列表选择：重点排污单位 / 一般排污单位 / 特殊监管对象"
    ),
    Column("status", "状态", False, "从下拉列表选择：正常生产 / 停产 / 关闭 / 在建；不填为正常生产"),
    Column("latitude", "纬度", False, "十进制度数，3～54，如 39.4321"),
    Column("longitude", "经度", False, "十进制度数，73～136，如 116.3012"),
    Column("owner_unit", "属地执法机构", False, "执法机构全称；不填则按行政区划代码自动确定属地执法机构"),
)
TITLE = {c.field: c.title for c in COLUMNS}
CLASS_BY_LABEL = {label: value for value, label in SupervisionClass.choices}
STATUS_BY_LABEL = {label: value for value, label in EntityStatus.choices}


class ExcelError(Exception):
    """The upload as a whole is refused (not Excel, too large, wrong columns); message in Chinese."""
