"""Forms of the six section editors: read what clerks really type, then check with reports.rules.

Every input is named by its key (`table3.new.natural`, `table2.licensing`, `prose.problems`, …), the
same key a `Finding` names in `cells`, so the server's answer lands on the right cell. A form's clean()
parses each cell (refusing what is not a count, at that cell) and then runs `reports.rules.check` over
the whole report with this section's cells in place; rule findings never make a form invalid, since a
clerk must be able to save a half-done, unbalanced draft and come back to it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar, Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from .catalogue import Format
from .previous import editing_context
from .joined import read_where
from .models import SECTION_MODELS, ApplicationRow, CarriedText, OtherMattersSection, Report
from .narrative import overview_length
from .rules import Context, Finding, check
from .signals import section_saved
from .services import store_table2
from .stored import T3_FIELDS, read_values
from .values import PROSE_FIELDS, PROSE_TOTAL_MAX, ReportValues
from .writing import How, writing, written

from .form_fields import (  # noqa: F401  (the parsers are used from here by the views and the tests)
    AmountField,
    CountField,
    TextField,
    amount_text,
    cell_field,
    cell_text,
    count_text,
    echo,
    finding_section,
    normalise,
    parse_amount_text,
    parse_count_text,
    prose_field,
    section_of_key,
)


class Conflict(Exception):
    """Someone else saved the section after this editor loaded it; nothing was written."""


class SectionForm(forms.Form):
    """One section's cells, named by key; clean() parses them and checks the whole report."""

    code: ClassVar[str]
    revision = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False, widget=forms.HiddenInput)

    def __init__(self, report: Report, data: Any = None, *, values: ReportValues | None = None,
                 context: Context | None = None, rules: bool = True) -> None:
        self.report = report
        self.saved = values if values is not None else report.values()
        self._context = context
        # An autosave answers no findings: rules=False parses and checks the cells only (the live check runs
        # the rules a moment before, on the same text).
        self.rules = rules
        self._initial: dict[str, Any] | None = None
        super().__init__(data)  # the initial texts when first asked for (the live check never asks)
        self.fields.update(self._cell_fields(report))
        self.values: ReportValues | None = None
        self.findings: list[Finding] = []
        self._stored_facts: tuple[Context, list[Finding]] | None = None

    @property
    def initial(self) -> dict[str, Any]:
        """The stored values as the inputs show them, and the stored revision."""
        if self._initial is None:
            self._initial = {**self.texts(self.saved, self.report), "revision": self.stored_revision()}
        return self._initial

    @initial.setter
    def initial(self, value: dict[str, Any]) -> None:  # forms.Form.__init__ sets {}: computed when read
        self._initial = value or None

    # Each form class's fields by format: they depend on the catalogue only, and building 144 fields per
    # request was a tenth of the live check. Shared between forms (nothing changes a field once made).
    _field_cache: ClassVar[dict[tuple[type, str], list[tuple[str, forms.Field]]]] = {}

    @classmethod
    def _cell_fields(cls, report: Report) -> list[tuple[str, forms.Field]]:
        key = (cls, report.format_version)
        if key not in SectionForm._field_cache:
            SectionForm._field_cache[key] = cls.cell_fields(report.format, report)
        return SectionForm._field_cache[key]

    # ---- what each section defines

    @classmethod
    def cell_fields(cls, fmt: Format, report: Report) -> list[tuple[str, forms.Field]]:
        """(key, field) for every input of the section, in reading order."""
        raise NotImplementedError

    @classmethod
    def texts(cls, values: ReportValues, report: Report) -> dict[str, str]:
        """The stored values as the inputs show them."""
        raise NotImplementedError

    def apply(self, values: ReportValues, cells: dict[str, Any]) -> None:
        """Put the cleaned cells into `values` (a copy of the saved report)."""
        raise NotImplementedError

    def model_updates(self, cells: dict[str, Any]) -> dict[str, Any]:
        """The section model's fields to write, from the cleaned cells."""
        raise NotImplementedError

    def save_related(self, cells: dict[str, Any], now: datetime.datetime) -> None:
        """Anything stored outside the section model (表三's rows, the report's own fields). The report's
        `updated_at` is not for this to set: reports.writing moves it on every write."""

    # ---- shared

    def _clean_fields(self) -> None:
        """Django 5.2's Form._clean_fields without a BoundField per field: for a field that is neither disabled nor
        a file, its BoundField only reads `widget.value_from_datadict(data, files, html name)` for `clean()`.
        Building 145 of them was a sixth of the live check's CPU. Otherwise as Django writes it (and for disabled
        and file fields, Django's way); tests/test_editing_forms.py compares the cleaned data and errors."""
        for name, field in self.fields.items():
            try:
                if field.disabled or isinstance(field, forms.FileField):
                    self.cleaned_data[name] = field._clean_bound_field(self[name])
                else:
                    self.cleaned_data[name] = field.clean(
                        field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name)))
                if hasattr(self, "clean_%s" % name):
                    self.cleaned_data[name] = getattr(self, "clean_%s" % name)()
            except ValidationError as e:
                self.add_error(name, e)

    @property
    def keys(self) -> list[str]:
        return [k for k in self.fields if k != "revision"]

    def stored_revision(self) -> int:
        return getattr(self.report, self.code).revision

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        refused = self.refused_keys()
        cells = {key: (None if key in refused else cleaned.get(key)) for key in self.keys}
        self.values = self._with(cells)
        self._check_total_length(self.values)
        if not self.rules:
            return cleaned
        self.findings = self._check(self.values)
        if refused:
            # A refused cell is not a 0, nor a blank: it is left out of the checks. A finding that would
            # change with the cell's value needs it, so it waits until the cell is corrected: only the
            # findings that stand alike whatever the cell holds (0, 1 or a large number) are kept.
            def seen(findings: list[Finding]) -> set[tuple[str, str, str]]:
                return {(f.key, f.severity, f.message) for f in findings}

            stable = None
            for probe in self._probes(refused):
                found = seen(self._check(self._with(cells | probe)))
                stable = found if stable is None else stable & found
            if stable is not None:
                self.findings = [f for f in self.findings if (f.key, f.severity, f.message) in stable
                                 and not set(f.cells) & set(refused)]
        return cleaned

    _PROBES = (0, 1, 1_000_003)

    def _probes(self, refused: list[str]) -> list[dict[str, Any]]:
        """Values to try in the refused number cells (other refused fields stay blank)."""
        numeric = [k for k in refused if isinstance(self.fields[k], (CountField, AmountField))]
        if not numeric:
            return []
        return [{k: (Decimal(n) if isinstance(self.fields[k], AmountField) else n) for k in numeric}
                for n in self._PROBES]

    def _with(self, cells: dict[str, Any]) -> ReportValues:
        values = self.saved.copy()
        self.apply(values, cells)
        return values

    def _check(self, values: ReportValues) -> list[Finding]:
        if self._context is not None:
            return check(values, self._context)
        if self._stored_facts is None:
            # What findings_for_report reads from the database, read once for the probes too; last year's
            # report from the cache (reports.previous) unless it changed.
            from .carryover import carryover_findings

            marks = read_where(CarriedText, "report", self.report.pk)  # report.carried_texts, no query to build
            self._stored_facts = (editing_context(self.report), carryover_findings(self.report, marks))
        context, carried = self._stored_facts
        return check(values, context) + carried

    def stored_findings(self) -> list[Finding]:
        """The findings of the report as stored (findings_for_report's, with last year's report cached)."""
        return self._check(self.saved)

    def refused_keys(self) -> list[str]:
        """The cells whose text was refused (a letter, 1.5, −3): each keeps its stored value on saving."""
        return [key for key in self.keys if key in self.errors]

    def savable(self) -> bool:
        """True when the form can be saved: valid, or with refused cells only (they keep what is stored)."""
        self.is_valid()
        return all(name in self.keys for name in self.errors)

    def stored_cell(self, key: str) -> Any:
        """The value a cell holds in the database, as its field reads it."""
        return self.fields[key].clean(self.initial.get(key, ""))

    def kept_texts(self) -> dict[str, str]:
        """After save(): each refused cell's stored value as its input shows it (the editor shows it beside the
        typed text, marked 待改正)."""
        return {key: self.initial.get(key, "") for key in self.refused_keys()}

    def _check_total_length(self, values: ReportValues) -> None:
        """The whole report's prose within PROSE_TOTAL_MAX: said at this section's longest prose part."""
        total = sum(len(values.prose[name]) for name in PROSE_FIELDS)
        mine = [k for k in self.keys if k.startswith("prose.") and k not in self.errors]
        if total > PROSE_TOTAL_MAX and mine:
            key = max(mine, key=lambda k: len(values.prose[k.removeprefix("prose.")]))
            others = total - sum(len(values.prose[k.removeprefix("prose.")]) for k in mine)
            self.add_error(key, ValidationError(
                "整份报告的文字部分合计最多 %(limit)s 字，现有 %(total)s 字（其他部分已有 %(others)s 字），请精简。",
                code="total_length", params={"limit": PROSE_TOTAL_MAX, "total": total, "others": others}))

    def cell_errors(self) -> dict[str, str]:
        return {key: " ".join(self.errors[key]) for key in self.keys if key in self.errors}

    def normalised(self) -> dict[str, str]:
        """Cells whose typed text reads differently once parsed (１２ → 12), for the editor to tidy."""
        if self.values is None:
            return {}
        shown = self.texts(self.values, self.report)
        out = {}
        for key in self.keys:
            raw = self.data.get(key, "")
            numeric = isinstance(self.fields[key], (CountField, AmountField))
            if numeric and key not in self.errors and isinstance(raw, str) and raw != shown[key]:
                out[key] = shown[key]
        return out

    def save(self, *, revision: int, by) -> int:
        """Store the section if it is still at `revision`; the new revision. Raises Conflict otherwise.

        A refused cell keeps the value stored (its typed text stays in the editor, marked 待改正); the
        section's other cells are stored.

        The report's row is locked first and its state and `by`'s right checked again (reports.writing):
        a save that loses to a submission, approval or publication raises WriteRefused and writes nothing.
        The compare-and-set is one UPDATE … WHERE revision = n: of two simultaneous saves from the same
        revision exactly one matches (PostgreSQL re-reads the row after the first commits), so neither
        can overwrite the other unseen.
        """
        if not self.savable():
            raise ValueError("save() needs a valid form, or one with refused cells only")
        refused = self.refused_keys()
        cells = {key: (self.stored_cell(key) if key in refused else self.cleaned_data.get(key)) for key in self.keys}
        model = SECTION_MODELS[self.code]
        now = timezone.now()
        with writing(self.report, by=by, how=How.SAVE, section=self.code) as locked:
            updated = model.objects.filter(report=locked, revision=revision).update(
                revision=F("revision") + 1, updated_at=now, **self.model_updates(cells)
            )
            if not updated:
                raise Conflict()
            self.save_related(cells, now)
            if self.version_from_cells:
                # The version from what the lock read and what was just written: the other sections as the
                # lock's joined read found them, 表二 / 表三 as stored, this section's cells over them.
                values = read_values(locked, self._rows_under_lock, None)
                before = values.copy()
                self.apply(values, cells)
                # Values that differ from the lock's read differ from the last version (every write keeps one):
                # the version is kept without reading the last one's data to compare.
                written(locked, values, changed=values != before)
            # The lock's read joined this section as it was before the write: forget it (read again if asked).
            locked._state.fields_cache.pop(self.code, None)
            section_saved.send(sender=Report, report=locked, section=self.code, by=by)
        return revision + 1

    # The section's version is made from its cleaned cells over the locked read (reports.writing.written): only
    # where a cell's value reads back from the database exactly as cleaned (counts, text). Not for amounts
    # (表二's, the fee): a Decimal may come back with other places, and the version must be byte for byte.
    version_from_cells: ClassVar[bool] = False
    _rows_under_lock: list[tuple] | None = None  # 表三's rows as read under the lock, when the save read them


