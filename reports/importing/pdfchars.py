"""A PDF page's characters with their boxes, and the table rules around them, by pdfplumber (pdfminer.six).

Each character keeps its baseline, its left and right edge and its size; where the page draws a table's
ruling lines, each character also keeps the band between the horizontal rules just above and just below
it (Piece.band). Two pieces in one band are in one table row whatever their baselines: Word centres a
cell's text vertically, so a row's label and its numbers can sit a couple of points apart.
"""

from __future__ import annotations

import bisect
import logging
import unicodedata
from io import BytesIO

from .budget import BudgetError


def available() -> bool:
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        return False
    return True


def pdf_pieces(data: bytes, pages: int) -> list[list]:
    """The pieces of the first `pages` pages (the caller has checked their content against the budgets)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    from .pdf import Piece
    from .result import ReadError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    out = []
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            for page in pdf.pages[:pages]:
                rules = _rules(page)
                pieces = []
                for c in page.chars:
                    piece = _piece(c, rules, Piece)
                    if piece is not None:
                        pieces.append(piece)
                out.append(pieces)
                page.close()  # pdfplumber caches every object of a page: free them as we go
    except BudgetError:
        raise
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError,
            OSError) as exc:
        raise ReadError("无法读取这个 PDF 文件：它可能已损坏。") from exc
    return out


def _piece(c: dict, rules, Piece):
    text = "".join(ch for ch in c.get("text", "") if ch == " " or unicodedata.category(ch)[0] != "C")
    a, b, cc, d, _e, f = c["matrix"]
    # Text at an angle is a watermark or a stamp, not the document's text.
    if not c.get("upright", True) or abs(b) > 0.02 * abs(a) or abs(cc) > 0.02 * abs(d) or d < 0:
        return None
    size = float(c.get("size") or 0)
    if not text.strip() or size <= 0:
        return None
    baseline = c["top"] + (c["y1"] - f)  # down the page, like `top`
    piece = Piece(text, float(c["x0"]), float(c["x1"]), baseline, size)
    piece.band = _band(rules, (c["x0"] + c["x1"]) / 2, c["top"], c["bottom"])
    return piece


def _rules(page) -> list[tuple[float, float, float]]:
    """The horizontal ruling lines of a page as (top, x0, x1), sorted top to bottom."""
    out = []
    for e in page.edges:
        if e.get("orientation") == "h" and e["x1"] - e["x0"] > 4:
            out.append((round(float(e["top"]), 1), float(e["x0"]), float(e["x1"])))
    return sorted(out)


def _band(rules: list[tuple[float, float, float]], x: float, top: float, bottom: float):
    """(the rule just above, the rule just below) a character at x, or None without rules on both sides."""
    if not rules:
        return None
    slack = 0.25 * (bottom - top)
    above = below = None
    i = bisect.bisect_right(rules, (top + slack, float("inf"), float("inf")))
    for y, x0, x1 in reversed(rules[:i]):
        if x0 - 0.5 <= x <= x1 + 0.5:
            above = y
            break
    for y, x0, x1 in rules[i:]:
        if y >= bottom - slack and x0 - 0.5 <= x <= x1 + 0.5:
            below = y
            break
    if above is None or below is None:
        return None
    return (above, below)
