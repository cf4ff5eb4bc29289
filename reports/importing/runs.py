"""Table cells run together with no separator (text copied from a web page): 「640020470」 → 64, 0, 0, 2, 0, 4, 70.

A run has many splits; the format rules out most of them. A count is printed without leading zeros (0
itself excepted); each 表三 row's 总计 is the sum of its six columns, and each 表四 group's 总计 the sum of its
four results; 表三's columns obey 一 + 二 = （七）总计 + 四, and （七）总计 is the sum of the result rows. A
split is taken only when exactly one reading of the whole table satisfies all of these; otherwise the rows
whose reading is still open are named with the readings that remain. Never a guess.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from collections.abc import Iterator, Sequence

from ..catalogue import Format

# Seven counts of five digits and more: any real row; a longer run is refused rather than searched.
MAX_RUN = 36
# How many whole-table solutions are collected before giving up on naming them all.
MAX_SOLUTIONS = 50
# How many partial readings the search may try before it refuses: a hostile run must not take minutes.
MAX_STEPS = 200_000


class RunError(Exception):
    """The run-together cells have no reading, or more than one; the message names the rows for the clerk."""


def _numbers(run: str, count: int, total: int | None = None, steps: list[int] | None = None
             ) -> Iterator[tuple[int, ...]]:
    """Every way to cut `run` into `count` counts without leading zeros (summing to `total` when given)."""
    if steps is not None:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise RunError("too many")
    if count == 0:
        if not run and (total is None or total == 0):
            yield ()
        return
    if len(run) < count or (total is not None and len(run) > count * len(str(total))):
        return  # too few digits, or more than `count` parts no bigger than the total can hold
    longest = 1 if run[0] == "0" else len(run) - count + 1
    for size in range(1, longest + 1):
        n = int(run[:size])
        if total is not None and n > total:
            break
        for rest in _numbers(run[size:], count - 1, None if total is None else total - n, steps):
            yield (n, *rest)


def group_readings(run: str, size: int) -> list[tuple[int, ...]]:
    """The readings of a run of one group of `size` counts whose last is the sum of the others."""
    out, steps = [], [0]
    for cut in range(1, len(run)):
        tail = run[cut:]
        if tail[0] == "0" and len(tail) > 1:
            continue
        if cut > (size - 1) * len(tail):
            continue  # no part is bigger than the total, so none has more digits
        total = int(tail)
        try:
            out += [(*parts, total) for parts in _numbers(run[:cut], size - 1, total, steps)]
        except RunError:
            raise RunError(f"数字“{run}”连在一起，可能的拆分太多，无法确定怎样拆分。为免读错，没有导入："
                           "请改用表格单元格分开的文件（Word、Excel）。") from None
    return out


def readings(run: str, groups: Sequence[int] = (7,)) -> list[tuple[int, ...]]:
    """The readings of a run of consecutive groups (sizes `groups`), each ending with the sum of the others."""
    if not run.isascii() or not run.isdigit() or len(run) > MAX_RUN:
        return []
    if len(groups) == 1:
        return group_readings(run, groups[0])
    out = []
    for cut in range(groups[0], len(run) - sum(groups[1:]) + 1):
        head = group_readings(run[:cut], groups[0])
        if head:
            out += [(*h, *rest) for rest in readings(run[cut:], groups[1:]) for h in head]
    return out


def _show(reading: Sequence[int]) -> str:
    return "、".join(str(n) for n in reading)


def _describe(open_rows: dict[str, set[tuple[int, ...]]], names: dict[str, str]) -> str:
    return "；".join(f"“{names[code]}”可读作 " + " 或 ".join(f"（{_show(r)}）" for r in sorted(rs))
                    for code, rs in open_rows.items())


def resolve_table3(runs: dict[str, str], fmt: Format) -> dict[str, tuple[int, ...]]:
    """Each 表三 row's seven counts from its run; RunError naming the rows when not exactly one reading fits.

    Rows missing from `runs` are not constrained (the identity and the 总计 row then hold only where every
    row they involve is there).
    """
    t3 = fmt.table3
    names = {r.code: r.label for r in t3.rows}
    width = len(t3.columns)
    options: dict[str, list[tuple[int, ...]]] = {}
    for code, run in runs.items():
        try:
            options[code] = readings(run, (width,))
        except RunError as exc:
            raise RunError(f"表三“{names[code]}”一行：{exc}") from None
        if not options[code]:
            raise RunError(f"表三“{names[code]}”一行的数字连在一起（{run}），没有一种拆分能使总计等于各列之和，"
                           "无法读取：请在原文中核对这一行。")
    results = [r.code for r in t3.rows if not r.derived and r.code not in ("new", "carried_over", "carry_forward")]
    balance = ("new", "carried_over", "total", "carry_forward")
    solutions: list[dict[str, tuple[int, ...]]] = []
    fixed_order = [c for c in balance if c in options]
    steps = [0]
    for combo in itertools.product(*(options[c] for c in fixed_order)):
        steps[0] += 1
        chosen = dict(zip(fixed_order, combo))
        if all(c in chosen for c in balance) and any(
                chosen["new"][i] + chosen["carried_over"][i] != chosen["total"][i] + chosen["carry_forward"][i]
                for i in range(width)):
            continue
        rest = [c for c in results if c in options]
        target = chosen.get("total") if all(c in options for c in results) else None
        for tail in _result_rows(rest, options, target, width, steps):
            solutions.append(chosen | dict(zip(rest, tail)))
            if len(solutions) > MAX_SOLUTIONS:
                break
        if len(solutions) > MAX_SOLUTIONS:
            break
    if len(solutions) == 1:
        return solutions[0]
    if not solutions:
        raise RunError("表三的数字连在一起，各行的拆分方式合不上“第一项加第二项之和，等于第三项加第四项之和”"
                       "或（七）总计，无法读取：请在原文中核对表三。")
    open_rows = {c: {s[c] for s in solutions} for c in options}
    open_rows = {c: rs for c, rs in open_rows.items() if len(rs) > 1}
    more = "等" if len(solutions) > MAX_SOLUTIONS else ""
    raise RunError(f"表三的数字连在一起，有不止一种读法都符合格式{more}，为免读错，没有导入："
                   f"{_describe(open_rows, names)}。请在原文中核对这些行，或改用表格单元格分开的文件（Word、Excel）。")


def _result_rows(rows: list[str], options: dict[str, list[tuple[int, ...]]], target: tuple[int, ...] | None,
                 width: int, steps: list[int]) -> Iterator[tuple[tuple[int, ...], ...]]:
    """Readings of the result rows whose column sums equal `target` (the 总计 row), depth first with pruning."""
    def walk(i: int, left: list[int] | None) -> Iterator[tuple[tuple[int, ...], ...]]:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise RunError("表三的数字连在一起，可能的读法太多，无法确定怎样拆分。为免读错，没有导入："
                           "请改用表格单元格分开的文件（Word、Excel）。")
        if i == len(rows):
            if left is None or not any(left):
                yield ()
            return
        for reading in options[rows[i]]:
            if left is not None and any(reading[k] > left[k] for k in range(width)):
                continue
            after = None if left is None else [left[k] - reading[k] for k in range(width)]
            for rest in walk(i + 1, after):
                yield (reading, *rest)

    yield from walk(0, None if target is None else list(target))


def resolve_table4(run: str, fmt: Format) -> tuple[int, ...]:
    """表四's fifteen counts (行政复议, then the two 行政诉讼 groups) from one run; RunError unless one reading."""
    width = len(fmt.table4.columns)
    found = readings(run, (width, width, width))
    if len(found) == 1:
        return found[0]
    if not found:
        raise RunError(f"表四的数字连在一起（{run}），没有一种拆分能使三组的总计都等于各项之和，无法读取：请在原文中核对表四。")
    shown = " 或 ".join(f"（{_show(r)}）" for r in found[:6]) + ("等" if len(found) > 6 else "")
    raise RunError(f"表四的数字连在一起（{run}），有 {len(found)} 种读法都符合格式：{shown}。为免读错，没有导入，请在原文中核对表四。")


