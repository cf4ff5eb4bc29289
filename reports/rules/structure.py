"""Rules of section A: structure and completeness (S-*)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from typing import Any, Iterable

from .. import narrative
from ..catalogue import MAX_COUNT, get_format
from ..values import PROSE_FIELDS, ReportValues, decimal_places
from . import PROSE_SECTIONS, Context, Finding, organisation_kinds, rule


# ================================================================ A. structure and completeness


_FILL = "没有发生的请填 0，不要留空或填“/”“—”“无”。"


def _blank_rows(values: ReportValues) -> dict[str, tuple[int, list[tuple[tuple[str, ...], str]]]]:
    """Per table: (its number of entered cells, [(blank cells of a row, what to say)])."""
    fmt = values.format
    t2, t3, t4 = fmt.table2, fmt.table3, fmt.table4
    rows2 = []
    for block in t2.blocks:
        for label, fields in block.rows:
            blank = [(key, col) for key, col in zip(fields, block.header[1:]) if values.table2[key] is None]
            if blank:
                rows2.append((tuple(f"table2.{key}" for key, _ in blank),
                              f"表二 {block.item}「{label}」的{'、'.join(col for _, col in blank)}为空。"))
    rows3 = []
    for row in t3.entered_rows:
        blank = [c for c in t3.entered_columns if values.table3[row.code][c.code] is None]
        if blank:
            cells = [f"table3.{row.code}.{c.code}" for c in blank]
            message = f"表三「{row.full_label}」的{'、'.join(c.label for c in blank)}为空"
            if values.t3(row.code, "total") is None:
                cells.append(f"table3.{row.code}.total")
                message += "（总计由这几格合计，因此也为空）"
            rows3.append((tuple(cells), f"{message}，共 {len(cells)} 格。"))
    rows4 = []
    for group in t4.groups:
        blank = [c for c in t4.entered_columns if values.table4[group.code][c.code] is None]
        if blank:
            cells = [f"table4.{group.code}.{c.code}" for c in blank]
            name = group.label if group.label == group.parent else f"{group.parent}（{group.label}）"
            message = f"表四 {name}的{'、'.join(c.label for c in blank)}为空"
            if values.t4(group.code, "total") is None:
                cells.append(f"table4.{group.code}.total")
                message += "（总计由这几格合计，因此也为空）"
            rows4.append((tuple(cells), f"{message}，共 {len(cells)} 格。"))
    return {
        "proactive": (len(t2.fields), rows2),
        "applications": (len(t3.entered_rows) * len(t3.entered_columns), rows3),
        "review_litigation": (len(t4.groups) * len(t4.entered_columns), rows4),
    }


@rule
def s_cells(values: ReportValues, context: Context) -> list[Finding]:
    """S-CELLS: every numeric cell holds a number; one finding per row with blanks, or one for a blank table."""
    out = []
    if not _has_blank(values):  # the common case: no cell is blank, so no row is (_blank_rows reads each cell)
        return out
    for section, (entered, rows) in _blank_rows(values).items():
        cells = [c for row_cells, _ in rows for c in row_cells]
        blank_entered = [c for c in cells if not c.endswith(".total")]
        if len(blank_entered) == entered:
            table = values.format.section(section).heading
            out.append(Finding("S-CELLS", "error", f"“{table}”的表格还没有填写（{entered} 格全部为空）。{_FILL}",
                               tuple(blank_entered), section=section, code="table"))
            continue
        out += [Finding("S-CELLS", "error", message + _FILL, row_cells, section=section) for row_cells, message in rows]
    return out


def _has_blank(values: ReportValues) -> bool:
    """Whether any cell of 表二, 表三 or 表四 is blank: a `None in` over each row's values, in C."""
    return (None in values.table2.values() or any(None in cells.values() for cells in values.table3.values())
            or any(None in cells.values() for cells in values.table4.values()))


@lru_cache(maxsize=None)
def _count_fields(version: str) -> tuple[str, ...]:
    """The 表二 fields that hold counts (not amounts), as _counts reads them."""
    return tuple(cell.field for cell in get_format(version).table2.cells if cell.kind != "amount")


def _plain_counts(values: ReportValues) -> bool:
    """Whether every count is blank or an int from 0 to MAX_COUNT: then S-INT has nothing to say. The same cells
    as _counts, tested with C-level calls (set of types, min, max) instead of one Python step a cell."""
    fee = values.processing_fee_count
    if not (fee is None or (type(fee) is int and 0 <= fee <= MAX_COUNT)):
        return False
    counts = [*chain.from_iterable(map(dict.values, values.table3.values())),
              *chain.from_iterable(map(dict.values, values.table4.values())),
              *map(values.table2.__getitem__, _count_fields(values.format_version))]
    types = set(map(type, counts))
    if types == _INT:  # the common case: no blank to leave out
        return min(counts) >= 0 and max(counts) <= MAX_COUNT
    if not types <= _INT_OR_BLANK:
        return False
    filled = [v for v in counts if v is not None]
    return not filled or (min(filled) >= 0 and max(filled) <= MAX_COUNT)


