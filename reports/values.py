"""A report's values as plain data: what rules, renderers, importers and the JSON format share.

`ReportValues` holds only what people enter (blank is None, never 0); every 总计 is derived here,
once. It knows nothing of the database: `reports.models.Report.values()` builds one, and
`reports.services.save_values()` stores one.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Iterable

from .catalogue import FORMATS, MAX_COUNT, Cell, Format, get_format

Count = int | None

# The prose parts' keys (the catalogue's; both formats have the same parts).
PROSE_FIELDS = get_format().prose_fields


# Word's manual line break (\v) and page break (\f) come along when text is pasted or imported: they are
# line breaks. Other control characters nobody sees, and U+FFFE/U+FFFF, can't be stored in a .docx or an .xlsx
# (XML 1.0) and NUL not even in PostgreSQL; lone surrogates (from JSON escapes) can't be encoded at all.
# DEL and the C1 controls (\x7f-\x9f: \x85 is a "next line" some programs obey and others do not) are
# as invisible. The bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+061C,
# U+202A-U+202E, U+2066-U+2069) have no use in Chinese text and can make a name or a file name read
# differently from what it is (“报告‮fdp.exe” shows as “报告exe.pdf”): dropped too.
_BREAKS = str.maketrans({"\v": "\n", "\f": "\n"})
_UNSTORABLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ufffe\uffff\ud800-\udfff]"
)


def clean_text(text: str) -> str:
    """Text as it can be stored, shown and exported: \\v and \\f as line breaks; other control characters
    and bidirectional controls removed."""
    return _UNSTORABLE.sub("", text.translate(_BREAKS))


# ---- how long a text may be
#
# Real reports are short: the three in shared/corpus and seeds have 2,300-3,700 characters in all (西村乡
# 2023: 2,273; 淮安市 2024: 3,644; 平潭 2021: 3,647), and their longest prose part (§一 of a city's
# consolidated report) about 1,400. §一 is 原则上 1,000 字 (rule N-S1-LEN, a warning, unchanged). A whole
# report is rarely over 20,000. The hard limits below are far above what anyone writes, yet keep one save
# from holding 351,000 characters (publishing then took a minute; a 1.7-million-character import made the
# county dashboard take 5 s and the PDF and Word downloads fail).
PROSE_PART_MAX = 20_000  # one prose part: 前言, each of §一's five parts, §五, §六 (ten times the longest seen)
PROSE_TOTAL_MAX = 60_000  # all prose parts of one report together (about 16 times the longest seen)
COMMENT_MAX = 2_000  # a reviewer's comment, a reason to return or reopen, a 更正说明


def prose_name(fmt: Format, key: str) -> str:
    """The heading a prose field prints under: 前言, （一）主动公开 …, 五、存在的主要问题及改进情况."""
    if key == "preface":
        return "前言"
    if key.startswith("overview_"):
        code = key.removeprefix("overview_")
        return next(p.heading for p in fmt.overview_parts if p.code == code)
    return fmt.section(key).heading


def prose_length_errors(prose: dict[str, str], fmt: Format | None = None) -> list[str]:
    """What makes this prose too long to store, one Chinese sentence per part (and one for the whole)."""
    fmt = fmt or get_format()
    out = [
        f"“{prose_name(fmt, key)}”最多 {PROSE_PART_MAX} 字，现有 {len(text)} 字。"
        for key, text in prose.items()
        if key in PROSE_FIELDS and len(text or "") > PROSE_PART_MAX
    ]
    total = prose_total_error(prose)
    return out + [total] if total else out


def prose_total_error(prose: dict[str, str]) -> str:
    """What makes the whole report's prose too long, or ""."""
    total = sum(len(prose.get(key) or "") for key in PROSE_FIELDS)
    return f"整份报告的文字部分合计最多 {PROSE_TOTAL_MAX} 字，现有 {total} 字。" if total > PROSE_TOTAL_MAX else ""


def decimal_places(value: Decimal | None) -> int:
    """How many decimals an amount was written with (12.50 → 2): kept, since 96171.60 万元 is printed so."""
    if value is None:
        return 0
    return max(0, -int(value.as_tuple().exponent))


def sum_or_none(values: Iterable[Count]) -> Count:
    """The sum of the filled-in values; None when every one is blank."""
    filled = [v for v in values if v is not None]
    return sum(filled) if filled else None


@lru_cache(maxsize=None)
def _entered_places(version: str) -> tuple[tuple[str, int, str, str], ...]:
    """(key, table number, field or row, column) of each entered cell of a format, in reading order."""
    out = []
    for cell in get_format(version).entered_cells:
        table, _, rest = cell.key.partition(".")
        row, _, column = rest.partition(".")
        out.append((cell.key, int(table[-1]), rest if table == "table2" else row, column))
    return tuple(out)


class ValuesError(ValueError):
    """A file or payload that does not hold a report's values; the message is for the user."""


