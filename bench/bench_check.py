"""Latency of the live check for a full 表三 form, next to a trivial Django view, measured in one run.

    .venv/bin/python bench/bench_check.py            # SQLite in memory, 300 requests each
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_bench .venv/bin/python bench/bench_check.py -n 500

Both go through Django's test client and the full middleware stack (sessions, authentication, CSRF,
messages), as the same logged-in drafter, with the same URL-encoded POST body (what the editor sends),
interleaved so that both see the same machine. Last year's report exists too, as the cross-year rules
read it. The target is an answer within ~200 ms while a clerk types.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for key, value in {
    "DJANGO_SETTINGS_MODULE": "gkportal.settings",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789-abcdefghijklmnop",
    "DJANGO_DEBUG": "0",
    "DJANGO_STATIC_MANIFEST": "0",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(key, value)

import warnings  # noqa: E402

import django  # noqa: E402

# WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
warnings.filterwarnings("ignore", "No directory at", UserWarning)
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402

FORM_ENCODED = "application/x-www-form-urlencoded"


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/trivial/", trivial), path("", include("gkportal.urls"))]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--requests", type=int, default=300, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    settings.ROOT_URLCONF = __name__
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.urls import reverse

        from reports.forms import ApplicationsForm
        from reports.models import Membership, Organisation
        from reports.services import create_report, save_values
        from tests.conftest import demo_values, make_user

        county = Organisation.objects.create(name="修武县人民政府", kind=Organisation.Kind.COUNTY_GOV)
        org = Organisation.objects.create(name="西村乡人民政府", short_name="西村乡",
                                          kind=Organisation.Kind.TOWNSHIP_GOV, parent=county)
        Organisation.objects.create(name="西村乡人民政府（上年）", kind=Organisation.Kind.TOWNSHIP_GOV)
        report = create_report(org, 2023)
        save_values(report, demo_values())
        save_values(create_report(org, 2022), demo_values())  # last year's report: the cross-year rules read it
        user = make_user("drafter", org, Membership.Role.DRAFTER)

        form = ApplicationsForm.texts(report.values(), report)
        assert all(form.values()), "the benchmark needs every 表三 cell filled"
        form["revision"] = str(report.applications.revision)
        client = Client()
        client.force_login(user)
        check_url = reverse("section_check", args=[report.pk, "applications"])

        def timed(url: str, seq: int) -> float:
            start = time.perf_counter()
            # URL-encoded, as the editor's fetch(URLSearchParams) sends it.
            response = client.post(url, urlencode({**form, "seq": str(seq)}), content_type=FORM_ENCODED)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            return elapsed

        for i in range(args.warmup):
            timed(check_url, i)
            timed("/bench/trivial/", i)
        answer = client.post(check_url, urlencode(form), content_type=FORM_ENCODED).json()
        checks, trivials = [], []
        for i in range(args.requests):
            checks.append(timed(check_url, i))
            trivials.append(timed("/bench/trivial/", i))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    def row(name: str, samples: list[float]) -> str:
        return (f"{name:<34} {statistics.median(samples):8.2f} {percentile(samples, 95):8.2f} "
                f"{statistics.fmean(samples):8.2f} {max(samples):8.2f}")

    print(f"gkportal check endpoint, full 表三 form ({len(form) - 1} cells), {args.requests} requests each, "
          f"database: {connection.vendor}")
    print(f"{'':<34} {'median':>8} {'p95':>8} {'mean':>8} {'max':>8}   (ms)")
    print(row("trivial view (baseline)", trivials))
    print(row("section_check, applications", checks))
    print(f"ratio check/trivial: median {statistics.median(checks) / statistics.median(trivials):.1f}×, "
          f"p95 {percentile(checks, 95) / percentile(trivials, 95):.1f}×")
    print(f"answer: {len(answer['findings'])} findings, {len(answer['derived'])} derived cells; "
          f"target ≤ 200 ms p95: {'met' if percentile(checks, 95) <= 200 else 'NOT met'}")


if __name__ == "__main__":
    main()
