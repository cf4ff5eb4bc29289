"""One test per rule of rules.md A–E: it holds on a valid report, it fires with its message when broken.

No database: rules read plain values and a Context.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from reports.models import Organisation
from reports.rules import RULE_INFO, Context, check, help_texts
from reports.values import ReportValues

from .conftest import complete_values

Kind = Organisation.Kind
TOWNSHIP = Context(org_kind=Kind.TOWNSHIP_GOV, org_name="西村乡人民政府", year=2023)


def only(values: ReportValues, rule: str, context: Context = TOWNSHIP):
    return [f for f in check(values, context) if f.rule == rule]


def previous_year(**changes) -> ReportValues:
    """西村乡's 2022 numbers: the complete 2023 ones, with 结转下年度 and stocks that lead into 2023."""
    prev = complete_values()
    prev.table3["carry_forward"]["natural"] = 0
    prev.table3["carried_over"]["natural"] = 0
    prev.table3["granted"]["natural"] = 4
    for key, value in changes.items():
        prev.table2[key] = value
    return prev


def test_a_complete_valid_report_has_no_finding_at_all():
    assert check(complete_values(), TOWNSHIP) == []


# ---------------------------------------------------------------- A. structure and completeness


def test_s_cells_reports_each_row_with_blank_cells():
    values = complete_values()
    assert only(values, "S-CELLS") == []
    values.table3["granted"]["natural"] = None
    values.table2["licensing"] = None
    t2, t3 = only(values, "S-CELLS")
    assert t2.severity == "error" and t2.cells == ("table2.licensing",) and t2.section == "proactive"
    assert t2.message.startswith("表二 第二十条第（五）项「行政许可」的本年处理决定数量为空。没有发生的请填 0")
    assert t3.cells == ("table3.granted.natural",)
    assert t3.message == "表三「（一）予以公开」的自然人为空，共 1 格。没有发生的请填 0，不要留空或填“/”“—”“无”。"


def test_s_cells_counts_a_derived_total_that_prints_blank():
    values = complete_values()
    for col in values.table4["review"]:
        values.table4["review"][col] = None
    [finding] = only(values, "S-CELLS")
    assert finding.cells[-1] == "table4.review.total" and len(finding.cells) == 5
    assert "（总计由这几格合计，因此也为空），共 5 格" in finding.message


def test_s_cells_names_a_table_not_yet_filled_in_once():
    findings = only(ReportValues(), "S-CELLS")
    assert [(f.section, len(f.cells), f.code) for f in findings] == [
        ("proactive", 10, "table"), ("applications", 144, "table"), ("review_litigation", 12, "table"),
    ]
    assert findings[1].message.startswith("“三、收到和处理政府信息公开申请情况”的表格还没有填写（144 格全部为空）。")


def test_s_int_refuses_negative_and_fractional_counts():
    values = complete_values()
    assert only(values, "S-INT") == []
    values.table3["new"]["natural"] = -1
    values.table4["review"]["pending"] = 2.5
    first, second = only(values, "S-INT")
    assert first.severity == "error" and first.cells == ("table3.new.natural",)
    assert first.message == "一、本年新收政府信息公开申请数量（自然人）为 -1：件数应为 0 至 99999999 之间的整数。"
    assert second.message.startswith("行政复议尚未审结为 2.5")


def test_s_fee_num_refuses_a_negative_fee_and_warns_of_many_decimals():
    values = complete_values()
    values.table2["fees_10k_yuan"] = Decimal("24252.311082")
    assert only(values, "S-FEE-NUM") == []
    values.table2["fees_10k_yuan"] = Decimal("-1")
    [negative] = only(values, "S-FEE-NUM")
    assert negative.severity == "error"
    assert negative.message == "行政事业性收费本年收费金额（万元）为 -1：金额应为不小于 0 的数。"
    values.table2["fees_10k_yuan"] = Decimal("1.1234567")
    [places] = only(values, "S-FEE-NUM")
    assert places.severity == "warning" and "有 7 位小数：最多保留 6 位" in places.message


