"""The national report formats as data: sections, tables, rows, columns, labels, spans and every cell.

Everything that prints, edits, imports, stores or checks a report reads its labels, structure and cell
keys from here. Two formats: 2021 (国办公开办函〔2021〕30号, reports for 2021 on) and the 2019 trial format
(reports for 2019 and 2020). `format_for_year` picks a new report's format; a report stores its own.
"""

from __future__ import annotations

from .format_2019 import FORMAT_2019
from .format_2021 import FORMAT_2021
from .model import (
    MAX_COUNT,
    TABLE_NAMES,
    Cell,
    CellKind,
    Column,
    Format,
    Label,
    Layout,
    Placed,
    ProsePart,
    Row,
    Section,
    Table2,
    Table2Block,
    Table3,
    Table4,
    Table4Group,
    place,
)

FORMATS: dict[str, Format] = {f.version: f for f in (FORMAT_2021, FORMAT_2019)}
CURRENT_FORMAT = FORMAT_2021.version
# The first year reported in the 2021 format; earlier years (2019, 2020) used the trial format.
FIRST_2021_YEAR = 2021


def get_format(version: str = CURRENT_FORMAT) -> Format:
    return FORMATS[version]


def format_for_year(year: int | None) -> Format:
    """The format a report for `year` is written in, unless its document says otherwise."""
    return FORMAT_2019 if year is not None and year < FIRST_2021_YEAR else FORMAT_2021


def format_refusal(year: int, version: str) -> str:
    """Why a report for `year` can't be in the format `version` (Chinese), or "": from 2021 only the 2021 format."""
    if version == FORMAT_2021.version or year < FIRST_2021_YEAR:
        return ""
    return (f"{year} 年度的报告须按{FORMAT_2021.title}（{FORMAT_2021.name}）填报，"
            f"这份文档是{get_format(version).title}：请按 2021 年格式填写或导入。")


def report_title(org_name: str, year: int) -> str:
    """「{机关全称}{年份}年政府信息公开工作年度报告」."""
    return f"{org_name}{year}年政府信息公开工作年度报告"


__all__ = [
    "CURRENT_FORMAT", "FIRST_2021_YEAR", "FORMATS", "FORMAT_2019", "FORMAT_2021", "MAX_COUNT", "TABLE_NAMES", "Cell", "CellKind",
    "Column", "Format", "Label", "Layout", "Placed", "ProsePart", "Row", "Section", "Table2", "Table2Block",
    "Table3", "Table4", "Table4Group", "format_for_year", "format_refusal", "get_format", "place", "report_title",
]