def _run_at(piece: str, spanning: str = "") -> str | None:
    """The digits at the start of `piece` (spaces a web page left inside dropped), when only `spanning` follows."""
    body = piece.strip()
    n = len(body) - len(body.lstrip("0123456789 \u3000\u00a0"))
    digits, rest = "".join(body[:n].split()), body[n:].strip()
    if not (digits.isascii() and digits.isdigit()) or (rest and "".join(rest.split()) != spanning):
        return None
    return digits


def table3_runs(text: str, fmt: Format) -> dict[str, str] | None:
    """表三's rows in one run of text (「一、本年新收政府信息公开申请数量640020470二、上年结转…」): row → its digits.

    None unless every row's label is found, in the catalogue's order, with only digits after it.
    """
    rows = fmt.table3.rows
    spans, position = [], 0
    for row in rows:
        at = text.find(row.label, position)
        if at < 0:
            return None
        spans.append((row.code, at, at + len(row.label)))
        position = at + len(row.label)
    out = {}
    for i, (code, _start, end) in enumerate(spans):
        if i + 1 < len(spans):
            after = rows[i + 1]
            spanning = "".join(lb.text for lb in after.labels if lb.text != after.label)
            run = _run_at(text[end:spans[i + 1][1]], spanning)
        else:
            body = text[end:].lstrip()
            run = _run_at(body[:len(body) - len(body.lstrip("0123456789 \u3000\u00a0"))])
        if run is None:
            return None
        out[code] = run
    return out


