"""WSGI entry point (gunicorn gkportal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gkportal.settings")
application = get_wsgi_application()
