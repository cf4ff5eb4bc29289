"""Personas and builders shared by the whole suite."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from reports.models import Membership, Organisation, Report
from reports.services import create_report, save_values
from reports.values import ReportValues

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "spec" / "examples"
SEEDS = SHARED / "seeds"

Role = Membership.Role
Kind = Organisation.Kind


def needs_shared(path: Path) -> pytest.MarkDecorator:
    """Skip, saying why, when ../shared (the spec and seeds beside the repo) is not there."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is absent (../shared is not beside the repo)")


def example_json(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def demo_values() -> ReportValues:
    """The numbers of the 西村乡 2023 report, as shipped with the demo data."""
    from importlib import resources

    from reports.importing.jsonfile import read_report_json

    text = resources.files("reports.demo").joinpath("xicun_2023.json").read_text(encoding="utf-8")
    return read_report_json(text)[1]


def complete_values() -> ReportValues:
    """A valid, fully filled report: the demo numbers with the five blank 行政复议 cells set to 0."""
    values = demo_values()
    for col in values.table4["review"]:
        values.table4["review"][col] = 0
    from reports.demo.prose import PROSE

    values.prose.update(PROSE)
    return values


def make_org(name: str = "西村乡人民政府", kind: str = Kind.TOWNSHIP_GOV, parent: Organisation | None = None,
             **kw) -> Organisation:
    return Organisation.objects.create(name=name, short_name=kw.pop("short_name", name[:3]), kind=kind,
                                       parent=parent, **kw)


REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    """Whether Redis answers on 127.0.0.1:6379 (the tests that need it skip, saying why, when it does not)."""
    try:
        with socket.create_connection(REDIS, timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def make_report(org: Organisation | None = None, year: int = 2023, values: ReportValues | None = None,
                **fields) -> Report:
    report = create_report(org or make_org(), year, **fields)
    if values is not None:
        save_values(report, values)
    return report


def make_user(username: str, org: Organisation | None = None, role: str | None = None, **kw):
    user = get_user_model().objects.create_user(username=username, password="correct-horse-battery", **kw)
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture(scope="session", autouse=True)
def _render_memo():
    """Identical WeasyPrint renders are made once per test process (see tests/speed_support.py)."""
    from tests.speed_support import install_render_memo, memo_enabled

    if not memo_enabled():
        yield None
        return
    memo, restore = install_render_memo()
    yield memo
    restore()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tests talk plain HTTP to the test client and live server, serve static files unhashed, and write
    published files to their own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # The default PBKDF2 costs ~0.3 s per user created or logged in; tests need no strong hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(db) -> Organisation:
    return make_org("修武县人民政府", Kind.COUNTY_GOV, short_name="修武县")


@pytest.fixture
def township(county) -> Organisation:
    return make_org("西村乡人民政府", Kind.TOWNSHIP_GOV, parent=county, short_name="西村乡")


@pytest.fixture
def sibling(county) -> Organisation:
    return make_org("郇封镇人民政府", Kind.TOWNSHIP_GOV, parent=county, short_name="郇封镇")


@pytest.fixture
def drafter(township):
    return make_user("drafter", township, Role.DRAFTER)


@pytest.fixture
def approver(township):
    return make_user("approver", township, Role.APPROVER)


@pytest.fixture
def county_officer(county):
    return make_user("officer", county, Role.SUPERVISOR)


@pytest.fixture
def outsider(sibling):
    """A drafter of a sibling township: sees nothing of 西村乡's unpublished reports."""
    return make_user("outsider", sibling, Role.DRAFTER)


@pytest.fixture
def report(township) -> Report:
    """西村乡's 2023 draft with the demo numbers and prose."""
    from reports.demo.prose import PROSE

    values = demo_values()
    values.prose.update(PROSE)
    return make_report(township, 2023, values)
