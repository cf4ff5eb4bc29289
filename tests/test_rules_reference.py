"""The faster text functions of reports/narrative.py give exactly what the ones they replaced gave.

The reference functions below are the code before issue 15 made it faster, copied as it was (the patterns
themselves are narrative's, unchanged). Compared on seeded random texts built from the words the patterns
read, digits in every form, spaces, thousands commas and every sentence break, and on the real documents.
"""

from __future__ import annotations

import itertools
import random
import re

import pytest

from reports import narrative, repetition
from reports.catalogue import get_format

from .conftest import EXAMPLES, SEEDS, SHARED, needs_shared
from .test_rules_regression import PHRASES, cases

# The cases include the real documents of ../shared, as the regression test's do.
pytestmark = [needs_shared(EXAMPLES), needs_shared(SHARED / "corpus"), needs_shared(SEEDS)]


REFERENCE_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # as it was written before narrative's


def reference_normalize(text: str) -> str:
    if narrative._FULLWIDTH.search(text):
        text = text.translate(narrative._FULLWIDTH_DIGITS)
    return REFERENCE_THOUSANDS.sub("", narrative._SPACES.sub("", text))


def reference_sentences(text: str) -> list[str]:
    return [s for s in (reference_normalize(p) for p in re.split(r"[。；;！？!?\n]", text)) if s]


def reference_for_comparison(text: str) -> str:
    return re.sub(r"\d+", "#", repetition._NOT_TEXT.sub("", reference_normalize(text)))


def reference_stated_numbers(text: str, version: str) -> tuple[narrative.Statement, ...]:
    fmt = get_format(version)
    out: list[narrative.Statement] = []
    for sentence in reference_sentences(text):
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, narrative.Statement]] = []
        for kind, pattern, _words in narrative._patterns(fmt):
            for m in pattern.finditer(sentence):
                if any(m.start() < end and start < m.end() for start, end in taken):
                    continue
                value = narrative._value(kind, m)
                if value is None and kind not in ("all_granted", "all_maintained", "all_closed"):
                    continue
                taken.append((m.start(), m.end()))
                if kind == "none_of":
                    for word, code in (("行政复议", "review"), ("行政诉讼", "litigation")):
                        if word in m.group(0):
                            found.append((m.start(), narrative.Statement(code, 0, m.group(0), sentence=sentence)))
                    continue
                if kind == "admin_fees":
                    kind = "admin_fees_10k" if m.group(2) == "万元" else "admin_fees_yuan"
                found.append((m.start(), narrative.Statement(kind, value, m.group(0), sentence=sentence)))
        for start, st in list(found):
            if st.kind in ("new", "received"):
                # A breakdown by applicant follows the count it breaks down, in the same sentence.
                rest = sentence[start + len(st.snippet):]
                for code, pattern in narrative._column_patterns(fmt):
                    m = pattern.search(rest)
                    if m and (n := narrative.parse_number(m.group(1))) is not None:
                        found.append((start + 1, narrative.Statement(st.kind, n, m.group(0), code, sentence)))
        out += [st for _, st in sorted(found, key=lambda p: p[0])]
    return tuple(out)



def reference_repeated_share(current: str, previous: str, run: int = narrative.REPEAT_RUN) -> float:
    cur, prev = reference_for_comparison(current), reference_for_comparison(previous)
    if len(cur) < run or len(prev) < run:
        return 0.0
    grams = {prev[i:i + run] for i in range(len(prev) - run + 1)}
    covered = bytearray(len(cur))
    for i in range(len(cur) - run + 1):
        if cur[i:i + run] in grams:
            covered[i:i + run] = b"\x01" * run
    return sum(covered) / len(cur)



PIECES = ("新收", "申请", "收到", "受理", "结转", "下一年度", "上年", "办结", "已答复", "予以公开", "部分公开", "和",
          "不予公开", "无法提供", "不予处理", "其他处理", "均", "全部", "复议", "行政", "诉讼", "后", "经", "维持", "审结",
          "结案", "规章", "规范性文件", "制发", "废止", "现行有效", "本年", "信息处理费", "收取", "行政事业性收费", "万元",
          "元", "件", "条", "个", "份", "起", "宗", "例", "近", "约", "未发生", "没有", "无", "自然人", "商业企业", "涉及",
          "3", "12", "0", "1,200", "3,119", "１２", "０", "．", "2.5", "十四", "一百零五", "两", "二〇二三", "年",
          " ", "\u3000", "\u00a0", "\t", "，", ",", "、", "。", "；", ";", "！", "？", "!", "?", "\n", "\r", "（", "）",
          "政府信息公开工作", "的", "了", "共", "其中", "#", "٣")


