"""生成标准表述: the customary sentences of §一（二）依申请公开 and the §四 summary, written from the tables.

Writing these sentences from the data removes the commonest text/table mismatch (rules.md N-NUMS,
T4-NARR, §H). Every number comes from ReportValues (t3, t3_group, t4, litigation_total); the words
for the result rows come from the catalogue's labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .values import ReportValues

_NUMBERING = re.compile(r"^（[一二三四五六七八九十]+）")

# Sentences this module writes, so that writing them again replaces them instead of adding copies.
_GENERATED = (
    re.compile(r"本年新收政府信息公开申请\d+件[^。]*。"),
    re.compile(r"本年未收到政府信息公开申请[^。]*。"),
    re.compile(r"本年度(?:未发生)?因政府信息公开工作[^。]*(?:行政复议|行政诉讼)[^。]*。"),
)


@dataclass(frozen=True)
class Phrase:
    """A generated sentence, or why it cannot be written yet."""

    text: str
    problem: str = ""


def short_label(label: str) -> str:
    """（二）部分公开（区分处理的，只计这一情形，不计其他情形） → 部分公开."""
    return _NUMBERING.sub("", label).split("（")[0]


def _results(values: ReportValues) -> list[tuple[str, int]]:
    """The six result kinds of 表三 with their 总计, groups summed through ReportValues."""
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for row in values.format.table3.result_rows:
        if row.group:
            if row.group not in seen:
                seen.add(row.group)
                out.append((short_label(row.group), values.t3_group(row.group, "total") or 0))
        else:
            out.append((short_label(row.label), values.t3(row.code, "total") or 0))
    return out


def on_request_sentence(values: ReportValues) -> Phrase:
    """本年新收政府信息公开申请4件，上年结转0件，办结2件，其中予以公开2件、……；结转下年度继续办理2件。"""
    blank = [k for k in values.blank_cells() if k.startswith("table3.")]
    if blank:
        return Phrase("", f"表三还有 {len(blank)} 个单元格未填写，填完后才能生成。")
    new, carried = values.t3("new", "total"), values.t3("carried_over", "total")
    done, forward = values.t3("total", "total"), values.t3("carry_forward", "total")
    if new == carried == done == forward == 0:
        return Phrase("本年未收到政府信息公开申请，无上年结转申请。")
    results = "、".join(f"{word}{n}件" for word, n in _results(values))
    return Phrase(
        f"本年新收政府信息公开申请{new}件，上年结转{carried}件，办结{done}件，其中{results}；"
        f"结转下年度继续办理{forward}件。"
    )


def review_litigation_sentence(values: ReportValues) -> Phrase:
    """The §四 summary: 行政复议 and 行政诉讼 counts with their results, from 表四."""
    blank = [k for k in values.blank_cells() if k.startswith("table4.")]
    if blank:
        return Phrase("", f"表四还有 {len(blank)} 个单元格未填写，填完后才能生成。")
    t4 = values.format.table4
    review, direct, after = t4.groups

    def breakdown(group: str) -> str:
        return "、".join(f"{c.label}{values.t4(group, c.code)}件" for c in t4.entered_columns)

    reviews = values.t4(review.code, "total")
    suits = values.litigation_total()
    if reviews == 0 and suits == 0:
        return Phrase(f"本年度未发生因政府信息公开工作被申请{review.label}、提起{direct.parent}的情况。")
    review_part = (
        f"被申请{review.label}{reviews}件（{breakdown(review.code)}）" if reviews else f"未被申请{review.label}"
    )
    if suits:
        kinds = "、".join(
            f"{g.label}{n}件" + (f"（{breakdown(g.code)}）" if n else "")
            for g, n in ((g, values.t4(g.code, "total")) for g in (direct, after))
        )
        suit_part = f"被提起{direct.parent}{suits}件，其中{kinds}"
    else:
        suit_part = f"未被提起{direct.parent}"
    return Phrase(f"本年度因政府信息公开工作{review_part}，{suit_part}。")


def standard_sentences(values: ReportValues) -> dict[str, Phrase]:
    return {"on_request": on_request_sentence(values), "review_litigation": review_litigation_sentence(values)}


def apply_standard_sentences(text: str, values: ReportValues) -> tuple[str, list[str]]:
    """The text with fresh standard sentences where earlier ones stood (or at the start); and any problems.

    A sentence that cannot be written yet (blank cells) leaves the text's own sentence alone.
    """
    phrases = standard_sentences(values)
    problems = [p.problem for p in phrases.values() if p.problem]
    fresh = "".join(p.text for p in phrases.values() if p.text)
    if not fresh:
        return text, problems
    patterns = [_GENERATED[0], _GENERATED[1]] if phrases["on_request"].text else []
    if phrases["review_litigation"].text:
        patterns.append(_GENERATED[2])
    starts = [m.start() for p in patterns for m in p.finditer(text)]
    at = min(starts) if starts else 0
    for pattern in patterns:
        text = pattern.sub("", text)
    return text[:at] + fresh + text[at:], problems


__all__ = ["Phrase", "apply_standard_sentences", "on_request_sentence", "review_litigation_sentence",
           "standard_sentences"]
