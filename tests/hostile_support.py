"""Hostile values for the property-based tests, and what must hold after any request: no 500, nothing invalid.

`snapshot()` is everything a request could change (every report's values, prose, state and revisions, the
audit rows, organisations, people); `assert_valid_storage()` runs every model's validation and CHECK
constraints over what is stored and refuses text that PostgreSQL, .docx or .xlsx could not hold.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import Client
from hypothesis import strategies as st

from reports.exports.data import report_to_json
from reports.models import (
    SECTION_MODELS,
    AccessEvent,
    Acknowledgement,
    ApplicationRow,
    CarriedText,
    Membership,
    Notification,
    Organisation,
    Publication,
    Report,
    ReportEvent,
    ReportVersion,
    SectionComment,
)

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'><svg onload=alert(1)>"


# What clerks, scripts and attackers put into a field besides sensible values.
SPECIALS = [
    "", " ", "\x00", "1\x002", "\x00" * 5, "12\x00", "\u3000", "\ufeff", "\u200b", "\r\n", "\x0b", "\x01\x02\x1f",
    "\ufffe", "\uffff", "-1", "-0", "−3", "－３", "+5", "1e3", "1E+999", "1.5", "0.0000001", "1,234", "1,2,3", "1_000",
    "0x10", "0b1", "NaN", "nan", "inf", "-Infinity", "99999999", "100000000", "9" * 40, "-" + "9" * 40,
    "１２３", "１２，３４５", "٣", "²", "Ⅻ", "〇", "十二", "一二三", "/", "—", "无", "N/A", "null", "None", "true",
    "[]", "{}", "<b>1</b>", XSS, "'; DROP TABLE reports_report; --", "{{ 7*7 }}", "{% debug %}", "%s%s%n",
    "../../etc/passwd", "=1+1", "+SUM(1,1)", "@cmd", "\\", "\"", "🙂" * 3, "\U0010ffff", "a" * 5001,
]

# Characters a request can carry (no lone surrogates: they cannot be encoded in UTF-8).
_chars = st.characters(blacklist_categories=("Cs",))


def fullwidth(n: int) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in str(n))


def hostile_text() -> st.SearchStrategy[str]:
    """Random unicode, huge strings, NUL bytes, negative/huge/float/exponent numbers, full-width digits."""
    return st.one_of(
        st.sampled_from(SPECIALS),
        st.text(_chars, max_size=40),
        st.integers(min_value=-10**30, max_value=10**30).map(str),
        st.integers(min_value=0, max_value=10**12).map(fullwidth),
        st.floats().map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=8).map(str),
        st.builds(lambda c, n: c * n, st.sampled_from(["9", "字", "a", "\x00", "<", " "]),
                  st.integers(min_value=200, max_value=120_000)),
    )


def posted_value() -> st.SearchStrategy:
    """One value, or the same key posted two or three times."""
    return st.one_of(hostile_text(), st.lists(hostile_text(), min_size=2, max_size=3))


WRONG_KEYS = ["table3.total.natural", "table3.new.total", "table3.nope.natural", "table4.review.total",
              "table2.fees", "prose.nope", "prose", "revision.", "seq", "generate", "printed.table3.total.natural",
              "printed.x", "printed.table3.new.total", "csrfmiddlewaretoken", "id", "report", "status",
              "organisation", "__proto__", ""]


def wrong_key() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(WRONG_KEYS), st.text(_chars, min_size=1, max_size=20))


@st.composite
def form_data(draw, keys: list[str], base: dict[str, str] | None = None, extra_keys: list[str] = ()) -> dict:
    """A form as posted: the stored values (when given) with some fields changed, some missing, some unknown."""
    data: dict[str, Any] = dict(base or {})
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)) if keys else []:
        data.pop(key, None)
    if keys:
        data.update(draw(st.dictionaries(st.sampled_from(keys), posted_value(), max_size=5)))
    data.update(draw(st.dictionaries(st.one_of(wrong_key(), *(st.sampled_from(extra_keys),) if extra_keys else ()),
                                     posted_value(), max_size=3)))
    return data


def post(client: Client, url: str, data: dict, urlencoded: bool = False):
    """POST as a browser's form (multipart) or url-encoded; lists become repeated keys either way."""
    if urlencoded:
        return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")
    return client.post(url, data)


