"""A PDF page's characters with their boxes and the table rules around them (pdfplumber), and its lines.

Each character keeps its baseline, its left and right edge and its size; where the page draws a table's
ruling lines, each character also keeps the band between the horizontal rules just above and just below
it (Piece.band). Two pieces in one band are in one table row whatever their baselines: Word centres a
cell's text vertically, so a row's label and its numbers can sit a couple of points apart.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from .budget import BudgetError


@dataclass
class Piece:
    """One run of text as printed: its left and right edge and baseline in points, and its size."""

    text: str
    x0: float
    x1: float
    top: float  # down the page
    size: float
    band: tuple[float, float] | None = None  # the table rules just above and below it, where the page has them


def available() -> bool:
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        return False
    return True


def pdf_pieces(data: bytes, pages: int) -> list[list[Piece]]:
    """The pieces of the first `pages` pages (the caller has checked their content against the budgets)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    from .result import ReadError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    out = []
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            for page in pdf.pages[:pages]:
                rules = _rules(page)
                pieces = []
                for c in page.chars:
                    piece = _piece(c, rules)
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


def _piece(c: dict, rules) -> Piece | None:
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


# ---------------------------------------------------------------- lines by baselines (and table rules)


def baselines(pieces: list[Piece]) -> list[list[Piece]]:
    """The pieces of each printed line, top to bottom.

    A Word table cell centres its text vertically, so a row's label and its numbers (in another font)
    sit a little apart: 2.28 pt at 7.45 pt type in a real report, while a label centred over several rows
    may be printed just as near. So: pieces on one baseline are grouped first; a group of numbers is joined
    to the text group at the page's usual offset between numbers and labels (learnt from the page itself);
    then the nearest groups are joined while every baseline of the one is within 0.45 of the type size of
    every baseline of the other (a line never creeps down the page one small step at a time).
    """
    groups: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.top, p.x0)):
        if groups and abs(piece.top - groups[-1][0].top) <= 0.05 * piece.size:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    groups = _pair_numbers_with_labels(groups)
    spans = [[min(p.top for p in g), max(p.top for p in g), min(p.size for p in g)] for g in groups]

    def gap(i: int) -> float:
        a, b = spans[i], spans[i + 1]
        return b[1] - a[0] if b[1] - a[0] <= 0.45 * min(a[2], b[2]) else float("inf")

    while len(groups) > 1:
        i = min(range(len(groups) - 1), key=gap)
        if gap(i) == float("inf"):
            break
        groups[i:i + 2] = [groups[i] + groups[i + 1]]
        spans[i:i + 2] = [[spans[i][0], spans[i + 1][1], min(spans[i][2], spans[i + 1][2])]]
    return groups


_CJK = re.compile(r"[\u3400-\u9fff]")


def _pair_numbers_with_labels(groups: list[list[Piece]]) -> list[list[Piece]]:
    """Join each group of numbers to its label group: between the same table rules, else at the usual offset."""
    def numbers_only(g: list[Piece]) -> bool:
        text = "".join(p.text for p in g)
        return bool(re.search(r"\d", text)) and not _CJK.search(text)

    candidates: dict[int, list[tuple[float, int]]] = {}
    for i, g in enumerate(groups):
        if not numbers_only(g):
            continue
        size = min(p.size for p in g)
        near = [(g[0].top - h[0].top, j) for j, h in enumerate(groups)
                if j != i and not numbers_only(h) and _CJK.search("".join(p.text for p in h))
                and 0.05 * size < abs(g[0].top - h[0].top) <= 0.45 * size]
        if near:
            candidates[i] = near
    partner: dict[int, int] = {}
    for i, near in list(candidates.items()):
        # Where the table has ruling lines, the label is the one between the same two rules as the numbers.
        # A label centred over several rows may share the band at a page's foot: the row's own label is the
        # text printed nearest to the left of its numbers.
        ruled = [(_gap(groups[i], groups[j]), abs(d), j) for d, j in near if _same_band(groups[i], groups[j])]
        if ruled:
            partner[i] = min(ruled)[2]
            del candidates[i]
    offsets = [round(d * 4) / 4 for near in candidates.values() for d, _j in near]
    usual = max(set(offsets), key=lambda d: (offsets.count(d), -abs(d))) if offsets else None
    if usual is not None and offsets.count(usual) >= 2:  # the page's usual offset between numbers and labels
        for i, near in candidates.items():
            d, j = min(near, key=lambda n: abs(n[0] - usual))
            if abs(d - usual) <= 0.3:
                partner[i] = j
    if not partner:
        return groups
    taken: set[int] = set()
    joined: dict[int, int] = {}
    for i, j in partner.items():
        if j not in taken:
            taken.add(j)
            joined[i] = j
    out = [groups[joined[i]] + g if i in joined else g for i, g in enumerate(groups) if i not in taken]
    return sorted(out, key=lambda g: min(p.top for p in g))


def _gap(numbers: list[Piece], labels: list[Piece]) -> float:
    first = min(p.x0 for p in numbers)
    return first - max((p.x1 for p in labels if p.x1 <= first + 0.5), default=float("-inf"))


def _same_band(numbers: list[Piece], labels: list[Piece]) -> bool:
    """The first number and the label text just left of it are between the same two table rules."""
    first = min(numbers, key=lambda p: p.x0)
    before = [p for p in labels if p.x1 <= first.x0 + 0.5]
    if first.band is None or not before:
        return False
    return max(before, key=lambda p: p.x1).band == first.band
