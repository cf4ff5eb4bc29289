"""Reading one cell's content as a count or an amount: blank and "/" are blank, never 0."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..catalogue import MAX_COUNT
from .result import Cell

# What real reports print in a cell that has no number (rules.md S-CELLS): all read as blank.
BLANK_MARKERS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "无", "空", "N/A", "NA", "n/a", "na", "x", "X", "×"})
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


class CellError(ValueError):
    """A cell that holds something other than a number; the message is Chinese and names the content."""


def clean(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "").strip()
    return re.sub(r"\s+", "", t)


def looks_numeric(text: str) -> bool:
    """A number as documents print them (also 1,234 and a trailing 件/万元), or a blank marker."""
    t = clean(text)
    if t in BLANK_MARKERS:
        return True
    t = re.sub(r"(件|个|次|万元|元)$", "", t)
    return bool(_NUMBER.match(t) or _GROUPED.match(t))


def read_count(cell: Cell | None) -> tuple[int | None, str]:
    """(value, how): how is "" for a number, "blank" for an empty cell, "marker" for "/" and the like."""
    if cell is None:
        return None, "blank"
    typed = cell.value  # a spreadsheet's typed value; None for text
    if isinstance(typed, bool) or isinstance(typed, (datetime.date, datetime.time)):
        raise CellError(f"“{cell.text}”不是件数")
    if isinstance(typed, (int, float, Decimal)):
        if typed != int(typed):
            raise CellError(f"“{cell.text}”不是整数，件数应为不小于 0 的整数")
        return _bounded(int(typed), cell.text), ""
    t = clean(cell.text)
    if not t:
        return None, "blank"
    if t in BLANK_MARKERS:
        return None, "marker"
    t = re.sub(r"(件|个|次)$", "", t)
    if _GROUPED.match(t):
        t = t.replace(",", "")
    if not _NUMBER.match(t):
        raise CellError(f"“{cell.text.strip()}”不是数字，件数应为不小于 0 的整数")
    number = Decimal(t)
    if number != number.to_integral_value():
        raise CellError(f"“{cell.text.strip()}”不是整数，件数应为不小于 0 的整数")
    return _bounded(int(number), cell.text), ""


def read_signed(cell: Cell | None) -> tuple[int | None, str]:
    """A count that may be negative (the trial format's 本年增/减): −3, -3, －3, +2, 减少3 is not read."""
    if cell is not None and cell.value is None:
        t = clean(cell.text)
        sign = -1 if t[:1] in ("-", "−", "－", "—", "–") else 1
        if t[:1] in ("-", "−", "－", "—", "–", "+", "＋") and len(t) > 1:
            value, how = read_count(Cell(t[1:], cell.where, None, cell.number_format, cell.formula, cell.x))
            return (None if value is None else sign * value), how
    if cell is not None and isinstance(cell.value, (int, float, Decimal)) and not isinstance(cell.value, bool) \
            and cell.value < 0:
        value, how = read_count(Cell(cell.text.lstrip("-"), cell.where, -cell.value, cell.number_format, cell.formula))
        return (None if value is None else -value), how
    return read_count(cell)


def reader_for(cell) -> object:
    """How the importers read a catalogue cell of this kind: a count, a signed count or an amount."""
    return {"amount": read_amount, "signed": read_signed}.get(cell.kind, read_count)


def _bounded(value: int, text: str) -> int:
    if value < 0:
        raise CellError(f"“{text.strip()}”是负数，件数不能为负数")
    if value > MAX_COUNT:
        raise CellError(f"“{text.strip()}”超过了允许的最大值 {MAX_COUNT}")
    return value


_PLACES = re.compile(r"^0(?:\.(0+))?$")


def read_amount(cell: Cell | None) -> tuple[Decimal | None, str]:
    """The 行政事业性收费 amount in 万元, kept with the decimals written (max 6)."""
    if cell is None:
        return None, "blank"
    typed = cell.value
    if isinstance(typed, bool) or isinstance(typed, (datetime.date, datetime.time)):
        raise CellError(f"“{cell.text}”不是金额")
    if isinstance(typed, (int, float, Decimal)):
        if isinstance(typed, float):
            value = Decimal(int(typed)) if typed.is_integer() else Decimal(repr(typed))
        else:
            value = Decimal(typed)
        # A spreadsheet keeps 9116.30 as the number 9116.3 with the format 0.00: the format has the decimals.
        m = _PLACES.match(cell.number_format or "")
        if m and m.group(1) and -value.as_tuple().exponent <= len(m.group(1)):  # type: ignore[operator]
            value = value.quantize(Decimal(1).scaleb(-len(m.group(1))))
        return _amount_bounded(value, cell.text), ""
    t = clean(cell.text)
    if not t:
        return None, "blank"
    if t in BLANK_MARKERS:
        return None, "marker"
    t = re.sub(r"(万元|万)$", "", t)
    if _GROUPED.match(t):
        t = t.replace(",", "")
    if not _NUMBER.match(t):
        raise CellError(f"“{cell.text.strip()}”不是金额，应为以万元为单位的数字")
    try:
        value = Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only decimals
        raise CellError(f"“{cell.text.strip()}”不是金额") from None
    return _amount_bounded(value, cell.text), ""


def _amount_bounded(value: Decimal, text: str) -> Decimal:
    if value < 0:
        raise CellError(f"“{text.strip()}”是负数，金额不能为负数")
    if -value.as_tuple().exponent > 6:  # type: ignore[operator]
        raise CellError(f"“{text.strip()}”超过 6 位小数（万元的 6 位小数即 0.01 元）")
    if value.adjusted() >= 10:
        raise CellError(f"“{text.strip()}”数额过大，请检查单位（应为万元）")
    return value
