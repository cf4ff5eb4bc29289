"""The test-only render memo (tests/speed_support.py) must never hand a test a PDF a real render would not."""

from __future__ import annotations

import pytest

from reports.exports import document
from reports.exports.document import MissingFontsError, StaticFilesFetcher

from .speed_support import RenderMemo, memo_enabled

CSS = StaticFilesFetcher.static_prefix() + "reports/print.css"


class FakeRender:
    """Stands for html_to_pdf_pages: counts calls, 'fetches' print.css, and refuses what the HTML asks for."""

    def __init__(self):
        self.calls = 0

    def __call__(self, html, *, fetcher):
        self.calls += 1
        fetcher.served.append(CSS)
        if "refuse-me" in html:
            fetcher.refused.append("http://127.0.0.1:9/x")
        return b"%PDF-" + html.encode() + str(self.calls).encode(), self.calls


def test_an_identical_render_is_made_once_and_a_different_one_again():
    real = FakeRender()
    memo = RenderMemo(real)
    first = memo("<p>一</p>")
    assert memo("<p>一</p>") == first and real.calls == 1
    assert memo("<p>二</p>") != first and real.calls == 2


def test_a_caller_with_its_own_fetcher_always_gets_a_real_render():
    real = FakeRender()
    memo = RenderMemo(real)
    memo("<p>一</p>")
    fetcher = StaticFilesFetcher()
    memo("<p>一</p>", fetcher=fetcher)
    assert real.calls == 2 and fetcher.served == [CSS]


def test_a_render_that_refused_a_url_is_never_reused():
    real = FakeRender()
    memo = RenderMemo(real)
    memo("<p>refuse-me</p>")
    memo("<p>refuse-me</p>")
    assert real.calls == 2


def test_the_font_check_still_fails_on_a_memoised_render(monkeypatch):
    memo = RenderMemo(FakeRender())
    memo("<p>一</p>")
    monkeypatch.setattr("reports.exports.document.cjk_font_families", lambda: ())
    with pytest.raises(MissingFontsError):
        memo("<p>一</p>")


def test_a_changed_static_file_makes_a_fresh_render(monkeypatch, tmp_path):
    css = tmp_path / "print.css"
    css.write_text("a{}", encoding="utf-8")
    monkeypatch.setattr(StaticFilesFetcher, "static_path", lambda self, url: css)
    real = FakeRender()
    memo = RenderMemo(real)
    memo("<p>一</p>")
    css.write_text("a{color:red}", encoding="utf-8")
    memo("<p>一</p>")
    assert real.calls == 2


@pytest.mark.skipif(not memo_enabled(), reason="GKPORTAL_TEST_RENDER_MEMO=0")
def test_the_suite_renders_through_the_memo():
    from reports import publishing

    assert isinstance(publishing.html_to_pdf_pages, RenderMemo)
    assert isinstance(document.html_to_pdf_pages, RenderMemo)
    assert publishing.html_to_pdf_pages.real.__module__ == "reports.exports.document"
