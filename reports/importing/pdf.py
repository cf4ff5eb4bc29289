"""A PDF's text layer: lines rebuilt from where each piece of text is printed, and tables from those lines.

pypdf opens the file and checks each page's content against the import budgets (its decompression
limits). The pieces (every character with its box, and the table's ruling lines around it) come from
pdfplumber (`pdfchars.py`). Without pdfplumber they come from pypdf's layout-mode internals, and if a
later pypdf moves those, the reader falls back on pypdf's layout text.

From the pieces, the way a person reads the printed page:
- a line is the pieces on one baseline (within a fraction of the type size); a row's numbers join the
  label between the same two table rules, else the label at the page's usual offset from them;
  a cell is pieces with no wide gap between them;
- prose is joined into paragraphs until an indented, centred or right-aligned line, a line that stops
  short, a wider gap or another size of type;
- a table row is a line with numbers; the parts of its label that wrapped onto the lines above or below
  (or a label centred over several rows) are joined to the nearest row;
- every cell keeps the centre of where it is printed (Cell.x, in points), so the interpreter can put
  the numbers of a row with empty cells under the columns they are printed in.
Text drawn at an angle (a 草稿 watermark) is not part of the document. Scanned PDFs (images only) have
no text layer: say so.
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO

from . import pdfchars
from .budget import MB, BudgetError, limits
from .cells import looks_numeric
from .interpret import interpret
from .labels import fix_typos, labels_for, normalise
from .pdfchars import Piece, baselines
from .result import Cell, ImportResult, Line, ReadError

_PAGE_NUMBER = re.compile(r"^[\s\-—–－]*(第\s*)?\d{1,3}(\s*页)?([\s/／]*共?\s*\d{1,3}\s*页?)?[\s\-—–－]*$")
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$|^[/／—–-]$")
_LATIN = re.compile(r"[0-9A-Za-z%.,]")
# Labels that head a table or a block of it, or name a whole row: a line holding one stays a line of its
# own. Any other label-only line inside a table is part of a row's label that the layout wrapped.
_OWN_LINE_KINDS = ("section", "part", "t2_item", "t2_header", "t2_row", "t3_row", "t3_header", "t4_header")


@dataclass
class Box:
    """A cell of a rebuilt line: text and where it is printed; `parts` keep wrapped pieces in order."""

    text: str
    x0: float
    x1: float
    size: float
    parts: list[tuple[float, str]] = field(default_factory=list)  # (top, text) of label pieces joined

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def numeric(self) -> bool:
        return looks_numeric(self.text)


@dataclass
class Row:
    """A rebuilt line of one page."""

    boxes: list[Box]
    top: float
    size: float
    number: int = 0  # its line number on the page, for the preview
    prose: bool = False

    @property
    def x0(self) -> float:
        return self.boxes[0].x0

    @property
    def x1(self) -> float:
        return self.boxes[-1].x1

    @property
    def text(self) -> str:
        return _join([b.text for b in self.boxes])

    def has_numbers(self) -> bool:
        return any(b.numeric for b in self.boxes)


def read_pdf(filename: str, data: bytes) -> ImportResult:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    budget = limits()
    page_cap = int(budget.pdf_page_mb * MB)
    # pypdf's own decompression limits, at our budget for a page: no stream inflates beyond it.
    caps = dict(zlib_maximum_output_length=page_cap, lzw_maximum_output_length=page_cap,
                run_length_maximum_output_length=page_cap, array_based_stream_maximum_output_length=page_cap,
                stream_decoding_work_maximum_length=4 * page_cap)
    try:
        with apply_configuration(**caps):
            reader = PdfReader(BytesIO(data))
            if reader.is_encrypted:
                raise ReadError("这个 PDF 文件有密码保护，无法读取。请导出不加密的 PDF 后再导入。")
            pages = list(reader.pages[:budget.pdf_pages])
            content = ContentBudget(page_cap, int(budget.pdf_total_mb * MB))
            if pdfchars.available():
                for n, page in enumerate(pages, start=1):  # within the budgets before pdfminer reads them
                    if "/Contents" in page:
                        content.take(page["/Contents"].get_object(), n)
                pieces = pdfchars.pdf_pieces(data, len(pages))
            else:
                internals = layout_internals()
                pieces = ([page_pieces(page, internals, content, n) for n, page in enumerate(pages, start=1)]
                          if internals else None)
            texts = [page.extract_text(extraction_mode="layout") or "" for page in pages] if pieces is None else []
    except ReadError:
        raise
    except LimitReachedError as exc:
        raise BudgetError(f"PDF 中的一段内容解压后超过 {budget.pdf_page_mb:g} MB") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError) as exc:
        raise ReadError("无法读取这个 PDF 文件：它可能已损坏。") from exc
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise ReadError("无法读取这个 PDF 文件：文件内容已损坏。") from exc
    if pieces is None:
        if not "".join(texts).strip():
            raise ReadError(NO_TEXT)
        return interpret(pdf_lines(texts), kind="pdf", filename=filename)
    if not any(p.text.strip() for page in pieces for p in page):
        raise ReadError(NO_TEXT)
    return interpret(document_lines(pieces), kind="pdf", filename=filename)


NO_TEXT = ("这个 PDF 没有文字层（可能是扫描件或图片），无法读取其中的数字。"
           "请导入 Word 原文件，或用文字识别（OCR）软件转换后再导入。")


# ---------------------------------------------------------------- pieces of text where they are printed


def layout_internals():
    """pypdf's layout-mode machinery (module, state manager, operator walker), or None if a pypdf lacks it."""
    try:
        from pypdf import PageObject
        from pypdf._text_extraction._layout_mode import _fixed_width_page as layout
        from pypdf._text_extraction._layout_mode._text_state_manager import TextStateManager
    except ImportError:
        return None
    recurse = getattr(layout, "recurse_to_target_op", None) or getattr(layout, "recurs_to_target_op", None)
    if recurse is None or not hasattr(layout, "set_font_operation") or not hasattr(PageObject, "_layout_mode_fonts"):
        return None
    return layout, TextStateManager, recurse


