"""Matching what a document prints against the catalogue's labels, by normalising both sides.

The catalogue is the only source of labels. Here are only the ways real reports print them
differently: full/half-width characters, spaces, 「1、」 for 「1.」, quotes, and a short list of known
slips (rules.md N-TYPO). Each difference found is described so the preview can name it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..catalogue import Format, get_format
from ..rules.text import KNOWN_SLIPS

# The known slips of rules.md N-TYPO that are plain words (本年度止, 行政法复议, 截转): wrong → right, so that
# a table label printed with one still matches.
TYPOS: tuple[tuple[str, str], ...] = tuple(
    (code, right) for code, pattern, right, _why in KNOWN_SLIPS if pattern.pattern == code)

_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
_ENUM_COMMA = re.compile(r"(?<![0-9])([0-9]{1,2})[、,，．]")
_LEADING_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|[0-9]{1,2}\.)")
_TRAILING_PAREN = re.compile(r"\([^()]*\)$")


def normalise(text: str) -> str:
    """The comparable form of a label: NFKC, no spaces or quotes, 「1、」 → 「1.」, no trailing colon."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"\s+", "", t).translate(_QUOTES)
    t = _ENUM_COMMA.sub(r"\1.", t)
    return t.rstrip(":：;；。")


def fix_typos(norm: str) -> tuple[str, list[tuple[str, str]]]:
    """The normalised text with known slips corrected, and the slips found."""
    found = []
    for wrong, right in TYPOS:
        if wrong in norm:
            norm = norm.replace(wrong, right)
            found.append((wrong, right))
    return norm, found


def describe_variant(raw: str, official: str) -> list[tuple[str, str]]:
    """(kind, Chinese description) of each way `raw` differs from the official label."""
    if raw == official:
        return []
    out: list[tuple[str, str]] = []
    if re.search(r"[()]", raw) and "（" in official:
        out.append(("halfwidth", "半角括号“( )”（应为全角“（ ）”）"))
    if re.search(r"\s", raw) and not re.search(r"\s", official):
        out.append(("spaces", "多余的空格"))
    if re.search(r"[0-9][、，,]", raw) and re.search(r"[0-9]\.", official):
        out.append(("enum_comma", "序号写成“1、”（应为“1.”）"))
    for wrong, right in TYPOS:
        if wrong in raw and wrong not in official:
            out.append(("typo", f"错字“{wrong}”（应为“{right}”）"))
    if not out:
        out.append(("other", f"写法与官方标签“{official}”不同"))
    return out


@dataclass(frozen=True)
class Match:
    kind: str  # section, part, t2_item, t2_header, t2_row, t3_header, t3_results, t3_group, t3_row, t4_header
    code: str  # section code, part code, row code, group label, column code…
    official: str  # the catalogue label it matched
    fuzzy: bool = False  # matched only by similarity: say so
    partial: bool = False  # a piece of a label a PDF's layout wrapped onto several lines
    alias: bool = False  # a heading of the 2019 trial format or of the 条例's words: not a slip to report


# Section headings as reports under the 2019 trial format print them, in the words of 条例第五十条 and of
# the 2019 notice (「（五）政府信息公开工作存在的主要问题及改进情况」); the number is the section's own.
SECTION_VARIANTS: dict[str, tuple[str, ...]] = {
    "proactive": ("主动公开政府信息的情况", "行政机关主动公开政府信息情况"),
    "applications": ("收到和处理政府信息公开申请的情况", "行政机关收到和处理政府信息公开申请情况"),
    "review_litigation": ("因政府信息公开工作被申请行政复议、提起行政诉讼的情况",
                          "因政府信息公开申请行政复议、提起行政诉讼的情况",
                          "政府信息公开行政复议和行政诉讼情况"),
    "problems": ("政府信息公开工作存在的主要问题及改进情况", "政府信息公开工作存在的主要问题和改进情况",
                 "存在的主要问题和改进情况", "存在的主要问题及改进措施", "存在的主要问题和改进措施",
                 "主要问题及改进情况"),
}