Value = int | Decimal | None  # a 表二 cell: a count, a signed count or an amount (see catalogue.Cell.kind)


@dataclass
class ReportValues:
    format_version: str = "2021"
    # 表二 by the key within the table (catalogue.Table2.fields): counts, and amounts as Decimals.
    table2: dict[str, Value] = field(default_factory=dict)
    table3: dict[str, dict[str, Count]] = field(default_factory=dict)
    table4: dict[str, dict[str, Count]] = field(default_factory=dict)
    prose: dict[str, str] = field(default_factory=dict)
    processing_fee_yuan: Decimal | None = None
    processing_fee_count: Count = None
    # What an imported document printed in its 总计 cells, keyed like "table3.total.natural";
    # kept beside the derived sums so a difference can be shown, never used as a value.
    printed_totals: dict[str, Count] = field(default_factory=dict)

    def __post_init__(self) -> None:
        fmt = self.format
        for key in fmt.table2.fields:
            self.table2.setdefault(key, None)
        for row in fmt.table3.entered_rows:
            cells = self.table3.setdefault(row.code, {})
            for col in fmt.table3.entered_columns:
                cells.setdefault(col.code, None)
        for group in fmt.table4.groups:
            cells = self.table4.setdefault(group.code, {})
            for col in fmt.table4.entered_columns:
                cells.setdefault(col.code, None)
        for name in PROSE_FIELDS:
            self.prose.setdefault(name, "")

    @property
    def format(self) -> Format:
        return get_format(self.format_version)

    def copy(self) -> "ReportValues":
        """A copy to change without touching this one: its values are numbers and strings, so copying the
        dictionaries is enough (a tenth of copy.deepcopy's time, which the live check paid per keystroke)."""
        out = copy.copy(self)
        out.table2 = dict(self.table2)
        out.table3 = {row: dict(cells) for row, cells in self.table3.items()}
        out.table4 = {group: dict(cells) for group, cells in self.table4.items()}
        out.prose = dict(self.prose)
        out.printed_totals = dict(self.printed_totals)
        return out

    # ---- any cell by its catalogue key

    def get(self, key: str) -> Value:
        """The value of the cell `key` (table2.licensing, table3.new.total, table4.review.maintained)."""
        table, _, rest = key.partition(".")
        if table == "table2":
            return self.table2[rest]
        row, _, column = rest.partition(".")
        return self.t3(row, column) if table == "table3" else self.t4(row, column)

    def set(self, key: str, value: Value) -> None:
        """Enter a value into the entered cell `key`."""
        table, _, rest = key.partition(".")
        if table == "table2":
            self.table2[rest] = value
            return
        row, _, column = rest.partition(".")
        (self.table3 if table == "table3" else self.table4)[row][column] = value

    # ---- derived cells: the only place the format's sums are computed

    def t3(self, row: str, column: str) -> Count:
        """A 表三 cell, entered or derived (the 总计 column and the （七）总计 row)."""
        t3 = self.format.table3
        if row == "total":
            return sum_or_none(self.t3(r.code, column) for r in t3.result_rows)
        if column == "total":
            return sum_or_none(self.table3[row][c.code] for c in t3.entered_columns)
        return self.table3[row][column]

    def t3_row(self, row: str) -> list[Count]:
        return [self.t3(row, c.code) for c in self.format.table3.columns]

    def t3_group(self, group_label: str, column: str) -> Count:
        """A derived subtotal of （三）…（六）, for messages and summaries; never stored or printed."""
        rows = self.format.table3.groups.get(group_label)
        if rows is None:  # a group of one row (the trial format's （六）其他处理)
            rows = tuple(r for r in self.format.table3.result_rows if r.label == group_label)
        return sum_or_none(self.t3(r.code, column) for r in rows)

    def t4(self, group: str, column: str) -> Count:
        if column == "total":
            return sum_or_none(self.table4[group][c.code] for c in self.format.table4.entered_columns)
        return self.table4[group][column]

    def litigation_total(self) -> Count:
        return sum_or_none([self.t4("litigation_direct", "total"), self.t4("litigation_after_review", "total")])

    def blank_cells(self) -> list[str]:
        """Keys of every entered numeric cell still blank, in reading order."""
        # Read straight from the tables (an entered cell is never a sum): the live check asks twice a keystroke.
        t2, t3, t4 = self.table2, self.table3, self.table4
        return [key for key, table, a, b in _entered_places(self.format_version)
                if (t2[a] if table == 2 else (t3 if table == 3 else t4)[a][b]) is None]

    # ---- the exchange format of spec/examples/*.json

    def to_json_dict(self) -> dict[str, Any]:
        fmt = self.format
        t2: dict[str, Any] = {}
        for cell in fmt.table2.cells:
            value = self.table2[cell.field]
            *parents, last = fmt.table2.json_path(cell.field)
            node = t2
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = str(value) if isinstance(value, Decimal) else value
        return {
            "format": self.format_version,
            "columns": [c.code for c in fmt.table3.columns],
            "table2": t2,
            "table3": {r.code: self.t3_row(r.code) for r in fmt.table3.rows},
            "table4": {
                g.code: {c.code: self.t4(g.code, c.code) for c in fmt.table4.columns} for g in fmt.table4.groups
            },
        }

    @classmethod
    def from_json_dict(cls, data: Any) -> "ReportValues":
        """Read the example layout; raise ValuesError naming the first bad place."""
        if not isinstance(data, dict):
            raise ValuesError("文件内容不是一个 JSON 对象。")
        version = str(data.get("format", "2021"))
        try:
            fmt = get_format(version)
        except KeyError:
            raise ValuesError(f"不支持的报告格式“{version}”，目前支持：{'、'.join(FORMATS)}。") from None
        values = cls(format_version=version)
        t2 = _get(data, "table2", dict)
        for cell in fmt.table2.cells:
            *parents, last = fmt.table2.json_path(cell.field)
            node: Any = t2
            for i, part in enumerate(parents):
                node = _get(node, part, dict, path="table2." + ".".join(parents[: i + 1]))
            path = "table2." + ".".join((*parents, last))
            values.table2[cell.field] = parse_cell(cell, _get(node, last, path=path), path)

        t3 = _get(data, "table3", dict)
        columns = [c.code for c in fmt.table3.columns]
        given = data.get("columns", columns)
        if given != columns:
            raise ValuesError(f"columns 应为 {columns}，文件中为 {given}。")
        for row in fmt.table3.rows:
            cells = _get(t3, row.code, list, path=f"table3.{row.code}")
            if len(cells) != len(columns):
                raise ValuesError(f"table3.{row.code} 应有 {len(columns)} 个数，文件中有 {len(cells)} 个。")
            for col, raw in zip(fmt.table3.columns, cells):
                value = parse_count(raw, f"table3.{row.code}.{col.code}")
                if row.derived or col.derived:
                    values.printed_totals[f"table3.{row.code}.{col.code}"] = value
                else:
                    values.table3[row.code][col.code] = value
        t4 = _get(data, "table4", dict)
        for group in fmt.table4.groups:
            cells4 = _get(t4, group.code, dict, path=f"table4.{group.code}")
            for col in fmt.table4.columns:
                path = f"table4.{group.code}.{col.code}"
                value = parse_count(_get(cells4, col.code, path=path), path)
                if col.derived:
                    values.printed_totals[path] = value
                else:
                    values.table4[group.code][col.code] = value
        values.printed_totals = {k: v for k, v in values.printed_totals.items() if v != values.derived(k)}
        return values

    def derived(self, key: str) -> Count:
        """The derived value of a total cell named like "table3.total.natural"."""
        return self.get(key)