class ContentBudget:
    """The decompressed content a PDF's pages may have: so much a page, so much in all."""

    def __init__(self, page: int, total: int):
        self.page, self.total, self.used = page, total, 0

    def take(self, contents, number: int) -> None:
        from pypdf.generic import ArrayObject

        parts = contents if isinstance(contents, ArrayObject) else [contents]
        size = 0
        for part in parts:  # each stream is decoded (and kept) by pypdf within its own limit first
            size += len(part.get_object().get_data())
            if size > self.page:
                raise BudgetError(f"PDF 第{number}页的内容解压后超过 {self.page / MB:g} MB")
        self.used += size
        if self.used > self.total:
            raise BudgetError(f"PDF 的内容解压后共超过 {self.total / MB:g} MB")


def page_pieces(page, internals, content: ContentBudget | None = None, number: int = 0) -> list[Piece]:
    """Every text-showing operation of a page with its position and width (pypdf's layout-mode state)."""
    from pypdf.generic import ContentStream

    layout, TextStateManager, recurse = internals
    if "/Contents" not in page:
        return []
    contents = page["/Contents"].get_object()
    if content is not None:
        content.take(contents, number)
    fonts = page._layout_mode_fonts()
    ops = iter(ContentStream(contents, page.pdf, "bytes").operations)
    state = TextStateManager()
    shown = []
    for operands, op in ops:
        if op in (b"BT", b"q"):
            _groups, found = recurse(ops, state, b"ET" if op == b"BT" else b"Q", fonts, False)
            shown.extend(found)
        elif op == b"Tf":
            layout.set_font_operation(state, fonts, operands)
        else:
            state.set_state_param(op, operands)
    pieces = []
    for tj in shown:
        a, b, c, d = tj.transform[:4]
        # Text at an angle is a watermark or a stamp, not the document's text.
        if tj.rotated or abs(b) > 0.02 * abs(a) or abs(c) > 0.02 * abs(d):
            continue
        text = "".join(ch for ch in tj.text if ch == " " or unicodedata.category(ch)[0] != "C")
        if not text.strip() or tj.font_height <= 0:
            continue
        x0, x1 = sorted((tj.tx, tj.displaced_tx))
        pieces.append(Piece(text, x0, x1, tj.ty if tj.flip_vertical else -tj.ty, tj.font_height))
    return pieces


# ---------------------------------------------------------------- lines and cells


