"""Hostile imports beside clerks: /healthz and the clerk's loop with and without them, against gunicorn.

    .venv/bin/python bench/bench_hostile_import.py [--clients 4] [--loops 10] [--attackers 2] [--workers 3]

First the clerks alone (each: /healthz, then open the 表三 editor, check, save), then the same clerks
while `attackers` drafters upload hostile documents to /reports/<id>/import/ one after another: a PDF
whose page inflates to 5 MB of zeros, a .docx whose document.xml declares 1,000 bytes and holds 64 MB, a
.docx with 12 MB of XML, an .xlsx with a million cells, a 表三 of 12,000 rows in HTML, a text file of
19,000 short lines (tests/hostile_files.py builds them). The import budgets (GKPORTAL_IMPORT_*) must
refuse each one with a message (the lying .docx as damaged: its CRC fails after the 1,000 bytes it
declares) and keep every worker answering. All traffic is on 127.0.0.1; counts are
bounded and the whole run is capped in time. Needs PostgreSQL on 127.0.0.1:5432 (user postgres); it
creates and drops its own database (GKPORTAL_BENCH_DB, default gk_hostile).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import load_test  # noqa: E402  (its database, clerks and figures are this benchmark's too)
from load_test import Clerk, free_port, run_all, summary  # noqa: E402

load_test.DB_NAME = os.environ.get("GKPORTAL_BENCH_DB", "gk_hostile")
TIME_CAP = 300.0  # seconds for the whole run, whatever the arguments
MAX_UPLOADS = 12  # per attacker


def hostile_documents() -> list[tuple[str, bytes]]:
    from tests.hostile_files import (cells_xml, docx_with, lying_zip, paragraphs_xml, pdf_with_pages, t3_html,
                                     xlsx_with)

    import docx
    from io import BytesIO
    import zipfile

    blank = BytesIO()
    docx.Document().save(blank)
    source = zipfile.ZipFile(BytesIO(blank.getvalue()))
    parts = {i.filename: source.read(i) for i in source.infolist() if i.filename != "word/document.xml"}
    lines = "\n".join(f"第{i}行的文字，不是报告。" for i in range(19_000)).encode()
    return [
        ("inflating.pdf", pdf_with_pages([bytes(5 << 20)])),
        ("lying.docx", lying_zip(parts, "word/document.xml", 64 << 20)),
        ("huge-xml.docx", docx_with(paragraphs_xml(200_000))),
        ("million-cells.xlsx", xlsx_with(cells_xml(20_000, 50))),
        ("rows.html", t3_html(12_000)),
        ("lines.txt", lines),
    ]


class Attacker(Clerk):
    """A drafter uploading hostile documents to their own report's import, one after another."""

    def upload(self, name: str, data: bytes) -> tuple[int, float]:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        path = f"/reports/{self.report_id}/import/"
        req = urllib.request.Request(self.base + path, data=body)
        req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        req.add_header("X-CSRFToken", self._csrf())
        req.add_header("Referer", self.base + path)
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=90) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        except OSError:
            status, text = 0, ""
        elapsed = time.perf_counter() - start
        self.samples.append(("upload", time.perf_counter(), elapsed))
        self.outcomes.append((name, status, elapsed, "超出了读取限制" in text))
        return status, elapsed

    def attack(self, documents: list[tuple[str, bytes]], stop: threading.Event, deadline: float, offset: int) -> None:
        self.outcomes: list[tuple[str, int, float, bool]] = []
        for i in range(MAX_UPLOADS):
            if stop.is_set() or time.monotonic() > deadline:
                return
            self.request("page", f"/reports/{self.report_id}/import/")  # the upload form, as a browser would
            self.upload(*documents[(offset + i) % len(documents)])


