"""What clerks type into a cell, and the standard sentences written from the tables (no database)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports.catalogue import MAX_COUNT
from reports.findings import cell_anchor
from reports.forms import parse_amount_text, parse_count_text, section_of_key
from reports.narrative import non_blank_len
from reports.phrasing import apply_standard_sentences, on_request_sentence, review_litigation_sentence

from .conftest import complete_values, demo_values


@pytest.mark.parametrize(
    "typed, value",
    [
        ("12", 12),
        ("１２", 12),  # full-width digits from a Chinese input method
        ("１，２３４", 1234),
        ("1,234", 1234),
        ("12,345,678", 12_345_678),
        (" 7 ", 7),
        ("1 234", 1234),
        ("\u30003\u3000", 3),  # ideographic spaces
        ("0", 0),
        ("007", 7),
        (str(MAX_COUNT), MAX_COUNT),
    ],
)
def test_it_reads_counts_as_clerks_type_them(typed, value):
    assert parse_count_text(typed) == value


@pytest.mark.parametrize("typed", ["", "   ", "\u3000"])
def test_a_blank_cell_stays_blank_not_zero(typed):
    assert parse_count_text(typed) is None


@pytest.mark.parametrize(
    "typed, code, words",
    [
        ("abc", "not_a_number", "不是数字"),
        ("12件", "not_a_number", "不是数字"),
        ("三", "not_a_number", "不是数字"),
        ("1e5", "not_a_number", "不是数字"),
        ("-1", "negative", "负数"),
        ("－３", "negative", "负数"),
        ("−2", "negative", "负数"),
        ("1.5", "fraction", "整数"),
        ("2.0", "fraction", "整数"),
        ("1/2", "fraction", "整数"),
        ("12,34", "separator", "千位分隔符"),
        (str(MAX_COUNT + 1), "too_large", "太大"),
        ("99999999999999999999", "too_large", "太大"),
        ("/", "placeholder", "填 0"),
        ("无", "placeholder", "填 0"),
        ("—", "placeholder", "填 0"),
    ],
)
def test_it_refuses_what_is_not_a_count_with_a_chinese_message(typed, code, words):
    with pytest.raises(ValidationError) as err:
        parse_count_text(typed)
    assert err.value.code == code
    assert words in err.value.messages[0]


@pytest.mark.parametrize(
    "typed, value",
    [("0", Decimal("0")), ("96171.6", Decimal("96171.6")), ("２４２５２.３１１０８２", Decimal("24252.311082")),
     ("1,234.50", Decimal("1234.50")), (".5", Decimal("0.5"))],
)
def test_it_reads_amounts_keeping_their_decimals(typed, value):
    parsed = parse_amount_text(typed, places=6)
    assert parsed == value and str(parsed) == str(value)


@pytest.mark.parametrize(
    "typed, places, code",
    [("-0.5", 6, "negative"), ("1.1234567", 6, "places"), ("12.345", 2, "places"), ("abc", 6, "not_a_number"),
     ("12345678901", 6, "too_large"), ("1,23.5", 6, "not_a_number")],
)
def test_it_refuses_bad_amounts(typed, places, code):
    with pytest.raises(ValidationError) as err:
        parse_amount_text(typed, places=places)
    assert err.value.code == code


def test_cell_keys_map_to_html_ids_and_sections():
    assert cell_anchor("table3.new.natural") == "cell-table3-new-natural"
    assert cell_anchor("table2.fees_10k_yuan") == "cell-table2-fees_10k_yuan"
    assert section_of_key("table2.licensing") == "proactive"
    assert section_of_key("table3.total.natural") == "applications"
    assert section_of_key("table4.review.pending") == "review_litigation"
    assert section_of_key("prose.overview_oversight") == "overview"
    assert section_of_key("prose.problems") == "problems"
    assert section_of_key("processing_fee.yuan") == "other_matters"


def test_non_blank_characters_are_counted():
    assert non_blank_len("一、 总体\n情况\u3000。") == 7


# ---------------------------------------------------------------- 生成标准表述


def test_the_on_request_sentence_of_the_demo_report():
    assert on_request_sentence(demo_values()).text == (
        "本年新收政府信息公开申请4件，上年结转0件，办结2件，其中予以公开2件、部分公开0件、不予公开0件、"
        "无法提供0件、不予处理0件、其他处理0件；结转下年度继续办理2件。"
    )


def test_the_sentence_sums_each_group_of_sub_rows():
    values = complete_values()
    values.table3["new"]["natural"] = 10
    values.table3["denied_2"]["natural"] = 1
    values.table3["denied_7"]["legal"] = 2
    values.table3["unable_3"]["commercial"] = 3
    values.table3["other_2"]["natural"] = 1
    text = on_request_sentence(values).text
    assert "新收政府信息公开申请10件" in text
    assert "办结9件" in text
    assert "不予公开3件、无法提供3件、不予处理0件、其他处理1件" in text


def test_no_sentence_while_table_three_has_blank_cells():
    values = complete_values()
    values.table3["partial"]["legal"] = None
    phrase = on_request_sentence(values)
    assert phrase.text == ""
    assert "表三还有 1 个单元格未填写" in phrase.problem


def test_a_year_without_applications_says_so_plainly():
    values = complete_values()
    for row in values.table3.values():
        for col in row:
            row[col] = 0
    assert on_request_sentence(values).text == "本年未收到政府信息公开申请，无上年结转申请。"


def test_the_review_and_litigation_summary():
    values = complete_values()
    assert review_litigation_sentence(values).text == (
        "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    )
    values.table4["review"].update(maintained=1, pending=1)
    values.table4["litigation_after_review"].update(corrected=2)
    assert review_litigation_sentence(values).text == (
        "本年度因政府信息公开工作被申请行政复议2件（结果维持1件、结果纠正0件、其他结果0件、尚未审结1件），"
        "被提起行政诉讼2件，其中未经复议直接起诉0件、复议后起诉2件（结果维持0件、结果纠正2件、其他结果0件、尚未审结0件）。"
    )
    assert "表四还有 4 个单元格" in review_litigation_sentence(demo_values()).problem


def test_generating_again_replaces_the_earlier_sentences_and_keeps_the_clerks_text():
    values = complete_values()
    own = "我乡严格按照法定时限答复。"
    text, problems = apply_standard_sentences("本年新收政府信息公开申请9件，上年结转1件；办结10件。" + own, values)
    assert problems == []
    assert text.startswith("本年新收政府信息公开申请4件，上年结转0件，办结2件")
    assert text.endswith("本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。" + own)
    assert apply_standard_sentences(text, values)[0] == text
    values.table3["new"]["natural"] = 5
    values.table3["carry_forward"]["natural"] = 3
    again = apply_standard_sentences(text, values)[0]
    assert again.count("本年新收") == 1 and "新收政府信息公开申请5件" in again and again.endswith(own)


def test_generating_with_blank_cells_leaves_the_text_alone_and_says_why():
    values = demo_values()  # the five 行政复议 cells are blank
    values.table3["new"]["legal"] = None
    text, problems = apply_standard_sentences("原有文字。", values)
    assert text == "原有文字。"
    assert len(problems) == 2