def random_texts(n: int, seed: str) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(PIECES) if rng.random() < 0.85 else rng.choice(PHRASES).format(n=rng.randint(0, 99),
                 x=rng.choice(["0", "1.5", "300"]), y=rng.choice([2022, 2023])) for _ in range(rng.randint(0, 60))]
        out.append("".join(parts))
    return out


def real_texts() -> list[str]:
    return [t for _, values, _ in cases()[:40] for t in values.prose.values() if t]


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_stated_numbers_are_the_references(version):
    for text in random_texts(1500, f"stated-{version}") + real_texts():
        got = narrative._stated_numbers.__wrapped__(text, version)
        assert got == reference_stated_numbers(text, version), text


def old_patterns() -> dict[str, str]:
    """The patterns narrative rewrote for speed, as they were written before."""
    gap, short, num, unit, cases = narrative._GAP, narrative._SHORT_GAP, narrative._NUM, narrative._UNIT, narrative._CASES
    return {
        "received": rf"(?<!新)(?:收到|受理|接收){gap}申请{gap}{num}{unit}",
        "review": rf"(?<!经)(?:行政)?复议(?!后|机关|决定|直接){short}{num}{cases}",
        "litigation": rf"(?:行政)?诉讼{short}{num}{cases}",
    }


def test_the_patterns_written_for_speed_match_as_before():
    new = {kind: pattern for kind, pattern, _words in narrative._patterns(get_format("2021"))}
    rng = random.Random("rewritten")
    pieces = PIECES + ("经", "新", "行政复议", "复议后", "复议机关", "直接", "经行政", "受理", "接收", "收到", "行政诉讼")
    texts = random_texts(1500, "rewritten") + real_texts()
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(6000)]
    for kind, old in old_patterns().items():
        old = re.compile(old)
        assert new[kind].pattern != old.pattern
        for text in texts:
            for sentence in ["。".join(narrative.sentences(text)), text]:
                got = [(m.span(), m.groups()) for m in new[kind].finditer(sentence)]
                assert got == [(m.span(), m.groups()) for m in old.finditer(sentence)], (kind, sentence)


def test_two_fees_in_one_sentence_read_as_before():
    """The old loop renamed admin_fees to its unit on the first match of a sentence; later ones keep that name."""
    text = "行政事业性收费3万元，另行政事业性收费5元和行政事业性收费2.5万元。行政事业性收费7元"
    got = narrative._stated_numbers.__wrapped__(text, "2021")
    assert got == reference_stated_numbers(text, "2021")
    assert [s.kind for s in got] == ["admin_fees_10k", "admin_fees_10k", "admin_fees_yuan"]


def reference_statements(values):
    """rules.text._statements as it was: a generator over the fields, each field's statements looked up."""
    from reports.values import PROSE_FIELDS

    for field in PROSE_FIELDS:
        if values.prose[field]:
            for st in narrative.stated_numbers(values.prose[field], values.format):
                yield field, st


