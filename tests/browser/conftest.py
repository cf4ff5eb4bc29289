"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("GKPORTAL_CHROMIUM", "/usr/bin/chromium")
# The browser the tests drive: Debian's Chromium, or, when the run names it (scripts/test.sh does when it is
# installed), Debian's headless build of the same Chromium (package chromium-headless-shell: the same Blink,
# V8 and version, without the desktop browser around them). The pages are the same; the shell costs less than
# half the CPU (tests/browser/test_editor.py: 27 against 63 CPU seconds of Chromium), which a 12-minute
# `make test` needs on two cores running four test processes. A reader's own settings live in a profile only
# the full browser has: the tests of those (a 24 px default font, tests/browser/test_screens.py) always
# launch CHROMIUM. GKPORTAL_TEST_HEADLESS_SHELL=0 `make test`: the full browser for every test.
ENGINE = os.environ.get("GKPORTAL_CHROMIUM_HEADLESS_SHELL") or CHROMIUM
# Pictures for people to look at (test-artifacts/, /tmp/screens). scripts/test.sh turns them off in the
# PostgreSQL run, which would overwrite the SQLite run's pictures with the same pages.
PICTURES = os.environ.get("GKPORTAL_TEST_PICTURES", "1") != "0"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser

# Generous waits: on a loaded 2-core machine a page can take seconds; a passing check returns at once.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    for path in dict.fromkeys((ENGINE, CHROMIUM)):
        if not shutil.which(path) and not Path(path).exists():
            pytest.fail(f"Chromium not found at {path}: run `make test` as root or apt-get install {Path(path).name}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=ENGINE,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, db):
    """Open a fresh browser context (its own cookies and storage); call as new_page() for a second person.

    It asks for `db` so that it is set up after the test database and torn down before it: its teardown
    (below) must run while the database is still there. Without it pytest-django flushed the database and
    blocked access first, and a save still in flight from the test's page reached the live server after
    that ("Database access not allowed"; the server thread's traceback, printed while pytest formatted a
    report, then crashed the run with Python 3.11's "AST constructor recursion depth mismatch")."""
    contexts = []
    in_flight: dict = {}  # requests sent by each context and not yet answered

    def make(width: int = 1366, height: int = 900):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(20_000)
        in_flight[context] = 0

        def sent(request, context=context):
            in_flight[context] += 1

        def ended(request, context=context):
            in_flight[context] -= 1

        context.on("request", sent)
        context.on("requestfinished", ended)
        context.on("requestfailed", ended)
        contexts.append(context)
        return context.new_page()

    yield make
    # Nothing of the test's pages may reach the live server once the test is over: a late autosave or check
    # arriving while the test database is flushed (SQLite in memory shares one connection with the server's
    # thread) broke the flush and the next test's set-up. New requests are refused, and the requests already
    # sent are waited for (a few seconds at most) before the contexts close.
    for context in contexts:
        context.route("**/*", lambda route: route.abort())
    pages = [page for context in contexts for page in context.pages]
    deadline = time.monotonic() + 5
    while pages and any(in_flight.values()) and time.monotonic() < deadline:
        pages[0].wait_for_timeout(50)  # lets Playwright deliver the answers' events
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, username: str, password: str = "correct-horse-battery") -> None:
    """Log in through the login form, as a person does."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str, full_page: bool = True, folder: Path = ARTIFACTS) -> None:
    """Keep a picture of the page in `folder` (the whole page, or the window as the user sees it)."""
    if not PICTURES:
        return
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)
