"""Rules of sections B–D on the numbers: 表二 (T2-*), 表三 (T3-*), 表四 (T4-*)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .. import narrative
from ..values import ReportValues, sum_or_none
from . import Context, Finding, Severity, organisation_kinds, percent, rule, show


# ================================================================ B. 表二


@rule
def t2_noreg(values: ReportValues, context: Context) -> list[Finding]:
    """T2-NOREG: organisations without rule-making power report 0 规章 in all three columns."""
    if not context.org_kind:
        return []
    Organisation = organisation_kinds()
    if context.org_kind in Organisation.RULEMAKING_KINDS:
        return []
    fmt = values.format
    label, fields = fmt.table2.blocks[0].rows[0]
    nonzero = [k for k in fields if values.table2[k]]
    if not nonzero:  # the common case, settled before the kinds' labels are looked up
        return []
    county_or_below, labels = _kinds()
    severity: Severity = "error" if context.org_kind in county_or_below else "warning"
    kind_label = labels.get(context.org_kind, context.org_kind)
    shown = "，".join(f"{fmt.cell(f'table2.{k}').name.split(' ', 1)[1]}为 {values.table2[k]}" for k in nonzero)
    return [Finding(
        "T2-NOREG", severity,
        f"{shown}：{kind_label}没有规章制定权（《立法法》规定只有国务院部门和省、设区的市人民政府制定规章），"
        f"{label}的{'、'.join(fmt.table2.blocks[0].header[1:])}都应为 0。本机关制发的文件请填在“{fmt.table2.blocks[0].rows[1][0]}”一行。",
        tuple(f"table2.{k}" for k in nonzero), sum(values.table2[k] for k in nonzero), 0, "proactive",
    )]


@lru_cache(maxsize=1)
def _kinds() -> tuple[frozenset[str], dict[str, str]]:
    """(the kinds at county level or below, each kind's label): Kind.choices builds its list on every read."""
    kinds = organisation_kinds().Kind
    return frozenset({kinds.COUNTY_GOV, kinds.COUNTY_DEPT, kinds.TOWNSHIP_GOV, kinds.SUBDISTRICT}), dict(kinds.choices)


def _stock_rows(values: ReportValues) -> list[tuple[str, str, str, str]]:
    """(label, issued, repealed, in_force) of 第二十条第（一）项: 规章 and 行政规范性文件."""
    return [(label, *fields) for label, fields in values.format.table2.blocks[0].rows]


@rule(formats=("2021",))
def t2_xyear(values: ReportValues, context: Context) -> list[Finding]:
    """T2-XYEAR: 现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y), per row.

    Always a warning, as rules.md has it: stock may lawfully not carry over (documents expire, an
    organisation is reorganised), and the drafter explains why when acknowledging.
    """
    prev = context.previous
    if prev is None:
        return []
    if prev.format_version != values.format_version:
        return [Finding(
            "T2-XYEAR", "info",
            f"{context.previous_label}按{prev.format.title}填报，表二第（一）项的栏目（{'、'.join(prev.format.table2.blocks[0].header[1:])}）"
            f"与本年（{'、'.join(values.format.table2.blocks[0].header[1:])}）不同，不能相互核对：现行有效件数请按实际填写。",
            tuple(f"table2.{in_force}" for _, _, _, in_force in _stock_rows(values)), section="proactive",
        )]
    out = []
    for label, issued, repealed, in_force in _stock_rows(values):
        parts = (prev.table2.get(in_force), values.table2[issued], values.table2[repealed], values.table2[in_force])
        if any(not isinstance(p, int) for p in parts):
            continue
        before, new, gone, now = parts
        if before + new - gone != now:
            out.append(Finding(
                "T2-XYEAR", "warning",
                f"{label}现行有效件数为 {now}，但{context.previous_label}的现行有效 {before} + 本年制发 {new} − "
                f"本年废止 {gone} = {before + new - gone}。请核对；如因集中清理、到期失效、机构改革等原因不相等，请说明。",
                (f"table2.{in_force}", f"table2.{issued}", f"table2.{repealed}"),
                now, before + new - gone, "proactive",
            ))
    return out


@rule(formats=("2021",))
def t2_abolish(values: ReportValues, context: Context) -> list[Finding]:
    """T2-ABOLISH: 本年废止(Y) ≤ 现行有效(Y−1) + 本年制发(Y)."""
    prev = context.previous
    if prev is None or prev.format_version != values.format_version:
        return []
    out = []
    for label, issued, repealed, in_force in _stock_rows(values):
        before, new, gone = prev.table2.get(in_force), values.table2[issued], values.table2[repealed]
        if not all(isinstance(p, int) for p in (before, new, gone)):
            continue
        if gone > before + new:
            out.append(Finding(
                "T2-ABOLISH", context.cross_year_severity,
                f"{label}本年废止 {gone} 件，多于{context.previous_label}的现行有效 {before} 件加本年制发 {new} 件"
                f"（共 {before + new} 件）：不能废止比现有更多的文件，请核对。",
                (f"table2.{repealed}", f"table2.{issued}"), gone, before + new, "proactive",
            ))
    return out


# ================================================================ C. 表三


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


# The printed 总计 belongs to the imported document; saving the table in gkportal settles it (reports.forms).
SETTLE = "改正表中的数字，或核对无误后在{table}中保存一次，此项即消除。"


def _printed(values: ReportValues, table: str) -> list[tuple[str, str, str, Any, Any]]:
    """(key, group/row, column, printed, computed) for each printed 总计 that differs from the sum."""
    out = []
    for key, printed in values.printed_totals.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == table:
            computed = values.derived(key)
            if printed != computed:  # a corrected cell can make the sum agree with the document again
                out.append((key, parts[1], parts[2], printed, computed))
    return out


@rule
def t3_sum(values: ReportValues, context: Context) -> list[Finding]:
    """T3-SUM: the printed （七）总计 of each column is the sum of the 22 result rows."""
    t3 = values.format.table3
    out = []
    for key, row, col, printed, computed in _printed(values, "table3"):
        if row != "total":
            continue
        out.append(Finding(
            "T3-SUM", "error",
            f"原文档印出的（七）总计（{t3.column(col).label}）为 {show(printed)}，但（一）至（六）各项办理结果之和为 "
            f"{show(computed)}：请核对原文档的各项办理结果和总计，" + SETTLE.format(table="表三"),
            (key, *(f"table3.{r.code}.{col}" for r in t3.result_rows)), printed, computed, "applications",
        ))
    return out


@rule
def t3_row(values: ReportValues, context: Context) -> list[Finding]:
    """T3-ROW: the printed 总计 of each row is the sum of its six applicant columns."""
    t3 = values.format.table3
    out = []
    for key, row, col, printed, computed in _printed(values, "table3"):
        if row == "total" or col != "total":
            continue
        out.append(Finding(
            "T3-ROW", "error",
            f"原文档印出的「{t3.row(row).full_label}」总计为 {show(printed)}，但自然人和五类法人或其他组织之和为 "
            f"{show(computed)}：请核对这一行，" + SETTLE.format(table="表三"),
            (key, *(f"table3.{row}.{c.code}" for c in t3.entered_columns)), printed, computed, "applications",
        ))
    return out


@rule
def t3_carry(values: ReportValues, context: Context) -> list[Finding]:
    """T3-CARRY: per column, this year's 上年结转 = last year's 结转下年度继续办理."""
    prev = context.previous
    if prev is None:
        return []
    t3 = values.format.table3
    out = []
    for col in t3.entered_columns:
        now, before = values.table3["carried_over"][col.code], prev.table3.get("carry_forward", {}).get(col.code)
        if not isinstance(now, int) or not isinstance(before, int) or now == before:
            continue
        out.append(Finding(
            "T3-CARRY", context.cross_year_severity,
            f"二、上年结转（{col.label}）为 {now}，但{context.previous_label}的四、结转下年度继续办理（{col.label}）为 "
            f"{before}：两者应相等。",
            (f"table3.carried_over.{col.code}",), now, before, "applications",
        ))
    return out


@rule
def t3_other_high(values: ReportValues, context: Context) -> list[Finding]:
    """T3-OTHER-HIGH: （六）其他处理 above the configured share of （七）总计."""
    t3 = values.format.table3
    rows = t3.group_rows("other")
    group = rows[0].group or rows[0].label
    other, total = sum_or_none(values.t3(r.code, "total") for r in rows), values.t3("total", "total")
    if not other or not total:
        return []
    share = other / total
    if share <= context.other_handling_warn_share:
        return []
    return [Finding(
        "T3-OTHER-HIGH", "warning",
        f"{group}共 {other} 件，占（七）总计 {total} 件的 {percent(share)}，超过 {percent(context.other_handling_warn_share)}："
        f"原则上申请都应按法定方式处理，请说明“其他处理”偏多的原因。",
        tuple(f"table3.{r.code}.total" for r in rows), other, total, "applications",
    )]


@rule(formats=("2021",))
def t3_fee_link(values: ReportValues, context: Context) -> list[Finding]:
    """T3-FEE-LINK: applications dropped for unpaid fees mean fee notices; §六 reports 信息处理费."""
    unpaid = values.t3("other_2", "total")
    if not unpaid or "信息处理费" in narrative.normalize(values.prose["other_matters"]):
        return []
    name = values.format.table3.row("other_2").label
    return [Finding(
        "T3-FEE-LINK", "warning",
        f"表三「{name}」有 {unpaid} 件，说明发出过收费通知，但第六部分没有提到信息处理费："
        f"请在第六部分报告收取信息处理费的情况（金额或未收取）。",
        ("prose.other_matters", "table3.other_2.total"), unpaid, None, "other_matters",
    )]


@rule
def t3_zero_carry(values: ReportValues, context: Context) -> list[Finding]:
    """T3-ZERO-CARRY: with no new and no carried-over application, every 表三 cell is 0."""
    if values.t3("new", "total") != 0 or values.t3("carried_over", "total") != 0:
        return []
    t3 = values.format.table3
    nonzero = [
        (r, c) for r in t3.entered_rows for c in t3.entered_columns if values.table3[r.code][c.code]
    ]
    if not nonzero:
        return []
    shown = "、".join(f"{t3.cell_name(r.code, c.code)} {values.table3[r.code][c.code]}" for r, c in nonzero[:5])
    more = f"等 {len(nonzero)} 格" if len(nonzero) > 5 else ""
    return [Finding(
        "T3-ZERO-CARRY", "error",
        f"本年没有新收申请，也没有上年结转的申请，表三应全部为 0，但{shown}{more}不是 0：没有申请就没有办理结果"
        f"和结转，请改为 0 或补填新收、结转的申请。",
        tuple(f"table3.{r.code}.{c.code}" for r, c in nonzero), sum(values.table3[r.code][c.code] for r, c in nonzero),
        0, "applications",
    )]


# ================================================================ D. 表四

T4_RULES = {"review": "T4-REV", "litigation_direct": "T4-LIT-D", "litigation_after_review": "T4-LIT-R"}


@rule
def t4_totals(values: ReportValues, context: Context) -> list[Finding]:
    """T4-REV, T4-LIT-D, T4-LIT-R: each printed 总计 of 表四 is the sum of its four results."""
    t4 = values.format.table4
    out = []
    for key, group, col, printed, computed in _printed(values, "table4"):
        name = t4.cell_name(group, col)
        out.append(Finding(
            T4_RULES[group], "error",
            f"原文档印出的{name}为 {show(printed)}，但结果维持、结果纠正、其他结果、尚未审结之和为 {show(computed)}："
            "请核对，" + SETTLE.format(table="表四"),
            (key, *(f"table4.{group}.{c.code}" for c in t4.entered_columns)), printed, computed, "review_litigation",
        ))
    return out
