"""Reading 表三: its header and rows, and placing rows whose labels a document lost, by their order.

A mixin of the Interpreter (interpret.py): the rows are collected as `T3Entry`s while the document is read
and resolved at the end, when every row is known.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .cells import CellError, looks_numeric, read_count
from .labels import Match
from .result import Cell, Line, UnreadRow


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


class Table3Mixin:
    """表三 for the Interpreter: `_t3_header` and `_t3_row` while reading, `_resolve_t3` at the end."""

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


def _is_value(cell: Cell) -> bool:
    return cell.value is not None and not isinstance(cell.value, str) or looks_numeric(cell.text)


def _blank(cell: Cell | None) -> bool:
    return cell is None or (not cell.text.strip() and cell.value is None and not cell.formula)


def _at(cells: list[Cell], i: int) -> Cell | None:
    return cells[i] if 0 <= i < len(cells) else None


def _line_number(where: str) -> int:
    m = re.search(r"\d+", where)
    return int(m.group()) if m else 0