def worker_peak_rss(master: int) -> list[int]:
    """VmHWM (peak resident memory, MB) of each gunicorn worker."""
    out = []
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return out
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                out.append(int(line.split()[1]) // 1024)
    return out


def clerk_figures(label: str, clerks: list[Clerk], base_p95: float | None = None) -> float:
    n, p50, p95 = summary(clerks, "healthz")
    ratio = f" ({p95 / base_p95:5.1f}× baseline)" if base_p95 else ""
    print(f"  {label:<16} /healthz {n:4d} requests  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{ratio}")
    for kind, name in (("open", "open the editor"), ("check", "check (live)"), ("save", "save (autosave)")):
        n, p50, p95k = summary(clerks, kind)
        print(f"  {'':<16} {name:<17} {n:4d} requests  p50 {p50:7.1f} ms  p95 {p95k:7.1f} ms")
    return p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--loops", type=int, default=10)
    parser.add_argument("--attackers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    if not load_test.pg_answers():
        print("PostgreSQL does not answer on 127.0.0.1:5432: the hostile-import benchmark needs it; skipped.")
        return 0
    documents = hostile_documents()
    load_test.recreate_database()
    server = None
    try:
        users = load_test.prepare(args.clients + args.attackers)
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "gkportal.wsgi", "--workers", str(args.workers), "--timeout", "60",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=load_test.env_for_server() | {"DJANGO_LOG_LEVEL": "ERROR"},  # not a line per 400
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except Exception:
                time.sleep(0.1)
        cells = subprocess.run(
            [sys.executable, "-c", "from reports.catalogue import get_format as g; t=g().table3; "
             "print(' '.join(f'table3.{r.code}.{c.code}' for r in t.entered_rows for c in t.entered_columns))"],
            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        deadline = time.monotonic() + TIME_CAP
        calm = [Clerk(base, u, r) for u, r in users[:args.clients]]
        busy = [Clerk(base, u, r) for u, r in users[:args.clients]]
        attackers = [Attacker(base, u, r) for u, r in users[args.clients:]]
        run_all(calm + busy + attackers, "login")

        # The clerks alone.
        run_all(calm, "healthz", args.loops * 3, deadline)
        calm_time = run_all(calm, "clerks_loop", args.loops, deadline, cells)
        rss_before = worker_peak_rss(server.pid)

        # The same clerks while the attackers upload hostile documents.
        stop = threading.Event()
        threads = [threading.Thread(target=a.attack, args=(documents, stop, deadline, i))
                   for i, a in enumerate(attackers)]
        for t in threads:
            t.start()
        time.sleep(1.0)  # the first uploads are being read
        run_all(busy, "healthz", args.loops * 3, deadline)
        busy_time = run_all(busy, "clerks_loop", args.loops, deadline, cells)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        rss_after = worker_peak_rss(server.pid)

        print(f"hostile imports: {args.clients} clerks, {args.attackers} attackers, gunicorn --workers {args.workers} "
              f"--timeout 60, PostgreSQL, {os.cpu_count()} cores; import budget "
              f"{os.environ.get('GKPORTAL_IMPORT_SECONDS', '15')} s per document")
        base_p95 = clerk_figures("clerks alone", calm)
        print(f"  {'':<16} clerk's loop: {args.loops * len(calm)} loops in {calm_time:.1f} s")
        clerk_figures("with hostile", busy, base_p95)
        print(f"  {'':<16} clerk's loop: {args.loops * len(busy)} loops in {busy_time:.1f} s")
        outcomes = [o for a in attackers for o in getattr(a, "outcomes", [])]
        by_name: dict[str, list[tuple[int, float, bool]]] = {}
        for name, status, elapsed, refused in outcomes:
            by_name.setdefault(name, []).append((status, elapsed, refused))
        print(f"  hostile uploads: {len(outcomes)}")
        for name, _ in documents:
            rows = by_name.get(name, [])
            if rows:
                statuses = sorted({s for s, _, _ in rows})
                print(f"    {name:<20} {len(rows):2d}×  slowest {max(e for _, e, _ in rows):5.1f} s  "
                      f"HTTP {statuses}  refused with the budget message: {sum(r for _, _, r in rows)}")
        print(f"  gunicorn workers' peak RSS (MB): {rss_before} before, {rss_after} after the hostile uploads")
        failures = sum(c.errors for c in calm + busy) + sum(1 for _, s, _, _ in outcomes if s == 0 or s >= 500)
        print(f"  clerk errors (HTTP >= 400) and failed uploads (5xx, dropped): {failures}")
        if not outcomes:  # an attacker's thread that died says so above; without uploads nothing was measured
            print("!! no hostile upload was made: the figures 'with hostile' are the clerks alone")
            return 1
        return 1 if failures else 0
    finally:
        load_test.clear_task_queue(load_test.env_for_server())  # what its requests asked of a worker
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        load_test.drop_database()


if __name__ == "__main__":
    sys.exit(main())
