"""From a document's lines (paragraphs and table rows, whatever the file type) to ReportValues.

Every reader turns its file into `Line`s; this module recognises the six headings, the §一 sub-headings,
the 表二/表三/表四 labels (through `labels.Labels`, i.e. the catalogue), reads the numbers, falls back on
the table's row order where labels were lost, and writes down everything it had to assume.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .. import narrative
from ..values import ReportValues
from .budget import lines_tally
from .cells import CellError, looks_numeric, read_amount, read_count
from .labels import Match, describe_variant, labels_for, normalise
from .prose import ProseMixin, after_heading
from .result import Cell, ImportResult, Line, ReadError, UnreadRow

# Column labels only the 2019 trial format's 表二 has (spec/format-2021.md §11): its columns mean other
# things than the 2021 format's, so such a report is never read as one of 2021.
TRIAL_2019_LABELS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量", "采购总金额")
TRIAL_2019_REFUSED = ("这是 2019 年试行格式的年度报告（表二有“本年新制作数量”等栏目），系统暂不能导入这种格式：它的表二、"
                      "表三与 2021 年起的格式（国办公开办函〔2021〕30号）栏目不同，按新格式读取会把数填进意义不同的单元格。"
                      "请按 2021 年格式在系统中填写这份报告。")
TRIAL_2019 = TRIAL_2019_REFUSED + "原文{where}有“{label}”。"

PROSE_TARGETS = {"problems": "problems", "other_matters": "other_matters"}
TABLE_SECTIONS = {"proactive": "t2", "applications": "t3", "review_litigation": "t4"}


@dataclass
class T3Entry:
    line: Line
    anchor: str | None  # row code the labels name
    how: str  # "label": the row's own label; "group"/"results": only a spanning label; "none": no label
    values: list[Cell | None]
    label_cells: list[tuple[Cell, Match]] = field(default_factory=list)
    extras: list[Cell] = field(default_factory=list)
    alt: list[Cell | None] | None = None  # the other alignment when a line has one number too many
    row: str | None = None  # the row it was finally given
    short: int = 0  # how many numbers fewer than columns a line of text had (placed at the end, by position)


def _is_value(cell: Cell) -> bool:
    return cell.value is not None and not isinstance(cell.value, str) or looks_numeric(cell.text)


def _blank(cell: Cell | None) -> bool:
    return cell is None or (not cell.text.strip() and cell.value is None and not cell.formula)


class Interpreter(ProseMixin):
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
        self._refuse_trial_format(line)
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

    def _refuse_trial_format(self, line: Line) -> None:
        """The 2019 trial format, told by its 表二 column labels: one in a table row, or two anywhere."""
        text = normalise("".join(c.text for c in line.nonblank()))
        found = [label for label in TRIAL_2019_LABELS if label in text]
        if found and (line.table or len(found) >= 2):
            raise ReadError(TRIAL_2019.format(where=line.where, label=found[0]))

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
        if key == self.fmt.table2.fee_field:
            ok, value = self._entered(key, cell, where, read_amount)
            if ok:
                self.result.values.fees_10k_yuan = value
        else:
            ok, value = self._entered(key, cell, where)
            if ok:
                self.result.values.table2[key] = value

    # ---- 表三

    def _header_x(self, table: str, line: Line) -> None:
        """Remember where a PDF prints a table's header labels (those above its first row of numbers)."""
        if (table == "t3" and self.t3) or (table == "t4" and self.t4_line is not None):
            return
        self.header_cells[table].extend(c for c in line.nonblank() if c.x is not None and not _is_value(c))

    def _t3_header(self, line: Line, labels: list[tuple[Cell, Match | None]]) -> None:
        self._header_x("t3", line)
        for cell, m in labels:
            if m is None:
                continue
            self._label(cell, m)
            if m.kind == "t3_header" and m.code in {c.code for c in self.fmt.table3.columns} and line.grid:
                self.t3_positions[m.code] = line.cells.index(cell)

    def _t3_row(self, line: Line, labels: list[tuple[Cell, Match | None]]) -> None:
        self.mode = "t3"
        matched = [(c, m) for c, m in labels if m and m.kind in ("t3_row", "t3_group", "t3_results")]
        unknown = [c for c, m in labels if m is None or m.kind not in ("t3_row", "t3_group", "t3_results")]
        entry = T3Entry(line, None, "none", [], label_cells=matched)
        rows = [m for _, m in matched if m.kind == "t3_row"]
        groups = [m for _, m in matched if m.kind == "t3_group"]
        if rows:
            entry.anchor, entry.how = rows[-1].code, "label"
        elif groups:
            entry.anchor = self.fmt.table3.groups[groups[-1].code][0].code
            entry.how = "group"
        elif matched:
            entry.anchor = self.fmt.table3.result_rows[0].code
            entry.how = "results"
        for cell, m in matched:
            self._label(cell, m)
        columns = [c.code for c in self.fmt.table3.columns]
        if line.grid and len(self.t3_positions) == len(columns):
            entry.values = [_at(line.cells, self.t3_positions[c]) for c in columns]
            first = min(self.t3_positions.values())
            entry.extras = [c for c in line.cells[:first] if c.text.strip() and _is_value(c)]
        else:
            # A short row is placed once every row is read: the table's full rows show where its columns are.
            entry.values, entry.extras, entry.alt, entry.short = _trailing_values(line.cells, len(columns))
        for c in unknown:
            if c not in entry.values and c not in entry.extras:
                self.unknown_labels.append(c)
        self.t3.append(entry)

    def _resolve_t3(self) -> None:
        t3 = self.fmt.table3
        n = len(t3.columns)
        for entry in self.t3:
            if not entry.short:
                continue
            aligned = self._align("t3", entry.values, n)
            if aligned is not None:
                entry.values = aligned
                self.one_off.append(("missing", (f"这一行只有 {n - entry.short} 个数（表三每行 {n} 个），"
                                                 "已按每个数在页面上的位置对应到列，缺的按空白处理，请核对原文"),
                                     entry.line.where))
            else:
                self._unread_row("表三", "", entry.line, f"只读到 {n - entry.short} 个数，表三每行 {n} 个，"
                                 "无法确定每个数属于哪一列")
        order = [r.code for r in t3.rows]
        index = {code: i for i, code in enumerate(order)}
        assigned: dict[str, T3Entry] = {}
        segment: list[T3Entry] = []
        previous = -1

        def place(upto: int) -> None:
            free = list(range(previous + 1, upto))
            for entry, i in zip(segment, free):
                entry.row = order[i]
                assigned[order[i]] = entry
            for entry in segment[len(free):]:
                self._unread_row("表三", "", entry.line, "多出的一行数字，无法对应到表三的任何一行")

        for entry in self.t3:
            if entry.anchor is None:
                segment.append(entry)
                continue
            i = index[entry.anchor]
            if i <= previous or entry.anchor in assigned:
                self._unread_row("表三", t3.row(entry.anchor).full_label, entry.line,
                                 "这一行出现了两次（或不在应有的位置），无法确定哪一次的数是对的")
                continue
            place(i)
            entry.row = entry.anchor
            assigned[entry.anchor] = entry
            previous, segment = i, []
        place(len(order))

        single = self._single_other_row(assigned)
        self._t3_notes(assigned)
        missing = [code for code in order if code not in assigned and code not in single]
        inferred = self._infer_missing(missing, assigned)
        unread = {e.line.where for e in self.t3 if e.short} | {u.where for u in self.result.unread_rows}
        for code in missing:
            row = t3.row(code)
            if code in inferred:
                continue
            if unread:  # an unread line is probably this row: the list of unread lines says it
                self.one_off.append(("missing", f"表三缺少“{row.full_label}”一行，这一行的单元格为空", ""))
            else:
                self.result.unread_rows.append(UnreadRow("表三", row.full_label, "（原文中没有找到这一行）", "表三",
                                                         "这一行的数没有读到"))
        for code, entry in assigned.items():
            self._set_t3_row(code, entry)

    def _t3_notes(self, assigned: dict[str, T3Entry]) -> None:
        t3 = self.fmt.table3
        lost: dict[str, list[str]] = defaultdict(list)
        lines_by_group: dict[str, list[str]] = defaultdict(list)
        for code, entry in assigned.items():
            if entry.how == "label":
                continue
            row = t3.row(code)
            lost[row.group or row.label].append(f"{row.label}（{entry.line.where}）")
            lines_by_group[row.group or row.label].append(entry.line.where)
        for group, names in lost.items():
            self.result.note(
                "lost_label",
                f"表三“{group}”下有 {len(names)} 行的行标签丢失，已按表格行序认定为：{'；'.join(names)}。请核对原文。",
                *lines_by_group[group], severity="warning",
            )
        for code, entry in list(assigned.items()):
            if entry.extras and not _leftovers_harmless(entry):
                self._unread_row("表三", t3.row(code).full_label, entry.line,
                                 f"多出了 {len(entry.extras)} 个数（{'、'.join(c.text.strip() for c in entry.extras)}），"
                                 "无法确定哪些数属于这一行")
                del assigned[code]
        stray = [(e, c) for e in assigned.values() for c in e.extras]
        if stray:
            self.result.note(
                "stray",
                "表三有 " + str(len({id(e) for e, _ in stray})) + " 行在行标签的位置多出了数字（复制时表格错位），已忽略："
                + "；".join(f"{e.line.where}的“{c.text.strip()}”" for e, c in stray),
                *sorted({e.line.where for e, _ in stray}, key=_line_number),
            )

    def _infer_missing(self, missing: list[str], assigned: dict[str, T3Entry]) -> set[str]:
        """One missing result row follows from the printed （七）总计 minus the other rows (rules.md T3-SUM)."""
        t3 = self.fmt.table3
        results = {r.code for r in t3.result_rows}
        if len(missing) != 1 or missing[0] not in results or "total" not in assigned:
            return set()
        code = missing[0]
        total = assigned["total"]
        values = []
        for i, col in enumerate(t3.entered_columns):
            try:
                printed, _ = read_count(total.values[i])
                others = [read_count(assigned[r].values[i])[0] for r in results if r != code]
            except CellError:
                return set()
            if printed is None or any(o is None for o in others) or printed - sum(others) < 0:
                return set()
            values.append(printed - sum(others))
        row = t3.row(code)
        for col, value in zip(t3.entered_columns, values):
            key = f"table3.{code}.{col.code}"
            self.result.values.table3[code][col.code] = value
            self.result.sources[key] = f"由（七）总计减去其余各行推算（{total.line.where}）"
        self.result.note(
            "inferred",
            f"原文表三缺少“{row.full_label}”一行（这一组的行数比官方格式少一行）。按“（七）总计”减去其余各行推算为 "
            f"{'、'.join(str(v) for v in values)}；请核对原文。",
            total.line.where, severity="warning",
        )
        return {code}

    def _set_t3_row(self, code: str, entry: T3Entry) -> None:
        t3 = self.fmt.table3
        values = entry.values
        if entry.alt is not None and not _row_adds_up(values) and _row_adds_up(entry.alt):
            values = entry.alt
        for col, cell in zip(t3.columns, values):
            key = f"table3.{code}.{col.code}"
            if code == "total" or col.derived:
                self._printed(key, cell, entry.line.where)
                continue
            ok, value = self._entered(key, cell, entry.line.where)
            if ok:
                self.result.values.table3[code][col.code] = value

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

    def _single_other_row(self, assigned: dict[str, "T3Entry"]) -> set[str]:
        """The older layout's single 「（六）其他处理」 row (no 1./2./3. sub-rows): the sub-rows it stands for.

        All zeros in a sum of counts that can't be negative means every sub-row is 0; any other number
        can't be split, so the sub-rows stay blank and the preview says why.
        """
        t3 = self.fmt.table3
        group = next((g for g, rows in t3.groups.items() if rows[0].code.startswith("other_")), None)
        if group is None:
            return set()
        sub = [r.code for r in t3.groups[group]]
        entry = assigned.get(sub[0])
        if entry is None or entry.how != "group" or any(code in assigned for code in sub[1:]):
            return set()
        try:
            numbers = [read_count(c)[0] for c in entry.values]
        except CellError:
            return set()
        entered = [n for n, col in zip(numbers, t3.columns) if not col.derived]
        if all(n == 0 for n in numbers if n is not None) and all(n is not None for n in entered):
            for code in sub[1:]:
                for col in t3.entered_columns:
                    self.result.values.table3[code][col.code] = 0
                    self.result.sources[f"table3.{code}.{col.code}"] = (
                        f"原文只有一行“{group}”，全为 0，各小项都是 0（{entry.line.where}）")
            self.result.note("older_layout", f"原文的“{group}”只有一行（旧的排法），各数都是 0，所以三个小项都按 0 导入。",
                             entry.line.where)
            entry.how = "label"
            return set(sub[1:])
        del assigned[sub[0]]
        self.result.note(
            "older_layout",
            f"原文的“{group}”只有一行（旧的排法，没有分 1、2、3 三个小项），其中有不为 0 的数，"
            "无法知道它们分别属于哪个小项，所以三个小项留空，请在报告中按实际情况填写。原文这一行的总计仍与（七）总计核对。",
            entry.line.where, severity="warning")
        return set(sub)

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


