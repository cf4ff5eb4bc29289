"""What a report format is made of: sections, prose parts, the three tables, every cell and its layout.

A `Format` (format_2021.py, format_2019.py) is data. From it come, in one place each:
- `Format.cells` / `Format.cell(key)`: every numeric cell with its one key (``table2.licensing``,
  ``table3.new.natural``, ``table4.review.total``), its readable name, its kind (count, signed count,
  amount with unit and places), and for a derived cell the keys it sums;
- `Format.layout(table)`: the table as a grid of placed cells with their spans, which the Word and
  Excel writers and the Excel reader lay out (the HTML templates print the same labels and spans and
  the browser places them by the same rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Literal

# The largest count a cell accepts: above every real report (淮安2024 行政处罚 3 985 758), below int32.
MAX_COUNT = 99_999_999

CellKind = Literal["count", "signed", "amount"]

# How pages name the three tables.
TABLE_NAMES = {"table2": "表二", "table3": "表三", "table4": "表四"}


@dataclass(frozen=True)
class Label:
    """A header or row-label cell as printed, with its spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Section:
    code: str
    number: str  # 一 … 六
    heading: str  # verbatim template heading
    placeholder: str = ""


@dataclass(frozen=True)
class ProsePart:
    """A customary sub-heading of section 一 and the model field holding its text."""

    code: str
    heading: str


@dataclass(frozen=True)
class Cell:
    """One numeric cell of a table: the key everything uses, where it is, what it holds.

    `kind`: ``count`` (a whole number ≥ 0), ``signed`` (a whole number that may be negative: the 2019
    trial format's 本年增/减) or ``amount`` (a decimal ≥ 0 in `unit`, at most `places` decimals).
    A derived cell (a 总计) is never entered or stored: it is the sum of `sums`.
    """

    key: str
    name: str  # row + column as a reader says it
    table: str  # table2 · table3 · table4
    section: str  # the report section it is printed in
    row: str
    column: str
    kind: CellKind = "count"
    unit: str = ""
    places: int = 0
    derived: bool = False
    sums: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        """The key within its table: ``licensing`` for ``table2.licensing``, ``new.natural`` for 表三."""
        return self.key.split(".", 1)[1]

    def problem(self, value) -> str:
        """Why `value` can't be this cell's value (Chinese, without the cell's name), or ""."""
        if value is None:
            return ""
        if self.kind == "amount":
            if value < 0:
                return "金额不能为负数。"
            if -value.as_tuple().exponent > self.places:
                return f"最多保留 {self.places} 位小数。"
            return "数额过大，请检查单位。" if value.adjusted() >= 10 else ""
        if isinstance(value, bool) or not isinstance(value, int):
            return "应为整数。"
        if value < 0 and self.kind == "count":
            return "件数不能为负数。"
        return f"超过了允许的最大值 {MAX_COUNT}。" if abs(value) > MAX_COUNT else ""


# ---------------------------------------------------------------- 表二 (第二十条)


@dataclass(frozen=True)
class Table2Block:
    """One of the sub-tables of section 二: 第二十条第（一）项 …"""

    item: str  # 第二十条第（一）项
    header: tuple[str, ...]  # 信息内容, then the column labels
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, keys within 表二 of its cells)
    kinds: tuple[CellKind, ...] = ()  # per value column; counts when not given
    unit: str = ""  # of the amount columns
    places: int = 6

    def kind(self, column: int) -> CellKind:
        return self.kinds[column] if self.kinds else "count"


@dataclass(frozen=True)
class Table2:
    blocks: tuple[Table2Block, ...]
    width: int = 4  # grid columns: 信息内容 and three value columns; a shorter block's last column spans the rest
    # Where a cell sits in the JSON of spec/examples (table2.regulations.issued …); by default its own key.
    json_paths: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def json_path(self, key: str) -> tuple[str, ...]:
        return dict(self.json_paths).get(key, (key,))

    def spans(self, block: Table2Block) -> tuple[int, ...]:
        """The colspan of each value column of `block` (the last takes what is left of the grid)."""
        n = len(block.header) - 1
        return (1,) * (n - 1) + (self.width - n,)

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        out = []
        for block in self.blocks:
            for label, fields in block.rows:
                for i, (column, key) in enumerate(zip(block.header[1:], fields)):
                    kind = block.kind(i)
                    out.append(Cell(
                        f"table2.{key}", f"{block.item} {label}（{column}）", "table2", "proactive", label, column,
                        kind=kind, unit=block.unit if kind == "amount" else "",
                        places=block.places if kind == "amount" else 0,
                    ))
        return tuple(out)

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The keys within 表二, in reading order."""
        return tuple(c.field for c in self.cells)


# ---------------------------------------------------------------- 表三 (申请)


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    derived: bool = False


@dataclass(frozen=True)
class Row:
    code: str
    label: str  # the row's own, most specific label, verbatim
    labels: tuple[Label, ...]  # the label cells that start on this row, with their spans
    group: str = ""  # （三）不予公开 … for the sub-rows of a group without cells of its own
    derived: bool = False  # （七）总计: the sum of the result rows
    result: bool = False  # one of the rows summed into （七）总计

    @property
    def full_label(self) -> str:
        """The row's name as a reader says it: group label before a numbered sub-row."""
        return f"{self.group}{self.label}" if self.group else self.label