class OverviewForm(SectionForm):
    """一、总体情况: the five parts, with the 前言 before them and the 落款 after the report."""

    code = "overview"
    version_from_cells = True

    @classmethod
    def cell_fields(cls, fmt, report):
        fields: list[tuple[str, forms.Field]] = [
            ("prose.preface", prose_field(Report._meta.get_field("preface").verbose_name)),
        ]
        for part in fmt.overview_parts:
            fields.append((f"prose.overview_{part.code}", prose_field(part.heading)))
        fields += [
            ("signature.name", TextField(label=Report._meta.get_field("signature_name").verbose_name,
                                         required=False, max_length=100)),
            ("signature.date", forms.DateField(label=Report._meta.get_field("signature_date").verbose_name,
                                               required=False,
                                               input_formats=["%Y-%m-%d", "%Y年%m月%d日", "%Y/%m/%d", "%Y.%m.%d"],
                                               error_messages={"invalid": "请填写日期，如 2024-01-20。"})),
        ]
        return fields

    @classmethod
    def texts(cls, values, report):
        out = {"prose.preface": values.prose["preface"]}
        for part in values.format.overview_parts:
            out[f"prose.overview_{part.code}"] = values.prose[f"overview_{part.code}"]
        out["signature.name"] = report.signature_name
        out["signature.date"] = report.signature_date.isoformat() if report.signature_date else ""
        return out

    def apply(self, values, cells):
        for key, value in cells.items():
            if key.startswith("prose."):
                values.prose[key.removeprefix("prose.")] = value or ""

    def model_updates(self, cells):
        return {part.code: cells[f"prose.overview_{part.code}"] or "" for part in self.report.format.overview_parts}

    def save_related(self, cells, now):
        Report.objects.filter(pk=self.report.pk).update(
            preface=cells["prose.preface"] or "",
            signature_name=cells["signature.name"] or "",
            signature_date=cells["signature.date"],
        )

    def overview_chars(self) -> int:
        values = self.values or self.saved
        return overview_length(values)