def test_the_stated_numbers_of_a_report_and_its_counts_are_as_before():
    """_statements (one look-up of the whole prose) and overview_length (the normalized length) against the old
    code; _accepted (the values N-NUMS compares) against _expected, which names the cells: on every regression
    case, as is and with random blanks, for every quantity and applicant column."""
    from reports.rules import checked_values
    from reports.rules import text as text_rules

    rng = random.Random("accepted")
    kinds = ("new", "received", "carried_over", "carry_forward", "closed", "granted+partial", "granted", "partial",
             "denied", "unable", "not_processed", "other", "processing_fee_yuan", "review", "admin_fees_yuan")
    compared = 0
    for _name, values, _context in cases():
        assert list(text_rules._statements(values)) == list(reference_statements(values))
        # Commas (thousands and not), full-width digits and every kind of space, in the §一 fields.
        variant = values.copy()
        for part in variant.format.overview_parts:
            variant.prose[f"overview_{part.code}"] += rng.choice(["", "1,200 件", "3,1 ", "１２\u3000", "\n\t,"])
        for v in (values, variant):
            parts = v.format.overview_parts
            assert narrative.overview_length(v) == sum(
                narrative.non_blank_len(v.prose[f"overview_{p.code}"]) for p in parts)
        columns = ["", *(c.code for c in values.format.table3.entered_columns)]
        for blanks in range(2):
            if blanks:  # some blanks and odd numbers, so that sums of blanks are compared
                values = values.copy()
                values.processing_fee_yuan = rng.choice([None, values.processing_fee_yuan])
                for cells in values.table3.values():
                    for col in cells:
                        cells[col] = rng.choice([None, 0, 1, rng.randrange(10**6), cells[col]])
            for view in (values, checked_values(values)):
                for kind in kinds:
                    if kind in ("denied", "unable", "not_processed", "other") and kind not in narrative.result_words(
                            view.format).values():
                        continue
                    for column in columns:
                        st = narrative.Statement(kind, 0, "", column)
                        reference = reference_accepted(view, kind, column or "total")
                        expected = text_rules._expected(view, st)
                        got = text_rules._accepted(view, kind, column or "total")
                        assert got == reference, (kind, column)
                        assert (None if expected is None else expected[0]) == reference, (kind, column)
                        assert expected is None or (expected[1] and expected[2]), (kind, column)  # cells, words
                        compared += expected is not None
    assert compared > 1000


def reference_accepted(values, kind: str, col: str):
    """The values _expected accepted before the fifth round (copied as it was): the reference for _accepted."""
    from reports.rules.text import _group_rows

    simple = {"new": "new", "carried_over": "carried_over", "carry_forward": "carry_forward", "closed": "total"}

    def total(rows):
        parts = [values.t3(r, "total") for r in rows]
        return None if any(p is None for p in parts) else sum(parts)

    if kind in simple:
        v = values.t3(simple[kind], col)
        return {v} if v is not None else None
    if kind == "received":
        new, carried = values.t3("new", col), values.t3("carried_over", col)
        return None if new is None or carried is None else {new, new + carried}
    if kind == "granted+partial":
        v = total(["granted", "partial"])
        return {v} if v is not None else None
    if kind in ("granted", "partial", "denied", "unable", "not_processed", "other"):
        v = total(_group_rows(values, kind)[1])
        return {v} if v is not None else None
    if kind == "processing_fee_yuan":
        v = values.processing_fee_yuan
        return {v} if v is not None else None
    return None


def test_statements_made_without_init_are_statements():
    """narrative._statement skips the frozen dataclass's __init__: the same object in every way that counts."""
    import dataclasses
    from decimal import Decimal

    for args in (("new", 3, "新收申请3件", "", "本年新收申请3件"), ("admin_fees_10k", Decimal("2.5"), "x", "natural", ""),
                 ("all_granted", None, "均予以公开", "", "s")):
        quick, made = narrative._statement(*args), narrative.Statement(*args)
        assert quick == made and hash(quick) == hash(made) and repr(quick) == repr(made)
        assert dataclasses.astuple(quick) == dataclasses.astuple(made) == args
        assert vars(quick) == vars(made) and list(vars(quick)) == list(vars(made))
        assert [f.name for f in dataclasses.fields(narrative.Statement)] == list(vars(quick))
        with pytest.raises(dataclasses.FrozenInstanceError):
            quick.kind = "other"


