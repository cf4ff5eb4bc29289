"""The JSON exchange format (reports/exchange.py) as one more importable document, with a preview."""

from __future__ import annotations

from ..exchange import read_report_json
from ..values import PROSE_FIELDS, ValuesError
from .budget import check_text
from .result import ImportResult, ReadError, iter_cells
from .text import decode


def read_json(filename: str, data: bytes) -> ImportResult:
    try:
        payload, values = read_report_json(check_text(decode(data)))
    except ValuesError as exc:
        if str(exc).startswith("不支持的报告格式“2019"):
            from .interpret import TRIAL_2019_REFUSED

            raise ReadError(TRIAL_2019_REFUSED + "文件的 format 是 2019。") from None
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