def test_s_fee_unit_warns_when_the_fee_looks_like_yuan():
    values = complete_values()
    values.table2["fees_10k_yuan"] = Decimal("96171.6")
    assert only(values, "S-FEE-UNIT", Context(org_kind=Kind.CITY_GOV)) == []
    values.table2["fees_10k_yuan"] = Decimal("25000")
    [finding] = only(values, "S-FEE-UNIT")
    assert finding.severity == "warning"
    assert finding.message.startswith("行政事业性收费为 25000 万元（即 250,000,000 元），对乡镇、街道来说过大")
    assert "请改为 2.5 万元" in finding.message
    values.table2["fees_10k_yuan"] = Decimal("150000")
    [whole] = only(values, "S-FEE-UNIT", Context(org_kind=Kind.COUNTY_DEPT))
    assert "是没有小数的大整数" in whole.message


def test_s_period_wants_the_report_year_in_the_text():
    values = complete_values()
    assert only(values, "S-PERIOD") == []
    values.prose["preface"] = "现公布西村乡人民政府2022年政府信息公开工作年度报告。统计期限自2022年1月1日起至2022年12月31日止。"
    values.prose["other_matters"] = "2022年，本单位未收取信息处理费。"
    title, period, fee = only(values, "S-PERIOD")
    assert title.message == "文中写作“2022年政府信息公开工作年度报告”，但这是 2023 年度的报告：请改为 2023 年。"
    assert period.message.startswith("文中统计期限为“统计期限自2022年1月1日起至2022年12月31日”：应为 2023年1月1日至2023年12月31日")
    assert fee.cells == ("prose.other_matters",) and "写的是 2022 年" in fee.message


def test_s_title_wants_the_full_name_where_the_text_names_the_report():
    values = complete_values()
    assert only(values, "S-TITLE") == []
    values.prose["preface"] = "根据条例规定，现发布《西村乡 2023 年政府信息公开工作年度报告》。"
    [finding] = only(values, "S-TITLE")
    assert finding.message == (
        "文中写作“西村乡2023年政府信息公开工作年度报告”，标题中的机关全称是“西村乡人民政府”：两处机关名称应一致。"
    )
    values.prose["preface"] = "现公布本机关2023年政府信息公开工作年度报告。"
    assert only(values, "S-TITLE") == []


# ---------------------------------------------------------------- B. 表二


def test_t2_noreg_refuses_regulations_from_a_township():
    values = complete_values()
    assert only(values, "T2-NOREG") == []
    values.table2["regulations_in_force"] = 6
    [finding] = only(values, "T2-NOREG")
    assert finding.severity == "error" and finding.cells == ("table2.regulations_in_force",)
    assert finding.message.startswith("规章（现行有效件数）为 6：乡镇人民政府没有规章制定权")
    assert only(values, "T2-NOREG", Context(org_kind=Kind.CITY_GOV)) == []
    [city_dept] = only(values, "T2-NOREG", Context(org_kind=Kind.CITY_DEPT))
    assert city_dept.severity == "warning"


def test_t2_xyear_follows_the_stock_from_last_year():
    values = complete_values()
    values.table2.update(normative_issued=2, normative_repealed=1, normative_in_force=11)
    holds = dataclasses.replace(TOWNSHIP, previous=previous_year(normative_in_force=10))
    assert only(values, "T2-XYEAR", holds) == []
    values.table2["normative_in_force"] = 12
    [warning] = only(values, "T2-XYEAR", holds)
    assert warning.severity == "warning" and (warning.left, warning.right) == (12, 11)
    assert warning.message.startswith(
        "行政规范性文件现行有效件数为 12，但上年（2022年）报告的现行有效 10 + 本年制发 2 − 本年废止 1 = 11。"
    )
    [still] = only(values, "T2-XYEAR", dataclasses.replace(holds, previous_approved_here=True))
    assert still.severity == "warning"  # a warning even when last year was approved here (rules.md)


