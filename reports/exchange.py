"""A report as JSON, in the layout of spec/examples/*.json, optionally with its prose."""

from __future__ import annotations

import json
from typing import Any

from .models import Report
from .values import PROSE_FIELDS, ReportValues, ValuesError, clean_text, parse_amount, parse_count, prose_length_errors

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


def report_to_json(report: Report) -> dict[str, Any]:
    values = report.values()
    data: dict[str, Any] = {"org": report.organisation.name, "year": report.year}
    data.update(values.to_json_dict())
    data["prose"] = {name: values.prose[name] for name in PROSE_FIELDS}
    data["processing_fee"] = {
        "yuan": None if values.processing_fee_yuan is None else str(values.processing_fee_yuan),
        "applications": values.processing_fee_count,
    }
    return data


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
