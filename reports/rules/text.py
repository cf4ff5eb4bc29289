"""Rules of section E and those that compare the text with the tables (N-*, T2-NARR, T4-NARR)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any, Iterable

from .. import narrative
from ..catalogue import get_format
from ..narrative import Statement
from ..values import PROSE_FIELDS, ReportValues
from . import OVERVIEW_FIELDS, PROSE_SECTIONS, Context, Finding, organisation_kinds, percent, rule, show


# ================================================================ E. narrative


@rule(formats=("2021",))
def n_s1_len(values: ReportValues, context: Context) -> list[Finding]:
    """N-S1-LEN: §一 in principle no longer than 1 000 characters (non-blank)."""
    limit = values.format.overview_max_chars
    length = narrative.overview_length(values)
    if length <= limit:
        return []
    return [Finding(
        "N-S1-LEN", "warning",
        f"“一、总体情况”共 {length} 字（不计空格），超过了“篇幅原则上不超过一千字”的要求，多 {length - limit} 字："
        f"请聚焦主题、简明客观，删去套话。",
        tuple(f"prose.{f}" for f in OVERVIEW_FIELDS), length, limit, "overview",
    )]


_ASPECT_TERMS = (
    ("工作考核", re.compile(r"考核|考评")),
    ("社会评议", re.compile(r"评议|社会评价|满意度")),
    ("责任追究", re.compile(r"责任追究|追究[^。；]{0,12}责任|问责")),
)


def overview_aspects(values: ReportValues) -> tuple[set[str], str]:
    """The aspects §一 covers, and its 监督保障 text, wherever the text puts them.

    A part counts when its own field has text, or when a sub-heading naming it is found in any field
    (a whole §一 pasted into one box, 「（二）依申请公开方面。…」 inline, 一是…五是).
    """
    covered: set[str] = set()
    oversight = [values.prose["overview_oversight"]]
    for p in values.format.overview_parts:
        text = values.prose[f"overview_{p.code}"]
        if not text.strip():
            continue
        covered.add(p.code)
        for codes, piece in narrative.split_aspects(text):
            covered.update(codes)
            if "oversight" in codes and p.code != "oversight":
                oversight.append(piece)
    return covered, "\n".join(t for t in oversight if t.strip())


@rule
def n_s1_aspects(values: ReportValues, context: Context) -> list[Finding]:
    """N-S1-ASPECTS: the five aspects of §一; governments report 工作考核、社会评议、责任追究 under 监督保障."""
    parts = values.format.overview_parts
    out = []
    covered, oversight = overview_aspects(values)
    empty = [p for p in parts if p.code not in covered]
    if empty:
        out.append(Finding(
            "N-S1-ASPECTS", "warning",
            f"“一、总体情况”缺少{'、'.join(p.heading for p in empty)}：总体情况应包括主动公开、依申请公开、"
            f"政府信息管理、政府信息公开平台建设、监督保障五个方面，请补写。",
            tuple(f"prose.overview_{p.code}" for p in empty), section="overview", code="parts",
        ))
    if context.org_kind and context.org_kind in organisation_kinds().GOVERNMENT_KINDS and oversight.strip():
        missing = [term for term, pattern in _ASPECT_TERMS if not pattern.search(oversight)]
        if missing:
            heading = next(p.heading for p in parts if p.code == "oversight")
            out.append(Finding(
                "N-S1-ASPECTS", "warning",
                f"{heading}没有写到{'、'.join(missing)}：各级人民政府的年度报告应包括工作考核、社会评议和责任追究"
                f"结果情况（条例第五十条第四项），没有的也请写明“未发生”。",
                ("prose.overview_oversight",), section="overview", code="oversight",
            ))
    return out


S5_MIN_CHARS = 50
SIMILAR_SHARE = 0.5
_NOTHING = re.compile(r"^(无|暂无|没有|无问题|无。|/|—|-)$")
_MEASURES = re.compile(r"下一步|将|改进|整改|措施|加强|推进|完善|提升|健全")


@rule
def n_s5(values: ReportValues, context: Context) -> list[Finding]:
    """N-S5: §五 names concrete problems with measures, and does not repeat last year's §五."""
    text = values.prose["problems"]
    cells = ("prose.problems",)
    if not text.strip():
        return [Finding(
            "N-S5", "error",
            "“五、存在的主要问题及改进情况”为空：请实事求是地写出本年的主要问题（建议至少两条）和对应的改进措施。",
            cells, section="problems", code="empty",
        )]
    out = []
    length = narrative.non_blank_len(text)
    if _NOTHING.match(narrative.normalize(text)) or length < S5_MIN_CHARS:
        out.append(Finding(
            "N-S5", "warning",
            f"“五、存在的主要问题及改进情况”只有 {length} 字，过于简略：格式要求“明确具体，避免笼统模糊、泛泛而谈”，"
            f"建议写出至少两条具体问题和相应的改进措施。",
            cells, length, S5_MIN_CHARS, "problems", "short",
        ))
    elif not _MEASURES.search(text):
        out.append(Finding(
            "N-S5", "warning",
            "“五、存在的主要问题及改进情况”只写了问题，没有看到改进措施：请为每个问题写明改进举措。",
            cells, section="problems", code="measures",
        ))
    previous = context.previous.prose.get("problems", "") if context.previous else ""
    if previous.strip():
        # From N-SIMILAR's comparison of the whole prose when it makes one (§五 is one of its fields).
        compared = _repetition(values, context)
        share = compared[1] if compared else narrative.repeated_share(text, previous)
        if share >= SIMILAR_SHARE:
            out.append(Finding(
                "N-S5", "warning",
                f"“五、存在的主要问题及改进情况”有 {percent(share)} 的文字与{context.previous_label}相同（不少于 "
                f"{percent(SIMILAR_SHARE)}）：格式要求“不得出现敷衍了事甚至年年雷同现象”，请写本年的问题和改进情况。",
                cells, round(share, 3), SIMILAR_SHARE, "problems", "repeat",
            ))
    return out


