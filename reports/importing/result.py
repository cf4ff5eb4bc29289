"""What a reader hands to the interpreter (lines of cells) and what an import gives back (ImportResult)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal

from ..values import ReportValues, prose_name  # noqa: F401  (prose_name is used from here)

Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class Cell:
    """One piece of text as the document holds it, with the place it came from."""

    text: str
    where: str  # 第56行第3格 · 表格2 第5行第4列 · 表三!D7
    value: Any = None  # the typed value a spreadsheet stored (int, float, …), when there is one
    number_format: str = ""  # a spreadsheet cell's number format, to keep the decimals of an amount
    formula: bool = False  # a spreadsheet formula: a computed 总计 is not a printed one
    x: float | None = None  # where a PDF prints it: the centre in points (in characters from pypdf's layout text)


@dataclass
class Line:
    """A paragraph (one cell) or a table row (several cells)."""

    cells: list[Cell]
    where: str  # 第56行 · 表格2 第5行 · 表三 第7行
    table: bool = False  # a table row: tab-separated text, or a row of an HTML/Word/Excel table
    # The cells are the columns of a real grid (HTML, Word, Excel): positions can be trusted and an
    # empty cell is an empty cell. In text copied out of Word or a PDF they can't.
    grid: bool = False
    # A table row whose numbers ran together into more than one reading the format allows (each a tuple
    # of the row's counts, in its columns' order): the interpreter lets the clerk choose, never guesses.
    readings: tuple[tuple[int, ...], ...] = ()

    @property
    def texts(self) -> list[str]:
        return [c.text.strip() for c in self.cells]

    def nonblank(self) -> list[Cell]:
        return [c for c in self.cells if c.text.strip()]


@dataclass(frozen=True)
class Note:
    """Something the preview tells the clerk: a variant label, a lost label, a blank cell, an error."""

    kind: str  # label_variant, typo, lost_label, row_order, stray, extra, missing, inferred, blank_marker, unread, prose, error
    message: str  # Chinese
    where: tuple[str, ...] = ()
    severity: Severity = "info"


@dataclass(frozen=True)
class UnreadRow:
    """A printed row of a recognised table whose numbers could not all be put in their cells: never saved."""

    table: str  # 表二 · 表三 · 表四
    row: str  # the catalogue's label of the row, or "" when no row could be named
    text: str  # the row as the document prints it
    where: str  # 第4页第27行 · 第56行 · 表格2 第5行
    reason: str  # Chinese: what could not be read (which columns, what was left over)

    @property
    def message(self) -> str:
        named = f"{self.table}“{self.row}”" if self.row else self.table
        return f"{self.where}，{named}：原文“{self.text}”——{self.reason}"


@dataclass(frozen=True)
class OpenRow:
    """A printed row whose numbers ran together and have more than one reading the format allows.

    Nothing of it is saved unless exactly one reading is left (last year's report may settle it) or the
    clerk chooses one of `readings` in the preview.
    """

    table: str  # 表二
    row: str  # the catalogue's label of the row
    fields: tuple[str, ...]  # the row's cells (table2 fields), in the order of each reading
    columns: tuple[str, ...]  # their short names: 本年制发、本年废止、现行有效
    text: str  # the row as the document prints it: 行政规范性文件693665
    where: str
    readings: tuple[tuple[int, ...], ...]
    remark: str = ""  # what last year's report said of them, when it could not settle the row

    def describe(self, reading: tuple[int, ...]) -> str:
        """本年制发 69、本年废止 3、现行有效 665."""
        return "、".join(f"{c} {n}" for c, n in zip(self.columns, reading))

    @property
    def message(self) -> str:
        shown = " 或 ".join(f"（{self.describe(r)}）" for r in self.readings)
        return (f"{self.where}，{self.table}“{self.row}”：原文“{self.text}”的数字连在一起，可读作 {shown}，"
                f"这一行没有总计可以核对，无法确定怎样拆分{('（' + self.remark + '）') if self.remark else ''}")


class ReadError(ValueError):
    """The file cannot be read as a report at all; the message is for the user, in Chinese."""


@dataclass
class ImportResult:
    """A document read into ReportValues, with where each value came from and what the reader noticed."""

    kind: str  # text, html, docx, pdf, xlsx, json
    filename: str
    values: ReportValues
    sources: dict[str, str] = field(default_factory=dict)  # cell key → where in the document
    notes: list[Note] = field(default_factory=list)
    unread_rows: list[UnreadRow] = field(default_factory=list)  # any of these: the import is refused
    open_rows: list[OpenRow] = field(default_factory=list)  # any of these: saved only with the clerk's choice
    settled: list[str] = field(default_factory=list)  # rows split by last year's report (choices.settle)
    prose_found: list[str] = field(default_factory=list)  # prose fields the document had
    title: str = ""
    org_name: str = ""
    year: int | None = None
    signature_name: str = ""
    signature_date: datetime.date | None = None

    @property
    def errors(self) -> list[Note]:
        return [n for n in self.notes if n.severity == "error"]

    @property
    def ok(self) -> bool:
        """True when the document can be saved: every cell read was a number and every printed row was read."""
        return not self.errors and not self.unread_rows and not self.open_rows

    @property
    def choosable(self) -> bool:
        """True when all that keeps the document from being saved is rows whose reading the clerk must choose."""
        return bool(self.open_rows) and not self.errors and not self.unread_rows

    def refusal(self) -> str:
        """Why the document is not imported, for the clerk (empty when it can be)."""
        if self.choosable:
            return (f"有 {len(self.open_rows)} 行表格的数字连在一起，有不止一种读法都符合格式，为免存入猜测的数，"
                    "须由您对照原文选择每一行的读法后才能导入。")
        if self.unread_rows:
            return (f"有 {len(self.unread_rows)} 行表格的数字没能全部从原文读出，为免存入猜测的数，未导入。"
                    "请核对这些行（或改用 Word、HTML 原文件）后重新导入。")
        if self.errors:
            return f"有 {len(self.errors)} 个单元格无法读取，未导入。"
        return ""

    def note(self, kind: str, message: str, *where: str, severity: Severity = "info") -> None:
        self.notes.append(Note(kind, message, tuple(w for w in where if w), severity))

    def differences(self) -> list[dict[str, Any]]:
        """Printed 总计 cells that differ from the sums, for the preview."""
        out = []
        for key, printed in self.values.printed_totals.items():
            out.append({
                "key": key,
                "name": cell_name(self.values, key),
                "printed": printed,
                "derived": self.values.derived(key),
                "where": self.sources.get(f"printed:{key}", ""),
            })
        return out

    def cells(self) -> list[dict[str, Any]]:
        """Every numeric cell in reading order: key, name, value, where it came from, derived or not."""
        return [
            {"key": key, "name": cell_name(self.values, key), "value": value, "where": self.sources.get(key, ""),
             "derived": derived}
            for key, value, derived in iter_cells(self.values)
        ]

    def blank_cells(self) -> list[dict[str, str]]:
        """Cells the document leaves blank (not those of open rows: they are printed, their reading is open)."""
        open_keys = {f"table2.{f}" for o in self.open_rows for f in o.fields}
        return [{"key": k, "name": cell_name(self.values, k), "where": self.sources.get(k, "")}
                for k in self.values.blank_cells() if k not in open_keys]


def iter_cells(values: ReportValues, *, derived: bool = True):
    """(key, value, is_derived) for every cell of the three tables, in the order the document prints them."""
    for cell in values.format.cells:
        if derived or not cell.derived:
            yield cell.key, values.get(cell.key), cell.derived


def cell_name(values: ReportValues, key: str) -> str:
    """The catalogue's readable name of a cell key, with its table: 表三 一、本年新收…（自然人）."""
    return values.format.table_cell_name(key)
