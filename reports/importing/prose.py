"""The prose side of an imported document: title, 前言, §一's five parts, §五, §六 and the 落款."""

from __future__ import annotations

import datetime
import re
import unicodedata

from ..catalogue import Format, report_title
from .labels import TYPOS, normalise
from .result import ImportResult, prose_name

_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")


class ProseMixin:
    """Turns the paragraphs the interpreter collected per section into ReportValues.prose."""

    result: ImportResult
    fmt: Format
    sep: str  # between paragraphs of one part: "\n" for text, Word, PDF; "\n\n" for HTML (<p> vs <br>)
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
            text = self.sep.join(p for p in paragraphs if p.strip()).strip()
            if text:
                r.values.prose[key] = text
                r.prose_found.append(key)
        for key in r.prose_found:
            for wrong, right in TYPOS:
                if wrong in r.values.prose[key]:
                    r.note("typo", f"{prose_name(self.fmt, key)}中有疑似错字“{wrong}”（应为“{right}”），导入后请在文字中改正",
                           *self.prose_where.get(key, [])[:1], severity="warning")
        if r.prose_found:
            r.note("prose", f"读到文字部分：{'、'.join(prose_name(self.fmt, k) for k in r.prose_found)}。")

    def _title(self, before: list[str]) -> None:
        """The title lines (organisation, 「YYYY年政府信息公开工作年度报告」) and the 前言 after them."""
        r = self.result
        suffix = normalise(report_title("", 2000)).removeprefix("2000")
        lines = [ln.strip() for p in before for ln in p.split("\n") if ln.strip()]
        used = 0
        for i, ln in enumerate(lines[:6]):
            m = re.search(r"(\d{4})" + re.escape(suffix), normalise(ln))
            if not m:
                continue
            r.year, used = int(m.group(1)), i + 1
            org = normalise(ln)[: m.start()]
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
        text = self.sep.join(p.strip() for p in preface).strip()
        if text:
            r.values.prose["preface"] = text
            r.prose_found.append("preface")

    def _signature(self, prose: dict[str, list[str]]) -> None:
        """A closing 落款 (organisation, then a date on its own line) at the end of §六 is not §六's text."""
        paragraphs = prose.get("other_matters")
        if not paragraphs:
            return
        tail = [ln.strip() for p in paragraphs for ln in p.split("\n") if ln.strip()][-2:]
        date = _DATE.match(unicodedata.normalize("NFKC", tail[-1])) if tail else None
        org = self.result.org_name
        if not date and tail and org and normalise(tail[-1]) == normalise(org):
            self.result.signature_name = tail[-1]
            self._drop_tail(paragraphs, 1)
            return
        if not date:
            return
        try:
            self.result.signature_date = datetime.date(*(int(g) for g in date.groups()))
        except ValueError:
            return
        drop = 1
        if len(tail) == 2 and len(tail[0]) <= 40 and not re.search(r"[。，；：]", tail[0]):
            self.result.signature_name = tail[0]
            drop = 2
        self._drop_tail(paragraphs, drop)

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


def after_heading(text: str, heading: str) -> str | None:
    """The rest of `text` when it starts with `heading` (compared normalised) followed by 。/：, else None."""
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
