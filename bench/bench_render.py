"""Rendering benchmark: gkportal's PDF pipeline against WeasyPrint rendering the same HTML string alone.

    .venv/bin/python bench/bench_render.py [--repeat 7] [--reports 100]

Runs on a throw-away SQLite database with the demo data and prints, each next to its baseline measured
in the same run:
  1. the median time to render the demo report's PDF (render_pdf: values, template, CSS, fonts check,
     WeasyPrint) — baseline: WeasyPrint's HTML(string=...).write_pdf(pdf_tags=True) on the identical HTML string;
  2. the median time to serve an already-published PDF through the public URL (Django test client,
     one query, the file streamed from MEDIA_ROOT) — baseline: the same WeasyPrint-alone render it saves;
  3. pages per second over N reports (render_pdf for each) — baseline: WeasyPrint alone over their
     N HTML strings, rendered beforehand.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def timed_pair(a, b, repeat: int) -> tuple[float, float]:
    """Medians of a and b, run alternately so that both see the same machine load."""
    ta, tb = [], []
    for _ in range(repeat):
        ta += timed(a, 1)
        tb += timed(b, 1)
    return statistics.median(ta), statistics.median(tb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="runs per median (default 7)")
    parser.add_argument("--reports", type=int, default=100, help="reports for the pages-per-second run (default 100)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="gkportal-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{workdir}/media"  # where publishing writes the published files
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from weasyprint import HTML

    from reports.importing.jsonfile import read_report_json
    from reports.models import Organisation, Report
    from reports.publishing import freeze_publication
    from reports.exports.document import html_to_pdf_pages, render_html, render_pdf
    from reports.services import create_report, save_values

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    report = Report.objects.select_related("organisation").get(organisation__name="西村乡人民政府", year=2023)

    # The same output options as ours (a tagged PDF), so that the ratio measures our own overhead only.
    def weasy_alone(html: str) -> bytes:
        return HTML(string=html).write_pdf(pdf_tags=True)

    def weasy_alone_pages(html: str) -> int:
        document = HTML(string=html).render()
        document.write_pdf(pdf_tags=True)
        return len(document.pages)

    def ours_pages(r: Report) -> int:
        # exactly render_pdf(r), keeping the page count WeasyPrint's layout reports
        return html_to_pdf_pages(render_html(r, draft=False))[1]

    print(f"gkportal rendering benchmark — {args.repeat} runs per median, {args.reports} reports; "
          f"{os.cpu_count()} CPUs\n")
    render_pdf(report, draft=False)  # warm up fonts and caches for both sides
    html = render_html(report, draft=False)
    weasy_alone(html)

    ours, alone = timed_pair(lambda: render_pdf(report, draft=False), lambda: weasy_alone(html), args.repeat)
    print("1. Render the demo report's PDF (median)")
    print(f"   render_pdf(report)                 {ours * 1000:8.1f} ms")
    print(f"   WeasyPrint alone, same HTML        {alone * 1000:8.1f} ms")
    print(f"   ratio ours / WeasyPrint alone      {ours / alone:8.2f} ×\n")

    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
    report.refresh_from_db()
    publication = freeze_publication(report, by=None)
    client = Client()
    url = f"/gongkai/{report.organisation_id}/{report.year}/report.pdf"
    response = client.get(url)
    assert response.status_code == 200 and response.getvalue() == bytes(publication.pdf), "serving failed"
    serve = statistics.median(timed(lambda: client.get(url).getvalue(), max(args.repeat, 25)))
    print("2. Serve an already-published PDF (median, through Django, from its file)")
    print(f"   GET {url:<30} {serve * 1000:8.2f} ms")
    print(f"   WeasyPrint alone, same HTML        {alone * 1000:8.1f} ms")
    print(f"   serving is {alone / serve:,.0f} × faster than rendering again\n")

    county = Organisation.objects.get(name="修武县人民政府")
    _, values = read_report_json(_demo_json())
    reports = []
    for i in range(args.reports):
        org = Organisation.objects.create(name=f"基准测试乡{i:03d}人民政府", short_name=f"基准{i:03d}",
                                          kind=Organisation.Kind.TOWNSHIP_GOV, parent=county)
        values.table3["new"]["natural"] = i
        values.table3["carry_forward"]["natural"] = i
        r = create_report(org, 2023)
        save_values(r, values)
        reports.append(Report.objects.select_related("organisation").get(pk=r.pk))

    htmls = [render_html(r, draft=False) for r in reports]
    pages = pages_alone = 0
    ours_s = alone_s = 0.0
    for r, h in zip(reports, htmls):  # alternating, so that both see the same machine load
        start = time.perf_counter()
        pages += ours_pages(r)
        ours_s += time.perf_counter() - start
        start = time.perf_counter()
        pages_alone += weasy_alone_pages(h)
        alone_s += time.perf_counter() - start
    print(f"3. Pages per second over {args.reports} reports")
    print(f"   render_pdf for each                {pages / ours_s:8.2f} pages/s  ({pages} pages in {ours_s:.1f} s)")
    print(f"   WeasyPrint alone, same HTML        {pages_alone / alone_s:8.2f} pages/s  "
          f"({pages_alone} pages in {alone_s:.1f} s)")
    print(f"   ratio ours / WeasyPrint alone      {(pages / ours_s) / (pages_alone / alone_s):8.2f} ×")


def _demo_json() -> str:
    from importlib import resources

    return resources.files("reports.demo").joinpath("xicun_2023.json").read_text(encoding="utf-8")


if __name__ == "__main__":
    main()
