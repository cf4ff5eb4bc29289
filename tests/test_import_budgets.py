"""Import budgets: a hostile file is refused with a message naming the limit (or read within it), cheaply.

Each hostile file is built in a few lines (tests/hostile_files.py): a zip member that declares 1,000 bytes
and holds 32 MB, a .docx with megabytes of XML, an .xlsx with a million cells, a PDF page whose content
inflates to megabytes of zeros, a huge 表三 in HTML, a huge text file. The limits are lowered where that
keeps the test fast; the bounds on time and memory are generous (the machine may be busy) but far below
what the files cost before.
"""

from __future__ import annotations

import re
import time
import tracemalloc
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.importing import BudgetError, ReadError, read_document
from reports.importing.budget import Limits, run
from reports.importing.bundle import read_uploads

from .hostile_files import cells_xml, docx_with, lying_zip, paragraphs_xml, pdf_with_pages, t3_html, xlsx_with
from .test_import_views import snapshot

pytestmark = pytest.mark.django_db
REFUSED = "文档太复杂，超出了读取限制"
WALL = 15.0  # seconds: generous, for a busy machine; the files cost 24 to 269 s before the budgets


@pytest.fixture
def limits(settings):
    """Set some import limits for one test (the others keep their defaults)."""
    def set_(**values):
        settings.GKPORTAL_IMPORT_LIMITS = {**settings.GKPORTAL_IMPORT_LIMITS, **values}
    return set_


def refused(name: str, data: bytes) -> tuple[str, float]:
    """The message a document is refused with, and how long that took."""
    start = time.monotonic()
    with pytest.raises(ReadError) as caught:
        read_document(name, data)
    return str(caught.value), time.monotonic() - start


# ---------------------------------------------------------------- zips: never the declared size


def test_a_zip_member_declaring_1000_bytes_but_holding_32_mb_is_never_inflated(limits):
    bundle = lying_zip({"说明.txt": "你好".encode()}, "年报.docx", 32 << 20)
    assert zipfile.ZipFile(BytesIO(bundle)).getinfo("年报.docx").file_size == 1000  # the lie is in place
    tracemalloc.start()
    try:
        start = time.monotonic()
        docs = read_uploads([("reports.zip", bundle)])
        elapsed = time.monotonic() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    liar = next(d for d in docs if d.name.endswith("年报.docx"))
    assert liar.result is None and liar.error
    assert peak < 16 << 20, f"{peak / 2**20:.0f} MB held reading a member that declares 1000 bytes"
    assert elapsed < WALL