def _join(parts: list[str]) -> str:
    """Text pieces as one: Chinese runs on without spaces, Latin words and numbers keep one between them."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and _LATIN.match(out[-1]) and _LATIN.match(part[0]):
            out += " "
        out += part
    return out


def page_rows(pieces: list[Piece]) -> list[Row]:
    """Pieces on one baseline as a line; pieces with no wide gap between them as one cell of it."""
    rows = [Row([Box(p.text, p.x0, p.x1, p.size) for p in group], min(p.top for p in group),
                max(p.size for p in group))
            for group in baselines(pieces)]
    for number, row in enumerate(rows, start=1):
        row.number = number
        row.boxes = _cells(sorted(row.boxes, key=lambda b: b.x0))
    return rows


def _cells(boxes: list[Box]) -> list[Box]:
    """A line's pieces (left to right) as its cells; several numbers set as one run become one cell each."""
    merged: list[Box] = []
    for box in boxes:
        last = merged[-1] if merged else None
        gap = box.x0 - last.x1 if last is not None else 0.0
        # A number set just after a label (a narrow table without borders) is a cell of its own.
        number_after_label = last is not None and gap > 0.1 * box.size and box.numeric and not last.numeric
        if last is not None and gap < 0.3 * max(box.size, last.size) and not number_after_label:
            # A word gap between Latin letters or digits is a space; Chinese runs on.
            spaced = gap > 0.2 * box.size and bool(
                _LATIN.match(last.text.rstrip()[-1:]) and _LATIN.match(box.text.lstrip()[:1]))
            text = last.text.rstrip() + " " + box.text.lstrip() if spaced else last.text + box.text
            merged[-1] = Box(text, last.x0, max(last.x1, box.x1), max(last.size, box.size))
        else:
            merged.append(Box(box.text, box.x0, box.x1, box.size))
    out: list[Box] = []
    for box in merged:
        box.text = re.sub(r"\s+", " ", box.text).strip()
        tokens = box.text.split(" ")
        if len(tokens) > 1 and all(_NUMBER.match(unicodedata.normalize("NFKC", t)) for t in tokens):
            # Several numbers in one run of text (a producer that sets a row as one line): share its width.
            width = (box.x1 - box.x0) / max(1, len(box.text))
            start = 0
            for token in tokens:
                i = box.text.index(token, start)
                out.append(Box(token, box.x0 + i * width, box.x0 + (i + len(token)) * width, box.size))
                start = i + len(token)
        elif box.text:
            out.append(box)
    return out


# ---------------------------------------------------------------- the document


def document_lines(pages: list[list[Piece]]) -> list[Line]:
    """The interpreter's lines: paragraphs of prose, and table rows with their wrapped labels joined."""
    rows_by_page = [[r for r in page_rows(pieces) if r.boxes and not _is_page_number(r)] for pieces in pages]
    body = _body_size([r for rows in rows_by_page for r in rows])
    # Type three times the body's is a stamp or a watermark set upright, not the document's text.
    rows_by_page = [[r for r in rows if r.size < 3 * body] for rows in rows_by_page]
    for rows in rows_by_page:
        for row in rows:
            row.prose = _is_prose(row, body)
            if row.prose and len(row.boxes) > 1:
                row.boxes = [Box(_join([b.text for b in row.boxes]), row.x0, row.x1, row.size)]
    margins = _margins(rows_by_page, body)
    pitch = _pitch(rows_by_page) or 1.5 * body
    out: list[Line] = []
    paragraph: list[Row] = []
    where = ""

    def flush() -> None:
        if paragraph:
            text = _join([r.text for r in paragraph])
            out.append(Line([Cell(text, where)], where))
            paragraph.clear()

    previous: Row | None = None  # the last line of the paragraph being read, which may be on the page before
    for p, rows in enumerate(rows_by_page, start=1):
        left, right = margins[p - 1]
        same_page = False
        for row in _table_rows(rows):
            here = f"第{p}页第{row.number}行"
            if not row.prose:
                flush()
                previous = None
                cells = [Cell(b.text, f"{here}第{i}格", x=round(b.centre, 1)) for i, b in enumerate(row.boxes, start=1)]
                out.append(Line(cells, here, table=True))
                continue
            starts = (
                previous is None
                or row.x0 > left + 0.6 * row.size  # indented first line, centred or right-aligned
                or previous.x1 < left + 0.6 * (right - left)  # the line before stopped well short: a paragraph end
                or abs(row.size - previous.size) > 0.15 * previous.size
                or (same_page and row.top - previous.top > 1.8 * pitch)
            )
            if starts:
                flush()
                where = here
            paragraph.append(row)
            previous, same_page = row, True
    flush()
    return out


