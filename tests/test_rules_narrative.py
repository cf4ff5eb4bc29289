"""Reading the prose: numbers as clerks write them, and repetition measured as 查重 does."""

from __future__ import annotations

import pytest

from reports import narrative
from reports.catalogue import get_format

FMT = get_format()


def stated(text: str) -> list[tuple[str, object]]:
    return [(s.kind + (f".{s.column}" if s.column else ""), s.value) for s in narrative.stated_numbers(text, FMT)]


@pytest.mark.parametrize("text, number", [("4", 4), ("四", 4), ("十四", 14), ("两", 2), ("一百零五", 105),
                                          ("二〇二三", 2023), ("三千", 3000), ("七十", 70), ("abc", None)])
def test_parse_number_reads_arabic_and_chinese_numerals(text, number):
    assert narrative.parse_number(text) == number


def test_normalize_drops_spaces_and_reads_full_width_digits_and_thousands():
    assert narrative.normalize("收到申请 ４ 条，共 3,119 件\n") == "收到申请4条，共3119件"


@pytest.mark.parametrize("text, expected", [
    ("本机关收到政府信息公开申请 4 条", [("received", 4)]),
    ("本年新收政府信息公开申请74件，涉及自然人71件、商业企业3件", [("new", 74), ("new.natural", 71), ("new.commercial", 3)]),
    ("剩余2条结转到下一年办理", [("carry_forward", 2)]),
    ("予以公开及部分公开258件，无法提供265件", [("granted+partial", 258), ("unable", 265)]),
    ("复议7件，诉讼9件，均获维持", [("review", 7), ("litigation", 9), ("all_maintained", None)]),
    ("行政复议案件134件，行政诉讼案件57件", [("review", 134), ("litigation", 57)]),
    ("复议后起诉2件", []),  # one kind of 行政诉讼, not a 行政复议 count
    ("没有因政府信息公开工作引起的行政复议、行政诉讼、举报投诉等情况", [("review", 0), ("litigation", 0)]),
    ("全年收取政府信息公开信息处理费 3940 元", [("processing_fee_yuan", 3940)]),
    ("主动公开发布信息 65 余条", []),
    ("收到申请近百件", []),
    ("办结率100%", []),
])
def test_stated_numbers_reads_what_real_reports_write(text, expected):
    assert stated(text) == expected


def test_repetition_survives_updated_years_and_moved_sentences():
    last = "一是部分村级公开内容更新不够及时。2023年将建立月度检查制度。二是依申请公开办理人员经验不足，将组织专题培训。"
    this = "二是依申请公开办理人员经验不足，将组织专题培训。一是部分村级公开内容更新不够及时。2024年将建立月度检查制度。"
    assert narrative.repeated_share(this, last) > 0.9


def test_different_texts_on_the_same_subject_are_not_repetition():
    a = "我乡成立政府信息管理工作领导小组，明确工作分工及职责，党政办为具体负责部门，严把审查关。"
    b = "明确党政办为政府信息公开工作机构，落实信息发布前保密审查和“三审”制度，及时更新公开目录。"
    assert narrative.repeated_share(a, b) < 0.2
    assert narrative.repeated_share("", b) == 0.0


def test_litigation_kinds_are_not_read_as_review_counts():
    from reports.catalogue import FORMAT_2021
    from reports.narrative import stated_numbers

    text = "未被申请行政复议，被提起行政诉讼4件，其中未经复议直接起诉3件、复议后起诉1件。"
    kinds = {(s.kind, s.value) for s in stated_numbers(text, FORMAT_2021)}
    assert ("litigation", 4) in kinds
    assert not any(kind == "review" and value in (1, 3) for kind, value in kinds)
