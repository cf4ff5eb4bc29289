"""The text reader: the seed report as copied out of Word, label variants, blanks, and bad cells."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.importing import ReadError, read_document
from reports.importing.labels import labels_for, normalise
from reports.rules import Context, check
from reports.values import ReportValues

from .conftest import EXAMPLES, SEEDS, example_json, needs_shared
from .properties import examples

SEED = SEEDS / "000_3cc3c4a50339be4b.txt"
TABLES = ("table2", "table3", "table4")


def read_seed():
    return read_document(SEED.name, SEED.read_bytes())


def messages(result, kind=None) -> str:
    return "\n".join(n.message for n in result.notes if kind is None or n.kind == kind)


@needs_shared(SEED)
@needs_shared(EXAMPLES)
def test_the_seed_gives_exactly_the_numbers_of_the_example():
    result = read_seed()
    expected = example_json("xicun_2023_seed.json")
    got = result.values.to_json_dict()
    assert {k: got[k] for k in TABLES} == {k: expected[k] for k in TABLES}
    assert result.ok
    assert result.values.printed_totals == {}  # every printed 总计 of the seed adds up


@needs_shared(SEED)
def test_the_seeds_five_review_cells_are_blank_not_zero():
    values = read_seed().values
    assert [values.t4("review", c) for c in ("maintained", "corrected", "other", "pending", "total")] == [None] * 5
    assert sorted(values.blank_cells()) == sorted(
        f"table4.review.{c}" for c in ("maintained", "corrected", "other", "pending"))
    assert values.t4("litigation_direct", "total") == 0


@needs_shared(SEED)
def test_the_preview_names_the_lost_labels_and_the_typo():
    result = read_seed()
    lost = messages(result, "lost_label")
    for label in ("1.属于国家秘密", "8.属于行政查询事项", "2.没有现成信息需要另行制作", "4.无正当理由大量反复申请"):
        assert label in lost + messages(result, "inferred")
    assert "第61行" in lost  # says where each lost label was
    assert "按表格行序" in lost
    typos = messages(result, "typo")
    assert "本年度止件数" in typos and "本年废止件数" in typos
    # The slip in §一(二)'s text is the rules' N-TYPO, among the preview's findings (once, not also as a note).
    slips = [f for f in check(result.values, Context(year=2023)) if f.rule == "N-TYPO"]
    assert "截转" in [f.left for f in slips] and "截转" not in typos
    variants = messages(result, "label_variant")
    assert variants.startswith("已统一标点和空格（共 ") and "\n" not in variants  # one line, however many kinds


@needs_shared(SEED)
def test_the_seed_says_where_each_value_came_from_and_reads_its_prose():
    result = read_seed()
    assert result.sources["table3.new.natural"] == "第56行第3格"
    assert result.sources["table3.carry_forward.natural"] == "第80行第4格"
    assert result.sources["table2.regulations_repealed"] == "第37行第3格"
    assert result.sources["table3.denied_8.natural"].startswith("由（七）总计减去其余各行推算")
    assert (result.org_name, result.year) == ("西村乡人民政府", 2023)
    prose = result.values.prose
    assert prose["preface"].startswith("为深入贯彻落实党的二十大精神")
    assert prose["overview_on_request"].startswith("2023 年，本机关收到政府信息公开申请 4 条")
    assert prose["overview_oversight"].endswith("未发生追究相关责任人员责任的情况。")
    assert prose["other_matters"] == "2023年，本单位信息公开工作未发生收取信息处理费情况。"
    # The 综述 paragraph before （一） has no field of its own: it goes before （一）'s text, and the preview says so.
    assert prose["overview_proactive"].startswith("2023 年，西村乡人民政府坚持以习近平")
    assert "综述段落" in messages(result, "prose")


def _doc(table_lines: str, heading4: str = "四、政府信息公开行政复议、行政诉讼情况") -> bytes:
    """A small text report: the official labels, one table row per line, tab-separated."""
    return ("西村乡人民政府\n2024年政府信息公开工作年度报告\n一、总体情况\n（一）主动公开\n正文。\n"
            "二、主动公开政府信息情况\n第二十条第（一）项\t\t\t\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
            "规章\t0\t0\t0\n行政规范性文件\t3\t1\t20\n"
            + table_lines + f"\n{heading4}\n"
            "行政复议\t\t\t\t\t行政诉讼\n"
            + "\t".join(["1"] * 4 + ["4"] + ["0"] * 10) + "\n").encode("utf-8")


def test_it_reads_label_variants_1_comma_halfwidth_and_a_heading_typo():
    lines = ("三、收到和处理政府信息公开申请情况\n"
             "一、本年新收政府信息公开申请数量\t\t5\t0\t0\t0\t0\t0\t5\n"
             "三、本年度办理结果\t(一) 予以公开\t3\t0\t0\t0\t0\t0\t3\n"
             "\t(三)不予公开\t1、属于国家秘密\t1\t0\t0\t0\t0\t0\t1\n"
             "\t\t3、危及\"三安全一稳定\"\t1\t0\t0\t0\t0\t0\t1\n")
    result = read_document("r.txt", _doc(lines, "四、政府信息公开行政法复议、行政诉讼情况"))
    v = result.values
    assert v.table3["new"]["natural"] == 5
    assert v.table3["granted"]["natural"] == 3
    assert v.table3["denied_1"]["natural"] == 1
    assert v.table3["denied_3"]["natural"] == 1  # matched by its own label, not by order
    assert v.table3["denied_2"]["natural"] is None
    assert v.table4["review"]["maintained"] == 1  # the 表四 heading was recognised despite the typo
    assert v.table2["normative_in_force"] == 20
    text = messages(result)
    assert "行政法复议" in messages(result, "typo")
    assert "已统一标点和空格（共 " in text and "半角括号" not in text


def test_slash_and_blank_cells_are_blank_never_zero():
    lines = ("三、收到和处理政府信息公开申请情况\n"
             "一、本年新收政府信息公开申请数量\t\t/\t0\t—\t0\t0\t0\t0\n")
    result = read_document("r.txt", _doc(lines))
    assert result.values.table3["new"]["natural"] is None
    assert result.values.table3["new"]["research"] is None
    assert result.values.table3["new"]["commercial"] == 0
    assert "“/”" in messages(result, "blank_marker")


def test_a_printed_total_that_differs_from_the_sum_is_kept_beside_it():
    lines = ("三、收到和处理政府信息公开申请情况\n"
             "一、本年新收政府信息公开申请数量\t\t4\t1\t0\t0\t0\t0\t4\n")
    result = read_document("r.txt", _doc(lines))
    assert result.values.t3("new", "total") == 5
    assert result.values.printed_totals == {"table3.new.total": 4}
    [diff] = [d for d in result.differences() if d["key"] == "table3.new.total"]
    assert (diff["printed"], diff["derived"]) == (4, 5)
    assert diff["where"].startswith("第") and diff["name"].endswith("（总计）")


def test_text_in_a_count_cell_is_an_error_naming_the_cell():
    lines = ("三、收到和处理政府信息公开申请情况\n"
             "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t4\n")
    result = read_document("r.txt", _doc(lines).replace(b"\xe8\xa7\x84\xe7\xab\xa0\t0", "规章\t两".encode()))
    assert not result.ok
    [error] = result.errors
    assert "“两”不是数字" in error.message and "规章" in error.message


@pytest.mark.parametrize("data, message", [
    (b"", "文件是空的"),
    (b"   \n\n ", "文件是空的"),
    ("只是一段文字，没有任何表格。".encode(), "没有在文档中找到年度报告的表格"),
    (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "旧版的 .doc"),
])
def test_unreadable_text_gets_a_clear_message(data, message):
    with pytest.raises(ReadError, match=message):
        read_document("x.txt", data)


def test_gbk_text_is_read_too():
    lines = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t4\n"
    result = read_document("r.txt", _doc(lines).decode("utf-8").encode("gb18030"))
    assert result.values.table3["new"]["natural"] == 4


def test_every_catalogue_label_matches_itself_and_its_halfwidth_form():
    labels = labels_for()
    fmt = labels.fmt
    for row in fmt.table3.rows:
        m = labels.match(row.label, ("t3_row",))
        assert m is not None and m.code == row.code
        half = row.label.replace("（", "(").replace("）", ")").replace(".", "、")
        assert labels.match(half, ("t3_row",)).code == row.code
    assert normalise("（三） 不予公开") == normalise("(三)不予公开")


@examples(60)
@given(st.lists(st.lists(st.sampled_from(["", "0", "1", "/", "两", "（三）不予公开", "三、收到和处理政府信息公开申请情况",
                                          "规章", "行政复议", "(七) 总计", "四、结转下年度继续办理", "-1", "9" * 12]),
                         max_size=12), max_size=40))
def test_the_text_reader_never_fails_with_anything_but_a_clear_message(rows):
    data = "\n".join("\t".join(r) for r in rows).encode("utf-8")
    try:
        result = read_document("fuzz.txt", data)
    except ReadError as exc:
        assert str(exc)
        return
    assert isinstance(result.values, ReportValues)
    for n in result.errors:
        assert n.message