class Labels:
    """Every label of one format, indexed by normalised text."""

    def __init__(self, fmt: Format):
        self.fmt = fmt
        self.index: dict[str, list[Match]] = {}
        for s in fmt.sections:
            self._add(s.heading, Match("section", s.code, s.heading))
            for variant in SECTION_VARIANTS.get(s.code, ()):
                self._add(f"{s.number}、{variant}", Match("section", s.code, s.heading, alias=True))
        for p in fmt.overview_parts:
            self._add(p.heading, Match("part", p.code, p.heading))
        for i, block in enumerate(fmt.table2.blocks):
            self._add(block.item, Match("t2_item", str(i), block.item))
            for h in block.header:
                self._add(h, Match("t2_header", h, h))
            for label, _fields in block.rows:
                self._add(label, Match("t2_row", label, label))
        t3 = fmt.table3
        self._add(t3.corner, Match("t3_header", "corner", t3.corner))
        for header_row in t3.header:
            for h in header_row:
                code = next((c.code for c in t3.columns if c.label == h.text), h.text)
                self._add(h.text, Match("t3_header", code, h.text))
        for row in t3.rows:
            for label in row.labels:
                if label.text == row.label:
                    self._add(label.text, Match("t3_row", row.code, label.text))
                elif label.text == row.group:
                    self._add(label.text, Match("t3_group", row.group, label.text))
                else:
                    self._add(label.text, Match("t3_results", label.text, label.text))
        t4 = fmt.table4
        for header_row in t4.header:
            for h in header_row:
                self._add(h.text, Match("t4_header", h.text, h.text))
        self._shortened()

    def _add(self, text: str, match: Match) -> None:
        bucket = self.index.setdefault(normalise(text), [])
        if match not in bucket:
            bucket.append(match)

    def _shortened(self) -> None:
        """Also accept a row label printed without its 「一、」/「（一）」/「1.」 or its trailing （…）, when unique."""
        extra: dict[str, list[Match]] = {}
        for norm, matches in self.index.items():
            for m in matches:
                if m.kind not in ("t3_row", "t3_group", "t3_results"):
                    continue
                for short in {_LEADING_ENUM.sub("", norm), _TRAILING_PAREN.sub("", norm),
                              _TRAILING_PAREN.sub("", _LEADING_ENUM.sub("", norm))}:
                    if short and short != norm and len(short) >= 2:
                        extra.setdefault(short, []).append(m)
        for short, matches in extra.items():
            if short not in self.index and len(matches) == 1:
                self.index[short] = matches

    def match(self, raw: str, kinds: tuple[str, ...] | None = None, *, fuzzy: bool = True) -> Match | None:
        """The label `raw` stands for, or None. Known slips are corrected; near misses match fuzzily."""
        norm = normalise(raw)
        if not norm:
            return None
        fixed, _typos = fix_typos(norm)
        for candidate in (norm, fixed):
            for m in self.index.get(candidate, []):
                if kinds is None or m.kind in kinds:
                    return m
        if not fuzzy or len(fixed) < 4:
            return None
        pool = [k for k, ms in self.index.items() if any(kinds is None or m.kind in kinds for m in ms)]
        close = difflib.get_close_matches(fixed, pool, n=1, cutoff=0.86)
        if close:
            m = next(m for m in self.index[close[0]] if kinds is None or m.kind in kinds)
            return Match(m.kind, m.code, m.official, fuzzy=True)
        return None


    def fragment(self, raw: str, kinds: tuple[str, ...] = ("t3_row",)) -> Match | None:
        """The one label of `kinds` that contains `raw` (≥ 5 characters), for labels wrapped over lines."""
        norm = fix_typos(normalise(raw))[0]
        if len(norm) < 5:
            return None
        found = {m for key, ms in self.index.items() if norm in key for m in ms if m.kind in kinds}
        if len(found) == 1:
            m = found.pop()
            return Match(m.kind, m.code, m.official, partial=True)
        return None


@lru_cache(maxsize=4)
def labels_for(version: str = "2021") -> Labels:
    return Labels(get_format(version))