_INT = frozenset({int})
_INT_OR_BLANK = frozenset({int, type(None)})  # exactly int: True and False are not counts (type(v) is int below)


def _counts(values: ReportValues) -> Iterable[tuple[str, str, Any]]:
    """(key, section, value) of every count the report holds."""
    fmt = values.format
    for cell in fmt.table2.cells:
        if cell.kind != "amount":
            yield cell.key, "proactive", values.table2[cell.field]
    for row, cells in values.table3.items():
        for col, v in cells.items():
            yield f"table3.{row}.{col}", "applications", v
    for group, cells in values.table4.items():
        for col, v in cells.items():
            yield f"table4.{group}.{col}", "review_litigation", v
    yield "processing_fee.applications", "other_matters", values.processing_fee_count


def cell_name(values: ReportValues, key: str) -> str:
    """A cell's name as a clerk reads it: 一、本年新收政府信息公开申请数量（自然人）, 行政复议尚未审结, …"""
    fmt = values.format
    if fmt.has_cell(key):
        return fmt.cell_name(key)
    return {"processing_fee.applications": "收取信息处理费的申请件数", "processing_fee.yuan": "收取信息处理费金额（元）"}.get(
        key, key
    )


@lru_cache(maxsize=None)
def _signed_keys(version: str) -> frozenset[str]:
    """The cells of a format that may hold a negative number."""
    return frozenset(c.key for c in get_format(version).cells if c.kind == "signed")


@rule
def s_int(values: ReportValues, context: Context) -> list[Finding]:
    """S-INT: counts are whole numbers from 0 to MAX_COUNT."""
    out = []
    if _plain_counts(values):
        return out
    signed_keys = _signed_keys(values.format_version)
    for key, section, v in _counts(values):
        if v is None or (type(v) is int and 0 <= v <= MAX_COUNT):
            continue  # the common case, for a signed cell as for a count
        low = -MAX_COUNT if key in signed_keys else 0
        if type(v) is int and low <= v <= MAX_COUNT:
            continue
        out.append(Finding("S-INT", "error", f"{cell_name(values, key)}为 {v}：件数应为 {low} 至 {MAX_COUNT} 之间的整数。",
                           (key,), v, None, section))
    return out


@rule
def s_fee_num(values: ReportValues, context: Context) -> list[Finding]:
    """S-FEE-NUM: amounts are numbers ≥ 0; 万元 up to 6 decimals (0.01 元), 元 up to 2 (分)."""
    out = []
    amounts = [(c.key, f"{c.row}{c.column.replace('单位：', '')}", values.table2[c.field], c.places, c.section)
               for c in values.format.table2.cells if c.kind == "amount"]
    for key, name, value, places, section in (
        *amounts,
        ("processing_fee.yuan", "收取信息处理费金额（元）", values.processing_fee_yuan, 2, "other_matters"),
    ):
        if value is None:
            continue
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            out.append(Finding("S-FEE-NUM", "error", f"{name}为 {value}：金额应为不小于 0 的数。",
                               (key,), value, None, section))
        elif decimal_places(value) > places:
            out.append(Finding("S-FEE-NUM", "warning",
                               f"{name}为 {value}，有 {decimal_places(value)} 位小数：最多保留 {places} 位，请核对。",
                               (key,), value, None, section))
    return out


@rule(formats=("2021",))
def s_fee_unit(values: ReportValues, context: Context) -> list[Finding]:
    """S-FEE-UNIT: a fee that looks like it was typed in 元 instead of 万元."""
    fee = values.table2["fees_10k_yuan"]
    if not isinstance(fee, Decimal) or not fee.is_finite() or fee <= 0:
        return []
    kinds = organisation_kinds().Kind if context.org_kind else None
    township = kinds is not None and context.org_kind in (kinds.TOWNSHIP_GOV, kinds.SUBDISTRICT)
    whole = fee == fee.to_integral_value() and fee.as_tuple().exponent >= 0
    if not ((township and fee > 10_000) or (whole and fee >= 100_000)):
        return []
    reason = "对乡镇、街道来说过大" if township and fee > 10_000 else "是没有小数的大整数"
    return [Finding(
        "S-FEE-UNIT", "warning",
        f"行政事业性收费为 {fee} 万元（即 {fee * 10_000:,.0f} 元），{reason}：本格以万元为单位。"
        f"如果填的是元，请改为 {(fee / 10_000).normalize():f} 万元。",
        ("table2.fees_10k_yuan",), fee, None, "proactive",
    )]