_FEE_FACT = re.compile(r"\d+(?:\.\d+)?元|\d+(?:件|笔|次|宗)|未|无|没有|不|零|免")


@rule(formats=("2021",))
def n_s6_fee(values: ReportValues, context: Context) -> list[Finding]:
    """N-S6-FEE: §六 states the 信息处理费 collected: an amount in 元, a number of cases, or none."""
    fee_sentences = [s for s in narrative.sentences(values.prose["other_matters"]) if "信息处理费" in s]
    if any(_FEE_FACT.search(s) for s in fee_sentences):
        return []
    year = f"{context.year}年，" if context.year else ""
    if values.processing_fee_yuan:
        n = f"（涉及申请 {values.processing_fee_count} 件）" if values.processing_fee_count else ""
        example = f"{year}本机关收取信息处理费 {values.processing_fee_yuan} 元{n}。"
    else:
        example = f"{year}本机关未收取信息处理费。"
    what = "提到了信息处理费，但没有写明收取的金额、件数或未收取" if fee_sentences else "没有报告收取信息处理费的情况"
    return [Finding(
        "N-S6-FEE", "error",
        f"“六、其他需要报告的事项”{what}：格式要求在此专门报告信息处理费情况，例如“{example}”",
        ("prose.other_matters",), section="other_matters", code="missing" if not fee_sentences else "vague",
    )]


def _statements(values: ReportValues) -> Iterable[tuple[str, Statement]]:
    # Four rules read them: one look-up of the whole prose instead of one a field (and a generator) for each.
    return _report_statements(_PROSE_TEXTS(values.prose), values.format.version)


_PROSE_TEXTS = itemgetter(*PROSE_FIELDS)  # the tuple of the prose fields' texts, in one call


@lru_cache(maxsize=64)
def _report_statements(texts: tuple[str, ...], version: str) -> tuple[tuple[str, Statement], ...]:
    fmt = get_format(version)
    return tuple((field, st) for field, text in zip(PROSE_FIELDS, texts) if text
                 for st in narrative.stated_numbers(text, fmt))


