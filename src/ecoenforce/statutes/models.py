"""The statute library (法规库): laws, their versions, articles (条), paragraphs (款) and items (项).

Loaded from files by `manage.py statutes_load` (services.statutes_load); read-only for everyone
else. A LawVersion records when it was adopted, the days it is in force (in_force_to is the last
day; null = still in force) and, for a repealed law, the law and article that repealed it.
Articles are numbered as integers (1060) and keep the statute's own heading (第一千零六十条), so
a page anchor is `#a1060` and a catalog's legal basis resolves by (law name, heading).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models


class Law(models.Model):
    code = models.CharField("代码", max_length=16, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("效力层级", max_length=20)

    class Meta:
        verbose_name = "法律法规"
        verbose_name_plural = "法律法规"
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.name


class LawVersion(models.Model):
    law = models.ForeignKey(Law, verbose_name="法律法规", on_delete=models.CASCADE, related_name="versions")
    label = models.CharField("版本", max_length=100)
    adopted = models.DateField("通过或者修改日期", null=True, blank=True)
    in_force_from = models.DateField("施行日期", null=True, blank=True)
    in_force_to = models.DateField("失效日期（最后一日）", null=True, blank=True)
    repealed_by = models.ForeignKey(
        Law, verbose_name="废止依据", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repealed_by_article = models.PositiveIntegerField("废止依据条号", null=True, blank=True)
    repealed_since = models.DateField("废止日期", null=True, blank=True)
    complete = models.BooleanField("全文收录", default=True)
    source = models.TextField("文本来源", blank=True)
    note = models.TextField("说明", blank=True)
    digest = models.CharField("内容摘要值", max_length=64, blank=True)

    class Meta:
        verbose_name = "法律法规版本"
        verbose_name_plural = "法律法规版本"
        ordering: ClassVar = ["law", "-in_force_from"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["law", "label"], name="lawversion_unique_label"),
        ]

    def __str__(self) -> str:
        return f"{self.law.name}（{self.label}）"

    @property
    def repealed_by_heading(self) -> str:
        from ecoenforce.statutes.parse import heading

        return heading(self.repealed_by_article) if self.repealed_by_article else ""

    def in_force_on(self, day: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_to is None or day <= self.in_force_to
        )


class Article(models.Model):
    version = models.ForeignKey(
        LawVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveIntegerField("条号")
    heading = models.CharField("条", max_length=20)
    part = models.CharField("编", max_length=100, blank=True)
    subpart = models.CharField("分编", max_length=100, blank=True)
    chapter = models.CharField("章", max_length=100, blank=True)
    section = models.CharField("节", max_length=100, blank=True)
    text = models.TextField("条文")

    class Meta:
        verbose_name = "条"
        verbose_name_plural = "条"
        ordering: ClassVar = ["version", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "number"], name="article_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.version.law.name}{self.heading}"

    @property
    def anchor(self) -> str:
        return f"a{self.number}"


class Paragraph(models.Model):
    article = models.ForeignKey(
        Article, verbose_name="条", on_delete=models.CASCADE, related_name="paragraphs"
    )
    number = models.PositiveIntegerField("款号")
    text = models.TextField("款")

    class Meta:
        verbose_name = "款"
        verbose_name_plural = "款"
        ordering: ClassVar = ["article", "number"]

    def __str__(self) -> str:
        return f"第{self.number}款"


class Item(models.Model):
    paragraph = models.ForeignKey(
        Paragraph, verbose_name="款", on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveIntegerField("项号")
    text = models.TextField("项")

    class Meta:
        verbose_name = "项"
        verbose_name_plural = "项"
        ordering: ClassVar = ["paragraph", "number"]

    def __str__(self) -> str:
        return f"第{self.number}项"
