"""A health check for load balancers: answers 200 when the app and its database answer."""

from django.db import connection
from django.http import HttpResponse


def healthz(request) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