def _group_rows(values: ReportValues, kind: str) -> tuple[str, list[str]]:
    """A result quantity's label and the 表三 rows it sums: granted → （一）予以公开, denied → （三）不予公开 1–8."""
    t3 = values.format.table3
    if kind in ("granted", "partial"):
        return t3.row(kind).label.split("（区分")[0], [kind]
    group = next(g for g, rows in t3.groups.items() if rows[0].code.rsplit("_", 1)[0] == kind)
    return group, [r.code for r in t3.groups[group]]


def _sum(values: ReportValues, rows: Iterable[str], col: str = "total") -> int | None:
    parts = [values.t3(r, col) for r in rows]
    return None if None in parts else sum(parts)  # the cells are ints or None: `in` finds a None as `is` would


def _expected(values: ReportValues, st: Statement) -> tuple[set[Any], tuple[str, ...], str] | None:
    """What the tables say about a stated quantity: the accepted values (_accepted, the one home of what each
    quantity is in 表三), the cells, and how to say it."""
    col = st.column or "total"
    accepted = _accepted(values, st.kind, col)
    if accepted is None:
        return None
    t3 = values.format.table3
    col_label = "" if col == "total" else f"（{t3.column(col).label}）"
    if st.kind == "received":
        new, carried = values.t3("new", col), values.t3("carried_over", col)
        return (accepted, (f"table3.new.{col}", f"table3.carried_over.{col}"),
                f"表三本年新收{col_label}为 {new}，加上年结转为 {new + carried}")
    (v,) = accepted
    if st.kind in _SIMPLE_ROWS:
        row = _SIMPLE_ROWS[st.kind]
        return accepted, (f"table3.{row}.{col}",), f"表三「{t3.row(row).label}」{col_label}为 {show(v)}"
    if st.kind == "granted+partial":
        return accepted, ("table3.granted.total", "table3.partial.total"), f"表三予以公开与部分公开之和为 {show(v)}"
    if st.kind in _RESULT_KINDS:
        label, rows = _group_rows(values, st.kind)
        what = f"表三「{label}」" + ("各项之和" if len(rows) > 1 else "") + f"为 {show(v)}"
        return accepted, tuple(f"table3.{r}.total" for r in rows), what
    return accepted, ("processing_fee.yuan",), f"第六部分填写的收取信息处理费金额为 {v} 元"  # processing_fee_yuan


_SIMPLE_ROWS = {"new": "new", "carried_over": "carried_over", "carry_forward": "carry_forward", "closed": "total"}
_RESULT_KINDS = ("granted", "partial", "denied", "unable", "not_processed", "other")
_RESULT_ROWS: dict[str, dict[str, tuple[str, ...]]] = {}  # by format: each result quantity's 表三 rows


def _accepted(values: ReportValues, kind: str, col: str) -> set[Any] | None:
    """The values the tables accept for a stated quantity in column `col`, or None when they cannot say (a blank
    cell, a quantity they do not hold). N-NUMS asks _expected for the cells and the words only for a number that
    differs, and most agree."""
    if kind in _SIMPLE_ROWS:
        v = values.t3(_SIMPLE_ROWS[kind], col)
        return None if v is None else {v}
    if kind == "received":
        new, carried = values.t3("new", col), values.t3("carried_over", col)
        return None if new is None or carried is None else {new, new + carried}
    if kind == "granted+partial":
        v = _sum(values, ["granted", "partial"])
        return None if v is None else {v}
    if kind in _RESULT_KINDS:
        rows = _RESULT_ROWS.setdefault(values.format.version, {})
        if kind not in rows:
            rows[kind] = tuple(_group_rows(values, kind)[1])
        v = _sum(values, rows[kind])
        return None if v is None else {v}
    if kind == "processing_fee_yuan":
        v = values.processing_fee_yuan
        return None if v is None else {v}
    return None