def post_files(client: Client, url: str, files: list[tuple[str, bytes]], fields: dict[str, str] | None = None):
    """POST files as multipart/form-data with their names on the wire exactly as given.

    Django's test client would send os.path.basename of a name, and SimpleUploadedFile refuses names such as
    "/" or ".."; a hostile client sends whatever it likes, quotes and line breaks included, so the body is
    written here by hand.
    """
    boundary = "----gkportal-hostile-boundary"
    parts = []
    for key, value in (fields or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
                     + value.encode("utf-8", "surrogatepass") + b"\r\n")
    for name, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode("utf-8", "surrogatepass")
                     + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post(url, body, content_type=f"multipart/form-data; boundary={boundary}")


# ---------------------------------------------------------------- what is stored


def snapshot() -> dict[str, Any]:
    """Everything a request could change, without timestamps that move on every save."""
    reports = {}
    for r in Report.objects.select_related("organisation").order_by("pk"):
        reports[r.pk] = {
            "json": report_to_json(r),
            "fields": (r.status, r.origin, r.signature_name, r.signature_date, r.printed_totals, r.format_version,
                       r.organisation_id, r.year),
            "revisions": tuple(getattr(r, code).revision for code in SECTION_MODELS),
        }
    users = get_user_model().objects.order_by("pk")
    return {
        "reports": reports,
        "events": list(ReportEvent.objects.order_by("pk").values_list("pk", "report_id", "action", "comment")),
        "versions": list(ReportVersion.objects.order_by("pk").values_list("pk", "report_id", "number", "kind")),
        "publications": list(Publication.objects.order_by("pk").values_list("pk", "report_id", "number",
                                                                            "pdf_sha256", "correction_note")),
        "comments": list(SectionComment.objects.order_by("pk").values_list("pk", "section", "text", "resolved_at")),
        "acknowledgements": list(Acknowledgement.objects.order_by("pk").values_list("pk", "key", "explanation")),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "recipient_id", "read_at")),
        "carried": list(CarriedText.objects.order_by("pk").values_list("pk", "report_id", "part", "digest")),
        "organisations": list(Organisation.objects.order_by("pk").values_list(
            "pk", "name", "short_name", "kind", "parent_id", "deadline_month_day")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "user_id", "organisation_id", "role")),
        "users": list(users.values_list("pk", "username", "first_name", "last_name", "email", "is_active",
                                        "password")),
        "access_events": AccessEvent.objects.count(),
    }


def others(state: dict[str, Any], report_id: int) -> dict[int, Any]:
    """The snapshot's reports other than `report_id`."""
    return {pk: r for pk, r in state["reports"].items() if pk != report_id}


# Characters that PostgreSQL text (NUL) or XML 1.0, hence .docx and .xlsx, cannot hold.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CHECKED_MODELS = [*SECTION_MODELS.values(), ApplicationRow, Report, Organisation, ReportEvent, SectionComment,
                  Acknowledgement, Publication, ReportVersion, Membership]


def assert_valid_storage() -> None:
    """Every stored row passes its model's validation and CHECK constraints; no text holds unstorable characters."""
    for model in CHECKED_MODELS:
        text_fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, (models.CharField,
                                                                                       models.TextField))]
        for obj in model.objects.all():
            obj.full_clean(validate_unique=False)
            for name in text_fields:
                value = getattr(obj, name)
                assert not UNSTORABLE.search(value or ""), (model.__name__, obj.pk, name, value[:200])
    for person in get_user_model().objects.all():
        for name in ("username", "first_name", "last_name", "email"):
            assert not UNSTORABLE.search(getattr(person, name)), (person.pk, name)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the same data: its writes are undone when it ends."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def logged_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# ---------------------------------------------------------------- every URL of the site


def routes() -> list[tuple[str, str]]:
    """(route, name) of every path() of the URLconf; the admin's two regex routes are left out."""
    from django.urls import URLResolver, get_resolver

    def walk(resolver, prefix: str):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p, route)
            elif "^" not in route and "(?P" not in route:
                yield route, p.name or ""

    return list(dict.fromkeys(walk(get_resolver(), "")))


def path_to(name: str, *args: Any) -> str:
    """reverse(name, args=args), but for any ids: reverse() refuses those the URL patterns do not match
    (an id of 20 digits, a year of one), and a hostile client sends them all the same; they meet a 404."""
    [route] = [r for r, n in routes() if n == name]
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    return concrete_url(route, dict(zip(params, args, strict=True)))


def concrete_url(route: str, values: dict[str, Any]) -> str:
    """A route with its <converter:name> parameters filled in from `values`."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