def test_t2_abolish_cannot_repeal_more_than_existed():
    values = complete_values()
    values.table2.update(normative_issued=0, normative_repealed=3, normative_in_force=0)
    context = dataclasses.replace(TOWNSHIP, previous=previous_year(normative_in_force=3))
    assert only(values, "T2-ABOLISH", context) == []
    context = dataclasses.replace(context, previous=previous_year(normative_in_force=1), previous_approved_here=True)
    [finding] = only(values, "T2-ABOLISH", context)
    assert finding.severity == "error"
    assert finding.message.startswith(
        "行政规范性文件本年废止 3 件，多于上年（2022年）报告的现行有效 1 件加本年制发 0 件（共 1 件）"
    )


def test_t2_narr_compares_document_counts_in_the_text_with_table2():
    values = complete_values()
    values.table2["normative_in_force"] = 470
    values.prose["overview_management"] = "清理并集中发布现行有效行政规范性文件470件。"
    assert only(values, "T2-NARR") == []
    values.prose["overview_management"] = "清理并集中发布现行有效行政规范性文件393件。"
    [finding] = only(values, "T2-NARR")
    assert finding.cells == ("prose.overview_management", "table2.normative_in_force")
    assert finding.message == (
        "正文写“现行有效行政规范性文件393件”，但表二第二十条第（一）项 行政规范性文件（现行有效件数）为 470：请改正文或核对表二。"
    )


def test_t2_scope_t3_once_t4_joint_are_help_texts():
    rules = {h.rule: h for h in help_texts()}
    assert set(rules) == {"T2-SCOPE", "T3-ONCE", "T4-JOINT"}
    assert "包括已公开和依法未公开的全部处理决定" in rules["T2-SCOPE"].text
    assert [h.rule for h in help_texts("review_litigation")] == ["T4-JOINT"]
    assert all(RULE_INFO[r].how == "help" for r in rules)


# ---------------------------------------------------------------- C. 表三


def test_t3_bal_holds_on_the_demo_and_names_both_sides_when_broken():
    values = complete_values()
    assert only(values, "T3-BAL") == []
    values.table3["granted"]["natural"] = 1
    [finding] = [f for f in only(values, "T3-BAL") if f.cells[0] == "table3.new.natural"]
    assert finding.message.startswith("第（七）项总计（自然人）为 1，但 一+二−四 = 2")


def test_t3_sum_compares_the_printed_total_row_with_the_results():
    values = complete_values()
    assert only(values, "T3-SUM") == []
    values.printed_totals = {"table3.total.natural": 3}
    [finding] = only(values, "T3-SUM")
    assert finding.severity == "error" and (finding.left, finding.right) == (3, 2)
    assert finding.cells[:2] == ("table3.total.natural", "table3.granted.natural") and len(finding.cells) == 1 + 21
    assert finding.message.startswith("原文档印出的（七）总计（自然人）为 3，但（一）至（六）各项办理结果之和为 2")


def test_t3_row_compares_each_printed_row_total_with_its_columns():
    values = complete_values()
    assert only(values, "T3-ROW") == []
    values.printed_totals = {"table3.new.total": 5}
    [finding] = only(values, "T3-ROW")
    assert finding.message.startswith(
        "原文档印出的「一、本年新收政府信息公开申请数量」总计为 5，但自然人和五类法人或其他组织之和为 4"
    )


def test_t3_carry_follows_last_years_carry_forward_column_by_column():
    values = complete_values()
    context = dataclasses.replace(TOWNSHIP, previous=previous_year())
    assert only(values, "T3-CARRY", context) == []
    prev = previous_year()
    prev.table3["carry_forward"]["natural"] = 2
    [warning] = only(values, "T3-CARRY", dataclasses.replace(context, previous=prev))
    assert warning.severity == "warning" and warning.cells == ("table3.carried_over.natural",)
    assert warning.message == (
        "二、上年结转（自然人）为 0，但上年（2022年）报告的四、结转下年度继续办理（自然人）为 2：两者应相等。"
    )
    [error] = only(values, "T3-CARRY", dataclasses.replace(context, previous=prev, previous_approved_here=True))
    assert error.severity == "error"


