"""Reading a report's prose: the numbers it states, its §一 headings, its sentences (repetition: reports.repetition).

Pure text functions for the narrative rules of reports.rules (N-NUMS, T4-NARR, T2-NARR, N-UNITS,
N-S5, N-SIMILAR); no database, no Django.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterable


from .catalogue import Format, get_format

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")  # (?<=\d),… written comma first: searched as a literal
_FULLWIDTH = re.compile("[０-９．]")


def _has_fullwidth(text: str) -> bool:  # _FULLWIDTH.search(text), by str searches: half the time on Chinese text
    return any(c in text for c in "０１２３４５６７８９．")


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """Full-width digits to ASCII, every space removed, 3,119 to 3119: "申请 4 条" reads as "申请4条"."""
    # Cached: several rules read the same paragraphs.
    return _forms(text)[0]


@lru_cache(maxsize=2048)
def _forms(text: str) -> tuple[str, tuple[str, ...]]:
    """normalize(text) and the sentences of sentences(text), made in one pass and cached together.

    S-PERIOD and S-TITLE normalize every field before the number rules cut the same fields into sentences: the
    second reading then costs a look-up. The two differ only in what a line end becomes (removed as a space,
    or 。), so each line's spaces are removed once and the lines joined both ways; the thousands commas are then
    removed from each joined text, as before.
    """
    # translate() only when needed: it is the slow part.
    if _has_fullwidth(text):
        text = text.translate(_FULLWIDTH_DIGITS)
    if "\n" in text:
        lines = ["".join(line.split()) for line in text.split("\n")]
        flat, broken = "".join(lines), "。".join(lines)
    else:
        flat = broken = "".join(text.split())  # _SPACES.sub("", text): str.split and \s both cut at str.isspace()
    if "," in flat:
        flat, broken = _THOUSANDS.sub("", flat), _THOUSANDS.sub("", broken)
    for mark in _BREAK_MARKS:
        if mark in broken:
            broken = broken.replace(mark, "。")
    return flat, tuple(filter(None, broken.split("。")))  # without the empty pieces


def non_blank_len(text: str) -> int:
    """Characters that are not white space: how the format's 一千字 is counted."""
    # [\s\u3000\u00a0] is exactly str.isspace() (both are Py_UNICODE_ISSPACE; U+3000 and U+00A0 are in it),
    # which str.split() cuts at, in C.
    return sum(map(len, text.split()))


def overview_length(values) -> int:
    """§一's length as rule N-S1-LEN counts it, and as the editor shows it: its five parts, non-blank."""
    # When the rules run, S-PERIOD has normalized every field: without a comma (the thousands commas are the
    # only other thing normalize() removes; translate() keeps the length) the normalized text's length is the
    # non-blank count, a cache look-up instead of another split.
    texts = [values.prose[f"overview_{p.code}"] for p in values.format.overview_parts]
    return sum(non_blank_len(t) if "," in t else len(normalize(t)) for t in texts)


_BREAK_MARKS = "；;！？!?"  # where sentences end, besides 。 and line ends


