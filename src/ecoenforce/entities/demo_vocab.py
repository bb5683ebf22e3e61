"""Word lists for the demo data: names, company-name parts, industries, pollutants."""

from __future__ import annotations

from ecoenforce.entities.industries import CLASSES

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文海波宁欣然浩宇子涵一鸣思远晨雪峰"
BRANDS = (
    "恒达",
    "鑫源",
    "华通",
    "宏远",
    "金泰",
    "永盛",
    "瑞丰",
    "天成",
    "博远",
    "嘉禾",
    "冀东",
    "京南",
    "隆基",
    "润泽",
    "中兴",
    "海川",
    "正和",
    "广源",
    "信达",
    "新港",
    "东方",
    "安泰",
    "合力",
    "万通",
    "汇丰",
    "兴旺",
    "顺达",
    "腾飞",
    "宇航",
    "泰和",
    "亿通",
    "盛世",
    "长城",
    "燕赵",
    "华北",
    "华美",
    "富民",
    "利民",
    "德润",
    "百川",
    "四方",
    "大成",
    "凯达",
    "银河",
    "鼎盛",
    "同创",
    "明珠",
    "蓝天",
    "绿源",
    "碧水",
)
SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司", "有限公司", "厂")
STREETS = (
    "建设路",
    "工业路",
    "新华路",
    "迎宾路",
    "创业大道",
    "兴业街",
    "开发区纬二路",
    "经三路",
    "光明街",
    "永安路",
)
# industry code → (word in the company name, outlet kinds, weight, permit tier). The tier follows the
# 《固定污染源排污许可分类管理名录（2019年版）》(生态环境部令第11号) for a typical plant of the class:
# K 重点管理 (cement, steel, power, chemicals, paper, tanning, dyeing …), S 简化管理, R 登记管理 (small
# shops: furniture, car repair, steel structures …; they file a 排污登记表 and have no monitoring points).
# Demo vocabulary only: no legal figure is derived from it.
INDUSTRY_PROFILE: dict[str, tuple[str, str, int, str]] = {
    "A0313": ("养殖", "W", 4, "S"),
    "B0610": ("煤业", "WA", 1, "K"),
    "C1391": ("淀粉", "W", 2, "S"),
    "C1512": ("酒业", "W", 1, "S"),
    "C1713": ("印染", "WA", 3, "K"),
    "C1910": ("皮革", "W", 2, "K"),
    "C2021": ("木业", "A", 4, "S"),
    "C2110": ("家具", "A", 8, "R"),
    "C2221": ("纸业", "WA", 3, "K"),
    "C2231": ("包装", "A", 5, "R"),
    "C2319": ("印务", "A", 4, "S"),
    "C2511": ("石化", "WA", 1, "K"),
    "C2611": ("化工", "WA", 2, "K"),
    "C2614": ("化工", "WA", 3, "K"),
    "C2621": ("化肥", "WA", 1, "K"),
    "C2641": ("涂料", "A", 3, "S"),
    "C2710": ("制药", "WA", 2, "K"),
    "C2927": ("塑料制品", "A", 5, "R"),
    "C3011": ("水泥", "A", 2, "K"),
    "C3021": ("建材", "A", 4, "R"),
    "C3031": ("砖业", "A", 3, "S"),
    "C3041": ("玻璃", "A", 1, "K"),
    "C3110": ("钢铁", "WA", 1, "K"),
    "C3120": ("特钢", "WA", 1, "K"),
    "C3130": ("钢管", "A", 5, "R"),
    "C3216": ("铝业", "A", 1, "K"),
    "C3311": ("钢结构", "A", 6, "R"),
    "C3360": ("表面处理", "WA", 4, "S"),
    "C3670": ("汽车配件", "A", 5, "R"),
    "C3982": ("电子", "W", 2, "S"),
    "D4411": ("发电", "WA", 1, "K"),
    "D4412": ("热电", "WA", 1, "K"),
    "D4430": ("供热", "A", 3, "S"),
    "D4610": ("水务", "W", 1, "S"),
    "D4620": ("污水处理", "W", 3, "K"),
    "N7721": ("环保", "W", 1, "S"),
    "N7723": ("再生资源", "A", 1, "R"),
    "N7724": ("危废处置", "WA", 1, "K"),
    "O8111": ("汽修", "A", 3, "R"),
    "Q8411": ("医院", "W", 2, "S"),
}
assert set(INDUSTRY_PROFILE) <= set(CLASSES)
# pollutant code, name, unit, (hour limit, day limit)
WATER_POLLUTANTS = (
    ("w01018", "化学需氧量", "mg/L", "day", (60, 200)),
    ("w21003", "氨氮", "mg/L", "day", (5, 25)),
)
AIR_POLLUTANTS = (
    ("a21026", "二氧化硫", "mg/m3", "hour", (35, 200)),
    ("a21002", "氮氧化物", "mg/m3", "hour", (50, 300)),
    ("a34013", "颗粒物", "mg/m3", "hour", (10, 30)),
)
OUTLET_NAMES = {
    "water": ("废水总排口", "生产废水排放口", "生活污水排放口"),
    "air": ("锅炉废气排放口", "生产废气排放口", "VOCs治理设施排放口"),
}