def parse_cell(cell: Cell, raw: Any, where: str) -> Value:
    """A JSON value for the cell `cell`, checked against its kind."""
    if cell.kind == "amount":
        return parse_amount(raw, where, places=cell.places)
    return parse_count(raw, where, signed=cell.kind == "signed")


_MISSING = object()


def _get(node: dict, key: str, kind: type | None = None, *, path: str | None = None) -> Any:
    path = path or key
    value = node.get(key, _MISSING)
    if value is _MISSING:
        raise ValuesError(f"缺少 {path}。")
    if kind is not None and not isinstance(value, kind):
        raise ValuesError(f"{path} 的格式不对。")
    return value


def parse_count(raw: Any, where: str, *, signed: bool = False) -> Count:
    """A JSON cell: a whole number 0…MAX_COUNT (−MAX_COUNT… when `signed`), or null for blank."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValuesError(f"{where} 应为{'' if signed else '不小于 0 的'}整数或 null，文件中为 {raw!r}。")
    if signed and raw < -MAX_COUNT:
        raise ValuesError(f"{where} 为 {raw}，超过了允许的范围。")
    if raw < 0 and not signed:
        raise ValuesError(f"{where} 为 {raw}，件数不能为负数。")
    if raw > MAX_COUNT:
        raise ValuesError(f"{where} 为 {raw}，超过了允许的最大值 {MAX_COUNT}。")
    return raw


def parse_amount(raw: Any, where: str, places: int = 6) -> Decimal | None:
    """A money amount given as a decimal string or number; kept exactly as written."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ValuesError(f"{where} 应写成字符串形式的数字（如 \"12.5\"），文件中为 {raw!r}。")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValuesError(f"{where} 为 {raw!r}，不是数字。") from None
    if not value.is_finite() or value < 0:
        raise ValuesError(f"{where} 为 {raw}，金额不能为负数。")
    if -value.as_tuple().exponent > places:  # type: ignore[operator]
        raise ValuesError(f"{where} 为 {raw}，最多保留 {places} 位小数。")
    if value.adjusted() >= 10:
        raise ValuesError(f"{where} 为 {raw}，数额过大，请检查单位。")
    return value