# (\d\d{3}) for (\d{4}): the same matches, but a pattern that starts with a character class lets the regex engine
# skip to the digits instead of trying the whole pattern at every character (tests/test_rules_fast_paths.py).
_TITLE_MENTION = re.compile(r"(\d\d{3})年度?政府信息公开工作年度报告")
_PERIOD = re.compile(
    r"(?:统计期限|统计时限|统计时间|统计周期|统计期)[^。；\d]{0,8}?(\d{4})年(\d{1,2})月(\d{1,2})日"
    r"[^。；\d]{0,6}?(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
)
_TITLE_WORDS = "政府信息公开工作年度报告"  # in every match of _TITLE_MENTION
_AS_OF = re.compile(r"截至(\d{4})年12月31日")
_YEAR = re.compile(r"(\d\d{3})年")


@rule
def s_period(values: ReportValues, context: Context) -> list[Finding]:
    """S-PERIOD: the statistics cover 1 January–31 December of the report year, and the text says so."""
    y = context.year
    if not y:
        return []
    out: dict[str, Finding] = {}

    def add(field: str, code: str, message: str, stated: Any) -> None:
        f = Finding("S-PERIOD", "warning", message, (f"prose.{field}",), stated, y, PROSE_SECTIONS[field], code)
        out.setdefault(f.key, f)

    texts = [(field, narrative.normalize(values.prose[field])) for field in PROSE_FIELDS]
    # Each expression is tried only where its fixed words occur (a quick `in`, first over all the fields at
    # once: a word in no field is looked for in none): the findings are the same.
    joined = "\n".join(text for _, text in texts)
    title, period, as_of = _TITLE_WORDS in joined, "统计" in joined, "截至" in joined
    for field, text in texts if title or period or as_of else ():
        for m in _TITLE_MENTION.finditer(text) if title and _TITLE_WORDS in text else ():
            if int(m.group(1)) != y:
                add(field, "title", f"文中写作“{m.group(0)}”，但这是 {y} 年度的报告：请改为 {y} 年。", int(m.group(1)))
        for m in _PERIOD.finditer(text) if period and "统计" in text else ():
            start = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
            end = (int(m.group(4) or m.group(1)), int(m.group(5)), int(m.group(6)))
            if start != (y, 1, 1) or end != (y, 12, 31):
                add(field, "period", f"文中统计期限为“{m.group(0)}”：应为 {y}年1月1日至{y}年12月31日。", m.group(0))
        for m in _AS_OF.finditer(text) if as_of and "截至" in text else ():
            if int(m.group(1)) != y:
                add(field, "as_of", f"文中写“{m.group(0)}”：各项数据的核定时间点为 {y}年12月31日。", m.group(0))
    other = values.prose["other_matters"]
    for sentence in narrative.sentences(other) if "信息处理费" in narrative.normalize(other) else ():
        if "信息处理费" in sentence:
            for m in _YEAR.finditer(sentence):
                if int(m.group(1)) != y:
                    add("other_matters", "fee_year",
                        f"第六部分报告信息处理费的句子写的是 {m.group(1)} 年（“{sentence}”）：应报告 {y} 年的情况。",
                        int(m.group(1)))
    return list(out.values())


_NAME_WINDOW = 200  # characters before a mention of the report searched for the name (a name is at most 100)
_NAME_CUT = re.compile(r"[《“\"，,。：:（(]|现予?公布|现予?发布|特此公布|公布|发布|编制|印发")


@rule
def s_title(values: ReportValues, context: Context) -> list[Finding]:
    """S-TITLE: where the text names the report, the organisation's name is the one in the title."""
    org = narrative.normalize(context.org_name)
    if not org:
        return []
    out: dict[str, Finding] = {}
    texts = [(field, narrative.normalize(values.prose[field])) for field in PROSE_FIELDS]
    if _TITLE_WORDS not in "\n".join(text for _, text in texts):  # in no field: no mention to compare
        return []
    for field, text in texts:
        for m in _TITLE_MENTION.finditer(text) if _TITLE_WORDS in text else ():
            before = text[: m.start()]
            if before.endswith(org):
                continue
            # Only the end of the text before the mention can hold the name: splitting all of it at every
            # mention took time in the square of the text's length.
            name = _NAME_CUT.split(before[-_NAME_WINDOW:])[-1]
            if not name or name[0] in "本我该":
                continue  # 本机关2023年…: no name to compare
            f = Finding(
                "S-TITLE", "warning",
                f"文中写作“{name}{m.group(0)}”，标题中的机关全称是“{context.org_name}”：两处机关名称应一致。",
                (f"prose.{field}",), name, context.org_name, PROSE_SECTIONS[field],
            )
            out.setdefault(f.key, f)
    return list(out.values())
