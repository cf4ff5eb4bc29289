"""Every rule over a varied set of reports gives exactly the findings recorded in tests/golden/rules_findings.json.

The record was made from the rules before they were made faster (issue 15, point 3), so a faster rule that
finds one thing more or less, or words a message differently, fails here. The reports:
- the real documents (../shared/corpus: 淮安 PDF, 平潭 web page; ../shared/seeds: 西村乡 Word text) as the
  importer reads them, with no last year, with themselves as last year (a copied report) and with each other;
- the numbers of ../shared/spec/examples with the demo's prose and with the golden prose, and the golden reports
  of tests/golden/*/report.json;
- generated reports (bench/rules_gen.py, fixed seeds): each its own prose and last year's report, in the 2021
  and 2019 formats, the old same-prose setup, and the same reports with phrases spliced into their prose
  that every narrative pattern reads (counts right and wrong, Chinese and full-width digits, typos, wrong
  years, fees in the wrong unit, headings, 无), and with last year's text copied.

Per report the record holds every finding (rule, severity, message, cells, both sides, section, code, key, in
order), the numbers the prose states (narrative.stated_numbers) and the shares repeated from last year
(reports.repetition.repeated_share, re-exported by narrative). To record the current output instead, after a change meant to alter findings:

    GKPORTAL_GOLDEN_UPDATE=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_rules_regression.py

and review `git diff tests/golden/rules_findings.json` before committing.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from reports import narrative
from reports.importing import read_document
from reports.importing.jsonfile import read_report_json
from reports.models import Organisation
from reports.rules import RULE_INFO, Context, check
from reports.values import PROSE_FIELDS, ReportValues

from .conftest import EXAMPLES, SEEDS, SHARED, needs_shared

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import rules_gen  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "golden" / "rules_findings.json"
UPDATE = os.environ.get("GKPORTAL_GOLDEN_UPDATE") == "1"
DOCUMENTS = {
    "huaian": (SHARED / "corpus" / "huaian_2024.pdf", Organisation.Kind.CITY_GOV),
    "pingtan": (SHARED / "corpus" / "pingtan_2021_page.txt", Organisation.Kind.OTHER),
    "xicun": (SEEDS / "000_3cc3c4a50339be4b.txt", Organisation.Kind.TOWNSHIP_GOV),
}
GENERATED, GENERATED_2019, SAME_PROSE, SPLICED = 60, 15, 10, 80

# Phrases that every pattern of narrative._patterns, the S-PERIOD / S-TITLE / N-TYPO expressions and the §一
# headings read; {n} a count (sometimes the table's own), {x} an amount, {y} a year (sometimes not the report's).
PHRASES = (
    "其中予以公开和部分公开共{n}件", "本年新收政府信息公开申请{n}件，其中涉及自然人{n}件、商业企业{n}件",
    "新收到的申请共{n}条", "全年收到政府信息公开申请{n}件", "受理申请{n}件", "上年结转{n}件", "上一年度结转申请{n}件",
    "结转下年度继续办理{n}件", "{n}件结转至下一年度", "办结{n}件", "已答复{n}件", "均予以公开", "全部予以公开",
    "予以公开{n}件", "部分公开{n}件", "不予公开{n}件", "无法提供{n}件", "不予处理{n}件", "其他处理{n}件",
    "行政复议{n}件", "发生行政诉讼{n}起", "复议后起诉{n}件", "复议机关维持{n}件", "未发生行政复议和行政诉讼",
    "没有行政诉讼案件", "均获维持", "全部审结", "都已结案", "行政复议案件均被维持", "制发规章{n}件",
    "废止规章{n}件", "现行有效规章{n}件", "印发行政规范性文件{n}件", "废止规范性文件{n}件", "现行有效规范性文件{n}件",
    "规范性文件本年制发{n}件", "行政规范性文件废止{n}件", "规范性文件现行有效{n}件", "收取信息处理费{x}元",
    "信息处理费共计{x}万元", "收取了{x}元的信息处理费", "行政事业性收费{x}万元", "行政事业性收费{x}元",
    "新收申请十四件", "办结一百零五件", "新收申请两件", "新收申请１２３件", "新收 申请 4 条", "受理申请3,119件",
    "新收申请近30件", "约20件已办结", "截转下年度", "本年度止{n}件", "行政法复议{n}件", "截止{y}年底", "二0二三年",
    "65余条", "(一)主动公开", "本报告统计期限自{y}年1月1日起至{y}年12月31日止", "统计时间为{y}年1月1日至12月31日",
    "截至{y}年12月31日", "{y}年政府信息公开工作年度报告", "某某局{y}年度政府信息公开工作年度报告",
    "本机关{y}年政府信息公开工作年度报告", "{y}年收取信息处理费0元", "（一）主动公开方面", "二是依申请公开",
    "3.政府信息管理", "平台建设情况：", "监督保障方面", "工作考核", "社会评议", "责任追究", "一是加强信息管理",
)


def _splice(rng: random.Random, data: dict, previous: dict) -> None:
    """Phrases spliced into a few fields at sentence ends; some fields emptied, 无, or last year's copied."""
    t3 = data["table3"]
    own = [t3["new"]["total"] if "total" in t3["new"] else None, data["table4"]["review"].get("total")]
    for field in rng.sample(PROSE_FIELDS, k=rng.randint(1, 5)):
        text = data["prose"][field]
        for _ in range(rng.randint(1, 4)):
            phrase = rng.choice(PHRASES).format(
                n=rng.choice([rng.randint(0, 400), rng.randint(0, 9), *[v for v in own if isinstance(v, int)]]),
                x=rng.choice(["0", "12.5", "300", "0.0150", str(data["table2"].get("fees_10k_yuan"))]),
                y=rng.choice([2023, 2023, 2022, 2024]),
            )
            cuts = [i + 1 for i, ch in enumerate(text) if ch in "。；\n"] or [len(text)]
            at = rng.choice([0, *cuts])
            text = text[:at] + phrase + rng.choice("。，；\n") + text[at:]
        data["prose"][field] = text
    roll = rng.random()
    if roll < 0.1:
        data["prose"][rng.choice(PROSE_FIELDS)] = ""
    elif roll < 0.2:
        data["prose"]["problems"] = rng.choice(["无", "暂无。", "一是培训不足。二是更新不及时。"])
    elif roll < 0.3:
        data["prose"]["problems"] = previous["prose"]["problems"]
    elif roll < 0.4:
        previous["prose"] = dict(data["prose"])