def _at(cells: list[Cell], i: int) -> Cell | None:
    return cells[i] if 0 <= i < len(cells) else None


def _trailing_values(cells: list[Cell], expected: int) -> tuple[list[Cell | None], list[Cell], list | None, int]:
    """The numbers at the end of a text line: (values, stray cells before them, other alignment, how many short)."""
    cs = list(cells)
    while cs and _blank(cs[-1]):
        cs.pop()
    i = len(cs)
    while i > 0 and (_blank(cs[i - 1]) or _is_value(cs[i - 1])):
        i -= 1
    region = cs[i:]
    if len(region) > expected:
        head = region[:-expected]
        extras = [c for c in head if c.text.strip()]
        alt = region[:expected] if extras and all(not _blank(c) for c in region[:expected]) else None
        return region[-expected:], extras, alt, 0
    short = expected - len(region)
    return list(region) + [None] * short, [], None, short


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


def _leftovers_harmless(entry: T3Entry) -> bool:
    """Numbers left over on a 表三 line change nothing when they are 0 and the row reads the same either way.

    (Text copied out of Word shifts a row of zeros by a column: eight 0s for seven cells.) When the two
    alignments differ, the one whose 总计 is the sum of its cells is what was printed.
    """
    try:
        if any(read_count(c)[0] != 0 for c in entry.extras):
            return False
        if entry.alt is None:
            return True
        if [read_count(c)[0] for c in entry.alt] == [read_count(c)[0] for c in entry.values]:
            return True
    except CellError:
        return False
    return _row_adds_up(entry.values) != _row_adds_up(entry.alt)


def _row_adds_up(values: list[Cell | None]) -> bool:
    try:
        numbers = [read_count(c)[0] for c in values]
    except CellError:
        return False
    if any(n is None for n in numbers):
        return False
    return sum(numbers[:-1]) == numbers[-1]


def _line_number(where: str) -> int:
    m = re.search(r"\d+", where)
    return int(m.group()) if m else 0


def interpret(lines: list[Line], *, kind: str, filename: str) -> ImportResult:
    """Read a document's lines into an ImportResult (raises ReadError when it holds no report table)."""
    return Interpreter(kind, filename).feed(lines)
