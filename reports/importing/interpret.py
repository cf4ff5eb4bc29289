"""From a document's lines (paragraphs and table rows, whatever the file type) to ReportValues.

Every reader turns its file into `Line`s; this module recognises the six headings, the §一 sub-headings,
the 表二/表三/表四 labels (through `labels.Labels`, i.e. the catalogue), reads the numbers, falls back on
the table's row order where labels were lost, and writes down everything it had to assume.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from .. import narrative
from ..values import ReportValues
from .budget import lines_tally
from .cells import CellError, read_count, reader_for
from .labels import Match, describe_variant, labels_for, normalise
from .prose import ProseMixin, after_heading
from .table3 import T3Entry, Table3Mixin, _blank, _is_value, _trailing_values
from .result import Cell, ImportResult, Line, OpenRow, ReadError, UnreadRow

# Column labels only the 2019 trial format's 表二 has (spec/format-2021.md §11): its columns mean other
# things than the 2021 format's, so such a report is never read as one of 2021.
TRIAL_2019_LABELS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量", "采购总金额")

PROSE_TARGETS = {"problems": "problems", "other_matters": "other_matters"}
TABLE_SECTIONS = {"proactive": "t2", "applications": "t3", "review_litigation": "t4"}


class Interpreter(ProseMixin, Table3Mixin):
    def __init__(self, kind: str, filename: str, *, version: str = "2021"):
        self.labels = labels_for(version)
        self.fmt = self.labels.fmt
        self.result = ImportResult(kind, filename, ReportValues(format_version=version))
        self.section: str | None = None
        self.part: str | None = None
        self.prose: dict[str, list[str]] = defaultdict(list)
        self.prose_where: dict[str, list[str]] = defaultdict(list)
        self.aspect_style: str | None = None  # how §一's sub-headings are numbered, once one is seen
        self.last_prose: str | None = None  # where the 落款 will be, at the end of the last text read
        self.placeholders = {normalise(s.placeholder) for s in self.fmt.sections if s.placeholder}
        self.placeholder_where: list[str] = []
        self.mode: str | None = None
        self.t2_block: int | None = None
        self.t2_order: dict[int, list[int]] = {}  # block → column order its header printed
        self.t2_seen = False
        self.t3: list[T3Entry] = []
        self.t3_positions: dict[str, int] = {}
        self.t4_positions: list[int] = []
        self.t4_line: Line | None = None
        self.t4_header_row = 0
        self.variants: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.one_off: list[tuple[str, str, str]] = []  # (kind, message, where)
        self.markers: list[str] = []
        self.unread: list[str] = []
        self.printed: dict[str, int | None] = {}
        self.unknown_labels: list[Cell] = []
        # t3/t4 → the header labels of a PDF with where they are printed; 表二 block → (column, where)
        self.header_cells: dict[str, list[Cell]] = defaultdict(list)
        self.t2_header_x: dict[int, list[tuple[int, float]]] = {}
        self.columns_found: dict[tuple[str, int], list[float] | None] = {}  # asked only once every row is read

    # ------------------------------------------------------------------ driving

    def feed(self, lines: list[Line]) -> ImportResult:
        lines_tally().add(len(lines))
        for line in lines:
            if line.nonblank():
                self._line(line)
        return self.finish()

    def _line(self, line: Line) -> None:
        cells = line.nonblank()
        if len(cells) == 1 and not _is_value(cells[0]):
            text = cells[0].text.strip()
            m = self.labels.match(text, ("section",), fuzzy=len(normalise(text)) <= 30)
            if m:
                self._heading(cells[0], m)
                return
            if not line.table:
                self._paragraph(cells[0])
                return
        if line.table:
            self._table_line(line)
        else:
            self._paragraph(Cell(" ".join(c.text for c in cells), line.where))

    def _heading(self, cell: Cell, m: Match) -> None:
        self._label(cell, m)
        self.section, self.part = m.code, None
        self.mode = TABLE_SECTIONS.get(m.code)

    def _paragraph(self, cell: Cell) -> None:
        text = cell.text.strip()
        if self.section in (None, "overview"):
            for part in self.fmt.overview_parts:
                rest = after_heading(text, part.heading)
                if rest is not None:
                    if self.section is None:
                        self.section = "overview"
                    self._label(Cell(text[: len(text) - len(rest)].strip(), cell.where),
                                self.labels.match(part.heading, ("part",)))
                    self.part, self.aspect_style = part.code, self.aspect_style or "paren"
                    if rest.strip(" 。．.：:"):
                        self._prose(f"overview_{part.code}", rest.lstrip(" 。．.：:"), cell.where)
                    return
            if self.section == "overview" and self._overview_aspects(text, cell.where):
                return
            m = self.labels.match(text, ("part",), fuzzy=len(normalise(text)) <= 16)
            if m and self.section == "overview":
                self._label(cell, m)
                self.part, self.aspect_style = m.code, self.aspect_style or "paren"
                return
        if self.section is None:
            self._prose("before", text, cell.where)
        elif self.section == "overview":
            self._prose(f"overview_{self.part}" if self.part else "overview_intro", text, cell.where)
        elif self.section in PROSE_TARGETS:
            self._prose(PROSE_TARGETS[self.section], text, cell.where)
        else:
            m = self.labels.match(text, ("t2_item",), fuzzy=False)
            if m:
                self._t2_header([(cell, m)])
                return
            self.unread.append(cell.where)

    def _overview_aspects(self, text: str, where: str) -> bool:
        """A §一 paragraph with sub-headings as real reports write them (inline, 方面/情况, 一是, 1.)."""
        if self.aspect_style is None:
            found = narrative.aspect_headings(text)
            if not found:
                return False
            self.aspect_style = found[0].style  # the way this document numbers its aspects
        pieces = narrative.split_aspects(text, self.aspect_style)
        if not any(codes for codes, _ in pieces):
            return False
        for codes, piece in pieces:
            if codes:
                self.part = codes[0]
            if piece:
                self._prose(f"overview_{self.part}" if self.part else "overview_intro", piece, where)
        return True

    def _prose(self, target: str, text: str, where: str) -> None:
        if normalise(text) in self.placeholders:
            # The official template's 「（文字描述）」 left in place (a draft, an unfilled copy) is no text.
            self.placeholder_where.append(where)
            return
        self.prose[target].append(text)
        self.prose_where[target].append(where)
        self.last_prose = target

    def _label(self, cell: Cell, m: Match | None) -> None:
        """Remember how a printed label differs from the catalogue's, for the preview."""
        if m is None:
            return
        raw = cell.text.strip()
        if m.partial or m.alias:
            return
        if m.fuzzy:
            self.one_off.append(("typo", f"“{raw}”与官方标签不一致，按“{m.official}”读取（疑似错字）", cell.where))
            return
        for kind, desc in describe_variant(raw, m.official):
            if kind in ("typo", "other"):
                self.one_off.append(("typo" if kind == "typo" else "label_variant",
                                     f"“{raw}”应为“{m.official}”：{desc}", cell.where))
            else:
                self.variants[(kind, desc)].append(cell.where)

    # ------------------------------------------------------------------ tables

    def _table_line(self, line: Line) -> None:
        labels: list[tuple[Cell, Match | None]] = []
        for c in line.nonblank():
            if not _is_value(c):
                labels.append((c, self._match_table_label(c)))
        kinds = {m.kind for _, m in labels if m}
        if kinds & {"t2_row"}:
            self._t2_row(line, [(c, m) for c, m in labels if m])
        elif kinds & {"t2_item", "t2_header"}:
            self._t2_header([(c, m) for c, m in labels if m])
        elif kinds & {"t3_row", "t3_group", "t3_results"}:
            self._t3_row(line, labels)
        elif "t3_header" in kinds and self.mode != "t4":
            self.mode = "t3"
            self._t3_header(line, labels)
        elif "t4_header" in kinds:
            self.mode = "t4"
            self._t4_header(line, labels)
        elif kinds & {"section"}:
            self._heading(*next((c, m) for c, m in labels if m and m.kind == "section"))
        elif any(_is_value(c) for c in line.nonblank()):
            mode = self.mode or TABLE_SECTIONS.get(self.section or "")
            if mode == "t3":
                self._t3_row(line, labels)
            elif mode == "t4":
                self._t4_row(line)
            else:
                self.unread.append(line.where)
        elif self.mode in ("t3", "t4"):
            self._header_x(self.mode, line)  # a wrapped header line of a PDF: its columns still help
        else:
            self.unread.append(line.where)

    def _match_table_label(self, cell: Cell) -> Match | None:
        order = {
            "t4": ("t4_header", "t3_header", "t3_row", "t3_group", "t3_results", "t2_row", "t2_item", "t2_header"),
            "t2": ("t2_row", "t2_item", "t2_header", "t3_header", "t3_row", "t3_group", "t3_results", "t4_header"),
        }.get(self.mode or "", ("t3_row", "t3_group", "t3_results", "t3_header", "t2_row", "t2_item", "t2_header",
                                "t4_header"))
        found = self.labels.match(cell.text.strip(), (*order, "section"), fuzzy=len(normalise(cell.text)) <= 40)
        if found is None and self.mode == "t3":
            found = self.labels.fragment(cell.text)
        return found

    # ---- 表二

    def _t2_header(self, labels: list[tuple[Cell, Match]]) -> None:
        self.mode = "t2"
        for cell, m in labels:
            self._label(cell, m)
            if m.kind == "t2_item":
                self.t2_block = int(m.code)
        if self.t2_block is None:
            return
        block = self.fmt.table2.blocks[self.t2_block]
        columns = [m.official for _, m in labels if m.kind == "t2_header" and m.official in block.header[1:]]
        if len(columns) == len(block.header) - 1 and len(set(columns)) == len(columns):
            self.t2_order[self.t2_block] = [block.header[1:].index(c) for c in columns]
        placed = [(block.header[1:].index(m.official), c.x) for c, m in labels
                  if m.kind == "t2_header" and m.official in block.header[1:] and c.x is not None]
        if len(placed) == len(block.header) - 1:
            self.t2_header_x[self.t2_block] = placed

    def _t2_row(self, line: Line, labels: list[tuple[Cell, Match]]) -> None:
        self.mode, self.t2_seen = "t2", True
        cell, m = next((c, m) for c, m in labels if m.kind == "t2_row")
        self._label(cell, m)
        b, fields = next((i, f) for i, blk in enumerate(self.fmt.table2.blocks) for lbl, f in blk.rows
                         if lbl == m.official)
        self.t2_block = b
        if line.readings:
            # Run-together digits with several readings: nothing is set; last year's report or the clerk chooses.
            block = self.fmt.table2.blocks[b]
            self.result.open_rows.append(OpenRow(
                "表二", m.official, tuple(fields), tuple(h.removesuffix("件数") for h in block.header[1:]),
                "".join(line.texts), line.where, line.readings))
            return
        after = line.cells[line.cells.index(cell) + 1:]
        printed = len(after)  # a text line's cells, the blank ones between tabs too
        while after and _blank(after[-1]):
            after.pop()
        order = self.t2_order.get(b, list(range(len(fields))))
        values: list[Cell | None] = [after[i] if i < len(after) else None for i in range(len(fields))]
        numbers = [c for c in after if c.text.strip()]
        placed = None
        if not line.grid and 0 < len(numbers) < len(fields) and b in self.t2_header_x:
            placed = _nearest(numbers, self.t2_header_x[b])
            if placed is not None:
                order, values = list(range(len(fields))), [placed.get(i) for i in range(len(fields))]
                self.one_off.append(("missing", (f"“{m.official}”一行只有 {len(numbers)} 个数（应有 {len(fields)} 个），"
                                                 "已按每个数在页面上的位置对应到列，缺的按空白处理，请核对原文"),
                                     line.where))
        if not line.grid and placed is None and printed < len(fields):
            self._unread_row("表二", m.official, line, f"只读到 {len(numbers)} 个数，应有 {len(fields)} 个，"
                             "无法确定每个数属于哪一列")
        extra = [c for c in after[len(fields):] if c.text.strip()]
        if extra:
            self._unread_row("表二", m.official, line, f"多出了 {len(extra)} 个数（{'、'.join(c.text.strip() for c in extra)}），"
                             "无法确定哪些数属于这一行")
        for position, source in zip(order, values):
            self._set_t2(fields[position], source, line.where)

    def _set_t2(self, key: str, cell: Cell | None, where: str) -> None:
        spec = self.fmt.cell(f"table2.{key}")
        ok, value = self._entered(spec.key, cell, where, reader_for(spec))
        if ok:
            self.result.values.table2[key] = value

    # ---- 表三: Table3Mixin (table3.py)

    def _header_x(self, table: str, line: Line) -> None:
        """Remember where a PDF prints a table's header labels (those above its first row of numbers)."""
        if (table == "t3" and self.t3) or (table == "t4" and self.t4_line is not None):
            return
        self.header_cells[table].extend(c for c in line.nonblank() if c.x is not None and not _is_value(c))


    # ---- 表四

    def _t4_header(self, line: Line, labels: list[tuple[Cell, Match | None]]) -> None:
        self._header_x("t4", line)
        for cell, m in labels:
            self._label(cell, m)

    def _t4_row(self, line: Line) -> None:
        if self.t4_line is not None:
            self._unread_row("表四", "", line, "表四只有一行数字，这是多出的一行，无法确定哪一行是对的")
            return
        self.t4_line = line
        t4 = self.fmt.table4
        n = len(t4.groups) * len(t4.columns)
        if line.grid:
            cells = list(line.cells)
            while cells and _blank(cells[-1]):
                cells.pop()
            first = next((i for i, c in enumerate(cells) if _is_value(c) or not c.text.strip()), 0)
            values = cells[first:first + n]
            values += [None] * (n - len(values))
        else:
            values, extras, _alt, short = _trailing_values(line.cells, n)
            if extras:
                self._unread_row("表四", "", line, f"多出了 {len(extras)} 个数（表四共 {n} 格）："
                                 + "、".join(c.text.strip() for c in extras))
            aligned = self._align("t4", values, n) if short else None
            if aligned is not None:
                values, short = aligned, 0
                self.one_off.append(("missing", (f"表四只有 {sum(v is not None for v in values)} 个数（应有 {n} 个），"
                                                 "已按每个数在页面上的位置对应到列，缺的按空白处理，请核对原文"),
                                     line.where))
            if short:
                self._unread_row("表四", "", line, f"只读到 {n - short} 个数，表四应有 {n} 个，无法确定每个数属于哪一列")
        it = iter(values)
        for group in t4.groups:
            for col in t4.columns:
                key = f"table4.{group.code}.{col.code}"
                cell = next(it)
                if col.derived:
                    self._printed(key, cell, line.where)
                    continue
                ok, value = self._entered(key, cell, line.where)
                if ok:
                    self.result.values.table4[group.code][col.code] = value

    def _align(self, table: str, values: list[Cell | None], n: int) -> list[Cell | None] | None:
        """A PDF row with fewer numbers than columns: each number under the column it is printed in."""
        present = [c for c in values if c is not None and c.text.strip()]
        columns = self._columns(table, n)
        if not present or columns is None:
            return None
        placed = _nearest(present, list(enumerate(columns)))
        return None if placed is None else [placed.get(i) for i in range(n)]

    def _columns(self, table: str, n: int) -> list[float] | None:
        """Where a PDF prints the n number columns of 表三/表四, worked out once per table (it scans every row)."""
        key = (table, n)
        if key not in self.columns_found:
            self.columns_found[key] = self._find_columns(table, n)
        return self.columns_found[key]

    def _find_columns(self, table: str, n: int) -> list[float] | None:
        """By the table's full rows, else its header."""
        if table == "t3":
            full = [e.values for e in self.t3 if not e.short and len(e.values) == n
                    and all(c is not None and c.x is not None and c.text.strip() for c in e.values)]
            if full:
                return [statistics.median(v[i].x for v in full) for i in range(n)]  # type: ignore[union-attr]
        # Header labels spanning several columns are centred over them: only the columns' own labels count.
        fmt = self.fmt.table3 if table == "t3" else self.fmt.table4
        spanning = {normalise(h.text) for row in fmt.header for h in row if h.colspan > 1}
        if table == "t3":
            spanning.add(normalise(self.fmt.table3.corner))
        xs = sorted(c.x for c in self.header_cells.get(table, []) if normalise(c.text) not in spanning)
        clusters: list[list[float]] = []
        for x in xs:  # a label wrapped over lines is printed once per line, at the same place
            if clusters and x - clusters[-1][-1] <= 3:
                clusters[-1].append(x)
            else:
                clusters.append([x])
        if len(clusters) < n:
            return None
        return [statistics.mean(c) for c in clusters[-n:]]  # the number columns are the table's rightmost

    def _unread_row(self, table: str, row: str, line: Line, reason: str) -> None:
        """A printed row whose numbers could not all be read: the import is refused, naming it."""
        text = " ".join(t for t in line.texts if t)
        self.result.unread_rows.append(UnreadRow(table, row, text, line.where, reason))


    # ------------------------------------------------------------------ cells

    def _entered(self, key: str, cell: Cell | None, where: str, reader=read_count) -> tuple[bool, Any]:
        """(True, value) for an entered cell read, noting where it came from; (False, None) after noting why not."""
        try:
            value, how = reader(cell)
        except CellError as exc:
            self._cell_error(key, cell, exc)
            return False, None
        self._source(key, cell, where, how)
        return True, value

    def _source(self, key: str, cell: Cell | None, where: str, how: str) -> None:
        self.result.sources[key] = cell.where if cell is not None else f"{where}（没有这一格）"
        if how == "marker" and cell is not None:
            self.markers.append(f"{cell.where}“{cell.text.strip()}”")

    def _printed(self, key: str, cell: Cell | None, where: str) -> None:
        if cell is not None and cell.formula:
            return
        try:
            value, _how = read_count(cell)
        except CellError as exc:
            self._cell_error(key, cell, exc)
            return
        self.printed[key] = value
        self.result.sources[f"printed:{key}"] = cell.where if cell is not None else where

    def _cell_error(self, key: str, cell: Cell | None, exc: CellError) -> None:
        from .result import cell_name

        where = cell.where if cell is not None else ""
        self.result.note("error", f"{where}（{cell_name(self.result.values, key)}）：{exc}。请改正后重新导入。", where,
                         severity="error")

    # ------------------------------------------------------------------ the end

    def finish(self) -> ImportResult:
        r = self.result
        if not (self.t2_seen or self.t3 or self.t4_line):
            raise ReadError("没有在文档中找到年度报告的表格（第二十条的表格、申请情况表、行政复议和行政诉讼表）。"
                            "请确认这是一份政府信息公开工作年度报告，并且表格没有被转成图片。")
        if self.t3:
            self._resolve_t3()
        values = r.values
        values.printed_totals = {k: v for k, v in self.printed.items() if v != values.derived(k)}
        self._missing_tables()
        self._prose_fields()
        if self.variants:
            # Brackets, spaces and 「1、」 normalised change nothing read: one line, not one per kind.
            where = list(dict.fromkeys(w for ws in self.variants.values() for w in ws))
            r.note("label_variant", f"已统一标点和空格（共 {len(where)} 处）", *where)
        for kind, message, where in self.one_off:
            r.note(kind, message, where, severity="warning" if kind in ("typo", "missing", "extra") else "info")
        if self.markers:
            r.note("blank_marker", f"{len(self.markers)} 个单元格写的是“/”之类的符号，按空白读取（不是 0）："
                   + "、".join(self.markers), severity="warning")
        if self.unknown_labels:
            r.note("unread", f"表三有 {len(self.unknown_labels)} 处不认识的行标签，已按表格行序处理："
                   + "、".join(f"“{c.text.strip()}”" for c in self.unknown_labels[:12])
                   + ("等" if len(self.unknown_labels) > 12 else ""), *[c.where for c in self.unknown_labels])
        if self.placeholder_where:
            r.note("prose", f"{len(self.placeholder_where)} 处是格式模板的占位文字（如“（文字描述）”），没有作为正文导入",
                   *self.placeholder_where)
        if self.unread:
            r.note("unread", f"{len(self.unread)} 处内容不属于任何表格或可导入的章节，未导入", *self.unread)
        order = {"error": 0, "warning": 1, "info": 2}
        r.notes.sort(key=lambda n: order[n.severity])
        return r

    def _missing_tables(self) -> None:
        r = self.result
        if not self.t2_seen:
            r.note("missing", "没有找到“二、主动公开政府信息情况”的表格，这些单元格为空", severity="warning")
        if not self.t3:
            r.note("missing", "没有找到“三、收到和处理政府信息公开申请情况”的表格，这些单元格为空", severity="warning")
        if self.t4_line is None:
            r.note("missing", "没有找到“四、政府信息公开行政复议、行政诉讼情况”的表格，这些单元格为空",
                   severity="warning")


