"""Run django-rq's worker as a test's subprocess: `python -m tests.worker_support <queue>`.

With GKPORTAL_TEST_SLOW_PDF=<seconds> the PDF takes that long to render, so that a test can kill the worker
while it is surely in the middle of a publication.
"""

from __future__ import annotations

import os
import sys
import time


def main(queue: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
    import django

    django.setup()
    slow = float(os.environ.get("GKPORTAL_TEST_SLOW_PDF") or 0)
    if slow:
        from reports import publishing

        real = publishing.html_to_pdf_pages

        def slow_pdf(*args, **kwargs):
            time.sleep(slow)
            return real(*args, **kwargs)

        publishing.html_to_pdf_pages = slow_pdf
    from django.core.management import call_command

    call_command("rqworker", queue, job_class="django_tasks_rq.backend.Job")


if __name__ == "__main__":
    main(sys.argv[1])