@dataclass(frozen=True)
class Table3:
    corner: str
    header: tuple[tuple[Label, ...], ...]  # the three header rows right of the corner cell
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @cached_property
    def entered_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.derived)

    @cached_property
    def entered_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.derived)

    @cached_property
    def result_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.result)

    @cached_property
    def groups(self) -> dict[str, tuple[Row, ...]]:
        """（三）不予公开 → its sub-rows, for derived subtotals (never stored, never printed)."""
        out: dict[str, list[Row]] = {}
        for r in self.rows:
            if r.group:
                out.setdefault(r.group, []).append(r)
        return {k: tuple(v) for k, v in out.items()}

    def group_rows(self, prefix: str) -> tuple[Row, ...]:
        """The rows of a result group by its code: ``other`` → other_1 … other_3, or the one row ``other``."""
        return tuple(r for r in self.result_rows if r.code == prefix or r.code.startswith(prefix + "_"))

    def row(self, code: str) -> Row:
        return self._rows_by_code[code]

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)

    @cached_property
    def _rows_by_code(self) -> dict[str, Row]:
        return {r.code: r for r in self.rows}

    def cell_name(self, row: str, column: str) -> str:
        return f"{self.row(row).full_label}（{self.column(column).label}）"

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        out = []
        for r in self.rows:
            for c in self.columns:
                if c.derived:  # a row's 总计 (the （七）总计 row's too: the sum of its columns)
                    sums = tuple(f"table3.{r.code}.{x.code}" for x in self.entered_columns)
                elif r.derived:
                    sums = tuple(f"table3.{x.code}.{c.code}" for x in self.result_rows)
                else:
                    sums = ()
                out.append(Cell(f"table3.{r.code}.{c.code}", self.cell_name(r.code, c.code), "table3",
                                "applications", r.code, c.code, derived=bool(sums), sums=sums))
        return tuple(out)


# ---------------------------------------------------------------- 表四 (复议、诉讼)


@dataclass(frozen=True)
class Table4Group:
    code: str
    label: str  # 行政复议 / 未经复议直接起诉 / 复议后起诉
    parent: str  # 行政复议 / 行政诉讼

    @property
    def prefix(self) -> str:
        """行政复议 · 行政诉讼（未经复议直接起诉）: how a cell's name starts."""
        return self.label if self.label == self.parent else f"{self.parent}（{self.label}）"


@dataclass(frozen=True)
class Table4:
    header: tuple[tuple[Label, ...], ...]
    groups: tuple[Table4Group, ...]
    columns: tuple[Column, ...]

    @cached_property
    def entered_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.derived)

    def group(self, code: str) -> Table4Group:
        return next(g for g in self.groups if g.code == code)

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)

    def cell_name(self, group: str, column: str) -> str:
        return f"{self.group(group).prefix}{self.column(column).label}"

    @staticmethod
    def field(group: str, column: str) -> str:
        """The model field of an entered cell: review_maintained, litigation_direct_pending, …"""
        return f"{group}_{column}"

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        out = []
        for g in self.groups:
            for c in self.columns:
                sums = tuple(f"table4.{g.code}.{x.code}" for x in self.entered_columns) if c.derived else ()
                out.append(Cell(f"table4.{g.code}.{c.code}", self.cell_name(g.code, c.code), "table4",
                                "review_litigation", g.code, c.code, derived=c.derived, sums=sums))
        return tuple(out)


# ---------------------------------------------------------------- layout: a table as a grid


