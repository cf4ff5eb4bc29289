"""The national report format as data: sections, tables, rows, columns, labels and spans.

Everything that prints, edits, imports or checks a report reads its labels and structure from here.
Labels are verbatim from 国办公开办函〔2021〕30号 (see the project's format reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

# The largest count a cell accepts: above every real report (淮安2024 行政处罚 3 985 758), below int32.
MAX_COUNT = 99_999_999


@dataclass(frozen=True)
class Label:
    """A header or row-label cell as printed, with its spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Section:
    code: str
    number: str  # 一 … 六
    heading: str  # verbatim template heading
    placeholder: str = ""


@dataclass(frozen=True)
class ProsePart:
    """A customary sub-heading of section 一 and the model field holding its text."""

    code: str
    heading: str


@dataclass(frozen=True)
class Cell:
    """One entered cell: its key (model field / JSON path) and a readable name (row + column)."""

    key: str
    name: str


# ---------------------------------------------------------------- 表二 (第二十条)


@dataclass(frozen=True)
class Table2Block:
    """One of the four sub-tables of section 二."""

    item: str  # 第二十条第（一）项
    header: tuple[str, ...]  # 信息内容, then the column labels
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, model fields of its cells)


@dataclass(frozen=True)
class Table2:
    blocks: tuple[Table2Block, ...]
    count_fields: tuple[str, ...]
    fee_field: str

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        out = []
        for block in self.blocks:
            for label, fields in block.rows:
                for column, key in zip(block.header[1:], fields):
                    out.append(Cell(key, f"{block.item} {label}（{column}）"))
        return tuple(out)

    def cell(self, key: str) -> Cell:
        return next(c for c in self.cells if c.key == key)


# ---------------------------------------------------------------- 表三 (申请)


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    derived: bool = False


@dataclass(frozen=True)
class Row:
    code: str
    label: str  # the row's own, most specific label, verbatim
    labels: tuple[Label, ...]  # the label cells that start on this row, with their spans
    group: str = ""  # （三）不予公开 … for the sub-rows of a group without cells of its own
    derived: bool = False  # （七）总计: the sum of the result rows
    result: bool = False  # one of the 22 rows summed into （七）总计

    @property
    def full_label(self) -> str:
        """The row's name as a reader says it: group label before a numbered sub-row."""
        return f"{self.group}{self.label}" if self.group else self.label


@dataclass(frozen=True)
class Table3:
    corner: str
    header: tuple[tuple[Label, ...], ...]  # the three header rows right of the corner cell
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @cached_property
    def entered_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.derived)

    @cached_property
    def entered_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.derived)

    @cached_property
    def result_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.result)

    @cached_property
    def groups(self) -> dict[str, tuple[Row, ...]]:
        """（三）不予公开 → its sub-rows, for derived subtotals (never stored, never printed)."""
        out: dict[str, list[Row]] = {}
        for r in self.rows:
            if r.group:
                out.setdefault(r.group, []).append(r)
        return {k: tuple(v) for k, v in out.items()}

    def row(self, code: str) -> Row:
        return self._rows_by_code[code]

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)

    @cached_property
    def _rows_by_code(self) -> dict[str, Row]:
        return {r.code: r for r in self.rows}

    def cell_name(self, row: str, column: str) -> str:
        return f"{self.row(row).full_label}（{self.column(column).label}）"


# ---------------------------------------------------------------- 表四 (复议、诉讼)


@dataclass(frozen=True)
class Table4Group:
    code: str
    label: str  # 行政复议 / 未经复议直接起诉 / 复议后起诉
    parent: str  # 行政复议 / 行政诉讼


@dataclass(frozen=True)
class Table4:
    header: tuple[tuple[Label, ...], ...]
    groups: tuple[Table4Group, ...]
    columns: tuple[Column, ...]

    @cached_property
    def entered_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.derived)

    def group(self, code: str) -> Table4Group:
        return next(g for g in self.groups if g.code == code)

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)

    def cell_name(self, group: str, column: str) -> str:
        g = self.group(group)
        prefix = g.label if g.label == g.parent else f"{g.parent}（{g.label}）"
        return f"{prefix}{self.column(column).label}"

    @staticmethod
    def field(group: str, column: str) -> str:
        """The model field of an entered cell: review_maintained, litigation_direct_pending, …"""
        return f"{group}_{column}"


@dataclass(frozen=True)
class Format:
    version: str
    name: str
    sections: tuple[Section, ...]
    overview_parts: tuple[ProsePart, ...]
    table2: Table2
    table3: Table3
    table4: Table4
    overview_max_chars: int = field(default=1000)

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)


# ---------------------------------------------------------------- the 2021 format