@rule
def n_nums(values: ReportValues, context: Context) -> list[Finding]:
    """N-NUMS: application counts stated in the text equal 表三 (收到 may include 上年结转)."""
    out: dict[str, Finding] = {}
    # What the tables say depends on the quantity only: a long text states the same few quantities many times.
    known: dict[Any, Any] = {}
    for field, st in _statements(values):
        if st.kind == "all_granted":
            if "all_granted" not in known:
                known["all_granted"] = values.t3("granted", "total"), values.t3("total", "total")
            granted, total = known["all_granted"]
            if granted is None or total is None or granted == total:
                continue
            f = Finding(
                "N-NUMS", "warning",
                f"正文写“{st.snippet}”，但表三办结 {total} 件中予以公开只有 {granted} 件：请改正文或核对表三。",
                (f"prose.{field}", "table3.granted.total", "table3.total.total"), st.snippet, granted,
                PROSE_SECTIONS[field], st.kind,
            )
            out.setdefault(f.key, f)
            continue
        if (st.kind, st.column) not in known:
            known[st.kind, st.column] = _accepted(values, st.kind, st.column or "total")
        accepted = known[st.kind, st.column]
        if accepted is None or st.value in accepted:
            continue
        accepted, cells, what = _expected(values, st)  # the cells and words, for a number that differs
        if st.kind == "received":
            fix = "“收到”可以指新收，也可以指新收加上年结转，正文的数与两者都不相等"
        else:
            fix = f"请把正文改为 {min(accepted)}，或核对表格"
        code = f"{st.kind}.{st.column}" if st.column else st.kind
        f = Finding(
            "N-NUMS", "warning", f"正文写“{st.snippet}”，但{what}：{fix}。",
            (f"prose.{field}", *cells), st.value, min(accepted), PROSE_SECTIONS[field], code,
        )
        out.setdefault(f.key, f)
    return list(out.values())


@rule
def t4_narr(values: ReportValues, context: Context) -> list[Finding]:
    """T4-NARR: 行政复议 / 行政诉讼 counts and “均获维持”-style phrases in the text agree with 表四."""
    t4 = values.format.table4
    out: dict[str, Finding] = {}

    def add(field: str, st: Statement, message: str, cells: tuple[str, ...], right: Any) -> None:
        f = Finding("T4-NARR", "warning", message, (f"prose.{field}", *cells), st.value if st.value is not None
                    else st.snippet, right, PROSE_SECTIONS[field], st.kind)
        out.setdefault(f.key, f)

    for field, st in _statements(values):
        if st.kind in ("review", "litigation"):
            if st.kind == "review":
                v, cells, name = values.t4("review", "total"), ("table4.review.total",), "行政复议总计"
            else:
                v = values.litigation_total()
                cells = ("table4.litigation_direct.total", "table4.litigation_after_review.total")
                name = "行政诉讼（未经复议直接起诉与复议后起诉）总计"
            if v is not None and st.value != v:
                add(field, st, f"正文写“{st.snippet}”，但表四{name}为 {v}：请改正文或核对表四。", cells, v)
        elif st.kind in ("all_maintained", "all_closed"):
            groups = narrative.scope_of(st.sentence)
            cols = ("pending",) if st.kind == "all_closed" else ("corrected", "other", "pending")
            cells = tuple(f"table4.{g}.{c}" for g in groups for c in cols)
            parts = [values.table4[g][c] for g in groups for c in cols]
            if any(p is None for p in parts) or sum(parts) == 0:
                continue
            names = "、".join(t4.column(c).label for c in cols)
            add(field, st, f"正文写“{st.snippet}”，但表四的{names}共有 {sum(parts)} 件：请改正文或核对表四。",
                cells, sum(parts))
    return list(out.values())