def test_t3_other_high_warns_above_the_configured_share():
    values = complete_values()
    assert only(values, "T3-OTHER-HIGH") == []
    values.table3["other_3"]["natural"] = 1
    values.table3["carry_forward"]["natural"] = 1
    [finding] = only(values, "T3-OTHER-HIGH")
    assert finding.message.startswith("（六）其他处理共 1 件，占（七）总计 3 件的 33.3%，超过 20.0%")
    assert only(values, "T3-OTHER-HIGH", dataclasses.replace(TOWNSHIP, other_handling_warn_share=0.5)) == []


def test_t3_fee_link_wants_the_fee_reported_when_fees_stopped_applications():
    values = complete_values()
    values.table3["other_2"]["natural"] = 1
    values.table3["carry_forward"]["natural"] = 1
    assert only(values, "T3-FEE-LINK") == []  # the demo §六 states 未收取信息处理费
    values.prose["other_matters"] = "无其他需要报告的事项。"
    [finding] = only(values, "T3-FEE-LINK")
    assert finding.cells == ("prose.other_matters", "table3.other_2.total")
    assert "有 1 件，说明发出过收费通知，但第六部分没有提到信息处理费" in finding.message


def test_t3_zero_carry_wants_an_empty_table_without_applications():
    values = complete_values()
    assert only(values, "T3-ZERO-CARRY") == []
    values.table3["new"]["natural"] = 0
    [finding] = only(values, "T3-ZERO-CARRY")
    assert finding.cells == ("table3.granted.natural", "table3.carry_forward.natural")
    assert finding.message.startswith(
        "本年没有新收申请，也没有上年结转的申请，表三应全部为 0，但（一）予以公开（自然人） 2、四、结转下年度继续办理（自然人） 2不是 0"
    )


# ---------------------------------------------------------------- D. 表四


@pytest.mark.parametrize("group, rule, name", [
    ("review", "T4-REV", "行政复议总计"),
    ("litigation_direct", "T4-LIT-D", "行政诉讼（未经复议直接起诉）总计"),
    ("litigation_after_review", "T4-LIT-R", "行政诉讼（复议后起诉）总计"),
])
def test_t4_printed_totals_are_the_sum_of_the_four_results(group, rule, name):
    values = complete_values()
    assert only(values, rule) == []
    values.printed_totals = {f"table4.{group}.total": 1}
    [finding] = only(values, rule)
    assert finding.severity == "error" and finding.section == "review_litigation"
    assert finding.message == (f"原文档印出的{name}为 1，但结果维持、结果纠正、其他结果、尚未审结之和为 0：请核对，"
                               "改正表中的数字，或核对无误后在表四中保存一次，此项即消除。")


def test_t4_narr_compares_stated_cases_and_outcomes_with_table4():
    values = complete_values()
    values.prose["overview_on_request"] += "未发生因政府信息公开引起的行政复议、行政诉讼。"
    assert only(values, "T4-NARR") == []
    values.prose["overview_on_request"] = "本年度被申请行政复议2件，均获维持。"
    [count] = only(values, "T4-NARR")
    assert count.message == "正文写“行政复议2件”，但表四行政复议总计为 0：请改正文或核对表四。"
    values.table4["review"].update(maintained=1, pending=1)
    values.prose["overview_on_request"] = "本年度被申请行政复议2件，均获维持。"
    [outcome] = only(values, "T4-NARR")
    assert outcome.message == "正文写“均获维持”，但表四的结果纠正、其他结果、尚未审结共有 1 件：请改正文或核对表四。"
    assert outcome.cells[1:] == ("table4.review.corrected", "table4.review.other", "table4.review.pending")


# ---------------------------------------------------------------- E. narrative