def sentences(text: str) -> list[str]:
    """The text cut at 。；！？ and line ends, each piece normalized."""
    # normalize() over the whole text at once: the same pieces as normalizing each, since no break is a space or
    # a digit. A line end made 。 first (the spaces str.split() removes include it, see non_blank_len), every
    # break made 。, the text cut there: str.replace and str.split, not a pattern tried at every position.
    return list(_forms(text)[1])


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_number(text: str) -> int | None:
    """4, 74, 四, 十四, 一百零五, 二〇二三 → an int; None when it is not a whole number."""
    if text.isdigit():
        return int(text)
    if not all(ch in _CN_DIGITS or ch in _CN_UNITS for ch in text):
        return None
    if not any(ch in _CN_UNITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


# A stated count: Arabic or Chinese digits, not after 近/约/超过 (estimates are not compared); its unit.
_NUM = r"(?<![近约逾超过])(\d+|[零〇一二两三四五六七八九十百千]{1,6})"
_UNIT = r"(?:件|条|个|份)"
_CASES = r"(?:件|起|宗|个|例)"
# Text between a keyword and its number: no clause break, no digit.
_GAP = r"[^，,。；;！？!?\d]{0,16}?"
_SHORT_GAP = r"[^，,。；;！？!?、\d]{0,6}?"
_AMOUNT = r"(\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class Statement:
    """A number the prose states about one quantity of the tables."""

    kind: str  # new, received, carried_over, closed, carry_forward, granted…, review, normative_in_force, …
    value: int | Decimal | None  # None for phrases without a number (均予以公开, 未发生行政复议 → 0 is set)
    snippet: str  # the words that state it, as written (spaces removed)
    column: str = ""  # an applicant column (natural…) for breakdowns like 涉及自然人72件
    sentence: str = ""  # the whole sentence, for phrases whose scope its other words decide


def _label_word(label: str) -> str:
    """（三）不予公开 → 不予公开; （二）部分公开（区分处理的，…） → 部分公开."""
    return re.sub(r"（[^）]*）", "", label)


def result_words(fmt: Format) -> dict[str, str]:
    """The quantity code of each result group or row, by the word a report writes: 予以公开 → granted, …"""
    t3 = fmt.table3
    words = {_label_word(t3.row("granted").label): "granted", _label_word(t3.row("partial").label): "partial"}
    for group, rows in t3.groups.items():
        words[_label_word(group)] = rows[0].code.rsplit("_", 1)[0]
    return words


def _patterns(fmt: Format) -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    """(kind, pattern) in priority order; a later pattern never re-reads words an earlier one matched."""
    # A look-behind at the start makes the regex engine try a pattern at every character; written after the
    # first words instead ((?<!新)收到 as 收到(?<!新收到), (?:行政)?诉讼 as 行政诉讼|诉讼, in the same order of
    # trying), the engine jumps to the first characters. Same matches: tests/test_rules_reference.py keeps
    # the patterns as they were written before and compares them.
    results = result_words(fmt)
    granted, partial = (w for w, k in results.items() if k in ("granted", "partial"))
    out = [
        ("granted+partial", rf"{granted}(?:和|及|与|、|以及){partial}{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("new", rf"新收(?:到)?{_GAP}申请{_GAP}{_NUM}{_UNIT}"),
        ("received", rf"(?:收到|受理|接收)(?<!新收到|新受理|新接收){_GAP}申请{_GAP}{_NUM}{_UNIT}"),
        ("carried_over", rf"上一?年度?结转{_GAP}{_NUM}{_UNIT}"),
        ("carry_forward", rf"结转(?:至|到)?下一?年度?{_GAP}{_NUM}{_UNIT}"),
        ("carry_forward", rf"{_NUM}{_UNIT}[^，,。；;\d]{{0,6}}?结转(?:至|到)?下一?年"),
        ("closed", rf"(?:办结|已答复|予以答复|办理完毕){_SHORT_GAP}{_NUM}{_UNIT}"),
        ("all_granted", r"(?:均|全部|都)予以公开"),
    ]
    out += [(kind, rf"{word}{_SHORT_GAP}{_NUM}{_UNIT}") for word, kind in results.items()]
    out += [
        # 复议后起诉, 未经复议直接起诉 and 复议机关 are 行政诉讼 words, not 行政复议 counts.
        ("review", rf"(?:行政(?<!经行政)复议|复议(?<!经复议))(?!后|机关|决定|直接){_SHORT_GAP}{_NUM}{_CASES}"),
        ("litigation", rf"(?:行政诉讼|诉讼){_SHORT_GAP}{_NUM}{_CASES}"),
        ("none_of", r"(?:未发生|没有|未收到|未出现|未产生|未有|无)[^，,。；;\d]{0,20}?(?:行政复议|行政诉讼)"
                    r"(?:[、和及与或](?:行政复议|行政诉讼))?"),
        ("all_maintained", r"(?:均|全部|都)(?:获|被|予以|予)?维持"),
        ("all_closed", r"(?:均|全部|都)已?(?:审结|结案)"),
        ("regulations_issued", rf"(?:制发|印发|出台|制定)(?:的)?规章{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("regulations_repealed", rf"(?:废止|废除)(?:的)?规章{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("regulations_in_force", rf"现行有效(?:的)?规章{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("normative_issued", rf"(?:制发|印发|出台|制定)(?:的)?(?:行政)?规范性文件{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("normative_repealed", rf"(?:废止|废除)(?:的)?(?:行政)?规范性文件{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("normative_in_force", rf"现行有效(?:的)?(?:行政)?规范性文件{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("normative_issued", rf"(?:行政)?规范性文件(?:本年)?(?:制发|印发){_SHORT_GAP}{_NUM}{_UNIT}"),
        ("normative_repealed", rf"(?:行政)?规范性文件(?:本年)?废止{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("normative_in_force", rf"(?:行政)?规范性文件现行有效{_SHORT_GAP}{_NUM}{_UNIT}"),
        ("processing_fee_10k", rf"信息处理费{_GAP}{_AMOUNT}万元"),
        ("processing_fee_yuan", rf"信息处理费{_GAP}{_AMOUNT}元"),
        ("processing_fee_yuan", rf"收取(?:了)?{_AMOUNT}元(?:的)?(?:政府信息公开)?信息处理费"),
        ("admin_fees", rf"行政事业性收费{_GAP}{_AMOUNT}(万元|元)"),
    ]
    return [(kind, re.compile(p), _keywords(kind, p, results)) for kind, p in out]


# Words without which a pattern cannot match: one of them is in every text it matches (checked by
# tests/test_rules_reference.py on every match over its texts). Looking for them first skips most of the ~35 patterns
# for most sentences; the patterns themselves, their order and what they match are unchanged.
_KEYWORDS = {
    "granted+partial": None,  # the two words as written together, from the format
    "new": ("新收",), "received": ("收到", "受理", "接收"), "carried_over": ("结转",), "carry_forward": None,
    "closed": ("办结", "已答复", "予以答复", "办理完毕"), "all_granted": None, "review": ("复议",),
    "litigation": ("诉讼",), "none_of": ("行政复议", "行政诉讼"), "all_maintained": None, "all_closed": None,
    "regulations_issued": ("规章",), "regulations_repealed": ("规章",), "regulations_in_force": ("规章",),
    "normative_issued": ("规范性文件",), "normative_repealed": ("规范性文件",), "normative_in_force": ("规范性文件",),
    "processing_fee_10k": ("信息处理费",), "processing_fee_yuan": ("信息处理费",), "admin_fees": ("行政事业性收费",),
}
# A pattern whose first words are a choice has every way of writing them as its keywords (均予以公开, 全部予以公开,
# 都予以公开): the words they share (予以公开, 维持, 审结, 部分公开; received's 申请, closed's 答复) occur in
# most reports' counts and prose, so the pattern ran on texts where it cannot match.
# (The part of the pattern spelled out, and its choices in order.) carry_forward's 结转下, 结转至下, 结转到下 (both
# patterns hold them) leave out 上年结转: its number-first pattern is then searched in fewer sentences.
_SPELLED = {
    "all_granted": ("(?:均|全部|都)予以公开", (("均", "全部", "都"), ("予以公开",))),
    "all_maintained": ("(?:均|全部|都)(?:获|被|予以|予)?维持", (("均", "全部", "都"), ("", "获", "被", "予以", "予"), ("维持",))),
    "all_closed": ("(?:均|全部|都)已?(?:审结|结案)", (("均", "全部", "都"), ("", "已"), ("审结", "结案"))),
    "carry_forward": ("结转(?:至|到)?下", (("结转",), ("", "至", "到"), ("下",))),
}


def _keywords(kind: str, pattern: str, results: dict[str, str]) -> tuple[str, ...]:
    words = _KEYWORDS.get(kind, ())
    if kind == "granted+partial":
        granted, partial = (w for w, k in results.items() if k in ("granted", "partial"))
        words = tuple(f"{granted}{c}{partial}" for c in ("和", "及", "与", "、", "以及"))
        assert f"{granted}(?:和|及|与|、|以及){partial}" in pattern, pattern
        return words
    if kind in _SPELLED:
        source, parts = _SPELLED[kind]
        words = tuple("".join(p) for p in itertools.product(*parts))
        assert source in pattern and all(re.fullmatch(source, w) for w in words), (kind, pattern)
        assert re.sub(r"[()?:|]", "", source) == "".join(w for part in parts for w in part), source
        return words
    if kind in results.values():
        words = tuple(w for w, k in results.items() if k == kind)
    assert words and all(w in pattern for w in words), (kind, pattern)
    return words


_PATTERNS: dict[str, list[tuple[str, re.Pattern[str], tuple[str, ...]]]] = {}
_WORDS: dict[str, tuple[re.Pattern[str], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]] = {}
_BY_WORD: dict[str, dict[str, tuple[int, ...]]] = {}  # the patterns (their places) each keyword lets run


def _word_finder(words: list[str]) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Which of `words` occur in a text, in one scan instead of one `in` per word: (pattern, inside, overlapping).

    The pattern finds the longest word at each place it tries, without overlaps. A word w that occurs is then
    (a) found, or a prefix of the word found where w starts, or inside a word found before it — all in
    inside[found] — or (b) runs past the end of a word found before it: then a proper end of that word begins
    w, and w is in overlapping[found], which is tested with `in`.
    """
    finder = re.compile(_trie(words))
    inside = {v: tuple(w for w in words if w in v) for v in words}
    overlapping = {v: tuple(w for w in words if w not in v and any(v.endswith(w[:k]) for k in range(1, len(w))))
                   for v in words}
    return finder, inside, overlapping


def _trie(words: Iterable[str]) -> str:
    """An alternation of `words` that matches what "|".join(words, longest first) matches, written as a tree of
    their common beginnings (结(?:转|案)): where a character begins several words, the engine tries one branch
    instead of each word in turn. At each branching, the longer words are tried before the word that ends there."""
    tree: dict[str, dict] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def write(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + write(child) for ch, child in node.items() if ch]
        if "" in node:
            branches.append("")  # the word ending here, after every longer one
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return write(tree)


def _words_in(text: str, words: tuple[re.Pattern[str], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]) -> set[str]:
    """The words of _word_finder(…) that occur in `text`."""
    finder, inside, overlapping = words
    present: set[str] = set()
    for found in set(finder.findall(text)):
        present.update(inside[found])
        present.update(w for w in overlapping[found] if w in text)
    return present


_COLUMN_PATTERNS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _column_patterns(fmt: Format) -> list[tuple[str, re.Pattern[str]]]:
    """涉及自然人72件、商业企业3件: the applicant columns with a name of their own (not 其他, 总计)."""
    if fmt.version not in _COLUMN_PATTERNS:
        _COLUMN_PATTERNS[fmt.version] = [
            (c.code, re.compile(rf"{c.label}{_SHORT_GAP}{_NUM}{_UNIT}"))
            for c in fmt.table3.entered_columns
            if c.code != "other_org"
        ]
    return _COLUMN_PATTERNS[fmt.version]


def _value(kind: str, match: re.Match[str]) -> int | Decimal | None:
    if kind in ("all_granted", "all_maintained", "all_closed"):
        return None
    if kind == "none_of":
        return 0
    raw = match.group(1)
    if kind.startswith("processing_fee") or kind == "admin_fees":
        try:
            return Decimal(raw)
        except InvalidOperation:
            return None
    return parse_number(raw)


def _statement(kind: str, value: int | Decimal | None, snippet: str, column: str, sentence: str) -> Statement:
    """Statement(kind, value, snippet, column, sentence) without the frozen dataclass's __init__ (five
    object.__setattr__ calls, ~0.8 µs; this ~0.3, for each of a report's ~12 statements): the same fields in the
    same order, so the same equality, hash and repr (tests/test_rules_reference.py compares them)."""
    st = _new_object(Statement)
    st.__dict__.update(kind=kind, value=value, snippet=snippet, column=column, sentence=sentence)
    return st


_new_object = object.__new__


def stated_numbers(text: str, fmt: Format) -> tuple[Statement, ...]:
    """Every number the text states about the tables, sentence by sentence, in reading order."""
    return _stated_numbers(text, fmt.version)


# The patterns to run for each set of keywords found (cached: texts share their keywords; the sets are few).
_CANDIDATES: dict[str, dict[frozenset[str], tuple[list[tuple[str, re.Pattern[str], tuple[str, ...]]], frozenset[str],
                                                   tuple[str, ...]]]] = {}
# Patterns that start with the number, so the regex engine tries them at every character: run only over the
# sentences holding their keyword instead (see _finditer_around).
_NUMBER_FIRST: dict[str, set[re.Pattern[str]]] = {}


def _candidates(version: str, present: set[str] | frozenset[str]) -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    """The patterns one of the `present` keywords lets run, in priority order."""
    by_word, patterns = _BY_WORD[version], _PATTERNS[version]
    return [patterns[i] for i in sorted({i for w in present for i in by_word[w]})]


def _finditer_around(pattern: re.Pattern[str], text: str, words: tuple[str, ...]) -> Iterable[re.Match[str]]:
    """pattern.finditer(text), for a pattern whose every match holds one of `words` and no 。: the sentences (cut
    at 。) that hold one, each searched alone, in order. The same matches: the whole scan enters each sentence with
    no match pending (none spans a 。), sentences without the words hold none, and a search from `pos` still reads
    the text before it in a look-behind; `endpos` at the sentence's 。 hides only what no match can reach."""
    spans = set()
    for word in words:
        i = text.find(word)
        while i != -1:
            start = text.rfind("。", 0, i) + 1
            end = text.find("。", i)
            if end == -1:
                end = len(text)
            spans.add((start, end))
            i = text.find(word, end)
    for start, end in sorted(spans):
        yield from pattern.finditer(text, start, end)


@lru_cache(maxsize=512)
def _stated_numbers(text: str, version: str) -> tuple[Statement, ...]:
    # Cached: four rules read the same statements, and the live check re-reads unchanged prose.
    fmt = get_format(version)
    if fmt.version not in _PATTERNS:
        _PATTERNS[fmt.version] = _patterns(fmt)
        _WORDS[fmt.version] = _word_finder(sorted({w for _k, _p, words in _PATTERNS[fmt.version] for w in words}))
        _BY_WORD[fmt.version] = {w: tuple(i for i, (_k, _p, words) in enumerate(_PATTERNS[fmt.version]) if w in words)
                                 for w in _WORDS[fmt.version][1]}
        _CANDIDATES[fmt.version] = {}
        _NUMBER_FIRST[fmt.version] = {p for _k, p, _w in _PATTERNS[fmt.version] if p.pattern.startswith(_NUM)}
    # One pass of each pattern over the sentences joined by 。, which every pattern stops at (and reads as a
    # start or end of text in its look-arounds), so each match lies in one sentence, found as before; and only
    # the patterns whose keyword occurs in the text at all.
    joined = "。".join(_forms(text)[1])
    # Which keywords occur: _words_in(joined, …), with what depends only on the words the scan found looked up.
    finder, inside, overlapping = _WORDS[fmt.version]
    found = frozenset(finder.findall(joined))
    if not found:
        return ()
    memo = _CANDIDATES[fmt.version]
    if (entry := memo.get(found)) is None:
        if len(memo) >= 4096:
            memo.clear()
        present = frozenset(w for f in found for w in inside[f])
        maybe = tuple(sorted({w for f in found for w in overlapping[f]} - present))  # tested with `in` below
        entry = memo[found] = (_candidates(fmt.version, present), present, maybe)
    candidates, present, maybe = entry
    if maybe and (extra := {w for w in maybe if w in joined}):
        candidates = _candidates(fmt.version, present | extra)
    number_first = _NUMBER_FIRST[fmt.version]
    # Positions are the joined text's: matches in different sentences never overlap, and sorting by position
    # orders the statements by sentence, then by their start in it, as before.
    taken: list[tuple[int, int]] = []
    found_at: list[tuple[int, Statement]] = []
    sentence_of: dict[int, str] = {}
    for pattern_kind, pattern, words in candidates:
        last = -1
        for m in _finditer_around(pattern, joined, words) if pattern in number_first else pattern.finditer(joined):
            start, end = m.span()
            first = joined.rfind("。", 0, start) + 1  # where the match's sentence starts
            if first != last:  # each sentence starts with the pattern's own kind (admin_fees is renamed below)
                kind, last = pattern_kind, first
            if taken and any(start < e and s < end for s, e in taken):
                continue
            value = _value(kind, m)
            if value is None and kind not in ("all_granted", "all_maintained", "all_closed"):
                continue
            taken.append((start, end))
            if (sentence := sentence_of.get(first)) is None:
                stop = joined.find("。", end)
                sentence = sentence_of[first] = joined[first:stop if stop != -1 else len(joined)]
            if kind == "none_of":
                for word, code in (("行政复议", "review"), ("行政诉讼", "litigation")):
                    if word in m.group(0):
                        found_at.append((start, Statement(code, 0, m.group(0), sentence=sentence)))
                continue
            if kind == "admin_fees":
                kind = "admin_fees_10k" if m.group(2) == "万元" else "admin_fees_yuan"
            found_at.append((start, _statement(kind, value, m.group(0), "", sentence)))
    for start, st in list(found_at):
        if st.kind in ("new", "received"):
            # A breakdown by applicant follows the count it breaks down, in the same sentence.
            first = joined.rfind("。", 0, start) + 1
            rest = sentence_of[first][start - first + len(st.snippet):]
            for code, pattern in _column_patterns(fmt):
                m = pattern.search(rest)
                if m and (n := parse_number(m.group(1))) is not None:
                    found_at.append((start + 1, _statement(st.kind, n, m.group(0), code, st.sentence)))
    found_at.sort(key=lambda p: p[0])
    return tuple(st for _, st in found_at)


def scope_of(snippet_sentence: str) -> tuple[str, ...]:
    """The 表四 groups a phrase like 均获维持 speaks of, from the words of its sentence."""
    review, litigation = "复议" in snippet_sentence, "诉讼" in snippet_sentence
    if review and not litigation:
        return ("review",)
    if litigation and not review:
        return ("litigation_direct", "litigation_after_review")
    return ("review", "litigation_direct", "litigation_after_review")


# ---------------------------------------------------------------- the five aspects of §一 (N-S1-ASPECTS)

# The word that names each aspect in a sub-heading, in the format's order. 依申请公开 before 主动公开 is
# not needed (neither contains the other); 平台 covers 政府信息公开平台建设, 政务公开平台建设, 平台载体建设.
ASPECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("proactive", re.compile(r"主动公开")),
    ("on_request", re.compile(r"依申请公开")),
    ("management", re.compile(r"信息(?:资源)?管理")),
    ("platform", re.compile(r"平台")),
    ("oversight", re.compile(r"监督|保障")),
)
_CN_ORDINAL = "一二三四五六七八九"
# （一） / (一) / 一是 / 1. / 1、 / 1． at the start of a paragraph or after the end of a sentence.
_ASPECT_HEADING = re.compile(
    r"(?:^|(?<=[。；;！？!?\n]))[ \t\u3000]*"
    r"(?:(?P<paren>[（(][一二三四五六七八九][)）])|(?P<shi>[一二三四五六七八九]是)|(?P<dot>[1-9][.．、](?!\d)))"
    r"[ \t\u3000]*(?P<words>[^。：:，,；;！？!?\n（(]{2,24}?)(?P<end>[。：:，,；;！？!?]|\n|$)"
)
# What a heading that names no number must end with: 主动公开方面。 / 政府信息管理情况：
_PLAIN_HEADING = re.compile(
    r"(?:^|(?<=[。；;！？!?\n]))[ \t\u3000]*(?P<words>[^。：:，,；;！？!?\n]{2,16}?(?:方面|情况|工作))"
    r"(?P<end>[。：:，,；;]|\n|$)"
)


# What a heading needs, found quickly: the two patterns above are tried at every character (they start with a
# look-behind), these scan for their first character. A numbered heading starts, after a break and spaces (or at
# the start), with （ ( 一…九 or 1…9; a plain one ends with 方面/情况/工作 and its end mark.
_NUMBERED_START = re.compile(r"[。；;！？!?\n][ \t\u3000]*[（(一二三四五六七八九1-9]")
_NUMBER_MARKS = frozenset("（(一二三四五六七八九123456789")
_PLAIN_END = re.compile(r"(?:方面|情况|工作)(?:[。：:，,；;]|\n|$)")
# Both at once, and nearer: what either heading pattern reads from the break before it (or the start) up to its
# number, or up to its end word and end mark. Where neither is found, no heading is (the break a charset the
# engine jumps to); most texts have a break followed by a digit (。2023年) and some 方面/情况/工作 with a mark.
# A plain heading's words and end word (4–18 characters, none of them a stop) reach the first stop after the
# spaces, its end mark: so the run up to that stop is taken whole (possessive, no lengths tried one by one) and
# must end with the word; the spaces before it are still given back one by one, as the heading's words may
# start with some of them.
_HEADING_HEAD = (r"[ \t\u3000]*(?:[（(][一二三四五六七八九][)）]|[一二三四五六七八九]是|[1-9][.．、](?!\d)"
                 r"|[^。：:，,；;！？!?\n]{4,18}+(?<=方面|情况|工作)(?:[。：:，,；;]|\n|$))")
_HEADING_NEAR = re.compile(r"[。；;！？!?\n]" + _HEADING_HEAD)
_HEADING_AT_START = re.compile(_HEADING_HEAD)


_HEADING_ONLY = re.compile(
    r"(?:政府|政务|信息|公开|的|工作|载体|建设|方面|情况|和|及|与|、|主动|依申请|管理|资源|平台|监督|保障|检查)+")


@dataclass(frozen=True)
class AspectHeading:
    """A sub-heading of §一 found in running text: the aspects it names and where its text starts."""

    start: int  # where the heading starts
    body: int  # where the text after it starts
    codes: tuple[str, ...]  # the aspects it names, in the order named
    style: str = "paren"  # how it is numbered: paren （一）, shi 一是, dot 1., plain (no number)


def _aspects_named(words: str) -> tuple[str, ...]:
    found = sorted((m.start(), code) for code, pattern in ASPECTS if (m := pattern.search(words)))
    return tuple(code for _, code in found)


def aspect_headings(text: str) -> list[AspectHeading]:
    """The sub-headings of §一 in `text`, however real reports write them.

    As a paragraph of its own or at the start of one (「（二）依申请公开方面。规范做好…」), with or without
    方面/情况/工作, numbered （一）, 一是 or 1. A numbered heading names an aspect in its first words; 一是/1.
    are also the customary way to list points inside an aspect, so those count only when the number is the
    aspect's place in the format (二是依申请公开…, not 一是推进平台建设 under 主动公开).
    """
    if not (_HEADING_NEAR.search(text) or _HEADING_AT_START.match(text)):
        return []
    order = [code for code, _ in ASPECTS]
    out: list[AspectHeading] = []
    taken: set[int] = set()
    numbered = _NUMBERED_START.search(text) or text.lstrip(" \t\u3000")[:1] in _NUMBER_MARKS
    for m in _ASPECT_HEADING.finditer(text) if numbered else ():
        codes = _aspects_named(m.group("words"))
        if not codes:
            continue
        if not m.group("paren"):
            mark = m.group("shi") or m.group("dot")
            number = _CN_ORDINAL.index(mark[0]) + 1 if mark[0] in _CN_ORDINAL else int(mark[0])
            if order.index(codes[0]) + 1 != number:
                continue
        # A heading that is only a name (主动公开方面) is dropped; one that says something (一是加强信息管理) stays.
        body = m.end() if _HEADING_ONLY.fullmatch(m.group("words")) else m.start("words")
        style = next(g for g in ("paren", "shi", "dot") if m.group(g))
        out.append(AspectHeading(m.start("words") - _prefix_len(m), body, codes, style))
        taken.add(m.start("words"))
    for m in _PLAIN_HEADING.finditer(text) if _PLAIN_END.search(text) else ():
        codes = _aspects_named(m.group("words"))
        if codes and not any(abs(m.start("words") - t) <= 4 for t in taken) and len(m.group("words")) <= 14:
            out.append(AspectHeading(m.start("words"), m.end(), codes, "plain"))
    return sorted(out, key=lambda h: h.start)


def _prefix_len(m: re.Match[str]) -> int:
    return m.start("words") - m.start(next(g for g in ("paren", "shi", "dot") if m.group(g)))


def split_aspects(text: str, style: str | None = None) -> list[tuple[tuple[str, ...], str]]:
    """`text` cut at its §一 sub-headings: (aspects named, text after the heading); () for the text before any.

    With `style`, only headings numbered that way: once a document's aspects are （一）…, a 1. inside one of
    them is a point of that aspect.
    """
    pieces: list[tuple[tuple[str, ...], str]] = []
    position, codes = 0, ()
    headings = aspect_headings(text)
    style = style or (headings[0].style if headings else None)
    for h in headings:
        if h.start < position or h.style != style:
            continue
        before = text[position:h.start].strip()
        if before or codes:
            pieces.append((codes, before))
        position, codes = h.body, h.codes
    rest = text[position:].strip()
    if rest or codes:
        pieces.append((codes, rest))
    return pieces


# ---------------------------------------------------------------- repetition (N-S5, N-SIMILAR): reports.repetition

from .repetition import REPEAT_RUN, repeated_share, repeated_shares  # noqa: E402  (re-exported)


__all__ = [
    "ASPECTS",
    "AspectHeading",
    "REPEAT_RUN",
    "Statement",
    "aspect_headings",
    "non_blank_len",
    "overview_length",
    "normalize",
    "parse_number",
    "repeated_share",
    "repeated_shares",
    "result_words",
    "scope_of",
    "sentences",
    "split_aspects",
    "stated_numbers",
]