@dataclass(frozen=True)
class Placed:
    """A cell of a table grid: where it starts, how far it spans, what it says or which value it shows."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str  # a label's text; "" for a value cell
    kind: str  # "head", "label" or "num"
    key: str = ""  # a value cell's key


@dataclass(frozen=True)
class Layout:
    cells: tuple[Placed, ...]
    rows: int
    columns: int
    header_rows: int  # the rows above the first value (repeated on each page)

    def spaced_rows(self) -> dict[int, int]:
        """Each layout row's row on a sheet where 表二's sub-tables stand one blank row apart, as printed
        (a sub-table starts with a heading spanning the whole grid); other tables keep their rows."""
        gap, out = 0, {}
        for p in self.cells:
            if p.kind == "head" and p.colspan == self.columns and p.row and p.row not in out:
                gap += 1
            out.setdefault(p.row, p.row + gap)
        return out


def place(rows: Iterable[Iterable[tuple[Label, str, str]]], ncols: int) -> list[Placed]:
    """Lay cells with spans on a grid the way an HTML table does (each cell takes the next free slot)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, cells in enumerate(rows):
        c = 0
        for label, kind, key in cells:
            while (r, c) in taken:
                c += 1
            if c + label.colspan > ncols:
                raise ValueError(f"row {r} is wider than {ncols} columns")
            out.append(Placed(r, c, label.rowspan, label.colspan, label.text, kind, key))
            for dr in range(label.rowspan):
                for dc in range(label.colspan):
                    taken.add((r + dr, c + dc))
            c += label.colspan
    return out


@dataclass(frozen=True)
class Format:
    version: str
    name: str
    title: str  # how the format is called on pages: 2021 年格式 · 2019 年试行格式
    sections: tuple[Section, ...]
    overview_parts: tuple[ProsePart, ...]
    table2: Table2
    table3: Table3
    table4: Table4
    # 一、总体情况 原则上不超过一千字 (2021 on); None: no limit (the trial format).
    overview_max_chars: int | None = field(default=1000)
    # Whether §六 must report 信息处理费 (2021 on).
    fee_in_section_six: bool = True

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        """Every numeric cell, entered and derived, in reading order."""
        return self.table2.cells + self.table3.cells + self.table4.cells

    @cached_property
    def _cells(self) -> dict[str, Cell]:
        return {c.key: c for c in self.cells}

    def cell(self, key: str) -> Cell:
        return self._cells[key]

    def has_cell(self, key: str) -> bool:
        return key in self._cells

    @cached_property
    def entered_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if not c.derived)

    def cell_name(self, key: str) -> str:
        """A cell's readable name; a key of no cell is named as it is."""
        cell = self._cells.get(key)
        return cell.name if cell else key

    def table_cell_name(self, key: str) -> str:
        """A cell's name with its table, as lists of many cells show it: 表三 一、本年新收…（自然人）."""
        return f"{TABLE_NAMES[self.cell(key).table]} {self.cell_name(key)}"

    @cached_property
    def prose_fields(self) -> tuple[str, ...]:
        """The prose parts' keys, in reading order: 前言, §一's parts, §五, §六."""
        return ("preface", *(f"overview_{p.code}" for p in self.overview_parts), "problems", "other_matters")

    def layout(self, table: str) -> Layout:
        return self._layouts[table]

    @cached_property
    def _layouts(self) -> dict[str, Layout]:
        return {"table2": self._table2_layout(), "table3": self._table3_layout(), "table4": self._table4_layout()}

    def _table2_layout(self) -> Layout:
        t2 = self.table2
        rows: list[list[tuple[Label, str, str]]] = []
        for block in t2.blocks:
            spans = t2.spans(block)
            rows.append([(Label(block.item, colspan=t2.width), "head", "")])
            rows.append([(Label(block.header[0]), "head", "")]
                        + [(Label(h, colspan=s), "head", "") for h, s in zip(block.header[1:], spans)])
            for label, fields in block.rows:
                rows.append([(Label(label), "label", "")]
                            + [(Label("", colspan=s), "num", f"table2.{k}") for k, s in zip(fields, spans)])
        return Layout(tuple(place(rows, t2.width)), len(rows), t2.width, 0)

    def _table3_layout(self) -> Layout:
        t3 = self.table3
        header: list[list[tuple[Label, str, str]]] = [[(h, "head", "") for h in hr] for hr in t3.header]
        header[0].insert(0, (Label(t3.corner, rowspan=len(t3.header), colspan=3), "head", ""))
        body = [[(lab, "label", "") for lab in row.labels]
                + [(Label(""), "num", f"table3.{row.code}.{c.code}") for c in t3.columns] for row in t3.rows]
        width = 3 + len(t3.columns)
        return Layout(tuple(place(header + body, width)), len(header) + len(body), width, len(header))

    def _table4_layout(self) -> Layout:
        t4 = self.table4
        header: list[list[tuple[Label, str, str]]] = [[(h, "head", "") for h in hr] for hr in t4.header]
        body = [[(Label(""), "num", c.key) for c in t4.cells]]
        width = len(t4.cells)
        return Layout(tuple(place(header + body, width)), len(header) + 1, width, len(header))