def _is_prose(row: Row, body: float) -> bool:
    """A line of body text: body-sized type, no wide gap, and not a lone number."""
    if row.size < 0.85 * body:
        return False
    if len(row.boxes) == 1:
        return not row.boxes[0].numeric
    return all(b.x0 - a.x1 < 1.0 * row.size for a, b in itertools.pairwise(row.boxes))


def _is_page_number(row: Row) -> bool:
    return bool(_PAGE_NUMBER.match(row.text))


def _body_size(rows: list[Row]) -> float:
    """The size of the body text: the size most characters of single-cell lines are printed in."""
    weight: dict[float, int] = {}
    for row in rows:
        if len(row.boxes) == 1:
            size = round(row.size * 2) / 2
            weight[size] = weight.get(size, 0) + len(row.boxes[0].text)
    return max(weight, key=weight.get) if weight else 12.0


def _margins(rows_by_page: list[list[Row]], body: float) -> list[tuple[float, float]]:
    """Each page's left and right edge of the body text (the document's, on a page with too little text)."""
    found: list[tuple[float, float] | None] = []
    for rows in rows_by_page:
        prose = [r for r in rows if r.prose and abs(r.size - body) <= 0.15 * body]
        found.append((min(r.x0 for r in prose), max(r.x1 for r in prose)) if len(prose) >= 3 else None)
    known = [m for m in found if m is not None]
    default = (statistics.median(m[0] for m in known), statistics.median(m[1] for m in known)) if known else (0.0, 1e9)
    return [m if m is not None else default for m in found]


def _pitch(rows_by_page: list[list[Row]]) -> float | None:
    """The usual distance from one line of prose to the next."""
    steps = [b.top - a.top for rows in rows_by_page for a, b in itertools.pairwise(rows)
             if a.prose and b.prose and b.top > a.top]
    return statistics.median(steps) if steps else None


def _table_rows(rows: list[Row]) -> list[Row]:
    """A page's lines with the label-only lines inside each table joined to their nearest row of numbers."""
    out: list[Row] = []
    run: list[Row] = []
    for row in rows + [None]:  # type: ignore[list-item]
        if row is not None and not row.prose:
            run.append(row)
            continue
        out.extend(_join_wrapped_labels(run))
        run = []
        if row is not None:
            out.append(row)
    return out


def _join_wrapped_labels(run: list[Row]) -> list[Row]:
    """One table's lines on a page: header labels and vertical text stacked, wrapped row labels joined."""
    numbered = [r for r in run if r.has_numbers()]
    if not numbered:
        _stack(run, header=True)
        return [r for r in run if r.boxes]
    first = run.index(numbered[0])
    _stack(run[:first], header=True)
    _stack(run[first:], header=False)
    keep: list[Row] = []
    for i, row in enumerate(run):
        if not row.boxes:
            continue
        if i < first or row.has_numbers() or _own_line(row):
            keep.append(row)
            continue
        # A label centred over two lines has its number row between them; one over several rows, the
        # row it is nearest to. On a tie, the row above (a wrapped label goes on below its first line).
        target = min(numbered, key=lambda r: (abs(r.top - row.top), r.top > row.top))
        for box in row.boxes:
            _add_label(target, box, row.top)
    for row in numbered:
        for box in row.boxes:
            if box.parts:
                box.text = _join([t for _top, t in sorted(box.parts + [(row.top, box.text)], key=lambda p: p[0])])
                box.parts = []
    return keep


