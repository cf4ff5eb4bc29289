"""Test-only savings on the suite's most expensive call: WeasyPrint rendering the same HTML again.

Many tests publish the same demo report (same organisation, year, numbers, prose and date), so the
document HTML they render is byte-for-byte the same, and WeasyPrint, which is deterministic for a given
HTML and the static files it fetches, makes the same PDF at ~0.5-1.5 s of CPU each time. `RenderMemo`
wraps `html_to_pdf_pages` so that within one test process an identical render is made once:

- only renders that use the default fetcher are memoised (a caller passing its own fetcher looks at what
  it served or refused, so it always gets a real render);
- the font check (`require_cjk_fonts`) still runs on every call, so "no CJK font" still fails;
- a render that refused a URL is never memoised (its warning is logged again every time);
- a hit is used only when every static file the render fetched is unchanged (same path, size, mtime)
  and the static settings and the `HTML` class are the ones it was made with;
- a test that monkeypatches `html_to_pdf_pages` (fault injection) replaces this wrapper for that test.

The real renderer is still exercised: the first render of every distinct HTML runs WeasyPrint, and the
PDF tests (test_rendering_pdf.py) pass their own fetcher, which bypasses the memo altogether.
GKPORTAL_TEST_RENDER_MEMO=0 turns it off.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

MODULES_USING_IT = ("reports.exports.document", "reports.publishing", "reports.management.commands.render_report")


def _file_stamp(path: Path | None) -> tuple | None:
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path), st.st_size, st.st_mtime_ns)


class RenderMemo:
    def __init__(self, real):
        self.real = real
        self.entries: dict[tuple, tuple[bytes, int, tuple]] = {}
        self.hits = 0
        self.misses = 0
        self.lock = threading.Lock()

    def key(self, html: str) -> tuple:
        from django.conf import settings

        from reports.exports import document

        static = (settings.STATIC_URL, repr(getattr(settings, "STATICFILES_DIRS", ())),
                  str(getattr(settings, "STATIC_ROOT", "")), repr(getattr(settings, "STATICFILES_FINDERS", ())))
        return (hashlib.sha256(html.encode("utf-8")).hexdigest(), len(html), static, id(document.HTML))

    def __call__(self, html: str, *, fetcher=None):
        from reports.exports import document

        if fetcher is not None:
            return self.real(html, fetcher=fetcher)
        document.require_cjk_fonts()
        key = self.key(html)
        with self.lock:
            entry = self.entries.get(key)
        if entry is not None:
            pdf, pages, stamps = entry
            probe = document.StaticFilesFetcher()
            if all(_file_stamp(probe.static_path(url)) == stamp for url, stamp in stamps):
                self.hits += 1
                return pdf, pages
        self.misses += 1
        fetcher = document.StaticFilesFetcher()
        pdf, pages = self.real(html, fetcher=fetcher)
        if not fetcher.refused:
            stamps = tuple((url, _file_stamp(fetcher.static_path(url))) for url in fetcher.served)
            with self.lock:
                self.entries[key] = (pdf, pages, stamps)
        return pdf, pages


def memo_enabled() -> bool:
    return os.environ.get("GKPORTAL_TEST_RENDER_MEMO", "1") != "0"


def install_render_memo():
    """Put one RenderMemo in place of html_to_pdf_pages in every module that calls it; returns an undo."""
    import importlib

    from reports.exports import document

    memo = RenderMemo(document.html_to_pdf_pages)
    undo = []
    for name in MODULES_USING_IT:
        module = importlib.import_module(name)
        if getattr(module, "html_to_pdf_pages", None) is memo.real:
            undo.append((module, memo.real))
            module.html_to_pdf_pages = memo

    def restore():
        for module, real in undo:
            module.html_to_pdf_pages = real

    return memo, restore