def test_a_zip_member_larger_than_the_upload_cap_is_refused_when_the_cap_is_reached(settings):
    settings.GKPORTAL_IMPORT_MAX_BYTES = 1 << 20
    bundle = lying_zip({}, "大文件.txt", 16 << 20, declared=100)
    tracemalloc.start()
    try:
        (doc,) = read_uploads([("reports.zip", bundle)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert doc.result is None and doc.error
    assert peak < 8 << 20


def test_a_docx_whose_document_xml_lies_about_its_size_is_read_within_the_budget(limits):
    import docx

    blank = BytesIO()
    docx.Document().save(blank)
    source = zipfile.ZipFile(BytesIO(blank.getvalue()))
    parts = {i.filename: source.read(i) for i in source.infolist() if i.filename != "word/document.xml"}
    hostile = lying_zip(parts, "word/document.xml", 32 << 20)
    limits(isolate=False)  # in this process, so that the memory it takes can be measured
    tracemalloc.start()
    try:
        message, elapsed = refused("年报.docx", hostile)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "Word" in message
    assert peak < 32 << 20 and elapsed < WALL


# ---------------------------------------------------------------- Word, Excel, PDF, HTML, text


def test_a_docx_with_megabytes_of_xml_is_refused_naming_the_part_and_the_limit(limits):
    limits(xml_mb=1)
    hostile = docx_with(paragraphs_xml(40_000))  # 3 MB of XML in a ~30 KB file
    assert len(hostile) < 100_000
    message, elapsed = refused("年报.docx", hostile)
    assert REFUSED in message and "word/document.xml" in message and "1 MB" in message
    assert elapsed < WALL


def test_a_docx_within_the_xml_budget_but_with_too_many_paragraphs_is_refused(limits):
    limits(lines=2_000)
    message, elapsed = refused("年报.docx", docx_with(paragraphs_xml(5_000)))
    assert REFUSED in message and "段落和表格行超过 2000" in message
    assert elapsed < WALL


def test_an_xlsx_with_a_million_cells_is_refused_by_its_xml_size(limits):
    hostile = xlsx_with(cells_xml(20_000, 50))  # 1,000,000 cells, 14 MB of XML
    assert len(hostile) < 200_000
    message, elapsed = refused("年报.xlsx", hostile)
    assert REFUSED in message and "xl/worksheets/sheet1.xml" in message and "10 MB" in message
    assert elapsed < WALL


def test_an_xlsx_is_streamed_and_stops_at_the_cell_budget(limits):
    limits(cells=50_000)
    message, elapsed = refused("年报.xlsx", xlsx_with(cells_xml(2_000, 50)))
    assert REFUSED in message and "表格单元格超过 50000" in message
    assert elapsed < WALL


def test_a_pdf_page_whose_content_inflates_to_megabytes_of_zeros_is_refused():
    hostile = pdf_with_pages([bytes(5 << 20)])  # the 15.9 KB PDF of the report: 5 MB on one page
    assert len(hostile) < 20_000
    message, elapsed = refused("年报.pdf", hostile)
    assert REFUSED in message and "1 MB" in message
    assert elapsed < WALL


def test_a_pdf_whose_pages_inflate_past_the_total_budget_is_refused(limits):
    limits(pdf_page_mb=0.5, pdf_total_mb=1)
    message, elapsed = refused("年报.pdf", pdf_with_pages([bytes(400_000)] * 3))
    assert REFUSED in message and "共超过 1 MB" in message
    assert elapsed < WALL


def test_html_interpretation_works_out_the_column_positions_once(limits, monkeypatch):
    from reports.importing.interpret import Interpreter

    calls = []
    find = Interpreter._find_columns
    monkeypatch.setattr(Interpreter, "_find_columns", lambda self, *a: calls.append(a) or find(self, *a))
    limits(isolate=False)  # the spy lives in this process
    start = time.monotonic()
    result = read_document("年报.html", t3_html(4_000))
    assert result.kind == "html"
    assert len(calls) == 1  # not once per row: that was quadratic (1 MB of HTML took 14.6 s)
    assert time.monotonic() - start < WALL


def test_a_huge_html_page_is_refused_by_the_text_budget(limits):
    limits(text_mb=0.5)
    message, elapsed = refused("年报.html", t3_html(30_000))
    assert REFUSED in message and "文字超过 50 万字" in message
    assert elapsed < WALL


def test_a_huge_text_file_is_refused_by_the_text_budget(limits):
    limits(text_mb=1)
    message, elapsed = refused("年报.txt", ("这是正文。" * 250_000).encode())  # 1.25 million characters
    assert REFUSED in message and "文字超过 100 万字" in message
    assert elapsed < WALL


def test_a_text_file_with_too_many_lines_is_refused_before_it_is_interpreted(limits):
    limits(lines=5_000)
    message, elapsed = refused("年报.txt", "\n".join(["1\t2\t3"] * 20_000).encode())
    assert REFUSED in message and "段落和表格行超过 5000" in message
    assert elapsed < WALL


# ---------------------------------------------------------------- the child process


def test_a_reading_past_the_wall_clock_is_stopped_and_refused():
    start = time.monotonic()
    with pytest.raises(BudgetError, match="读取时间超过 1 秒"):
        run(time.sleep, 60, budget=Limits(seconds=1))
    assert time.monotonic() - start < 5


def test_a_document_slower_than_the_budget_is_refused_when_the_budget_is_spent(limits):
    limits(seconds=1)
    slow = "\n".join(f"第{i}段正文，并非报告的内容。" for i in range(9_000)).encode()  # ~4 s of reading
    message, elapsed = refused("年报.txt", slow)
    assert REFUSED in message and "读取时间超过 1 秒" in message
    assert elapsed < 4


def test_a_reading_past_the_memory_budget_is_refused_and_the_worker_keeps_its_memory():
    with pytest.raises(BudgetError, match="内存超过 64 MB"):
        run(bytearray, 1 << 30, budget=Limits(memory_mb=64))


def test_the_childs_result_and_errors_come_back_as_they_were():
    assert run(sum, [1, 2, 3], budget=Limits()) == 6
    with pytest.raises(ReadError, match="^文件有误$"):
        run(_raise, ReadError("文件有误"), budget=Limits())
    with pytest.raises(ZeroDivisionError):
        run(divmod, 1, 0, budget=Limits())


def _raise(exc):
    raise exc


def test_a_hostile_upload_is_refused_with_the_message_and_stores_nothing(client, report, drafter):
    client.force_login(drafter)
    before = snapshot()
    start = time.monotonic()
    response = client.post(f"/reports/{report.pk}/import/",
                           {"file": SimpleUploadedFile("年报.pdf", pdf_with_pages([bytes(5 << 20)]))})
    assert response.status_code == 400
    assert REFUSED in re.sub(r"\s+", "", response.content.decode()) or REFUSED in response.content.decode()
    assert snapshot() == before
    assert time.monotonic() - start < WALL


def test_a_bulk_upload_stops_reading_when_its_time_is_spent(limits, monkeypatch):
    from reports.importing import bundle

    limits(bulk_seconds=2)
    monkeypatch.setattr(bundle, "read_document", lambda *a, **k: time.sleep(0.6) or None)
    start = time.monotonic()
    docs = read_uploads([(f"{i}.txt", b"x") for i in range(6)])
    unread = [d for d in docs if "读取时间" in d.error]
    assert 1 <= len(unread) <= 5 and "请分几次上传" in unread[0].error
    assert time.monotonic() - start < 3


def test_the_limits_come_from_the_environment_and_a_bad_one_fails_loudly():
    from .test_settings import manage

    read = "from reports.importing.budget import limits; l = limits(); print(l.seconds, l.cells, l.isolate)"
    env = {"DJANGO_DEBUG": "1", "GKPORTAL_IMPORT_SECONDS": "7", "GKPORTAL_IMPORT_CELLS": "1000",
           "GKPORTAL_IMPORT_ISOLATE": "0"}
    result = manage("shell", "-c", read, env=env)
    assert result.stdout.strip().splitlines()[-1] == "7.0 1000 False", result.stderr
    result = manage("check", env={"DJANGO_DEBUG": "1", "GKPORTAL_IMPORT_MEMORY_MB": "0"})
    assert result.returncode != 0 and "GKPORTAL_IMPORT_MEMORY_MB=0 should be a positive number" in result.stderr