class ProactiveForm(SectionForm):
    """二、主动公开政府信息情况: 表二's cells, each as its catalogue kind says (counts, signed counts, amounts)."""

    code = "proactive"

    @classmethod
    def cell_fields(cls, fmt, report):
        return [(cell.key, cell_field(cell)) for cell in fmt.table2.cells]

    @classmethod
    def texts(cls, values, report):
        return {cell.key: cell_text(values.table2[cell.field]) for cell in values.format.table2.cells}

    def apply(self, values, cells):
        for key, value in cells.items():
            values.set(key, value)

    def model_updates(self, cells):
        return {}

    def save_related(self, cells, now):
        store_table2(self.report.proactive, self.report.format,
                     {key.removeprefix("table2."): value for key, value in cells.items()})
        super().save_related(cells, now)


class GridSectionForm(SectionForm):
    """A table entered as a grid: its entered rows (or groups) × its entered columns, keyed table.row.column."""

    table = ""  # the attribute of ReportValues and of the format: "table3" or "table4"
    version_from_cells = True

    @classmethod
    def grid_rows(cls, fmt) -> list:
        raise NotImplementedError

    @classmethod
    def cell_fields(cls, fmt, report):
        t = getattr(fmt, cls.table)
        return [
            (key, cell_field(fmt.cell(key)))
            for r in cls.grid_rows(fmt)
            for c in t.entered_columns
            for key in (f"{cls.table}.{r.code}.{c.code}",)
        ]

    @classmethod
    def texts(cls, values, report):
        fmt, data = values.format, getattr(values, cls.table)
        return {
            f"{cls.table}.{r.code}.{c.code}": count_text(data[r.code][c.code])
            for r in cls.grid_rows(fmt)
            for c in getattr(fmt, cls.table).entered_columns
        }

    def apply(self, values, cells):
        data = getattr(values, self.table)
        for key, value in cells.items():
            _, row, col = key.split(".")
            data[row][col] = value
        # Saving the grid is the clerk's word on its numbers: an imported document's printed 总计 of this
        # table (T3-SUM, T3-ROW, T4-*) no longer stands against them.
        values.printed_totals = self.other_tables_printed(values.printed_totals)

    def other_tables_printed(self, printed: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in printed.items() if not k.startswith(f"{self.table}.")}

    def save_related(self, cells, now):
        stored = self.report.printed_totals or {}
        if (kept := self.other_tables_printed(stored)) != stored:
            Report.objects.filter(pk=self.report.pk).update(printed_totals=kept)
        super().save_related(cells, now)


