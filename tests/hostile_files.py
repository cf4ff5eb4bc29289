"""Hostile documents for the import budgets, built in a few lines each (tests and bench/bench_hostile_import.py).

Small files that cost a lot to read: a zip member whose headers declare 1,000 bytes while it holds
megabytes, a .docx with megabytes of XML, an .xlsx with a million cells, a PDF page whose content
inflates to megabytes of zeros, a huge 表三 in HTML.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO


def lying_zip(members: dict[str, bytes], liar: str, size: int, declared: int = 1000) -> bytes:
    """A zip whose member `liar` holds `size` zero bytes while its headers declare `declared`."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        with z.open(liar, "w") as member:
            block = bytes(1 << 20)
            for _ in range(size >> 20):
                member.write(block)
    data = bytearray(out.getvalue())
    name = liar.encode()
    for signature, offset, header in ((b"PK\x03\x04", 18, 30), (b"PK\x01\x02", 20, 46)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_length = int.from_bytes(data[at + header - (4 if header == 30 else 18):][:2], "little")
            if data[at + header:at + header + name_length] == name:
                data[at + offset + 4:at + offset + 8] = declared.to_bytes(4, "little")  # uncompressed size
            at += 4
    return bytes(data)


def docx_with(document_xml: bytes) -> bytes:
    """A real .docx (python-docx's blank document) with its word/document.xml replaced."""
    import docx

    blank = BytesIO()
    docx.Document().save(blank)
    return _replace(blank.getvalue(), {"word/document.xml": document_xml})


def xlsx_with(sheet_xml: bytes) -> bytes:
    import openpyxl

    blank = BytesIO()
    openpyxl.Workbook().save(blank)
    return _replace(blank.getvalue(), {"xl/worksheets/sheet1.xml": sheet_xml})


def _replace(package: bytes, parts: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(BytesIO(package))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, parts.get(info.filename, source.read(info)))
    return out.getvalue()


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def paragraphs_xml(count: int, text: str = "这是一段很长的正文") -> bytes:
    body = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode() * count
    return b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W + b"><w:body>" + body + b"</w:body></w:document>"


def cells_xml(rows: int, columns: int) -> bytes:
    """A sheet of rows x columns numbers (rows and cells without r=, which Excel allows)."""
    row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + row * rows + b"</sheetData></worksheet>")


def pdf_with_pages(contents: list[bytes]) -> bytes:
    """A PDF whose pages have these content streams, FlateDecoded (a few KB for megabytes of zeros)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{3 + 2 * i} 0 R' for i in range(len(contents)))}] "
               f"/Count {len(contents)} >>".encode()]
    for i, content in enumerate(contents):
        packed = zlib.compress(content, 9)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
                       "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
                       .encode())
        objects.append(f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode() + packed + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def t3_html(rows: int) -> bytes:
    """A page with 表三 of `rows` rows of two numbers each (each one short: its columns are inferred)."""
    body = ("<h2>一、总体情况</h2><p>正文。</p><h2>三、收到和处理政府信息公开申请情况</h2><table>"
            + "<tr><td>1</td><td>2</td></tr>" * rows + "</table>")
    return f"<html><body>{body}</body></html>".encode()
