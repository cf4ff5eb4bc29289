"""WSGI entry point (gunicorn gkportal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
application = get_wsgi_application()

# A web process renders PDFs (a draft's 预览 PDF): it loads WeasyPrint as it starts, so that no visitor waits
# for the import (~0.65 s), which other processes (manage.py, the task worker's start) skip until they render.
from reports.exports import document  # noqa: E402

document.HTML  # noqa: B018
