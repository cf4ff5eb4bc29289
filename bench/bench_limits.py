"""Benchmark: the pages stay fast when every report's text is as long as the limits allow.

    .venv/bin/python bench/bench_limits.py [--orgs 200] [--repeat 3]

One throw-away SQLite database, two counties generated alike (bench_county.generate). In the baseline
county every report has the length of a real report (the demo's prose repeated to about 3,600
characters, as 淮安市's 2024 report); in the other every report's prose is at the limits
(values.PROSE_PART_MAX in as many parts as PROSE_TOTAL_MAX allows: 3 × 20,000 = 60,000 characters, made
of the demo's own sentences, numbers included, so the narrative rules have as much to read as they ever
can). Prints, per step, both medians and the ratio: the county dashboard and consolidated tables, the
editor's live check of §一, and one report's HTML, PDF, Word and Excel, each as the median wall and CPU
seconds of runs taken alternately with the baseline's (CPU time is what a busy machine distorts least).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def timed_pair(a, b, repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """((wall, cpu) of a, (wall, cpu) of b): medians of `repeat` runs taken alternately, so that both see
    the same load on a shared machine, after one uncounted run of each (templates, fonts, caches)."""
    a(), b()
    runs: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
    for _ in range(repeat):
        for i, fn in enumerate((a, b)):
            start, cpu = time.perf_counter(), time.process_time()
            fn()
            runs[i].append((time.perf_counter() - start, time.process_time() - cpu))
    return tuple((statistics.median(w for w, _ in r), statistics.median(c for _, c in r))  # type: ignore[return-value]
                 for r in runs.values())


def fill_prose(root, prose: dict[str, str]) -> None:
    """Every report below `root` gets `prose` (keys of values.PROSE_FIELDS)."""
    from reports.models import OtherMattersSection, OverviewSection, ProblemsSection, Report

    reports = Report.objects.filter(organisation__parent=root)
    Report.objects.filter(pk__in=reports).update(preface=prose["preface"])
    OverviewSection.objects.filter(report__in=reports).update(
        **{name.removeprefix("overview_"): prose[name] for name in prose if name.startswith("overview_")})
    ProblemsSection.objects.filter(report__in=reports).update(text=prose["problems"])
    OtherMattersSection.objects.filter(report__in=reports).update(text=prose["other_matters"])


def real_length(prose: dict[str, str], total: int = 3_600) -> dict[str, str]:
    """The demo's parts, each repeated so the whole is about `total` characters (淮安市 2024 has 3,644)."""
    times = max(1, round(total / max(1, sum(len(t) for t in prose.values()))))
    return {name: "".join([text] * times) for name, text in prose.items()}


def at_the_limits(sample: str) -> dict[str, str]:
    """As much text as the limits allow: whole parts of PROSE_PART_MAX until PROSE_TOTAL_MAX is reached."""
    from reports.values import PROSE_FIELDS, PROSE_PART_MAX, PROSE_TOTAL_MAX

    part = (sample * (PROSE_PART_MAX // len(sample) + 1))[:PROSE_PART_MAX]
    full = PROSE_TOTAL_MAX // PROSE_PART_MAX
    names = ["overview_proactive", "overview_on_request", "problems"][:full]
    return {name: part if name in names else "" for name in PROSE_FIELDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=200, help="organisations per county (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per median (default 3)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="gkportal-bench-")
    from bench_county import generate, setup_django

    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    setup_django(f"sqlite:///{workdir}/bench.sqlite3")
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Value
    from django.db.models.functions import Concat
    from django.test import Client

    from reports.demo.prose import PROSE
    from reports.exports.word import render_docx
    from reports.forms import SECTION_FORMS
    from reports.exports.excel import report_workbook
    from reports.models import Membership, Organisation, Report
    from reports.exports.document import render_html, render_pdf
    from reports.values import PROSE_FIELDS

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)

    year, normal = 2023, real_length({name: PROSE.get(name, "") for name in PROSE_FIELDS})
    cases = {"baseline (demo prose)": normal, "at the limits": at_the_limits("".join(PROSE.values()))}
    def case(index: int, label: str, prose: dict[str, str]) -> dict:
        """A county whose reports all have `prose`, and the steps to time on it."""
        root = generate(args.orgs, year, seed=index, prose=False)  # fill_prose sets it
        # generate() names organisations by size: rename this county's so the next one can be made alike.
        Organisation.objects.filter(parent=root).update(name=Concat(Value(f"{index}-"), "name"))
        root.name = root.short_name = f"{label}县"
        root.save()
        fill_prose(root, prose)
        user = get_user_model().objects.create_user(f"officer{index}", password="bench-password-1")
        Membership.objects.create(user=user, organisation=root, role=Membership.Role.SUPERVISOR)
        client = Client()
        client.force_login(user)
        report = Report.objects.filter(organisation__parent=root, year=year).select_related("organisation").first()
        drafter = get_user_model().objects.create_user(f"drafter{index}", password="bench-password-1")
        Membership.objects.create(user=drafter, organisation=report.organisation, role=Membership.Role.DRAFTER)
        Report.objects.filter(pk=report.pk).update(status=Report.Status.DRAFT)
        report.refresh_from_db()
        editor = Client()
        editor.force_login(drafter)
        check_data = SECTION_FORMS["overview"].texts(report.values(), report) | {"revision": "0"}

        def get(c, url):
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)

        def post_check():
            response = editor.post(f"/reports/{report.pk}/edit/overview/check/", check_data)
            assert response.status_code == 200, response.status_code

        return {"chars": sum(len(t) for t in report.values().prose.values()), "steps": {
            "GET county dashboard": lambda: get(client, f"/county/{root.pk}/{year}/"),
            "GET consolidated tables": lambda: get(client, f"/county/{root.pk}/{year}/tables/"),
            "POST §一 live check": post_check,
            "render_html (one report)": lambda: render_html(report, draft=True),
            "render_pdf (one report)": lambda: render_pdf(report, draft=True),
            "render_docx (one report)": lambda: render_docx(report, draft=True),
            "report_workbook (.xlsx)": lambda: report_workbook(report),
        }}

    rows = [case(i, label, prose) for i, (label, prose) in enumerate(cases.items())]

    base, limit = rows
    print(f"\n{args.orgs} organisations per county, median of {args.repeat} (taken alternately); prose per "
          f"report: {int(base['chars'])} characters (baseline) and {int(limit['chars'])} (at the limits). "
          f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, {datetime.date.today()}.")
    print(f"{'step':<28} {'baseline wall/cpu s':>20} {'at limits wall/cpu s':>21} {'ratio (cpu)':>12}")
    for name, fn in base["steps"].items():
        (bw, bc), (lw, lc) = timed_pair(fn, limit["steps"][name], args.repeat)
        print(f"{name:<28} {bw:10.3f}/{bc:<9.3f} {lw:10.3f}/{lc:<10.3f} {lc / bc:12.1f}")


if __name__ == "__main__":
    main()
