"""A published report's web page: headings and paragraphs in document order, tables as grids with spans.

Read the way a person reads a published page: by the labels and the table structure, never by a site's
own attributes or classes. Site chrome (navigation, header, footer, forms, scripts) is skipped, and when
the page has the report's section headings, only the part of the page that holds them is read.
"""

from __future__ import annotations

import re

from lxml import etree, html as lxml_html

from .budget import cells_tally, check_text
from .interpret import interpret
from .labels import labels_for
from .result import Cell, ImportResult, Line, ReadError

SKIP = {"script", "style", "nav", "header", "footer", "form", "button", "noscript", "head", "template", "select",
        "textarea", "caption", "iframe", "svg", "object", "aside"}
# A table holding other tables is a page's layout, not a report table: it is walked like a <div>.
BLOCK = {"table", "tbody", "thead", "tfoot", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "section", "article", "main", "ul",
         "ol", "dl", "dt", "dd", "pre", "address", "center", "body", "figure", "figcaption", "tr", "td", "th"}
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")


def _decode(data: bytes) -> str:
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else ""
    for encoding in filter(None, [declared.replace("gb2312", "gb18030").replace("gbk", "gb18030"),
                                  "utf-8-sig", "gb18030"]):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReadError("无法识别这个网页文件的编码。")


def _parse(data: bytes):
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", check_text(_decode(data)))
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise ReadError("这个网页文件是空的或无法解析。") from None
    return root


class _Walker:
    def __init__(self):
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.paragraphs = 0
        self.tables = 0
        self.cells = cells_tally()  # a grid of spans costs its area, whatever the markup's size

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        parts = [_SPACES.sub(" ", part).strip() for part in text.split("\n")]
        text = "\n".join(p for p in parts if p)
        if text:
            self.paragraphs += 1
            where = f"网页第{self.paragraphs}段"
            self.lines.append(Line([Cell(text, where)], where))

    def walk(self, el, tail: bool = True) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in SKIP or not tag:
            if el.tail and tail:
                self.buffer.append(el.tail)
            return
        tag = tag.lower()
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            self.table(el)
        elif tag == "br":
            self.buffer.append("\n")
        else:
            block = tag in BLOCK
            if block:
                self.flush()
            if el.text:
                self.buffer.append(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail and tail:
            self.buffer.append(el.tail)

    def table(self, table) -> None:
        self.tables += 1
        number = self.tables
        rows = [tr for tr in table.iter("tr") if _nearest_table(tr) is table]
        grid: dict[tuple[int, int], Cell] = {}
        width = 0
        for r, tr in enumerate(rows):
            c = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                while (r, c) in grid:
                    c += 1
                rowspan = _span(td.get("rowspan"))
                colspan = _span(td.get("colspan"))
                where = f"第{number}个表格第{r + 1}行第{c + 1}列"
                self.cells.add(rowspan * colspan)
                grid[(r, c)] = Cell(_cell_text(td), where)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        if (dr or dc) and r + dr < len(rows):
                            grid[(r + dr, c + dc)] = Cell("", where)
                c += colspan
                width = max(width, c)
        self.cells.add(len(rows) * width)
        for r in range(len(rows)):
            cells = [grid.get((r, c), Cell("", f"第{number}个表格第{r + 1}行第{c + 1}列")) for c in range(width)]
            self.lines.append(Line(cells, f"第{number}个表格第{r + 1}行", table=True, grid=True))


def _nearest_table(el):
    node = el.getparent()
    while node is not None and (not isinstance(node.tag, str) or node.tag.lower() != "table"):
        node = node.getparent()
    return node


def _span(raw: str | None) -> int:
    try:
        return max(1, min(int(str(raw).strip()), 100))
    except (TypeError, ValueError):
        return 1


def _cell_text(td) -> str:
    parts: list[str] = []

    def walk(el):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in SKIP or tag == "table":
            return
        if tag == "br":
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in ("p", "div"):
            parts.append("\n")

    walk(td)
    return "\n".join(_SPACES.sub(" ", p).strip() for p in "".join(parts).split("\n") if p.strip())


def _content_root(root):
    """The smallest element holding the report's section headings (the page's content area)."""
    labels = labels_for()
    found = []
    texts = _short_texts(root)
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag.lower() in SKIP or el not in texts:
            continue
        text = texts[el].strip()
        if 4 <= len(text) <= 40 and labels.match(text, ("section",), fuzzy=False):
            found.append(el)
    if len(found) < 2:
        body = root.find("body")
        return body if body is not None else root
    common = {found[0], *found[0].iterancestors()}
    for el in found[1:]:
        common &= {el, *el.iterancestors()}
    node = found[0]
    while node is not None and node not in common:
        node = node.getparent()
    # Step up past wrappers until the title (if any) sits inside too.
    return node if node is not None else root


def _short_texts(root, limit: int = 200) -> dict:
    """`"".join(el.itertext())` of every element whose text is at most `limit` long, in one pass up the tree.

    Joining each element's text separately costs its whole subtree, over and over for a deep page.
    """
    lengths: dict = {}
    texts: dict = {}
    for el in reversed(list(root.iter())):  # every element after all of its descendants
        if not isinstance(el.tag, str):
            continue  # a comment or processing instruction: only its tail is text, counted by its parent
        n = len(el.text or "")
        for child in el:
            n += (lengths[child] if isinstance(child.tag, str) else 0) + len(child.tail or "")
        lengths[el] = n
        if n <= limit:
            parts = [el.text or ""]
            for child in el:
                parts.append(texts[child] if isinstance(child.tag, str) else "")
                parts.append(child.tail or "")
            texts[el] = "".join(parts)
    return texts


def read_html(filename: str, data: bytes) -> ImportResult:
    root = _parse(data)
    if not list(root.iter("table")):
        raise ReadError("这个网页中没有表格。请打开报告全文所在的页面（而不是列表页），另存为“网页，仅 HTML”后再导入。")
    content = _content_root(root)
    # The title usually sits just before the content area: read the nearest heading above it as well.
    walker = _Walker()
    title = _title_before(content)
    if title is not None:
        walker.walk(title, tail=False)
        walker.flush()
    walker.walk(content, tail=False)
    walker.flush()
    return interpret(walker.lines, kind="html", filename=filename)


def _title_before(content):
    """An h1 outside the content area that names the report (its 「…年政府信息公开工作年度报告」)."""
    for h in content.getroottree().iter("h1", "h2"):
        if content in h.iterancestors() or h is content:
            continue
        if "年度报告" in "".join(h.itertext()):
            return h
    return None
