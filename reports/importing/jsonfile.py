"""The JSON exchange format (written by reports.exports.data) read back: as a document to import, and
for versions, load_report and the demo."""

from __future__ import annotations

import json
from typing import Any

from ..values import (
    PROSE_FIELDS,
    ReportValues,
    ValuesError,
    clean_text,
    parse_amount,
    parse_count,
    prose_length_errors,
)
from .budget import check_text
from .result import ImportResult, ReadError, iter_cells
from .text import decode


# The longest number literal a report's JSON may hold: a count is at most MAX_COUNT (9 digits), an amount
# 10 integer digits and 6 decimals. Python's int() refuses more than 4,300 digits with a ValueError (and
# float() of a long literal is slow); the hooks below refuse a long literal before converting it.
NUMBER_LITERAL_MAX = 40


def _bounded(convert):
    def parse(literal: str):
        if len(literal) > NUMBER_LITERAL_MAX:
            raise ValuesError(f"文件中有一个 {len(literal)} 位的数字（“{literal[:12]}…”），"
                              f"超过了 {NUMBER_LITERAL_MAX} 位的上限，不是年度报告中的数。")
        return convert(literal)
    return parse


def _constant(name: str):
    raise ValuesError(f"文件中有 {name}，JSON 中的数必须是有限的数字。")


def read_report_json(text: str) -> tuple[dict[str, Any], ReportValues]:
    """Parse and validate; raise ValuesError (a message for the user) on anything malformed."""
    try:
        data = json.loads(text, parse_int=_bounded(int), parse_float=_bounded(float), parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise ValuesError(f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}。") from None
    except RecursionError:
        raise ValuesError("不是年度报告的 JSON：嵌套过深。") from None
    values = ReportValues.from_json_dict(data)
    prose = data.get("prose")
    if prose is not None:
        if not isinstance(prose, dict) or not all(isinstance(v, str) for v in prose.values()):
            raise ValuesError("prose 应为由文字组成的对象。")
        unknown = set(prose) - set(PROSE_FIELDS)
        if unknown:
            raise ValuesError(f"prose 中有不认识的项：{'、'.join(sorted(unknown))}。")
        values.prose.update({name: clean_text(text) for name, text in prose.items()})
        too_long = prose_length_errors(values.prose, values.format)
        if too_long:
            raise ValuesError("文字太长，没有读入：" + "".join(too_long))
    fee = data.get("processing_fee")
    if fee is not None:
        if not isinstance(fee, dict):
            raise ValuesError("processing_fee 的格式不对。")
        values.processing_fee_yuan = parse_amount(fee.get("yuan"), "processing_fee.yuan", places=2)
        values.processing_fee_count = parse_count(fee.get("applications"), "processing_fee.applications")
    return data, values


def read_json(filename: str, data: bytes) -> ImportResult:
    try:
        payload, values = read_report_json(check_text(decode(data)))
    except ValuesError as exc:
        raise ReadError(f"JSON 文件有误：{exc}") from None
    result = ImportResult("json", filename, values)
    for key, _value, derived in iter_cells(values, derived=False):
        result.sources[key] = f"JSON {key}"
    for key in values.printed_totals:
        result.sources[f"printed:{key}"] = f"JSON {key}"
    if isinstance(payload.get("prose"), dict):
        result.prose_found = [k for k in PROSE_FIELDS if values.prose.get(k)]
    year = payload.get("year")
    result.year = year if isinstance(year, int) and not isinstance(year, bool) else None
    org = payload.get("org")
    result.org_name = org if isinstance(org, str) else ""
    blanks = values.blank_cells()
    if blanks:
        result.note("blank_marker", f"{len(blanks)} 个单元格在文件中为 null（空白）", severity="warning")
    return result