def test_n_s1_aspects_wants_five_parts_and_a_governments_oversight_results():
    values = complete_values()
    assert only(values, "N-S1-ASPECTS") == []
    values.prose["overview_platform"] = " "
    values.prose["overview_oversight"] = "将政务公开工作纳入年度目标绩效考核；未发生追究相关责任人员责任的情况。"
    parts, oversight = only(values, "N-S1-ASPECTS")
    assert parts.cells == ("prose.overview_platform",)
    assert parts.message.startswith("“一、总体情况”缺少（四）政府信息公开平台建设")
    assert oversight.message.startswith("（五）监督保障没有写到社会评议：各级人民政府的年度报告应包括")
    department = Context(org_kind=Kind.COUNTY_DEPT)
    assert [f.code for f in only(values, "N-S1-ASPECTS", department)] == ["parts"]


def test_n_s1_len_counts_non_blank_characters_of_the_five_parts():
    values = complete_values()
    assert only(values, "N-S1-LEN") == []
    length = sum(len("".join(values.prose[f].split())) for f in values.prose if f.startswith("overview_"))
    values.prose["overview_management"] += "字" * (1001 - length) + " \n　" * 50
    [finding] = only(values, "N-S1-LEN")
    assert finding.message.startswith("“一、总体情况”共 1001 字（不计空格），超过了“篇幅原则上不超过一千字”的要求，多 1 字")


def test_n_s5_wants_specific_problems_not_copied_from_last_year():
    values = complete_values()
    prev = previous_year()
    prev.prose["problems"] = "一是信息更新不及时，将建立检查制度。二是培训不足，将开展专题培训，提升业务能力和工作水平。"
    assert only(values, "N-S5", dataclasses.replace(TOWNSHIP, previous=prev)) == []
    values.prose["problems"] = ""
    [empty] = only(values, "N-S5")
    assert empty.severity == "error" and empty.message.startswith("“五、存在的主要问题及改进情况”为空")
    values.prose["problems"] = "无。"
    [short] = only(values, "N-S5")
    assert short.severity == "warning" and short.message.startswith("“五、存在的主要问题及改进情况”只有 2 字，过于简略")
    values.prose["problems"] = (
        "一是部分村级公开内容更新不够及时，群众查阅不便。二是依申请公开办理人员经验不足，答复文书不够规范。"
        "三是政策解读形式单一，解读材料与政策文件同步发布的比例不高。"
    )
    [measures] = only(values, "N-S5")
    assert measures.message == "“五、存在的主要问题及改进情况”只写了问题，没有看到改进措施：请为每个问题写明改进举措。"
    values.prose["problems"] = prev.prose["problems"].replace("二是", "第二，")
    [repeat] = [f for f in only(values, "N-S5", dataclasses.replace(TOWNSHIP, previous=prev)) if f.code == "repeat"]
    assert repeat.message.startswith("“五、存在的主要问题及改进情况”有 95.0% 的文字与上年（2022年）报告相同（不少于 50.0%）")


def test_n_s6_fee_wants_an_explicit_statement_on_the_processing_fee():
    values = complete_values()
    assert only(values, "N-S6-FEE") == []
    values.prose["other_matters"] = "无。"
    [missing] = only(values, "N-S6-FEE")
    assert missing.severity == "error"
    assert missing.message == (
        "“六、其他需要报告的事项”没有报告收取信息处理费的情况：格式要求在此专门报告信息处理费情况，"
        "例如“2023年，本机关未收取信息处理费。”"
    )
    values.prose["other_matters"] = "本机关信息处理费情况见附表。"
    values.processing_fee_yuan, values.processing_fee_count = Decimal("3940"), 3
    [vague] = only(values, "N-S6-FEE")
    assert "提到了信息处理费，但没有写明" in vague.message and "收取信息处理费 3940 元（涉及申请 3 件）" in vague.message
    values.prose["other_matters"] = "全年收取政府信息公开信息处理费 3940 元。"
    assert only(values, "N-S6-FEE") == []


STANDARD = (
    "本年新收政府信息公开申请4件，上年结转0件，办结2件，其中予以公开2件、部分公开0件、不予公开0件、"
    "无法提供0件、不予处理0件、其他处理0件；结转下年度继续办理2件。"
)