@rule
def t2_narr(values: ReportValues, context: Context) -> list[Finding]:
    """T2-NARR: numbers of 规章 and 行政规范性文件 stated in the text equal 表二."""
    t2 = values.format.table2
    out: dict[str, Finding] = {}
    for field, st in _statements(values):
        if st.kind not in t2.fields:
            continue
        v = values.table2[st.kind]
        if v is None or st.value == v:
            continue
        f = Finding(
            "T2-NARR", "warning",
            f"正文写“{st.snippet}”，但表二{values.format.cell_name(f'table2.{st.kind}')}为 {v}：请改正文或核对表二。",
            (f"prose.{field}", f"table2.{st.kind}"), st.value, v, PROSE_SECTIONS[field], st.kind,
        )
        out.setdefault(f.key, f)
    return list(out.values())


@rule
def n_units(values: ReportValues, context: Context) -> list[Finding]:
    """N-UNITS: 信息处理费 is stated in 元, 行政事业性收费 in 万元 (or converted exactly)."""
    fee = values.table2.get("fees_10k_yuan")
    out: dict[str, Finding] = {}
    for field, st in _statements(values):
        message = None
        if st.kind == "processing_fee_10k":
            message = (f"正文写“{st.snippet}”：信息处理费按件或按量计收，以元为单位，"
                       f"请写成 {(st.value * 10_000).normalize():f} 元（如确为万元请核对）。")
        elif st.kind == "admin_fees_yuan" and isinstance(fee, Decimal):
            if st.value == fee and fee != 0:
                message = (f"正文写“{st.snippet}”，这正是表二以万元填写的数：表二的行政事业性收费单位是万元，"
                           f"正文请写“{fee} 万元”或换算为 {(fee * 10_000).normalize():f} 元。")
            elif st.value != fee * 10_000:
                message = f"正文写“{st.snippet}”，但表二行政事业性收费为 {fee} 万元（{(fee * 10_000).normalize():f} 元）：请核对。"
        elif st.kind == "admin_fees_10k" and isinstance(fee, Decimal) and st.value != fee:
            message = f"正文写“{st.snippet}”，但表二行政事业性收费为 {fee} 万元：请核对。"
        if message:
            cell = "processing_fee.yuan" if st.kind.startswith("processing") else "table2.fees_10k_yuan"
            f = Finding("N-UNITS", "warning", message, (f"prose.{field}", cell), st.value, fee,
                        PROSE_SECTIONS[field], st.kind)
            out.setdefault(f.key, f)
    return list(out.values())


SIMILAR_MIN_CHARS = 100
_PROBLEMS = PROSE_FIELDS.index("problems")
_ALL_PROSE_CELLS = tuple(f"prose.{f}" for f in PROSE_FIELDS)


def _shorter_than(fields: tuple[str, ...], n: int) -> bool:
    """non_blank_len("\\n".join(fields)) < n, without joining them (the line ends are blank: the fields' counts add
    up), counting whole fields only when the first 4n characters of each do not settle it."""
    counted = 0
    for field in fields:
        counted += narrative.non_blank_len(field[:4 * n])
        if counted >= n:
            return False
    return sum(map(narrative.non_blank_len, fields)) < n


def _repetition(values: ReportValues, context: Context) -> tuple[float, float] | None:
    """N-SIMILAR's share (the whole prose: every field, joined by line ends) and N-S5's (§五), from one comparison
    of both years; None when N-SIMILAR compares nothing (no last year's report, or either year under
    SIMILAR_MIN_CHARS)."""
    if context.previous is None:
        return None
    return _compare_prose(tuple(map(values.prose.__getitem__, PROSE_FIELDS)),
                          tuple(map(context.previous.prose.__getitem__, PROSE_FIELDS)))


@lru_cache(maxsize=4)
def _compare_prose(current: tuple[str, ...], previous: tuple[str, ...]) -> tuple[float, float] | None:
    # Cached on the fields' strings (a tuple of them hashes and compares fast): N-S5 and N-SIMILAR both ask.
    if _shorter_than(previous, SIMILAR_MIN_CHARS) or _shorter_than(current, SIMILAR_MIN_CHARS):
        return None
    return narrative.repeated_shares(current, previous, _PROBLEMS)


