"""The prose side of an imported document: title, 前言, §一's five parts, §五, §六 and the 落款."""

from __future__ import annotations

import datetime
import re
import unicodedata

from ..catalogue import Format, report_title
from .labels import normalise
from .result import ImportResult, prose_name

_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_CN_DATE = re.compile(r"^([〇○零Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")
# A date left for the signer to fill in: 「　　年　　月　　日」, 「____年__月__日」, 「2024年　月　日」.
_BLANK_DATE = re.compile(r"^(?:\d{4}|[\s_×xX○〇]*)\s*年[\s_×xX○〇]*月[\s_×xX○〇]*日$")


# What may stand before the organisation's name on a title line copied from a web page: a field name
# (「标题:」), a breadcrumb (「当前位置： 首页政务公开…年报 」), each ended by a colon, a space or an arrow;
# a crawler's folder name (「80613_」) by an underscore.
_BEFORE_ORG = re.compile(r"[\s:：>＞›»|｜/\\_]+")


def _org_before(line: str, year: str, suffix: str) -> str:
    """The organisation named just before 「YYYY年(度)政府信息公开工作年度报告」 on a title line: the text
    after the last space, colon or arrow, so a field name or a breadcrumb before it is not taken for it."""
    text = unicodedata.normalize("NFKC", line)
    tail = "".join(re.escape(ch) + r"\s*" for ch in suffix.removeprefix("年"))
    m = re.search(re.escape(year) + r"\s*年\s*度?\s*" + tail, text)
    if not m:
        return ""
    pieces = [p for p in _BEFORE_ORG.split(text[: m.start()]) if p]
    return normalise(pieces[-1]) if pieces else ""


class ProseMixin:
    """Turns the paragraphs the interpreter collected per section into ReportValues.prose."""

    result: ImportResult
    fmt: Format
    last_prose: str | None
    prose: dict[str, list[str]]
    prose_where: dict[str, list[str]]

    def _prose_fields(self) -> None:
        r = self.result
        prose = {k: list(v) for k, v in self.prose.items()}
        self._title(prose.pop("before", []))
        intro = prose.pop("overview_intro", [])
        if intro:
            first = f"overview_{self.fmt.overview_parts[0].code}"
            has_parts = any(f"overview_{p.code}" in prose for p in self.fmt.overview_parts)
            prose[first] = intro + prose.get(first, [])
            heading = self.fmt.overview_parts[0].heading
            r.note("prose", (f"“一、总体情况”开头的综述段落没有单独的位置，已放在“{heading}”的开头，请核对。"
                             if has_parts else
                             f"“一、总体情况”中没有找到五个小标题，全文已放在“{heading}”中，请按小标题拆分。"),
                   *self.prose_where["overview_intro"][:1], severity="warning")
        self._signature(prose)
        for key, paragraphs in prose.items():
            text = "\n".join(p for p in paragraphs if p.strip()).strip()
            if text:
                r.values.prose[key] = text
                r.prose_found.append(key)
        # Slips in the prose are the rules' N-TYPO, which the preview shows with the other findings.
        if r.prose_found:
            r.note("prose", f"读到文字部分：{'、'.join(prose_name(self.fmt, k) for k in r.prose_found)}。")

    def _title(self, before: list[str]) -> None:
        """The title lines (organisation, 「YYYY年政府信息公开工作年度报告」) and the 前言 after them."""
        r = self.result
        suffix = normalise(report_title("", 2000)).removeprefix("2000")
        lines = [ln.strip() for p in before for ln in p.split("\n") if ln.strip()]
        used = 0
        for i, ln in enumerate(lines[:6]):
            # 「2021年度政府信息公开工作年度报告」 is as common in real titles as the template's 「2021年…」.
            m = re.search(r"(\d{4})年度?" + re.escape(suffix.removeprefix("年")), normalise(ln))
            if not m:
                continue
            r.year, used = int(m.group(1)), i + 1
            org = _org_before(ln, m.group(1), suffix) or normalise(ln)[: m.start()]
            if not org and i > 0 and len(lines[i - 1]) <= 40 and not re.search(r"[。，；]", lines[i - 1]):
                org = lines[i - 1]
            r.org_name = org
            r.title = report_title(org, r.year) if org else ln
            break
        consumed, preface = 0, []
        for p in before:
            sub = [ln for ln in p.split("\n") if ln.strip()]
            if consumed + len(sub) <= used:
                consumed += len(sub)
                continue
            preface.append(p)
        text = "\n".join(p.strip() for p in preface).strip()
        if text:
            r.values.prose["preface"] = text
            r.prose_found.append("preface")

    def _signature(self, prose: dict[str, list[str]]) -> None:
        """The 落款 that closes the document: the organisation, then the date on a line of its own.

        It follows the last section's text, so it is taken off the end of that text. The date may be
        written out (2024年1月20日, 二〇二四年一月二十日) or left blank (「　　年　　月　　日」) in a draft.
        """
        key = self.last_prose
        paragraphs = prose.get(key) if key else None
        if not paragraphs:
            return
        lines = [ln.strip() for p in paragraphs for ln in p.split("\n") if ln.strip()]
        org = self.result.org_name
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            found = signature_date(lines[i])
            if found is None:
                continue
            after = lines[i + 1:]
            if after and not all(_AFTER_SIGNATURE.match(ln) for ln in after):
                return  # text goes on after this date: it is part of the prose
            self.result.signature_date = found[0]
            drop = len(lines) - i
            if i > 0 and _is_signature_name(lines[i - 1]):
                self.result.signature_name = lines[i - 1]
                drop += 1
            self._drop_tail(paragraphs, drop)
            return
        if lines and org and normalise(lines[-1]) == normalise(org):
            self.result.signature_name = lines[-1]
            self._drop_tail(paragraphs, 1)

    @staticmethod
    def _drop_tail(paragraphs: list[str], drop: int) -> None:
        """Remove the last `drop` lines of the paragraphs."""
        while drop and paragraphs:
            sub = [ln for ln in paragraphs[-1].split("\n") if ln.strip()]
            take = min(drop, len(sub))
            drop -= take
            if sub[: len(sub) - take]:
                paragraphs[-1] = "\n".join(sub[: len(sub) - take])
            else:
                paragraphs.pop()


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0, "O": 0}
# What follows a 落款 on the page and is not prose: a correction note of a corrected publication.
_AFTER_SIGNATURE = re.compile(r"^[（(]?更正说明")