def test_the_slip_words_are_found_as_before():
    """_may_hold for 二0 (a pattern from 0 to 0) against the old loop over the 0s; the others with their gates."""
    from reports.rules import text as text_rules

    def reference(text: str) -> bool:
        i = text.find("0")
        while i != -1:
            if i and text[i - 1] in "一二三四五六七八九〇":
                return True
            i = text.find("0", i + 1)
        return False

    rng = random.Random("slips")
    pieces = ("0", "00", "二", "〇", "十", "2023", "年", "一", "九", "\n", "零", "O")
    texts = random_texts(500, "slips") + real_texts()
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    assert sum(reference(t) for t in texts) > 300
    for text in texts:
        assert text_rules._may_hold("二0", text) == reference(text), text
    # The other slips: a character of the word looked for first, then the word, as the word alone.
    words = list(text_rules._SLIP_WORDS.values()) + ["一0", "〇0", "本年度", "截", "行政法", "止", "法", "复议"]
    texts += ["".join(rng.choice(words + list(pieces)) for _ in range(rng.randint(0, 10))) for _ in range(3000)]
    held = 0
    for text in texts:
        for code, word in text_rules._SLIP_WORDS.items():
            if code != "二0":
                assert text_rules._may_hold(code, text) == (word in text), (code, text)
                held += word in text
    assert held > 3000


def test_a_number_first_pattern_run_around_its_word_finds_what_the_whole_scan_finds():
    """_finditer_around (the sentences holding the keyword, each searched alone) against finditer over the
    whole text, for every pattern and its keywords, on texts with its words, digits and breaks."""
    rng = random.Random("around")
    texts = ["。".join(narrative.sentences(t)) for t in random_texts(1500, "around") + real_texts()]
    pieces = ("结转", "下一年", "下年", "至", "到", "3件", "十二条", "近", "。", "。。", "个", "，", "7", "转", "结", "下")
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))) for _ in range(4000)]
    matched = 0
    for version in ("2021", "2019"):
        narrative._stated_numbers.__wrapped__("", version)
        assert narrative._NUMBER_FIRST[version]  # the carry_forward pattern that starts with the number
        for _kind, pattern, words in narrative._PATTERNS[version]:
            for text in texts:
                whole = [(m.span(), m.groups()) for m in pattern.finditer(text)]
                around = [(m.span(), m.groups()) for m in narrative._finditer_around(pattern, text, words)]
                assert around == whole, (pattern.pattern, text)
                matched += len(whole)
    assert matched > 1000


def test_keywords_that_run_into_each_other_choose_the_patterns_as_before():
    """The patterns chosen from the words found are cached; a word found only by `in` (办结转, 答复议) adds its
    patterns for that text alone. Patterns whose keywords are their first words find what they found before."""
    texts = ["本年办结转下年度3件", "已答复议5件", "办结案件2件，答复3件", "审结转至下一年度4件。已答复议1起",
             "办结转下年度3件", "予以公开和部分公开5件"]
    # Every spelling of the patterns whose keywords are their first words spelled out, in a sentence and alone.
    for _source, parts in narrative._SPELLED.values():
        for words in itertools.product(*parts):
            texts += ["".join(words), f"行政复议和诉讼案件{''.join(words)}，共3件", f"收到申请5件，{''.join(words)}",
                      f"3件{''.join(words)}一年度", f"{''.join(words)}年度3件"]
    texts += [f"予以公开{c}部分公开{n}件" for c in ("和", "及", "与", "、", "以及", "或") for n in ("5", "十二", "")]
    texts += [f"{w}政府信息公开申请{n}件" for w in ("收到", "受理", "接收", "新收到", "新受理", "申") for n in ("5", "两")]
    texts += [f"{w}{n}件" for w in ("办结", "已答复", "予以答复", "办理完毕", "答复", "未答复") for n in ("5", "两")]
    matched = 0
    for text in texts:
        for _ in range(2):  # the second time from the cache
            got = narrative._stated_numbers.__wrapped__(text, "2021")
            assert got == reference_stated_numbers(text, "2021"), text
            matched += len(got)
    assert matched > 100


def test_sentences_are_the_references():
    for text in random_texts(1500, "sentences") + real_texts():
        assert narrative.sentences(text) == reference_sentences(text), text
        assert narrative.normalize.__wrapped__(text) == reference_normalize(text), text


def test_repeated_share_is_the_reference():
    rng = random.Random("share")
    texts = random_texts(400, "share") + real_texts()
    for current in texts:
        previous = rng.choice(texts)
        if rng.random() < 0.5:  # a partial copy, cut anywhere, with its numbers changed
            a, b = sorted(rng.randrange(len(current) + 1) for _ in range(2))
            previous += current[a:b].replace("3", "4")
        for run in (8, 3):
            assert narrative.repeated_share(current, previous, run) == reference_repeated_share(current, previous, run)
        assert repetition._for_comparison(current) == reference_for_comparison(current)


