"""Every check of the rules reference (spec/rules.md), by its id: plain functions over a report's values.

The same `check()` serves the form, the live check while typing, the submission gate, the importers and
the county dashboard; the browser never gets a JavaScript copy of a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal

from .values import ReportValues

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Context:
    """What a rule may need beyond the values: the organisation and the previous year."""

    org_kind: str = ""
    org_name: str = ""
    year: int | None = None
    previous: ReportValues | None = None
    # True when last year's report was approved in gkportal (cross-year rules are errors then).
    previous_approved_here: bool = False


@dataclass(frozen=True)
class Finding:
    rule: str  # the id in rules.md: T3-BAL, S-CELLS, …
    severity: Severity
    message: str  # Chinese, says what is wrong and what would fix it
    cells: tuple[str, ...] = ()  # keys: table3.new.natural, table2.licensing, prose.problems, …
    left: Any = None  # the two sides of the equation, where there is one
    right: Any = None
    section: str = ""  # the section code (overview … other_matters) it belongs to

    @property
    def key(self) -> str:
        """Stable identity of a finding, for acknowledgements: rule + cells."""
        return f"{self.rule}:{','.join(self.cells)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "cells": list(self.cells),
            "left": self.left,
            "right": self.right,
            "section": self.section,
            "key": self.key,
        }


Rule = Callable[[ReportValues, Context], list[Finding]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def check(values: ReportValues, context: Context | None = None) -> list[Finding]:
    """Every finding for these values, in the order of the report."""
    context = context or Context()
    out: list[Finding] = []
    for fn in RULES:
        out.extend(fn(values, context))
    return out


def _fmt(v: Any) -> str:
    return "空" if v is None else str(v)


@rule
def t3_balance(values: ReportValues, context: Context) -> list[Finding]:
    """T3-BAL: per column, 一 + 二 = （七）总计 + 四."""
    out = []
    t3 = values.format.table3
    for col in t3.columns:
        parts = [values.t3(r, col.code) for r in ("new", "carried_over", "total", "carry_forward")]
        if any(p is None for p in parts):
            continue
        new, carried, total, forward = parts
        if new + carried != total + forward:
            out.append(
                Finding(
                    "T3-BAL",
                    "error",
                    f"第（七）项总计（{col.label}）为 {total}，但 一+二−四 = {new + carried - forward}："
                    f"一、本年新收 {new} 加 二、上年结转 {carried}，应等于（七）总计 {total} 加 四、结转下年度 {forward}。",
                    tuple(f"table3.{r}.{col.code}" for r in ("new", "carried_over", "total", "carry_forward")),
                    new + carried,
                    total + forward,
                    "applications",
                )
            )
    return out


def gate(findings: list[Finding], acknowledged: set[str] = frozenset()) -> list[Finding]:
    """What blocks submission: every error, and every warning not yet acknowledged."""
    return [f for f in findings if f.severity == "error" or (f.severity == "warning" and f.key not in acknowledged)]


__all__ = ["Context", "Finding", "RULES", "check", "gate", "rule"]
