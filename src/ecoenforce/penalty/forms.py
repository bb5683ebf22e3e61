"""Forms of the penalty calculator, the decision record, the consistency filters and the parameter
confirmation.  ``PenaltyForm`` is built from an item's ``Questions`` and produces the JSON facts the
engine reads (catalog.penalty_facts); the engine's errors come back keyed by their path
(``facts.levels.area``) and ``add_engine_errors`` puts each next to its field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ecoenforce.penalty.engine.questions import Choice, Questions
from ecoenforce.penalty.models import DecisionType

AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "maxlength": "30"}
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
EXCEEDANCE_ROWS = 2
DAILY_ROWS = 5  # re-inspection cycles shown for 按日连续处罚 (the API takes up to 50)


def parse_decimal(value: str, *, label: str, positive: bool = False) -> Decimal:
    """A non-negative decimal typed by a person (commas allowed); ValidationError in Chinese."""
    text = (value or "").strip().replace(",", "").replace("，", "")
    if not text:
        raise ValidationError(f"请填写{label}")
    if len(text) > 30 or "\x00" in text:
        raise ValidationError(f"{label}过长或含有非法字符")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{label}「{text[:20]}」不是有效的数值") from None
    if not number.is_finite():
        raise ValidationError(f"{label}「{text[:20]}」不是有效的数值")
    if number < 0:
        raise ValidationError(f"{label}不能为负数")
    if positive and number == 0:
        raise ValidationError(f"{label}必须大于0")
    return number


def _choices(choices: tuple[Choice, ...], *, blank: str | None = None) -> list[tuple[str, str]]:
    out = [("", blank)] if blank is not None else []
    for c in choices:
        label = c.label + (f"（{c.note}）" if c.note else "") + ("［档次名称待核实］" if c.unverified else "")
        out.append((c.value, label))
    return out


class _Bootstrap:
    def style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class CalculatorForm(_Bootstrap, forms.Form):
    """Which item, under which rule set, on which date (GET)."""

    q = forms.CharField(
        label="查找执法事项",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": "事项编码或名称关键词，如 AIR-99-2、未批先建",
                "autocomplete": "off",
                "type": "search",
            }
        ),
    )
    item = forms.CharField(label="执法事项编码", required=False, max_length=40)
    rule_set = forms.ChoiceField(label="适用的裁量基准", required=False)
    act_date = forms.DateField(
        label="违法行为发生日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    act_end_date = forms.DateField(
        label="连续或者继续状态的终了日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="违法行为有连续或者继续状态的填写；适用终了时的规定",
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    decision_date = forms.DateField(
        label="作出处罚决定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )

    def __init__(self, *args: Any, rule_sets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rule_set"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = rule_sets
        field.error_messages["invalid_choice"] = "所选裁量基准在该日期不适用或不存在"
        field.widget.attrs["data-autosubmit"] = ""
        self.style()

    def clean_item(self) -> str:
        code = (self.cleaned_data.get("item") or "").strip().upper()
        if "\x00" in code:
            raise ValidationError("执法事项编码含有非法字符")
        return code


class PenaltyForm(_Bootstrap, forms.Form):
    """The facts of one violation, built from the item's questions."""

    def __init__(self, *args: Any, questions: Questions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = q = questions
        if q.medium is not None:
            self.fields["medium"] = forms.ChoiceField(
                label=q.medium.question, choices=_choices(q.medium.choices, blank="请选择"),
                help_text="；".join(f"{c.label}：{c.note}" for c in q.medium.choices if c.note),
                error_messages={"required": f"请选择：{q.medium.question}"})
        for f in q.factors:
            self.fields[f"level__{f.id}"] = forms.ChoiceField(
                label=f.question,
                # with a medium question the factors belong to one medium's row: the engine asks for them
                required=q.medium is None,
                choices=_choices(f.choices, blank="请选择"),
                error_messages={
                    "required": f"请选择：{f.question}",
                    "invalid_choice": "「%(value)s」不是裁量表中该因素的档次",
                },
            )
        for b in q.bases:
            self.fields[f"base__{b.value}"] = forms.CharField(
                label=f"{b.label}（元）",
                help_text=b.note,
                max_length=30,
                widget=forms.TextInput(attrs=AMOUNT_ATTRS),
                error_messages={"required": f"请填写计罚基数：{b.label}"},
            )
        self.fields["grade"] = forms.ChoiceField(label="裁量档次", choices=_choices(q.grades), required=False)
        if q.warning_allowed:
            self.fields["prefer_warning"] = forms.BooleanField(
                label="给予警告（法定罚则允许警告）", required=False
            )
        if q.escalation:
            self.fields["escalated"] = forms.BooleanField(
                label=f"适用加重档次：{q.escalation}", required=False
            )
        self._circumstances(q)
        if q.apology is not None:
            self._apology(q)
        if q.mitigation_allowed:
            self.fields["mitigation_apply"] = forms.BooleanField(
                label="减轻处罚（低于法定最低罚款）", required=False
            )
            self.fields["mitigation_amount"] = forms.CharField(
                label="减轻后的罚款（元）",
                required=False,
                max_length=30,
                widget=forms.TextInput(attrs=AMOUNT_ATTRS),
            )
            self.fields["mitigation_ground"] = forms.CharField(
                label="减轻处罚的法定依据",
                required=False,
                max_length=500,
                help_text="如：《行政处罚法》第三十二条第（一）项 主动消除违法行为危害后果",
            )
        if q.exemption is not None:
            self._exemption(q)
        if q.periodic == "daily":
            self._daily()
        elif q.periodic == "late_fee":
            self._late_fee()
        self.style()

    def _daily(self) -> None:
        for n in range(1, DAILY_ROWS + 1):
            date: dict[str, Any] = {"widget": forms.DateInput(attrs={"type": "date"}), "required": n == 1}
            first = "" if n == 1 else "（再次）"
            self.fields[f"daily{n}_served"] = forms.DateField(
                label=f"第{n}轮：责令改正违法行为决定书{first}送达日期", **date,
                error_messages={"required": "请填写责令改正违法行为决定书的送达日期"})
            self.fields[f"daily{n}_rechecked"] = forms.DateField(
                label=f"第{n}轮：复查日期", **date, error_messages={"required": "请填写复查日期"})
            self.fields[f"daily{n}_corrected"] = forms.BooleanField(
                label=f"第{n}轮复查时已改正或者已停产（不计罚日数）", required=False)

    def _late_fee(self) -> None:
        date: dict[str, Any] = {"widget": forms.DateInput(attrs={"type": "date"})}
        self.fields["late_due_date"] = forms.DateField(
            label="缴纳罚款的期限（最后一日）",
            help_text="收到行政处罚决定书之日起十五日内（《行政处罚法》第六十七条）",
            error_messages={"required": "请填写缴纳罚款的期限"}, **date)
        self.fields["late_paid_date"] = forms.DateField(
            label="实际缴纳日期（未缴纳的填写计算截止日期）",
            error_messages={"required": "请填写实际缴纳日期或计算截止日期"}, **date)
        self.fields["late_paused_days"] = forms.IntegerField(
            label="行政复议或者行政诉讼期间（不予计算的天数）", min_value=0, max_value=36500, initial=0,
            required=False, help_text="《行政处罚法》第七十三条第三款")

    def _circumstances(self, q: Questions) -> None:
        multi = forms.CheckboxSelectMultiple
        self.fields["mitigating"] = forms.MultipleChoiceField(
            label="应当从轻或者减轻的情形（《行政处罚法》第三十二条）",
            choices=_choices(q.mitigating),
            required=False,
            widget=multi,
        )
        self.fields["heavier"] = forms.MultipleChoiceField(
            label="从重处罚情形", choices=_choices(q.heavier), required=False, widget=multi
        )
        self.fields["art33"] = forms.MultipleChoiceField(
            label="不予处罚审查（《行政处罚法》第三十三条）：已认定的情形",
            choices=_choices(q.art33),
            required=False,
            widget=multi,
        )
        self.fields["apply_first_offence_waiver"] = forms.BooleanField(
            label="适用首违不罚（初次违法且危害后果轻微并及时改正的，可以不予行政处罚）", required=False
        )
        self.fields["no_fault_excluded_by_law"] = forms.BooleanField(
            label="法律、行政法规对无主观过错另有规定（第三十三条第二款但书）", required=False
        )

    def _apology(self, q: Questions) -> None:
        ap = q.apology
        assert ap is not None
        low, high = f"{ap.min_rate * 100:.0f}%", f"{ap.max_rate * 100:.0f}%"
        self.fields["apology_apply"] = forms.BooleanField(
            label=f"公开道歉承诺从轻（{ap.source}）", required=False
        )
        self.fields["apology_rate"] = forms.CharField(
            label=f"降低比例（{low}～{high}，填写如 0.3）",
            required=False,
            max_length=10,
            widget=forms.TextInput(attrs=AMOUNT_ATTRS),
        )
        self.fields["apology_not_corrected"] = forms.BooleanField(
            label="当事人未在行政处罚决定作出前改正违法行为", required=False
        )
        self.fields["apology_exclusions"] = forms.MultipleChoiceField(
            label="排除情形",
            choices=_choices(q.apology_exclusions),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def _exemption(self, q: Questions) -> None:
        ex = q.exemption
        assert ex is not None
        multi = forms.CheckboxSelectMultiple
        date: dict[str, Any] = {"widget": forms.DateInput(attrs={"type": "date"}), "required": False}
        self.fields["ex_areas"] = forms.MultipleChoiceField(
            label="违法行为发生区域", choices=_choices(ex.areas), required=False, widget=multi
        )
        if ex.first_offence:
            self.fields["ex_act_date"] = forms.DateField(label="违法行为发生日期", **date)
            self.fields["ex_prior_dates"] = forms.CharField(
                label="此前同类违法行为的日期",
                required=False,
                max_length=600,
                help_text="每行或以逗号分隔一个日期（YYYY-MM-DD）；没有则留空",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if ex.flags:
            self.fields["ex_flags"] = forms.MultipleChoiceField(
                label="已确认的事实", choices=_choices(ex.flags), required=False, widget=multi
            )
        for m in ex.measures:
            self.fields[f"ex_measure__{m.value}"] = forms.CharField(
                label=m.label, required=False, max_length=30, widget=forms.TextInput(attrs=AMOUNT_ATTRS)
            )
        if ex.exceedances:
            self.fields["ex_categories"] = forms.MultipleChoiceField(
                label="涉及的污染物类别（超标项之外）",
                choices=[("A", "A类"), ("B", "B类")],
                required=False,
                widget=multi,
            )
            for n in range(1, EXCEEDANCE_ROWS + 1):
                self.fields[f"ex_exc{n}_pollutant"] = forms.CharField(
                    label=f"超标污染物{n}",
                    required=False,
                    max_length=40,
                    help_text="如 COD、ph、chroma（色度）" if n == 1 else "",
                )
                self.fields[f"ex_exc{n}_category"] = forms.ChoiceField(
                    label="类别", choices=[("", "—"), ("A", "A类"), ("B", "B类")], required=False
                )
                self.fields[f"ex_exc{n}_multiple"] = forms.CharField(
                    label="超标倍数",
                    required=False,
                    max_length=30,
                    widget=forms.TextInput(attrs=AMOUNT_ATTRS),
                )
                self.fields[f"ex_exc{n}_value"] = forms.CharField(
                    label="监测数值",
                    required=False,
                    max_length=30,
                    widget=forms.TextInput(attrs=AMOUNT_ATTRS),
                )
        if ex.correction:
            self.fields["ex_order_deadline"] = forms.DateField(label="责令改正期限", **date)
            self.fields["ex_corrected_on"] = forms.DateField(label="实际改正日期", **date)

    # ------------------------------------------------------------ cleaning

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for b in self.questions.bases:
            name = f"base__{b.value}"
            if name in data:
                self._number(data, name, label=f"计罚基数（{b.label}）", positive=True)
        if data.get("apology_apply"):
            self._number(data, "apology_rate", label="公开道歉承诺降低比例")
        if data.get("mitigation_apply"):
            self._number(data, "mitigation_amount", label="减轻后的罚款金额", positive=True)
            if len((data.get("mitigation_ground") or "").strip()) < 2:
                self.add_error("mitigation_ground", "减轻处罚必须填写法定依据")
        for name in self.fields:
            numeric = name.startswith("ex_measure__") or (
                name.startswith("ex_exc") and name.endswith(("_multiple", "_value"))
            )
            if numeric and (data.get(name) or "").strip():
                self._number(data, name, label=str(self.fields[name].label))
        if "ex_prior_dates" in self.fields:
            data["ex_prior_dates"] = self._dates(data.get("ex_prior_dates") or "")
        for n in range(2, DAILY_ROWS + 1):
            served, rechecked = data.get(f"daily{n}_served"), data.get(f"daily{n}_rechecked")
            if bool(served) != bool(rechecked):
                self.add_error(f"daily{n}_served" if not served else f"daily{n}_rechecked",
                               f"第{n}轮须同时填写送达日期和复查日期")
        return data

    def _number(self, data: dict[str, Any], name: str, *, label: str, positive: bool = False) -> None:
        try:
            data[name] = parse_decimal(data.get(name) or "", label=label, positive=positive)
        except ValidationError as exc:
            self.add_error(name, exc)

    def _dates(self, text: str) -> list[str]:
        out = []
        for part in re.split(r"[\s,，、;；]+", text.strip()):
            if not part:
                continue
            try:
                if not DATE_RE.fullmatch(part):
                    raise ValueError
                out.append(dt.date.fromisoformat(part).isoformat())
            except ValueError:
                self.add_error("ex_prior_dates", f"「{part[:20]}」不是有效的日期（YYYY-MM-DD）")
        return out

    # ------------------------------------------------------------ facts

    def facts(self) -> dict[str, Any]:
        """The JSON facts of a valid form (catalog.penalty_facts format)."""
        d = self.cleaned_data
        q = self.questions
        facts: dict[str, Any] = {
            "levels": {f.id: d[f"level__{f.id}"] for f in q.factors if d.get(f"level__{f.id}")},
            "medium": d.get("medium") or None,
            "bases": {b.value: str(d[f"base__{b.value}"]) for b in q.bases},
            "grade": d.get("grade") or None,
            "mitigating": list(d.get("mitigating") or []),
            "heavier": list(d.get("heavier") or []),
            "art33": list(d.get("art33") or []),
        }
        for flag in ("prefer_warning", "escalated", "apply_first_offence_waiver", "no_fault_excluded_by_law"):
            if d.get(flag):
                facts[flag] = True
        if d.get("apology_apply"):
            facts["apology"] = {
                "rate": str(d["apology_rate"]),
                "exclusions": list(d.get("apology_exclusions") or []),
                "corrected_before_decision": not d.get("apology_not_corrected"),
            }
        if d.get("mitigation_apply"):
            facts["mitigation"] = {
                "amount": str(d["mitigation_amount"]),
                "ground": d["mitigation_ground"].strip(),
            }
        if q.exemption is not None:
            facts["exemption"] = self._exemption_facts(d)
        if q.periodic == "daily":
            facts["daily_cycles"] = [
                {"order_served": d[f"daily{n}_served"].isoformat(),
                 "rechecked": d[f"daily{n}_rechecked"].isoformat(),
                 "violation_found": not d.get(f"daily{n}_corrected")}
                for n in range(1, DAILY_ROWS + 1)
                if d.get(f"daily{n}_served") and d.get(f"daily{n}_rechecked")]
        if q.periodic == "late_fee":
            facts["late_fee"] = {"due_date": d["late_due_date"].isoformat(),
                                 "paid_date": d["late_paid_date"].isoformat(),
                                 "paused_days": d.get("late_paused_days") or 0}
        return {k: v for k, v in facts.items() if v not in (None, [], {})}

    def _exemption_facts(self, d: Mapping[str, Any]) -> dict[str, Any]:
        ex: dict[str, Any] = {
            "areas": list(d.get("ex_areas") or []),
            "flags": list(d.get("ex_flags") or []),
            "categories": list(d.get("ex_categories") or []),
            "prior_violation_dates": d.get("ex_prior_dates") or [],
            "measures": {
                n.split("__", 1)[1]: str(d[n])
                for n in self.fields
                if n.startswith("ex_measure__") and d.get(n) not in (None, "")
            },
            "exceedances": [
                {
                    k: str(d[f"ex_exc{n}_{k}"])
                    for k in ("pollutant", "category", "multiple", "value")
                    if d.get(f"ex_exc{n}_{k}") not in (None, "")
                }
                for n in range(1, EXCEEDANCE_ROWS + 1)
                if (d.get(f"ex_exc{n}_pollutant") or "").strip()
            ],
        }
        for key, name in (
            ("act_date", "ex_act_date"),
            ("corrected_on", "ex_corrected_on"),
            ("order_deadline", "ex_order_deadline"),
        ):
            if d.get(name):
                ex[key] = d[name].isoformat()
        return {k: v for k, v in ex.items() if v not in (None, [], {})}

    def add_engine_errors(self, exc: ValidationError) -> None:
        """Put each engine error (keyed by its path) next to the field it concerns."""
        for path, messages in exc.message_dict.items():
            field = self.field_for(path)
            for message in messages:
                self.add_error(field, message)

    def field_for(self, path: str) -> str | None:
        parts = path.split(".")
        if parts[:1] != ["facts"] or len(parts) < 2:
            return None
        head, rest = parts[1].split("[")[0], parts[2:]
        names = {
            "levels": f"level__{rest[0]}" if rest else None,
            "bases": f"base__{rest[0]}" if rest else None,
            "apology": {"rate": "apology_rate", "exclusions": "apology_exclusions"}.get(
                rest[0] if rest else "", "apology_apply"
            ),
            "mitigation": {"amount": "mitigation_amount", "ground": "mitigation_ground"}.get(
                rest[0] if rest else "", "mitigation_apply"
            ),
            "exemption": self._exemption_field(rest),
            "daily_cycles": self._daily_field(parts[1], rest),
            "late_fee": {"due_date": "late_due_date", "paid_date": "late_paid_date",
                         "paused_days": "late_paused_days"}.get(rest[0] if rest else "", "late_due_date"),
        }
        name = names.get(head, head)
        return name if name in self.fields else None

    @staticmethod
    def _daily_field(head: str, rest: list[str]) -> str:
        match = re.search(r"\[(\d+)\]", head)
        n = int(match.group(1)) + 1 if match else 1
        key = {"order_served": "served", "rechecked": "rechecked", "violation_found": "corrected"}.get(
            rest[0] if rest else "", "served")
        return f"daily{n}_{key}"

    def _exemption_field(self, rest: list[str]) -> str | None:
        key = rest[0].split("[")[0] if rest else ""
        mapping = {
            "areas": "ex_areas",
            "flags": "ex_flags",
            "categories": "ex_categories",
            "prior_violation_dates": "ex_prior_dates",
            "act_date": "ex_act_date",
            "corrected_on": "ex_corrected_on",
            "order_deadline": "ex_order_deadline",
            "exceedances": "ex_exc1_pollutant",
        }
        if key == "measures" and len(rest) > 1:
            return f"ex_measure__{rest[1]}"
        return mapping.get(key)


class RecordForm(_Bootstrap, forms.Form):
    """The decision actually taken, recorded next to the computed benchmark."""

    decision = forms.ChoiceField(label="决定结论", choices=DecisionType.choices)
    decided_amount = forms.CharField(
        label="决定罚款金额（元）", max_length=30, required=False, widget=forms.TextInput(attrs=AMOUNT_ATTRS)
    )
    reason = forms.CharField(
        label="与基准不一致的理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    source_id = forms.CharField(label="案件编号（可选）", required=False, max_length=64)

    prefix = "record"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean_decided_amount(self) -> Decimal:
        raw = self.cleaned_data.get("decided_amount") or "0"
        return parse_decimal(raw, label="决定罚款金额")

    def clean_source_id(self) -> str:
        value = (self.cleaned_data.get("source_id") or "").strip()
        if not re.fullmatch(r"[A-Za-z0-9_.:/-]{0,64}", value):
            raise ValidationError("案件编号只能包含字母、数字和 _ . : / -")
        return value

    def check_against(self, decision: str, amount: Decimal) -> None:
        """A decision that differs from the benchmark must say why (shown before recording)."""
        d = self.cleaned_data
        differs = d.get("decision") != decision or d.get("decided_amount") != amount
        if differs and len((d.get("reason") or "").strip()) < 2:
            self.add_error("reason", "决定与裁量基准计算结果不一致时，须说明理由")


class ConsistencyForm(_Bootstrap, forms.Form):
    unit = forms.TypedChoiceField(label="单位（含下级）", coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(
        label="决定日期自", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    item = forms.CharField(label="事项编码", required=False, max_length=40)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [("", "本辖区全部")] + [(str(pk), name) for pk, name in units]
        self.style()

    def clean_item(self) -> str:
        code = (self.cleaned_data.get("item") or "").strip().upper()
        if "\x00" in code:
            raise ValidationError("事项编码含有非法字符")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data


class ParameterConfirmForm(_Bootstrap, forms.Form):
    value = forms.CharField(label="参数值", max_length=200)
    note = forms.CharField(
        label="说明（修改时必填：依据的法律条款或文件）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