@pytest.mark.parametrize("numpy_from", [0, 10**9], ids=["numpy", "strings"])
def test_both_ways_of_finding_repeated_runs_are_the_reference(monkeypatch, numpy_from):
    """Every text through the numpy runs (and every text through the string sets), whatever its length: runs of
    1–9 characters, characters beyond U+FFFF (the string path), lone surrogates, every kind of digit."""
    monkeypatch.setattr(repetition, "_NUMPY_FROM", numpy_from)
    rng = random.Random(f"runs-{numpy_from}")
    texts = random_texts(300, "runs") + real_texts()[:60]
    texts += ["", "1", "#", "a1", "١٢٣٤٥٦٧٨٩", "\U0001f600" * 9, "\ud800" * 9 + "政府信息公开工作年度", "ab" * 20]
    big = "".join(rng.choice("政府信息公开工作年度报告") for _ in range(40_000))  # two: past 16 bits of position
    assert narrative.repeated_share(big, big[::-1] + big[:5000]) == reference_repeated_share(big, big[::-1] + big[:5000])
    for current in texts:
        previous = rng.choice(texts)
        if rng.random() < 0.6:  # a partial copy, cut anywhere, numbers changed, sometimes an emoji in it
            a, b = sorted(rng.randrange(len(current) + 1) for _ in range(2))
            previous += current[a:b].replace("3", "4") + rng.choice(["", "\U0001f600", "\ud83d"])
        for run in (8, 5, 4, 3, 1, 9):
            assert narrative.repeated_share(current, previous, run) == reference_repeated_share(current, previous, run)
        found = repetition._codes(current)  # _for_comparison(current) as code units, after _PAD zero units
        if found is not None:
            codes = found[0][repetition._PAD:]
            assert codes.tobytes().decode("utf-16-le", "surrogatepass") == reference_for_comparison(current)


def random_fields(rng: random.Random, texts: list[str]) -> tuple[str, ...]:
    """Eight fields, some empty, many ending or starting with a number (so that one runs across a line end), some
    with a character beyond U+FFFF or a lone surrogate."""
    fields = []
    for _ in range(8):
        field = rng.choice(texts) if rng.random() < 0.8 else ""
        if rng.random() < 0.4:
            field = rng.choice(["12", "３", "٣", "1，", "2。 "]) + field
        if rng.random() < 0.4:
            field += rng.choice(["2023", "５", "7。", "8、\u3000", "#"])
        if rng.random() < 0.03:
            field += rng.choice(["\U0001f600", "\ud83d"])
        fields.append(field)
    return tuple(fields)


@pytest.mark.parametrize("numpy_from", [0, 10**9], ids=["numpy", "strings"])
def test_repeated_shares_are_the_whole_and_the_parts_references(monkeypatch, numpy_from):
    """repeated_shares numbers the runs of both wholes once and reads one field's share from them (N-SIMILAR and
    N-S5): the same as each compared on its own, whether or not a number runs across the line end into the part
    (then the part is compared on its own), with characters beyond U+FFFF, for runs of 1–9 characters."""
    monkeypatch.setattr(repetition, "_NUMPY_FROM", numpy_from)  # the fall-backs, both ways
    rng = random.Random(f"shares-{numpy_from}")
    texts = random_texts(300, "shares") + real_texts()[:60]
    merged = numbered = 0
    for _ in range(700):
        previous, current = random_fields(rng, texts), random_fields(rng, texts)
        if rng.random() < 0.5:  # last year's fields partly copied, numbers changed
            current = tuple(c if rng.random() < 0.5 else p.replace("3", "4") for c, p in zip(current, previous))
        part = rng.randrange(8)
        for run in (8, 5, 3, 1, 9) if rng.random() < 0.3 else (8,):
            got = narrative.repeated_shares(current, previous, part, run)
            assert got == (reference_repeated_share("\n".join(current), "\n".join(previous), run),
                           reference_repeated_share(current[part], previous[part], run)), (current, previous, part)
        for fields in (previous, current):  # how often a number runs into the part from the field before it
            before = reference_for_comparison("\n".join(fields[:part]))
            numbered += before.endswith("#")
            merged += before.endswith("#") and reference_for_comparison(fields[part]).startswith("#")
    assert merged > 20 and numbered > merged + 100  # both ways of reading the part are tried


