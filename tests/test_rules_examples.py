"""The example reports of spec/examples and the seed document: exactly the findings they should give.

The examples hold numbers only. Of the rules that read numbers alone, the seed breaks S-CELLS (its five
blank 行政复议 cells: the four entered ones, and the 总计 they leave blank, in one finding) and the two
published reports break none. Their missing prose is reported by the rules that read prose.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from reports.importing.jsonfile import read_report_json
from reports.findings import findings_for_report
from reports.models import Organisation, Report
from reports.rules import RULE_INFO, Context, check

from .conftest import EXAMPLES, SEEDS, make_org, needs_shared

Kind = Organisation.Kind
EXAMPLES_BY_KIND = {
    "xicun_2023_seed.json": ("西村乡人民政府", Kind.TOWNSHIP_GOV),
    "pingtan_2021.json": ("平潭综合实验区管理委员会", Kind.OTHER),
    "huaian_2024.json": ("淮安市人民政府", Kind.CITY_GOV),
}
SEED_BLANKS = tuple(f"table4.review.{c}" for c in ("maintained", "corrected", "other", "pending", "total"))


def numbers_only(findings):
    return [f for f in findings if not RULE_INFO[f.rule].reads_prose]


def load(name: str):
    return read_report_json((EXAMPLES / name).read_text(encoding="utf-8"))


def context_for(name: str, data: dict) -> Context:
    org, kind = EXAMPLES_BY_KIND[name]
    return Context(org_kind=kind, org_name=org, year=data["year"])


def expected_table_findings(name: str) -> list[tuple[str, tuple[str, ...]]]:
    return [("S-CELLS", SEED_BLANKS)] if name == "xicun_2023_seed.json" else []


@needs_shared(EXAMPLES)
@pytest.mark.parametrize("name", list(EXAMPLES_BY_KIND))
def test_example_gives_exactly_its_table_findings(name):
    data, values = load(name)
    findings = check(values, context_for(name, data))
    assert [(f.rule, f.cells) for f in numbers_only(findings)] == expected_table_findings(name)
    # Without knowing the organisation (kind, name, year) the table findings are the same.
    assert [(f.rule, f.cells) for f in numbers_only(check(values))] == expected_table_findings(name)


@needs_shared(EXAMPLES)
@pytest.mark.parametrize("name", list(EXAMPLES_BY_KIND))
def test_example_without_prose_is_told_to_write_it(name):
    data, values = load(name)
    prose_rules = {f.rule for f in check(values, context_for(name, data)) if RULE_INFO[f.rule].reads_prose}
    expected = {"N-S1-ASPECTS", "N-S5", "N-S6-FEE"}
    if data["table3"]["other_2"][-1]:  # 淮安 2024 stopped 6 applications for unpaid fees
        expected.add("T3-FEE-LINK")
    assert prose_rules == expected


@needs_shared(EXAMPLES)
@pytest.mark.django_db
@pytest.mark.parametrize("name", list(EXAMPLES_BY_KIND))
def test_example_loaded_with_load_report_gives_the_same_table_findings(name):
    org, kind = EXAMPLES_BY_KIND[name]
    make_org(org, kind)
    call_command("load_report", str(EXAMPLES / name), "--org", org, stdout=StringIO())
    findings = findings_for_report(Report.objects.get())
    assert [(f.rule, f.cells) for f in numbers_only(findings)] == expected_table_findings(name)


def seed_prose() -> dict[str, str]:
    """The prose of the seed document (西村乡 2023), cut at its headings."""
    text = (SEEDS / "000_3cc3c4a50339be4b.txt").read_text(encoding="utf-8")

    def between(start: str, end: str) -> str:
        return text.split(start, 1)[1].split(end, 1)[0].strip()

    return {
        "preface": between("2023 年政府信息公开工作年度报告", "一、总体情况"),
        "overview_proactive": between("（一）主动公开", "（二）依申请公开"),
        "overview_on_request": between("（二）依申请公开", "（三）政府信息管理"),
        "overview_management": between("（三）政府信息管理", "（四）政府信息公开平台建设"),
        "overview_platform": between("（四）政府信息公开平台建设", "（五）监督保障"),
        "overview_oversight": between("（五）监督保障", "二、主动公开政府信息情况"),
        "problems": between("五、存在的主要问题及改进情况", "六、其他需要报告的事项"),
        "other_matters": text.split("六、其他需要报告的事项", 1)[1].strip(),
    }


@needs_shared(SEEDS)
@needs_shared(EXAMPLES)
def test_the_seed_document_gives_the_defects_the_format_notes_list():
    data, values = load("xicun_2023_seed.json")
    values.prose.update(seed_prose())
    findings = check(values, context_for("xicun_2023_seed.json", data))
    assert sorted((f.rule, f.code) for f in findings) == [
        ("N-S1-ASPECTS", "oversight"),  # no word on 社会评议
        ("N-TYPO", "65余条"),
        ("N-TYPO", "截转"),
        ("S-CELLS", ""),
        ("S-TITLE", ""),  # 西村乡 in the intro, 西村乡人民政府 in the title
    ]