def _stack(rows: list[Row], *, header: bool) -> None:
    """Join label pieces printed one under the other in a cell: a wrapped header, or text set vertically.

    In the header, pieces centred (or starting) at the same place on consecutive lines are one label. Below
    it only single characters are, since row labels of consecutive rows also start at the same place.
    """
    cells = [(row, box) for row in rows for box in row.boxes if not box.numeric and not _full_label(box.text)]
    used: set[int] = set()
    for i, (row, box) in enumerate(cells):
        if id(box) in used or (not header and len(box.text) > 1):
            continue
        last_top, last = row.top, box
        for other_row, other in cells[i + 1:]:
            if id(other) in used or other_row is row:
                continue
            step = other_row.top - last_top
            if step <= 0:
                continue
            if step > 1.6 * max(box.size, other.size):
                break
            aligned = abs(other.centre - last.centre) <= 0.15 * box.size or (
                header and abs(other.x0 - last.x0) <= 0.15 * box.size)
            if aligned and (header or len(other.text) == 1):
                box.text = _join([box.text, other.text])
                box.x0, box.x1 = min(box.x0, other.x0), max(box.x1, other.x1)
                other_row.boxes.remove(other)
                used.add(id(other))
                last_top, last = other_row.top, other


def _own_line(row: Row) -> bool:
    """A line holding a whole label of the format: a heading, a header or a row of its own."""
    return any(_full_label(box.text) for box in row.boxes) or (len(row.boxes) > 1 and _full_label(row.text))


def _full_label(text: str) -> bool:
    m = labels_for().match(text, _OWN_LINE_KINDS, fuzzy=False)
    return m is not None and normalise(m.official) == fix_typos(normalise(text))[0]


def _add_label(row: Row, box: Box, top: float) -> None:
    """Put a piece of a wrapped label into the row: with the cell it lies over, or as a cell of its own."""
    for cell in row.boxes:
        if not cell.numeric and min(cell.x1, box.x1) - max(cell.x0, box.x0) > 0:
            cell.parts.append((top, box.text))
            cell.x0, cell.x1 = min(cell.x0, box.x0), max(cell.x1, box.x1)
            return
    cell = Box("", box.x0, box.x1, box.size, parts=[(top, box.text)])
    row.boxes.append(cell)
    row.boxes.sort(key=lambda b: b.x0)


# ---------------------------------------------------------------- pypdf's layout text, when its internals are gone


def pdf_lines(pages: list[str]) -> list[Line]:
    """Layout text: paragraph lines joined until a blank line; lines ending in numbers become table rows.

    Only the first cell of a line has a trustworthy column here (Cell.x in characters), so a row with
    empty cells is read with its numbers from the left and the preview says so.
    """
    out: list[Line] = []
    paragraph: list[str] = []
    where = ""

    def flush() -> None:
        if paragraph:
            out.append(Line([Cell("".join(paragraph), where)], where))
            paragraph.clear()

    for p, text in enumerate(pages, start=1):
        for n, raw in enumerate(text.split("\n"), start=1):
            line = raw.rstrip()
            if not line.strip():
                flush()
                continue
            if _PAGE_NUMBER.match(line):
                continue
            cells = _layout_cells(line)
            here = f"第{p}页第{n}行"
            # A row of numbers, or a header row (several labels separated by wide gaps), is a table line.
            if (len(cells) > 1 and any(_NUMBER.match(c) for c, _ in cells)) or len(cells) > 2:
                flush()
                out.append(Line([Cell(c, f"{here}第{i}格", x=x) for i, (c, x) in enumerate(cells, start=1)], here,
                                table=True))
            else:
                if not paragraph:
                    where = here
                paragraph.append(line.strip())
        flush()
    return out


def _layout_cells(line: str) -> list[tuple[str, int]]:
    """(text, column) cells: split on wide gaps, and trailing space-separated numbers into cells of their own."""
    parts = [(m.group(), m.start()) for m in re.finditer(r"\S+(?: \S+)*", line)]
    cells: list[tuple[str, int]] = []
    for part, start in parts:
        tokens = [(m.group(), start + m.start()) for m in re.finditer(r"\S+", part)]
        tail: list[tuple[str, int]] = []
        while tokens and _NUMBER.match(tokens[-1][0]):
            tail.insert(0, tokens.pop())
        if len(parts) == 1 and tokens and len(tail) < 2:  # 「发布信息 65」 in a sentence is prose
            tokens, tail = tokens + tail, []
        if tokens:
            cells.append((" ".join(t for t, _ in tokens), tokens[0][1]))
        cells.extend(tail)
    return cells
