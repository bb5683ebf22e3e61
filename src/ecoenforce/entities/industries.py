"""GB/T 4754-2017 industry codes: the section letter must match the two-digit division.

A code is a section letter followed by the division (2 digits), group (3) or class (4), e.g.
C2611. The names of the classes most relevant to environmental enforcement are listed for display;
other codes are accepted when their letter and division agree.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# section letter → (first division, last division, name)
SECTIONS: dict[str, tuple[int, int, str]] = {
    "A": (1, 5, "农、林、牧、渔业"),
    "B": (6, 12, "采矿业"),
    "C": (13, 43, "制造业"),
    "D": (44, 46, "电力、热力、燃气及水生产和供应业"),
    "E": (47, 50, "建筑业"),
    "F": (51, 52, "批发和零售业"),
    "G": (53, 60, "交通运输、仓储和邮政业"),
    "H": (61, 62, "住宿和餐饮业"),
    "I": (63, 65, "信息传输、软件和信息技术服务业"),
    "J": (66, 69, "金融业"),
    "K": (70, 70, "房地产业"),
    "L": (71, 72, "租赁和商务服务业"),
    "M": (73, 75, "科学研究和技术服务业"),
    "N": (76, 79, "水利、环境和公共设施管理业"),
    "O": (80, 82, "居民服务、修理和其他服务业"),
    "P": (83, 83, "教育"),
    "Q": (84, 85, "卫生和社会工作"),
    "R": (86, 90, "文化、体育和娱乐业"),
    "S": (91, 96, "公共管理、社会保障和社会组织"),
    "T": (97, 97, "国际组织"),
}

# Classes (小类) of GB/T 4754-2017 used by the demo data and shown by name.
CLASSES: dict[str, str] = {
    "A0313": "猪的饲养",
    "B0610": "烟煤和无烟煤开采洗选",
    "C1391": "淀粉及淀粉制品制造",
    "C1512": "白酒制造",
    "C1713": "棉印染精加工",
    "C1910": "皮革鞣制加工",
    "C2021": "胶合板制造",
    "C2110": "木质家具制造",
    "C2221": "机制纸及纸板制造",
    "C2231": "纸和纸板容器制造",
    "C2319": "包装装潢及其他印刷",
    "C2511": "原油加工及石油制品制造",
    "C2611": "无机酸制造",
    "C2614": "有机化学原料制造",
    "C2621": "氮肥制造",
    "C2641": "涂料制造",
    "C2710": "化学药品原料药制造",
    "C2927": "日用塑料制品制造",
    "C3011": "水泥制造",
    "C3021": "水泥制品制造",
    "C3031": "粘土砖瓦及建筑砌块制造",
    "C3041": "平板玻璃制造",
    "C3110": "炼铁",
    "C3120": "炼钢",
    "C3130": "钢压延加工",
    "C3216": "铝冶炼",
    "C3311": "金属结构制造",
    "C3360": "金属表面处理及热处理加工",
    "C3670": "汽车零部件及配件制造",
    "C3982": "电子电路制造",
    "D4411": "火力发电",
    "D4412": "热电联产",
    "D4430": "热力生产和供应",
    "D4610": "自来水生产和供应",
    "D4620": "污水处理及其再生利用",
    "N7721": "水污染治理",
    "N7723": "固体废物治理",
    "N7724": "危险废物治理",
    "O8111": "汽车修理与维护",
    "Q8411": "综合医院",
}

CODE_RE = re.compile(r"^([A-T])(\d{2})(\d{1,2})?$")
MESSAGE = "行业代码应符合GB/T 4754-2017：门类字母加2～4位数字，且门类与大类一致（如 C2611）"


def industry_code_ok(code: str) -> bool:
    match = CODE_RE.match(code or "")
    if not match:
        return False
    low, high, _ = SECTIONS[match.group(1)]
    return low <= int(match.group(2)) <= high


def validate_industry_code(code: str) -> None:
    if not industry_code_ok(code):
        raise ValidationError(MESSAGE, code="invalid_industry")


def industry_name(code: str) -> str:
    """The class name when listed, else the section name; "" for an invalid code."""
    if code in CLASSES:
        return CLASSES[code]
    if industry_code_ok(code):
        return SECTIONS[code[0]][2]
    return ""