def test_n_s5_and_n_similar_read_the_shares_of_their_own_texts():
    """The two rules share one comparison (rules.text._repetition): each share is the reference's on its own text."""
    from reports.rules.text import PROSE_FIELDS, _compare_prose, _repetition

    compared = 0
    for _name, values, context in cases():
        _compare_prose.cache_clear()
        got = _repetition(values, context)
        if got is None:
            continue
        compared += 1
        whole = ["\n".join(v.prose[f] for f in PROSE_FIELDS) for v in (values, context.previous)]
        assert got == (reference_repeated_share(*whole),
                       reference_repeated_share(values.prose["problems"], context.previous.prose["problems"]))
    assert compared > 100


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_the_keywords_found_in_one_scan_are_those_in_the_text(version):
    narrative._stated_numbers.__wrapped__("", version)
    finder = narrative._WORDS[version]
    words = sorted(finder[1])
    rng = random.Random(f"words-{version}")
    texts = random_texts(500, f"words-{version}") + real_texts()
    # Words run together, cut anywhere: every overlap of one's end with another's start.
    texts += ["".join(rng.choice(words)[rng.randrange(2):] for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    texts += [a + b[k:] for a in words for b in words for k in range(len(b))]
    for text in texts:
        assert narrative._words_in(text, finder) == {w for w in words if w in text}, text


def test_the_spaces_patterns_remove_are_what_str_split_cuts_at():
    """normalize, sentences and non_blank_len use str.split() for the old space patterns: the same characters."""
    every = "".join(map(chr, range(0x110000)))
    assert {m.group() for m in re.finditer(r"\s", every)} == {c for c in every if c.isspace()}
    assert "".join(narrative._SPACES.findall(every)) == "".join(c for c in every if c.isspace())
    assert "".join(narrative._FULLWIDTH.findall(every)) == "".join(c for c in every if narrative._has_fullwidth(c))


def test_every_match_holds_the_word_its_pattern_is_skipped_without():
    """The quick `in` tests before the patterns: each pattern's every match contains its word."""
    from reports.rules import structure, text as text_rules

    guarded = [(p, words) for v in ("2021", "2019") for _k, p, words in narrative._patterns(get_format(v))]
    guarded += [(structure._TITLE_MENTION, (structure._TITLE_WORDS,)), (structure._PERIOD, ("统计",)),
                (structure._AS_OF, ("截至",))]
    texts = [narrative.normalize(t) for t in random_texts(1500, "guards") + real_texts()]
    texts += ["本报告统计期限自2022年1月1日起至2022年12月31日止", "截至2022年12月31日", "二0二三年", "六五余条", "(二)"]
    matched = 0
    for pattern, words in guarded:
        for t in texts:
            for m in pattern.finditer(t):
                matched += 1
                assert any(w in m.group(0) for w in words), (pattern.pattern, m.group(0))
    for code, pattern, _right, _why in text_rules.KNOWN_SLIPS:
        for t in texts:
            for m in pattern.finditer(t):
                matched += 1
                assert text_rules._may_hold(code, m.group(0)), (code, m.group(0))
    assert matched > 1000


def test_non_blank_len_is_the_reference():
    for text in random_texts(1500, "blank") + real_texts():
        assert narrative.non_blank_len(text) == len(narrative._SPACES.sub("", text))


HEADING_PIECES = ("（一）", "（二）", "(三)", "（五）", "一是", "二是", "五是", "1.", "2．", "3、", "4.5", "主动公开", "依申请公开",
                  "信息管理", "信息资源管理", "平台", "监督", "保障", "方面", "情况", "工作", "政府", "的", "加强", "。", "；",
                  "!", "？", "\n", " ", "\t", "\u3000", "：", "，", "（", "）", "是", "一", "9")


def test_aspect_headings_found_with_the_quick_tests_are_those_found_without(monkeypatch):
    """aspect_headings() runs its two patterns only when a quick scan finds what a heading needs: the same
    headings as running them always (the quick scans replaced by ones that always match)."""
    rng = random.Random("headings")
    texts = ["".join(rng.choice(HEADING_PIECES) for _ in range(rng.randint(0, 40))) for _ in range(6000)]
    texts += real_texts()
    quick = [narrative.aspect_headings(t) for t in texts]
    monkeypatch.setattr(narrative, "_NUMBERED_START", re.compile(""))
    monkeypatch.setattr(narrative, "_PLAIN_END", re.compile(""))
    monkeypatch.setattr(narrative, "_HEADING_NEAR", re.compile(""))
    assert sum(map(len, quick)) > 500  # headings of every style are among them
    for text, got in zip(texts, quick):
        assert got == narrative.aspect_headings(text), text


def test_the_heading_scan_keeps_every_plain_heading_of_every_length(monkeypatch):
    """The scan before aspect_headings takes a plain heading's run up to its end mark whole: headings of every
    length around the limits (2–16 words before 方面/情况/工作), after every break, with spaces before them and
    inside them, each end mark; the same headings with the scan as without it."""
    texts = []
    for n in range(0, 21):
        for lead in ("", " ", "  ", "\u3000 ", "\t"):
            for words in ("平台" + "建" * max(0, n - 2), " " * min(n, 3) + "监督" + "保" * max(0, n - 5)):
                for end in ("方面", "情况", "工作"):
                    for before in ("", "。", "\n", "；", "？", "，", "前文"):
                        for mark in ("。", "：", "，", "\n", "", "！", "；x"):
                            texts.append(f"{before}{lead}{words[:n]}{end}{mark}正文")
    quick = [narrative.aspect_headings(t) for t in texts]
    monkeypatch.setattr(narrative, "_NUMBERED_START", re.compile(""))
    monkeypatch.setattr(narrative, "_PLAIN_END", re.compile(""))
    monkeypatch.setattr(narrative, "_HEADING_NEAR", re.compile(""))
    assert sum(map(len, quick)) > 5000
    for text, got in zip(texts, quick):
        assert got == narrative.aspect_headings(text), text


def test_shorter_than_is_the_whole_count():
    from reports.rules.text import _shorter_than

    rng = random.Random("shorter")
    texts = random_texts(500, "shorter") + real_texts()
    texts += [" " * rng.randint(0, 500) + "字" * rng.randint(0, 150) + "\u3000" * rng.randint(0, 50) for _ in range(500)]
    for text in texts:
        for n in (1, 5, 99, 100, 101):
            assert _shorter_than((text,), n) == (narrative.non_blank_len(text) < n), (text, n)
    for _ in range(2000):  # several fields: the count of their join
        fields = tuple(rng.choice(texts)[:rng.randint(0, 450)] for _ in range(rng.randint(0, 8)))
        for n in (1, 99, 100, 101):
            assert _shorter_than(fields, n) == (narrative.non_blank_len("\n".join(fields)) < n), (fields, n)


def test_one_checks_memo_of_table3_gives_the_cells_and_findings_of_the_plain_values():
    """check() reads 表三 through a memo local to the call (rules.checked_values); every cell, entered or
    derived, and every rule's findings are those of the plain ReportValues, also with blanks and after a change."""
    from reports import rules

    rng = random.Random("memo")
    for _name, values, context in cases():
        for variant in range(2):
            if variant:  # some blanks and odd numbers, so that sums of blanks and partial rows are compared
                values = values.copy()
                for cells in values.table3.values():
                    for col in cells:
                        cells[col] = rng.choice([None, 0, 1, rng.randrange(10**6), cells[col]])
            view = rules.checked_values(values)
            fmt = values.format
            for row in fmt.table3.rows:
                for col in fmt.table3.columns:
                    assert view.t3(row.code, col.code) == values.t3(row.code, col.code)
                    assert view.t3(row.code, col.code) == values.t3(row.code, col.code)  # from the memo
            for fn in rules.RULES:
                if rules.applies(fn, values.format_version):
                    assert fn(rules.checked_values(values), context) == fn(values, context), fn.__name__
    fresh = rules.checked_values(values)
    assert rules.check(values, context) == rules.check(fresh, context)