class ApplicationsForm(GridSectionForm):
    """三、收到和处理政府信息公开申请情况: 表三's 24 entered rows × 6 entered columns."""

    code = "applications"
    table = "table3"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[str, Any] = {}  # refused cells: the value stored, as read under the lock by save()

    def kept_texts(self):
        return {key: count_text(self._kept[key]) for key in self.refused_keys() if key in self._kept}

    @classmethod
    def grid_rows(cls, fmt):
        return fmt.table3.entered_rows

    def model_updates(self, cells):
        return {}

    def save_related(self, cells, now):
        """Only the cells that differ from what the rows hold (read under the report's lock) are written:
        a keystroke changes one cell, so one row's UPDATE of one column, not all 24 rows'. A refused cell
        keeps what the rows hold under the lock (`cells` is updated, so the version has it too): the autosave
        does not read 表三 before the lock (views.editing.SAVE_TABLES)."""
        columns = [c.code for c in self.report.format.table3.entered_columns]
        rows = list(ApplicationRow.objects.filter(section__report=self.report).values_list("pk", "row", *columns))
        refused = set(self.refused_keys())
        for pk, code, *stored in rows:
            for col, old in zip(columns, stored) if refused else ():
                if (key := f"table3.{code}.{col}") in refused:
                    cells[key] = self._kept[key] = old
            changed = {col: cells[f"table3.{code}.{col}"] for col, old in zip(columns, stored)
                       if cells[f"table3.{code}.{col}"] != old}
            if changed:
                ApplicationRow.objects.filter(pk=pk).update(**changed)
        # As read under the lock (the version puts the cells over them), in the layout `read_values` takes.
        self._rows_under_lock = [tuple(r[1:]) for r in rows] if tuple(columns) == T3_FIELDS else None
        super().save_related(cells, now)


