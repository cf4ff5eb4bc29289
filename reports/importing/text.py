"""Plain text copied out of Word or a PDF: paragraphs, and tables whose cells are separated by tabs."""

from __future__ import annotations

from ..catalogue import get_format
from .budget import check_text, lines_tally
from .runs import OpenRun, RunError, run_together_lines
from .result import Cell, Line, ReadError

ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (what Chinese Windows saves as 'ANSI')."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError("这个文本文件以 UTF-16 的标记开头，内容却不是 UTF-16 文字，可能已损坏。"
                            "请另存为 UTF-8 编码的文本文件后重试。") from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别这个文本文件的编码：请另存为 UTF-8 编码的文本文件后重试。")


def _unrun(raws: list[str]) -> list[tuple[int, str | OpenRun]]:
    """(line number, text): a line whose tables ran together (a web page copied) becomes the lines they were."""
    out = []
    for number, raw in enumerate(raws, start=1):
        try:
            expanded = run_together_lines(raw, get_format("2021")) if len(raw) > 200 else None
        except RunError as exc:
            raise ReadError(f"第{number}行：{exc}") from None
        out += [(number, ln) for ln in expanded] if expanded else [(number, raw)]
    return out


def text_lines(text: str) -> list[Line]:
    lines = []
    tally = lines_tally()
    for number, raw in _unrun(check_text(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if isinstance(raw, OpenRun):  # a 表二 row of run-together digits with several readings
            cells = [Cell(raw.label, f"第{number}行"), Cell(raw.digits, f"第{number}行")]
            lines.append(Line(cells, f"第{number}行", table=True, readings=raw.readings))
            tally.add()
            continue
        raw = raw.replace("\u3000", " ") if "\t" in raw else raw
        if "\t" in raw:
            cells = [Cell(part, f"第{number}行第{i}格") for i, part in enumerate(raw.split("\t"), start=1)]
            lines.append(Line(cells, f"第{number}行", table=True))
            tally.add()
        elif raw.strip():
            lines.append(Line([Cell(raw.strip(), f"第{number}行")], f"第{number}行"))
            tally.add()
    return lines