def _cn_number(text: str) -> int | None:
    """二〇二四 → 2024 (digit by digit), 十二 → 12, 二十 → 20, 二十一 → 21."""
    if not text:
        return None
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    m = re.fullmatch(r"([一二三]?)十([一二三四五六七八九]?)", text)
    if m:
        return (_CN_DIGITS[m.group(1)] if m.group(1) else 1) * 10 + (_CN_DIGITS[m.group(2)] if m.group(2) else 0)
    return None


def signature_date(line: str) -> tuple[datetime.date | None, bool] | None:
    """(date, blank) when the line is a 成文日期 alone; None when it is anything else."""
    t = unicodedata.normalize("NFKC", line).strip()
    m = _DATE.match(t)
    if m:
        try:
            return datetime.date(*(int(g) for g in m.groups())), False
        except ValueError:
            return None
    m = _CN_DATE.match(re.sub(r"\s+", "", t))
    if m:
        parts = [_cn_number(g) for g in m.groups()]
        if None not in parts:
            try:
                return datetime.date(*parts), False  # type: ignore[arg-type]
            except ValueError:
                return None
    if _BLANK_DATE.match(t):
        return None, True
    return None


def _is_signature_name(line: str) -> bool:
    """An organisation's name as signed: short, and no sentence punctuation."""
    return 2 <= len(line) <= 40 and not re.search(r"[。，；：！？,;:!?]", line) and signature_date(line) is None


def after_heading(text: str, heading: str) -> str | None:
    """The rest of `text` when it starts with `heading` or a usual wording of it, then 。/：, else None.

    Reports often write the §一 sub-headings out: 「（一）主动公开情况。」, 「（五）政府信息公开监督保障情况。」.
    """
    for variant in _heading_variants(heading):
        rest = _after(text, variant)
        if rest is not None:
            return rest
    return None


def _heading_variants(heading: str) -> list[str]:
    m = re.match(r"^(（[一二三四五六七八九十]+）)(.*)$", heading)
    bodies = [heading[len(m.group(1)):]] if m else []
    if m and not bodies[0].startswith("政府信息"):
        bodies.append("政府信息公开" + bodies[0])
    out = [heading]
    for body in bodies:
        out += [m.group(1) + body + suffix for suffix in ("", "情况", "工作", "工作情况") if m.group(1) + body + suffix != heading]
    return out


def _after(text: str, heading: str) -> str | None:
    target = normalise(heading)
    acc = ""
    for i, ch in enumerate(text):
        acc = normalise(text[: i + 1]) if not ch.isspace() else acc
        if acc == target:
            rest = text[i + 1:]
            if rest and rest.lstrip()[:1] in ("。", "：", ":", "．", ".", "，"):
                return rest
            return None
        if len(acc) > len(target) + 2:
            return None
    return None