_t3_columns = (
    Column("natural", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social", "社会公益组织"),
    Column("legal", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计", derived=True),
)

_RESULTS = "三、本年度办理结果"
_DENIED = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"


def _sub_rows(prefix: str, group: str, labels: tuple[str, ...]) -> list[Row]:
    """A group's numbered sub-rows; the first carries the group label cell spanning them all."""
    rows = []
    for i, text in enumerate(labels, start=1):
        cells = (Label(group, rowspan=len(labels)), Label(text)) if i == 1 else (Label(text),)
        rows.append(Row(f"{prefix}_{i}", text, cells, group=group, result=True))
    return rows


_t3_rows = (
    Row("new", "一、本年新收政府信息公开申请数量", (Label("一、本年新收政府信息公开申请数量", colspan=3),)),
    Row("carried_over", "二、上年结转政府信息公开申请数量", (Label("二、上年结转政府信息公开申请数量", colspan=3),)),
    Row(
        "granted",
        "（一）予以公开",
        (Label(_RESULTS, rowspan=22), Label("（一）予以公开", colspan=2)),
        result=True,
    ),
    Row(
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        (Label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2),),
        result=True,
    ),
    *_sub_rows(
        "denied",
        _DENIED,
        (
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ),
    ),
    *_sub_rows(
        "unable",
        _UNABLE,
        ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"),
    ),
    *_sub_rows(
        "not_processed",
        _NOT_PROCESSED,
        (
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ),
    ),
    *_sub_rows(
        "other",
        _OTHER,
        (
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        ),
    ),
    Row("total", "（七）总计", (Label("（七）总计", colspan=2),), derived=True),
    Row("carry_forward", "四、结转下年度继续办理", (Label("四、结转下年度继续办理", colspan=3),)),
)

_t4_columns = (
    Column("maintained", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计", derived=True),
)

FORMAT_2021 = Format(
    version="2021",
    name="国办公开办函〔2021〕30号",
    sections=(
        Section("overview", "一", "一、总体情况", "（文字描述）"),
        Section("proactive", "二", "二、主动公开政府信息情况"),
        Section("applications", "三", "三、收到和处理政府信息公开申请情况"),
        Section("review_litigation", "四", "四、政府信息公开行政复议、行政诉讼情况"),
        Section("problems", "五", "五、存在的主要问题及改进情况", "（文字描述）"),
        Section("other_matters", "六", "六、其他需要报告的事项", "（文字描述，收取信息处理费情况在此处报告。）"),
    ),
    overview_parts=(
        ProsePart("proactive", "（一）主动公开"),
        ProsePart("on_request", "（二）依申请公开"),
        ProsePart("management", "（三）政府信息管理"),
        ProsePart("platform", "（四）政府信息公开平台建设"),
        ProsePart("oversight", "（五）监督保障"),
    ),
    table2=Table2(
        blocks=(
            Table2Block(
                "第二十条第（一）项",
                ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
                (
                    ("规章", ("regulations_issued", "regulations_repealed", "regulations_in_force")),
                    ("行政规范性文件", ("normative_issued", "normative_repealed", "normative_in_force")),
                ),
            ),
            Table2Block("第二十条第（五）项", ("信息内容", "本年处理决定数量"), (("行政许可", ("licensing",)),)),
            Table2Block(
                "第二十条第（六）项",
                ("信息内容", "本年处理决定数量"),
                (("行政处罚", ("penalty",)), ("行政强制", ("enforcement",))),
            ),
            Table2Block(
                "第二十条第（八）项",
                ("信息内容", "本年收费金额（单位：万元）"),
                (("行政事业性收费", ("fees_10k_yuan",)),),
            ),
        ),
        count_fields=(
            "regulations_issued",
            "regulations_repealed",
            "regulations_in_force",
            "normative_issued",
            "normative_repealed",
            "normative_in_force",
            "licensing",
            "penalty",
            "enforcement",
        ),
        fee_field="fees_10k_yuan",
    ),
    table3=Table3(
        corner="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        header=(
            (Label("申请人情况", colspan=7),),
            (Label("自然人", rowspan=2), Label("法人或其他组织", colspan=5), Label("总计", rowspan=2)),
            (Label("商业企业"), Label("科研机构"), Label("社会公益组织"), Label("法律服务机构"), Label("其他")),
        ),
        columns=_t3_columns,
        rows=_t3_rows,
    ),
    table4=Table4(
        header=(
            (Label("行政复议", colspan=5), Label("行政诉讼", colspan=10)),
            (
                *(Label(c.label, rowspan=2) for c in _t4_columns),
                Label("未经复议直接起诉", colspan=5),
                Label("复议后起诉", colspan=5),
            ),
            tuple(Label(c.label) for c in _t4_columns) * 2,
        ),
        groups=(
            Table4Group("review", "行政复议", "行政复议"),
            Table4Group("litigation_direct", "未经复议直接起诉", "行政诉讼"),
            Table4Group("litigation_after_review", "复议后起诉", "行政诉讼"),
        ),
        columns=_t4_columns,
    ),
)

FORMATS: dict[str, Format] = {FORMAT_2021.version: FORMAT_2021}
CURRENT_FORMAT = FORMAT_2021.version


def get_format(version: str = CURRENT_FORMAT) -> Format:
    return FORMATS[version]


def report_title(org_name: str, year: int) -> str:
    """「{机关全称}{年份}年政府信息公开工作年度报告」."""
    return f"{org_name}{year}年政府信息公开工作年度报告"