def test_n_nums_accepts_the_standard_sentence_and_flags_a_wrong_number():
    values = complete_values()
    values.prose["overview_on_request"] = STANDARD
    assert only(values, "N-NUMS") == []
    values.prose["overview_on_request"] = STANDARD.replace("办结2件", "办结3件")
    [finding] = only(values, "N-NUMS")
    assert finding.cells == ("prose.overview_on_request", "table3.total.total")
    assert finding.message == "正文写“办结3件”，但表三「（七）总计」为 2：请把正文改为 2，或核对表格。"


@pytest.mark.parametrize("text", [
    "本机关收到政府信息公开申请 4 条，已全部按期答复",
    "共收到政府信息公开申请４件",
    "本年新收政府信息公开申请四件，其中自然人申请4件",
    "全年受理依申请公开 4 件",
])
def test_n_nums_reads_spaces_units_and_chinese_numerals(text):
    values = complete_values()
    values.prose["overview_on_request"] = text
    assert only(values, "N-NUMS") == []
    values.prose["overview_on_request"] = text.replace("4", "7").replace("四", "七").replace("４", "７")
    assert [f.rule for f in only(values, "N-NUMS")]


def test_n_nums_accepts_received_as_new_plus_carried_over_but_not_anything_else():
    values = complete_values()
    values.table3["carried_over"]["natural"] = 1
    values.table3["carry_forward"]["natural"] = 3
    values.prose["overview_on_request"] = "收到政府信息公开申请5件。"
    assert only(values, "N-NUMS") == []
    values.prose["overview_on_request"] = "收到政府信息公开申请6件。"
    [finding] = only(values, "N-NUMS")
    assert "表三本年新收为 4，加上年结转为 5" in finding.message and "与两者都不相等" in finding.message


def test_n_similar_warns_when_the_whole_text_repeats_last_year():
    values = complete_values()
    prev = previous_year()
    prev.prose.update({k: "去年的文字：" + "不同的内容" * 30 for k in prev.prose})
    assert only(values, "N-SIMILAR", dataclasses.replace(TOWNSHIP, previous=prev)) == []
    prev.prose.update(values.prose)
    prev.prose["preface"] = prev.prose["preface"].replace("2023", "2022")
    [finding] = only(values, "N-SIMILAR", dataclasses.replace(TOWNSHIP, previous=prev))
    assert finding.message.startswith("全文有 100.0% 的文字与上年（2022年）报告相同（不少于 50.0%）")


def test_n_typo_knows_the_slips_of_real_reports():
    values = complete_values()
    assert only(values, "N-TYPO") == []
    values.prose["overview_on_request"] = "剩余 2 条截转到下一年办理。"
    values.prose["overview_proactive"] = "主动公开发布信息 65 余条。"
    slips = only(values, "N-TYPO")
    assert [f.code for f in slips] == ["65余条", "截转"]
    assert slips[1].message == "“截转”疑为笔误，应为“结转”（“结转”下一年办理）。原文：“剩余2条截转到下一年办理。”"


def test_n_units_wants_yuan_for_the_processing_fee_and_wan_yuan_for_fees():
    values = complete_values()
    values.table2["fees_10k_yuan"] = Decimal("12.5")
    values.prose["other_matters"] = "本年行政事业性收费12.5万元，即125000元。本机关未收取信息处理费。"
    assert only(values, "N-UNITS") == []
    values.prose["other_matters"] = "本年行政事业性收费12.5元。收取信息处理费0.394万元。"
    fees, processing = only(values, "N-UNITS")
    assert fees.message.startswith("正文写“行政事业性收费12.5元”，这正是表二以万元填写的数")
    assert processing.message.startswith("正文写“信息处理费0.394万元”：信息处理费按件或按量计收，以元为单位，请写成 3940 元")


def test_every_rule_id_of_rules_md_a_to_e_has_a_home():
    ids = set(RULE_INFO)
    assert {"S-SECTIONS", "S-LABELS", "T3-NOSUB"} <= {i for i in ids if RULE_INFO[i].how == "construction"}
    assert len(ids) == 35