def table4_run(text: str, fmt: Format) -> str | None:
    """表四's fifteen counts in one run of text, after its header labels run together; None if not found."""
    header = "".join(h.text for row in fmt.table4.header for h in row)
    flat = "".join(text.split())
    at = flat.find(header)
    if at < 0:
        return None
    after = flat[at + len(header):]
    digits = after[:len(after) - len(after.lstrip("0123456789"))]
    return digits or None


@dataclass(frozen=True)
class OpenRun:
    """A 表二 row whose run of digits has more than one reading: the interpreter lets the clerk choose."""

    label: str
    digits: str
    readings: tuple[tuple[int, ...], ...]


def t2_readings(digits: str, width: int) -> list[tuple[int, ...]]:
    """The readings of a 表二 row's run of `width` counts: any split without leading zeros (no total to check)."""
    if not (digits.isascii() and digits.isdigit()) or not 0 < len(digits) <= MAX_RUN:
        return []
    return list(_numbers(digits, width))


def _t2_lines(body: str, fmt: Format) -> list[str | OpenRun]:
    """表二 as tab-separated lines from its run-together text; an OpenRun for a row with several readings.

    No reading at all is a RunError.
    """
    rows = [(block, label) for block in fmt.table2.blocks for label, _fields in block.rows]
    out: list[str | OpenRun] = []
    position, spans = 0, []
    for block, label in rows:
        at = body.find(label, position)
        if at < 0:
            raise RunError(f"表二“{label}”一行没有找到，无法读取：请在原文中核对表二。")
        spans.append((block, label, at + len(label)))
        position = at + len(label)
    seen_blocks = set()
    for i, (block, label, end) in enumerate(spans):
        stop = spans[i + 1][2] - len(spans[i + 1][1]) if i + 1 < len(spans) else len(body)
        piece = "".join(body[end:stop].split())
        width = len(block.header) - 1
        amount = piece[:len(piece) - len(piece.lstrip("0123456789."))]
        if width == 1:
            found = [(amount,)] if amount else []
        else:
            digits = amount.split(".")[0] if "." not in amount else ""
            found = [tuple(str(n) for n in r) for r in t2_readings(digits, width)]
        if not found:
            raise RunError(f"表二“{label}”一行的数字连在一起（{amount}），没有读到数字：无法读取。"
                           "为免读错，没有导入；请改用表格单元格分开的文件（Word、Excel、网页原文件），"
                           "或把这一行的数字用制表符分开后重试。")
        if block.item not in seen_blocks:
            seen_blocks.add(block.item)
            out += [block.item, "\t".join(block.header)]
        if len(found) == 1:
            out.append("\t".join((label, *found[0])))
        else:
            out.append(OpenRun(label, amount, tuple(tuple(int(n) for n in r) for r in found)))
    return out


def run_together_lines(text: str, fmt: Format) -> list[str | OpenRun] | None:
    """A web page's report whose tables ran together into one line, as the lines of a text copied from Word.

    None when the text is not such a report (its 表三 rows are not all there, each followed by digits).
    RunError when the tables are there but a run has no reading, or a 表三/表四 run more than one; a 表二
    row with several readings (no total to check) is an OpenRun, for last year's report or the clerk.
    """
    runs = table3_runs(text, fmt)
    if runs is None:
        return None
    starts, position = [], 0
    for section in fmt.sections:
        at = text.find(section.heading, position)
        if at < 0:
            return None
        starts.append((section, at))
        position = at + len(section.heading)
    lines = [text[:starts[0][1]].strip()]
    for i, (section, at) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        body = text[at + len(section.heading):end].strip()
        lines.append(section.heading)
        if section.code == "proactive":
            lines += _t2_lines(body, fmt)
        elif section.code == "applications":
            table = resolve_table3(runs, fmt)
            lines += ["\t".join((row.label, *(str(n) for n in table[row.code]))) for row in fmt.table3.rows]
        elif section.code == "review_litigation":
            run = table4_run(body, fmt)
            if run is None:
                raise RunError("表四的数字没有找到，无法读取：请在原文中核对表四。")
            lines += ["\t".join(h.text for h in row) for row in fmt.table4.header]
            lines.append("\t".join(str(n) for n in resolve_table4(run, fmt)))
        else:
            lines.append(body)
    return [ln for ln in lines if isinstance(ln, OpenRun) or ln.strip()]
