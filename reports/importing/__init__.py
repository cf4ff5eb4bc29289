"""Importing existing reports: readers for text, HTML, Word, PDF, Excel and JSON files, and the exporters.

`read_document(filename, data)` sniffs the file type, reads it, and returns an `ImportResult`: the
ReportValues read, where each came from, the document's printed totals, and notes for the preview.
It raises `ReadError` (a Chinese message) when the file cannot be read as a report at all, and its
subclass `BudgetError` when reading it would cost more than the import budgets allow (`budget.py`):
the reading runs in a child process with memory, CPU and wall-clock limits.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings

from ..values import ReportValues, clean_text, prose_length_errors
from .budget import BudgetError, run
from .result import Cell, ImportResult, Line, Note, OpenRow, ReadError, UnreadRow

ACCEPT = ".txt,.htm,.html,.docx,.pdf,.xlsx,.json"


def max_upload_bytes() -> int:
    """GKPORTAL_IMPORT_MAX_MB: an annual report is a few hundred KB even as a PDF with pictures."""
    return settings.GKPORTAL_IMPORT_MAX_BYTES


def too_large_message(size: int) -> str:
    limit = max_upload_bytes()
    return (f"文件太大（{size / 1024 / 1024:.1f} MB），超过了 {limit / 1024 / 1024:.0f} MB 的上限。"
            "年度报告的文件一般不超过几 MB：如果其中有大量图片，请另存为不带图片的文件，或只导出文字后再导入。")


def sniff(filename: str, data: bytes) -> str:
    """The kind of file by its content (the name only breaks ties): text, html, docx, xlsx, pdf, json, zip."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    name = filename.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        import zipfile

        from .budget import open_zip

        try:
            names = set(open_zip(data).namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            names = set()
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if name.endswith(".docx"):
            return "docx"
        if name.endswith(".xlsx"):
            return "xlsx"
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in data[:200000].lower() or (
        name.endswith((".htm", ".html")) and lowered.startswith(b"<")
    ):
        return "html"
    if head.startswith((b"{", b"[")) and (name.endswith(".json") or not name.endswith(".txt")):
        return "json"
    return "text"


def warm() -> None:
    """Import the readers and build the label index once in the worker, so no forked child pays for it."""
    import docx  # noqa: F401
    import openpyxl  # noqa: F401
    import pypdf  # noqa: F401

    from . import docx as _d, html as _h, pdf as _p, xlsx as _x  # noqa: F401
    from .labels import labels_for

    labels_for()


def read_document(filename: str, data: bytes, *, seconds: float | None = None,
                  previous: ReportValues | None = None) -> ImportResult:
    """Read one document of any supported kind within the import budgets (`seconds` overrides the wall clock).

    `previous` is last year's report of the organisation the document is imported for, when known: a 表二
    row whose numbers ran together is then split by it where exactly one reading agrees with it
    (choices.settle). Raises ReadError (or BudgetError) with a message for the clerk.
    """
    if not data or not data.strip():
        raise ReadError("文件是空的。")
    if len(data) > max_upload_bytes():
        raise ReadError(too_large_message(len(data)))
    try:
        return run(_read_cleaned, filename, data, previous, seconds=seconds, warm=warm)
    except BudgetError:
        raise
    except ReadError as exc:
        raise ReadError(clean_text(str(exc))) from None  # messages quote the document


def _read_cleaned(filename: str, data: bytes, previous: ReportValues | None = None) -> ImportResult:
    from .choices import settle

    result = _read(filename, data)
    settle(result, previous)
    return _cleaned(result)


def _cleaned(result: ImportResult) -> ImportResult:
    """The document's text without the control characters (NUL, lone surrogates…) nothing can store or show."""
    result.values.prose = {k: clean_text(v) for k, v in result.values.prose.items()}
    too_long = prose_length_errors(result.values.prose, result.values.format)
    if too_long:
        raise ReadError("文档的文字太长，不能导入：" + "".join(too_long) + "请删去多余的内容后再导入。")
    result.title, result.org_name = clean_text(result.title), clean_text(result.org_name)
    result.signature_name = clean_text(result.signature_name)
    result.unread_rows = [dataclasses.replace(u, text=clean_text(u.text), row=clean_text(u.row))
                          for u in result.unread_rows]
    result.open_rows = [dataclasses.replace(o, text=clean_text(o.text)) for o in result.open_rows]
    result.notes = [dataclasses.replace(n, message=clean_text(n.message), where=tuple(map(clean_text, n.where)))
                    for n in result.notes]
    return result


def _read(filename: str, data: bytes) -> ImportResult:
    kind = sniff(filename, data)
    if kind == "ole":
        raise ReadError("这是旧版的 .doc 或 .xls 文件，系统无法读取。请在 Word 或 Excel 中“另存为” .docx 或 .xlsx 后再导入。")
    if kind == "zip":
        raise ReadError("这是一个压缩包，不是单个报告文件。请在“批量导入”中上传压缩包。")
    try:
        if kind == "pdf":
            from .pdf import read_pdf
            return read_pdf(filename, data)
        if kind == "docx":
            from .docx import read_docx
            return read_docx(filename, data)
        if kind == "xlsx":
            from .xlsx import read_xlsx
            return read_xlsx(filename, data)
        if kind == "html":
            from .html import read_html
            return read_html(filename, data)
        if kind == "json":
            from .jsonfile import read_json
            return read_json(filename, data)
        from .interpret import interpret
        from .text import decode, text_lines
        return interpret(text_lines(decode(data)), kind="text", filename=filename)
    except ReadError:
        raise
    except RecursionError:
        raise ReadError("文件结构过于复杂（嵌套过深），无法读取。") from None


__all__ = ["ACCEPT", "BudgetError", "Cell", "ImportResult", "Line", "Note", "ReadError", "max_upload_bytes",
           "OpenRow", "read_document", "sniff", "too_large_message", "UnreadRow"]