class ReviewLitigationForm(GridSectionForm):
    """四、政府信息公开行政复议、行政诉讼情况: 表四's 12 entered cells."""

    code = "review_litigation"
    table = "table4"

    @classmethod
    def grid_rows(cls, fmt):
        return fmt.table4.groups

    def model_updates(self, cells):
        t4 = self.report.format.table4
        return {t4.field(*key.split(".")[1:]): value for key, value in cells.items()}


class ProblemsForm(SectionForm):
    """五、存在的主要问题及改进情况."""

    code = "problems"
    version_from_cells = True

    @classmethod
    def cell_fields(cls, fmt, report):
        return [("prose.problems", prose_field(fmt.section("problems").heading))]

    @classmethod
    def texts(cls, values, report):
        return {"prose.problems": values.prose["problems"]}

    def apply(self, values, cells):
        values.prose["problems"] = cells["prose.problems"] or ""

    def model_updates(self, cells):
        return {"text": cells["prose.problems"] or ""}


class OtherMattersForm(SectionForm):
    """六、其他需要报告的事项, with the 信息处理费 amount in 元 and the number of applications charged."""

    code = "other_matters"

    @classmethod
    def cell_fields(cls, fmt, report):
        meta = OtherMattersSection._meta
        return [
            ("prose.other_matters", prose_field(fmt.section("other_matters").heading)),
            ("processing_fee.yuan", AmountField(places=2, unit="元",
                                                label=meta.get_field("processing_fee_yuan").verbose_name)),
            ("processing_fee.applications", CountField(label=meta.get_field("processing_fee_count").verbose_name)),
        ]

    @classmethod
    def texts(cls, values, report):
        return {
            "prose.other_matters": values.prose["other_matters"],
            "processing_fee.yuan": amount_text(values.processing_fee_yuan),
            "processing_fee.applications": count_text(values.processing_fee_count),
        }

    def apply(self, values, cells):
        values.prose["other_matters"] = cells["prose.other_matters"] or ""
        values.processing_fee_yuan = cells["processing_fee.yuan"]
        values.processing_fee_count = cells["processing_fee.applications"]

    def model_updates(self, cells):
        return {
            "text": cells["prose.other_matters"] or "",
            "processing_fee_yuan": cells["processing_fee.yuan"],
            "processing_fee_count": cells["processing_fee.applications"],
        }