def _nearest(cells: list[Cell], columns: list[tuple[int, float]]) -> dict[int, Cell] | None:
    """Each cell under the column whose centre is nearest to its own; None when two share one or order breaks."""
    if any(c.x is None for c in cells) or not columns:
        return None
    out: dict[int, Cell] = {}
    last = None
    for cell in cells:
        position, x = min(columns, key=lambda col: abs(col[1] - cell.x))  # type: ignore[operator]
        if position in out or (last is not None and x <= last):
            return None
        out[position], last = cell, x
    return out


def detect_format(lines: list[Line]) -> tuple[str, str]:
    """The format a document is in, told by the labels only the 2019 trial format's 表二 has (one in a
    table row, or two anywhere): (version, where it was told, as the preview says it)."""
    for line in lines:
        text = normalise("".join(c.text for c in line.nonblank()))
        found = [label for label in TRIAL_2019_LABELS if label in text]
        if found and (line.table or len(found) >= 2):
            return "2019", f"{line.where}有“{found[0]}”"
    return "2021", ""


def interpret(lines: list[Line], *, kind: str, filename: str) -> ImportResult:
    """Read a document's lines into an ImportResult (raises ReadError when it holds no report table)."""
    version, told = detect_format(lines)
    result = Interpreter(kind, filename, version=version).feed(lines)
    if told:
        fmt = result.values.format
        result.note("inferred", f"按{fmt.title}（{fmt.name}）读取：原文{told}，这是 2019、2020 年度报告使用的格式。",
                    severity="info")
    return result
