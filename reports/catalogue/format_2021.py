"""The 2021 format (国办公开办函〔2021〕30号), labels verbatim (see the project's format reference)."""

from __future__ import annotations

from .model import Column, Format, Label, ProsePart, Row, Section, Table2, Table2Block, Table3, Table4, Table4Group

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
    title="2021 年格式",
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
                kinds=("amount",),
                unit="万元",
            ),
        ),
        json_paths=tuple(
            (f"{key}_{column}", (group, column))
            for key, group in (("regulations", "regulations"), ("normative", "normative_documents"))
            for column in ("issued", "repealed", "in_force")
        ),
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