SECTION_FORMS: dict[str, type[SectionForm]] = {
    form.code: form
    for form in (OverviewForm, ProactiveForm, ApplicationsForm, ReviewLitigationForm, ProblemsForm, OtherMattersForm)
}


def printed_mismatches(values: ReportValues, printed: dict[str, str]) -> dict[str, str]:
    """Pasted numbers that landed on a 总计 cell, where they differ from the sum: key → message."""
    out = {}
    for key, raw in printed.items():
        parts = key.split(".")
        if len(parts) != 3 or parts[0] not in ("table3", "table4"):
            continue
        try:
            derived = values.derived(key)
        except (KeyError, ValueError):
            continue
        try:
            pasted = parse_count_text(raw)
        except ValidationError:
            out[key] = f"粘贴到总计的“{echo(raw)}”不是数字；总计由系统按各项相加，不需填写。"
            continue
        if pasted is not None and pasted != derived:
            shown = "空" if derived is None else derived
            out[key] = f"粘贴的总计为 {pasted}，但按各项相加为 {shown}：请核对这一行（列）的数字。"
    return out


def section_texts(report: Report, section: str) -> dict[str, str]:
    """What the section holds now in the database, as the inputs show it (for a conflict answer)."""
    fresh = Report.objects.select_related("organisation").get(pk=report.pk)
    return SECTION_FORMS[section].texts(fresh.values(), fresh)


def filled_keys(values: ReportValues, report: Report, section: str) -> tuple[list[str], list[str]]:
    """(filled, blank) keys of the section's numbers or prose parts, for the section's state."""
    texts = SECTION_FORMS[section].texts(values, report)
    keys: Iterable[str]
    if section == "overview":
        keys = [f"prose.overview_{p.code}" for p in values.format.overview_parts]
    elif section == "other_matters":
        keys = ["prose.other_matters"]
    else:
        keys = list(texts)
    filled = [k for k in keys if texts[k].strip()]
    blank = [k for k in keys if not texts[k].strip()]
    return filled, blank


__all__ = [
    "AmountField",
    "Conflict",
    "CountField",
    "SECTION_FORMS",
    "SectionForm",
    "TextField",
    "filled_keys",
    "finding_section",
    "parse_amount_text",
    "parse_count_text",
    "printed_mismatches",
    "section_texts",
]