def _break_cells(rng: random.Random, values: ReportValues) -> None:
    """A few cells out of range, blank, or negative (where a 2019 change may be): as an import can leave them."""
    for _ in range(rng.randint(0, 3)):
        value = rng.choice([-3, None, 10**9, 7, 0, 2.5])
        table = rng.choice(["table2", "table3", "table4"])
        if table == "table2":
            values.table2[rng.choice(sorted(k for k in values.table2 if k != "fees_10k_yuan"))] = value
        else:
            rows = getattr(values, table)
            row = rng.choice(sorted(rows))
            rows[row][rng.choice(sorted(rows[row]))] = value


def _with_previous(context: Context, previous: ReportValues | None) -> Context:
    return Context(**{**context.__dict__, "previous": previous})


@lru_cache(maxsize=1)
def cases() -> tuple[tuple[str, ReportValues, Context], ...]:
    out: list[tuple[str, ReportValues, Context]] = []
    documents = {}
    for name, (path, kind) in DOCUMENTS.items():
        result = read_document(path.name, path.read_bytes())
        documents[name] = (result.values, Context(org_kind=kind, org_name=result.org_name, year=result.year))
    for name, (values, context) in documents.items():
        out.append((f"document {name}", values, context))
        for other, (previous, _) in documents.items():
            out.append((f"document {name}, last year {other}", values, _with_previous(context, previous)))
    from reports.demo.prose import PROSE

    from .test_golden_2021 import EXAMPLE_ORGS, prose_for
    for name, (org, _short, kind, _parent) in EXAMPLE_ORGS.items():
        data, values = read_report_json((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
        for label, prose in (("demo prose", PROSE), ("golden prose", prose_for(org, data["year"]))):
            values.prose.update(prose)
            previous = ReportValues(format_version=values.format_version)
            previous.prose.update(prose_for(org, data["year"] - 1))
            context = Context(org_kind=kind, org_name=org, year=data["year"], previous_approved_here=True)
            out.append((f"example {name}, {label}", values, _with_previous(context, previous)))
            values = read_report_json((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))[1]
        golden = Path(__file__).resolve().parent / "golden" / name / "report.json"
        data, values = read_report_json(golden.read_text(encoding="utf-8"))
        out.append((f"golden {name}", values, Context(org_kind=kind, org_name=org, year=data.get("year"))))
    runs = (("own prose", GENERATED, {}), ("2019 format", GENERATED_2019, {"version": "2019"}),
            ("same prose", SAME_PROSE, {"same_prose": True}), ("spliced", SPLICED, {}),
            ("spliced 2019", GENERATED_2019, {"version": "2019"}))
    for label, n, kw in runs:
        for i in range(n):
            rng = random.Random(f"regression-{label}-{i}")
            data, previous, context = rules_gen.generate(rng, **kw)
            if label.startswith("spliced"):
                _splice(rng, data, previous)
            values = rules_gen.build(data)
            if label.startswith("spliced"):
                _break_cells(rng, values)
            out.append((f"generated {label} {i}", values, _with_previous(context, rules_gen.build(previous))))
    return tuple(out)


def _plain(v):
    return v if v is None or isinstance(v, (int, float, str)) else str(v)


def record(values: ReportValues, context: Context) -> dict:
    """What the rules and the text functions give for one report, as JSON."""
    findings = [{k: v for k, v in f.as_dict().items()} for f in check(values, context)]
    statements = {
        field: [[st.kind, _plain(st.value), st.snippet, st.column,
                 hashlib.sha1(st.sentence.encode()).hexdigest()[:10]]
                for st in narrative.stated_numbers(values.prose[field], values.format)]
        for field in PROSE_FIELDS if values.prose[field]
    }
    shares = {}
    if context.previous is not None:
        def whole(v: ReportValues) -> str:
            return "\n".join(v.prose[f] for f in PROSE_FIELDS)
        shares = {"all": narrative.repeated_share(whole(values), whole(context.previous)),
                  "problems": narrative.repeated_share(values.prose["problems"], context.previous.prose["problems"])}
    return {"findings": findings, "statements": statements, "shares": shares}


def current() -> dict[str, dict]:
    return {name: record(values, context) for name, values, context in cases()}


pytestmark = [needs_shared(EXAMPLES), needs_shared(SHARED / "corpus"), needs_shared(SEEDS)]


def test_every_rule_gives_the_recorded_findings():
    got = json.loads(json.dumps(current(), ensure_ascii=False))
    if UPDATE:
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip(f"recorded {GOLDEN}")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(expected), "the set of reports changed: re-record only on purpose"
    differ = [name for name in expected if got[name] != expected[name]]
    if differ:
        name = differ[0]
        for part in ("findings", "statements", "shares"):
            assert got[name][part] == expected[name][part], f"{len(differ)} reports differ, first {name!r}: {part}"


def test_the_reports_are_varied_enough_to_catch_a_change():
    """Every rule that reads prose finds something in some report; the recorded file is not trivially small."""
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    fired = {f["rule"] for r in expected.values() for f in r["findings"]}
    prose_rules = {i.id for i in RULE_INFO.values() if i.reads_prose and i.how == "check"}
    assert prose_rules - fired == set()
    kinds = {st[0] for r in expected.values() for sts in r["statements"].values() for st in sts}
    assert len(kinds) >= 25, sorted(kinds)
    shares = [r["shares"]["all"] for r in expected.values() if r["shares"]]
    assert min(shares) < 0.5 <= max(shares)