@rule
def n_similar(values: ReportValues, context: Context) -> list[Finding]:
    """N-SIMILAR: the report's text repeats half or more of last year's."""
    compared = _repetition(values, context)
    if compared is None:
        return []
    share = compared[0]
    if share < SIMILAR_SHARE:
        return []
    return [Finding(
        "N-SIMILAR", "warning",
        f"全文有 {percent(share)} 的文字与{context.previous_label}相同（不少于 {percent(SIMILAR_SHARE)}）："
        f"年度报告应写本年的情况，避免“内容雷同、敷衍塞责”。",
        # Every prose field, not only the filled ones, so an acknowledgement survives filling in one more.
        _ALL_PROSE_CELLS, round(share, 3), SIMILAR_SHARE, "overview",
    )]


# Known slips seen in real reports: (what was written, pattern, the correction, why).
KNOWN_SLIPS: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    ("截转", re.compile("截转"), "结转", "“结转”下一年办理"),
    ("本年度止", re.compile("本年度止"), "本年废止", "表二的列名是“本年废止件数”"),
    ("行政法复议", re.compile("行政法复议"), "行政复议", "多了一个“法”字"),
    ("截止", re.compile(r"截止(?=\d{4}年|目前|今年|年底|年末|本年)"), "截至", "到某一时间为止用“截至”"),
    ("二0", re.compile(r"[一二三四五六七八九〇]0[一二三四五六七八九〇]|[一二三四五六七八九〇]{2}0"), "〇",
     "汉字数字中的零写作“〇”"),
    ("65余条", re.compile(r"\d*[1-9]余(?:条|件|个|项|篇|次|份)"), "65条或60余条", "“余”只跟在整十、整百的数后面"),
    ("(一)", re.compile(r"\([一二三四五六七八九十]{1,3}\)"), "（一）", "序号用全角括号"),
)


# What every match of a slip's pattern holds, tested first (a quick `in`, or for 二0 a 0 after a Chinese numeral):
# the patterns starting with \d* or a class would otherwise be tried at every position of every field.
_SLIP_WORDS = {"截转": "截转", "本年度止": "本年度止", "行政法复议": "行政法复议", "截止": "截止", "二0": "0",
               "65余条": "余", "(一)": "("}
# For 二0: a 0 with a Chinese numeral right before it, as both branches have. Written 0 first, the engine jumps
# from 0 to 0 (a character class first would be tried at every character).
_NUMERAL_ZERO = re.compile("0(?<=[一二三四五六七八九〇]0)")


# One character of each longer word, looked for first: a one-character `in` is a memchr-like scan, ~10× quicker
# on this text than looking for the word, and most texts lack the rarer character.
_SLIP_GATES = {"截转": "截", "本年度止": "止", "行政法复议": "法", "截止": "截"}


def _may_hold(code: str, text: str) -> bool:
    if code == "二0":
        return _NUMERAL_ZERO.search(text) is not None
    return _SLIP_GATES.get(code, "") in text and _SLIP_WORDS.get(code, "") in text


@rule
def n_typo(values: ReportValues, context: Context) -> list[Finding]:
    """N-TYPO: the known slips of KNOWN_SLIPS, with where they occur."""
    out = []
    texts = [(field, narrative.normalize(values.prose[field])) for field in PROSE_FIELDS]
    joined = "\n".join(t for _, t in texts)  # a slip not in the whole text is in no field
    slips = [slip for slip in KNOWN_SLIPS if _may_hold(slip[0], joined)]
    for field, text in texts if slips else ():
        if not text:
            continue
        for code, pattern, right, why in slips:
            m = pattern.search(text) if _may_hold(code, text) else None
            if not m:
                continue
            start, end = max(0, m.start() - 10), m.end() + 10
            around = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
            out.append(Finding(
                "N-TYPO", "warning", f"“{m.group(0)}”疑为笔误，应为“{right}”（{why}）。原文：“{around}”",
                (f"prose.{field}",), m.group(0), right, PROSE_SECTIONS[field], code,
            ))
    return out
