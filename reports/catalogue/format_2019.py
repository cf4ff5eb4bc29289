"""The 2019 trial format (《中华人民共和国政府信息公开工作年度报告格式（试行）》, 2019年11月), in which the
reports for 2019 and 2020 were published. Template verbatim in spec/sources/format-2019-trial.txt; what
differs from 2021 in spec/format-2021.md §11: 表二's columns and rows, one （六）其他处理 row in 表三,
no 1,000-字 limit for §一 and no 信息处理费 in §六. 表三's columns and 表四 are those of 2021.
"""

from __future__ import annotations

from dataclasses import replace

from .format_2021 import FORMAT_2021
from .model import Format, Label, Row, Section, Table2, Table2Block, Table3

_t3 = FORMAT_2021.table3
_RESULT_ROWS = 20  # （一）（二）, 8 + 3 + 5 不予公开/无法提供/不予处理, （六）其他处理, （七）总计


def _rows() -> tuple[Row, ...]:
    out: list[Row] = []
    for row in _t3.rows:
        if row.code == "granted":
            first, *rest = row.labels
            row = replace(row, labels=(replace(first, rowspan=_RESULT_ROWS), *rest))
        if row.code.startswith("other_"):
            if row.code == "other_1":
                out.append(Row("other", "（六）其他处理", (Label("（六）其他处理", colspan=2),), result=True))
            continue
        out.append(row)
    return tuple(out)


_PREVIOUS, _CHANGE, _DECISIONS = "上一年项目数量", "本年增/减", "处理决定数量"


def _items(item: str, rows: tuple[tuple[str, str], ...], *, decisions: bool = True) -> Table2Block:
    """第（五）（六）（八）项: 上一年项目数量, 本年增/减 (may be negative) and, but for （八）, 处理决定数量."""
    header = ("信息内容", _PREVIOUS, _CHANGE, *((_DECISIONS,) if decisions else ()))
    kinds = ("count", "signed", "count") if decisions else ("count", "signed")
    fields = (("_previous", "_change", "") if decisions else ("_previous", "_change"))
    return Table2Block(item, header, tuple((label, tuple(f"{key}{f}" for f in fields)) for label, key in rows),
                       kinds=kinds)


FORMAT_2019 = Format(
    version="2019",
    name="政府信息公开工作年度报告格式（试行）",
    title="2019 年试行格式",
    sections=(
        *FORMAT_2021.sections[:5],
        Section("other_matters", "六", "六、其他需要报告的事项", "（文字描述）"),
    ),
    overview_parts=FORMAT_2021.overview_parts,
    table2=Table2(
        blocks=(
            Table2Block(
                "第二十条第（一）项",
                ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
                (
                    ("规章", ("regulations_made", "regulations_published", "regulations_public_total")),
                    ("规范性文件", ("normative_made", "normative_published", "normative_public_total")),
                ),
            ),
            _items("第二十条第（五）项", (("行政许可", "licensing"), ("其他对外管理服务事项", "other_services"))),
            _items("第二十条第（六）项", (("行政处罚", "penalty"), ("行政强制", "enforcement"))),
            _items("第二十条第（八）项", (("行政事业性收费", "fees"),), decisions=False),
            Table2Block(
                "第二十条第（九）项",
                ("信息内容", "采购项目数量", "采购总金额"),
                (("政府集中采购", ("procurement_projects", "procurement_amount")),),
                kinds=("count", "amount"),
            ),
        ),
    ),
    table3=Table3(corner=_t3.corner, header=_t3.header, columns=_t3.columns, rows=_rows()),
    table4=FORMAT_2021.table4,
    overview_max_chars=None,
    fee_in_section_six=False,
)
