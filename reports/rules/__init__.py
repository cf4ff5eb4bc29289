"""Every check of the rules reference (spec/rules.md), by its id: plain functions over a report's values.

The same `check()` serves the form, the live check while typing, the submission gate, the importers and
the county dashboard; the browser never gets a JavaScript copy of a rule. Rules read only a
`ReportValues` and a `Context` (the organisation, last year's values): no database, so they run anywhere.

This module holds the interface (Finding, Context, check, gate, the @rule registry, RULE_INFO, the help
texts); the rules live in structure.py (A), tables.py (B–D) and text.py (E and the text-vs-table checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any, Callable, Literal

from ..values import PROSE_FIELDS, ReportValues

Severity = Literal["error", "warning", "info"]
# What every page and the command line call them: a warning is a 提示 the drafter confirms.
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "提示", "info": "说明"}

# The report section each prose field is printed in (the preface stands before 一 and is edited with it).
PROSE_SECTIONS = {
    "preface": "overview",
    **{name: "overview" for name in PROSE_FIELDS if name.startswith("overview_")},
    "problems": "problems",
    "other_matters": "other_matters",
}
OVERVIEW_FIELDS = tuple(name for name in PROSE_FIELDS if name.startswith("overview_"))


@dataclass(frozen=True)
class Context:
    """What a rule may need beyond the values: the organisation and the previous year."""

    org_kind: str = ""
    org_name: str = ""
    year: int | None = None
    previous: ReportValues | None = None
    # True when last year's report was approved in gkportal (cross-year rules are errors then).
    previous_approved_here: bool = False
    # T3-OTHER-HIGH: warn above this share of （七）总计 (settings.GKPORTAL_OTHER_HANDLING_WARN_SHARE).
    other_handling_warn_share: float = 0.2

    @property
    def cross_year_severity(self) -> Severity:
        return "error" if self.previous_approved_here else "warning"

    @property
    def previous_label(self) -> str:
        return f"上年（{self.year - 1}年）报告" if self.year else "上年报告"


@dataclass(frozen=True)
class Finding:
    rule: str  # the id in rules.md: T3-BAL, S-CELLS, …
    severity: Severity
    message: str  # Chinese, says what is wrong and what would fix it
    cells: tuple[str, ...] = ()  # keys: table3.new.natural, table2.licensing, prose.problems, …
    left: Any = None  # the two sides of the equation, where there is one
    right: Any = None
    section: str = ""  # the section code (overview … other_matters) it belongs to
    code: str = ""  # tells apart two findings of one rule on the same cells (N-S5 short / repeat)

    @property
    def key(self) -> str:
        """Stable identity of a finding, for acknowledgements: rule + cells (+ code)."""
        key = f"{self.rule}:{','.join(self.cells)}"
        return f"{key}:{self.code}" if self.code else key

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "cells": list(self.cells),
            "left": _plain(self.left),
            "right": _plain(self.right),
            "section": self.section,
            "code": self.code,
            "key": self.key,
        }


def _plain(v: Any) -> Any:
    """A side of an equation as JSON can carry it: Decimals as strings, exactly as entered."""
    return str(v) if isinstance(v, Decimal) else v


@dataclass(frozen=True)
class RuleInfo:
    """A rule of rules.md sections A–E: where it lives and how it is enforced."""

    id: str
    title: str
    section: str
    reads_prose: bool = False
    # check: a function below; construction: the catalogue makes it impossible to break; help: text only.
    how: Literal["check", "construction", "help"] = "check"


RULE_INFO: dict[str, RuleInfo] = {
    i.id: i
    for i in (
        RuleInfo("S-SECTIONS", "六个部分齐全、顺序和标题与模板一致", "", how="construction"),
        RuleInfo("S-LABELS", "表格的行、列和标签与模板一字不差", "", how="construction"),
        RuleInfo("S-CELLS", "每个数字格都要填数，没有的填 0", ""),
        RuleInfo("S-INT", "件数为不小于 0 的整数", ""),
        RuleInfo("S-FEE-NUM", "行政事业性收费为不小于 0 的数，最多 6 位小数", "proactive"),
        RuleInfo("S-FEE-UNIT", "行政事业性收费的单位是万元", "proactive"),
        RuleInfo("S-PERIOD", "统计期限和文中年份为报告年度", "", reads_prose=True),
        RuleInfo("S-TITLE", "正文中的机关名称与标题一致", "overview", reads_prose=True),
        RuleInfo("T2-NOREG", "没有规章制定权的机关，规章各栏为 0", "proactive"),
        RuleInfo("T2-XYEAR", "现行有效件数 = 上年现行有效 + 本年制发 − 本年废止", "proactive"),
        RuleInfo("T2-ABOLISH", "本年废止不多于上年现行有效加本年制发", "proactive"),
        RuleInfo("T2-SCOPE", "行政许可、处罚、强制数量包括未公开的决定", "proactive", how="help"),
        RuleInfo("T2-NARR", "正文中的规章、规范性文件件数与表二一致", "proactive", reads_prose=True),
        RuleInfo("T3-BAL", "每列：一 + 二 = （七）总计 + 四", "applications"),
        RuleInfo("T3-SUM", "（七）总计等于各项办理结果之和", "applications"),
        RuleInfo("T3-ROW", "每行总计等于各类申请人之和", "applications"),
        RuleInfo("T3-NOSUB", "（三）至（六）没有小计行", "applications", how="construction"),
        RuleInfo("T3-ONCE", "每件申请只计一种办理结果", "applications", how="help"),
        RuleInfo("T3-CARRY", "本年上年结转 = 上年结转下年度", "applications"),
        RuleInfo("T3-OTHER-HIGH", "“其他处理”占比偏高要说明", "applications"),
        RuleInfo("T3-FEE-LINK", "有逾期未缴费的，第六部分要报告信息处理费", "applications", reads_prose=True),
        RuleInfo("T3-ZERO-CARRY", "没有新收和结转申请时，表三全为 0", "applications"),
        RuleInfo("T4-REV", "行政复议各结果之和等于总计", "review_litigation"),
        RuleInfo("T4-LIT-D", "未经复议直接起诉各结果之和等于总计", "review_litigation"),
        RuleInfo("T4-LIT-R", "复议后起诉各结果之和等于总计", "review_litigation"),
        RuleInfo("T4-JOINT", "复议机关作共同被告的案件只计原行为主体", "review_litigation", how="help"),
        RuleInfo("T4-NARR", "正文中的复议、诉讼件数与表四一致", "review_litigation", reads_prose=True),
        RuleInfo("N-S1-ASPECTS", "总体情况五个方面齐全", "overview", reads_prose=True),
        RuleInfo("N-S1-LEN", "总体情况原则上不超过一千字", "overview", reads_prose=True),
        RuleInfo("N-S5", "存在的主要问题及改进情况具体、不与上年雷同", "problems", reads_prose=True),
        RuleInfo("N-S6-FEE", "第六部分报告信息处理费情况", "other_matters", reads_prose=True),
        RuleInfo("N-NUMS", "正文中的申请件数与表三一致", "", reads_prose=True),
        RuleInfo("N-SIMILAR", "全文不与上年报告雷同", "overview", reads_prose=True),
        RuleInfo("N-TYPO", "常见笔误", "", reads_prose=True),
        RuleInfo("N-UNITS", "信息处理费以元计，行政事业性收费以万元计", "", reads_prose=True),
    )
}


@dataclass(frozen=True)
class HelpText:
    """Guidance shown beside cells (rules that cannot be checked from the numbers)."""

    rule: str
    section: str
    cells: tuple[str, ...]
    text: str


HELP_TEXTS: tuple[HelpText, ...] = (
    HelpText(
        "T2-SCOPE", "proactive", ("table2.licensing", "table2.penalty", "table2.enforcement"),
        "第（五）项的行政许可数量、第（六）项的行政处罚和行政强制数量，包括已公开和依法未公开的全部处理决定。",
    ),
    HelpText(
        "T3-ONCE", "applications", ("table3.partial",),
        "每件申请只计一次，只计入一种办理结果；区分处理的，只计入“（二）部分公开”，不计其他情形。",
    ),
    HelpText(
        "T4-JOINT", "review_litigation", ("table4.litigation_direct", "table4.litigation_after_review"),
        "行政复议机关作为共同被告的行政诉讼案件，只计算原行为主体的案件数量，不计算行政复议机关的案件数量。",
    ),
)


def help_texts(section: str | None = None) -> list[HelpText]:
    """The help texts (T2-SCOPE, T3-ONCE, T4-JOINT), for one section or all."""
    return [h for h in HELP_TEXTS if section is None or h.section == section]


Rule = Callable[[ReportValues, Context], list[Finding]]
RULES: list[Rule] = []
# The formats a rule applies to, where not every one (rule function → format versions).
RULE_FORMATS: dict[Rule, tuple[str, ...]] = {}


def rule(fn: Rule | None = None, *, formats: tuple[str, ...] = ()):
    """Register a rule; `formats` limits it to those formats (the 1,000-字 limit and the fee are 2021's)."""
    def register(fn: Rule) -> Rule:
        RULES.append(fn)
        if formats:
            RULE_FORMATS[fn] = formats
        return fn
    return register(fn) if fn is not None else register


def applies(fn: Rule, format_version: str) -> bool:
    return format_version in RULE_FORMATS.get(fn, (format_version,))


class _CheckedValues(ReportValues):
    """The values as one `check()` reads them: the same dictionaries, with every derived 表三 cell (the 总计
    column and the （七）总计 row) worked out once, all together, the first time one is asked for. Rules never
    change values, and the memo lives only as long as that one call: N-NUMS, T3-BAL and T3-OTHER-HIGH ask for
    ~9 derived cells a report, ~250 cell reads."""

    def t3(self, row: str, column: str):
        if row != "total" and column != "total":
            return self.table3[row][column]
        memo = self._t3_memo
        if memo is None:
            memo = self._t3_memo = _derived_cells(self)
        key = (row, column)
        if key in memo:
            return memo[key]
        value = memo[key] = ReportValues.t3(self, row, column)  # a cell of no entered row: raises as it did
        return value

    @property
    def format(self):
        return self._format


@lru_cache(maxsize=None)
def _table3_codes(version: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(entered rows, result rows, entered columns) of a format's 表三, by code."""
    from ..catalogue import get_format

    t3 = get_format(version).table3
    return (tuple(r.code for r in t3.entered_rows), tuple(r.code for r in t3.result_rows),
            tuple(c.code for c in t3.entered_columns))


def _derived_cells(values: ReportValues) -> dict[tuple[str, str], Any]:
    """Every derived 表三 cell, summed as ReportValues.t3 sums it (the same values in the same order, blanks left
    out, None when all are blank), a row or a column at a time instead of ~250 method calls. A cell that does
    not hold a number (a sum that raises) leaves the memo empty: each cell is then worked out alone, raising
    where ReportValues.t3 raises."""
    rows, results, columns = _table3_codes(values.format_version)
    table, cells = values.table3, itemgetter(*columns)
    memo: dict[tuple[str, str], Any] = {}
    try:
        by_row = {row: cells(table[row]) for row in rows}
        for row, row_values in by_row.items():
            memo[row, "total"] = _sum_or_none(row_values)
        for column, column_values in zip(columns, zip(*[by_row[r] for r in results])):
            memo["total", column] = _sum_or_none(column_values)
        memo["total", "total"] = _sum_or_none([memo[r, "total"] for r in results])
    except Exception:  # noqa: BLE001 - any failure: the cell-by-cell way, as before
        return {}
    return memo


def _sum_or_none(parts) -> Any:
    """values.sum_or_none, with the common case (no blank) summed in one call."""
    if None not in parts:
        return sum(parts)
    filled = [v for v in parts if v is not None]
    return sum(filled) if filled else None


def checked_values(values: ReportValues) -> ReportValues:
    """A view of `values` for one check (or one reply of the live check): shares its dictionaries, answers t3()
    from a memo. For reading only: a change to the values after a derived cell was read is not seen."""
    view = object.__new__(_CheckedValues)
    view.__dict__.update(values.__dict__)
    view._t3_memo = None
    view._format = values.format
    return view


def check(values: ReportValues, context: Context | None = None) -> list[Finding]:
    """Every finding for these values, in the order of the report's sections."""
    context = context or Context()
    values = checked_values(values)
    rules, order = _plan(values.format_version, tuple(RULES))
    out: list[Finding] = []
    for fn in rules:
        out += fn(values, context)
    return sorted(out, key=lambda f: order.get(f.section, len(order)))


@lru_cache(maxsize=None)
def _plan(format_version: str, registered: tuple[Rule, ...]) -> tuple[tuple[Rule, ...], dict[str, int]]:
    """Of the rules registered, those that apply to a format, in order; and the place of each of its sections."""
    from ..catalogue import get_format

    sections = get_format(format_version).sections
    return tuple(fn for fn in registered if applies(fn, format_version)), {s.code: i for i, s in enumerate(sections)}


def gate(findings: list[Finding], acknowledged: set[str] = frozenset()) -> list[Finding]:
    """What blocks submission: every error, and every warning not yet acknowledged."""
    return [f for f in findings if f.severity == "error" or (f.severity == "warning" and f.key not in acknowledged)]


def show(v: Any) -> str:
    """A value in a message: blank shows as 空."""
    return "空" if v is None else str(v)


def percent(share: float) -> str:
    """0.2 → 20.0%."""
    return f"{share * 100:.1f}%"


def organisation_kinds():
    """The Organisation model, for its kinds; imported late so that rules run without Django for an unknown kind."""
    from ..models import Organisation

    return Organisation


# The rules register themselves on import, in the order of rules.md (A, then B–D, then E).
from . import structure, tables, text  # noqa: E402, F401
from .text import KNOWN_SLIPS  # noqa: E402

__all__ = [
    "Context",
    "Finding",
    "HELP_TEXTS",
    "HelpText",
    "KNOWN_SLIPS",
    "RULES",
    "RULE_INFO",
    "RuleInfo",
    "SEVERITY_LABELS",
    "check",
    "gate",
    "help_texts",
    "rule",
]
