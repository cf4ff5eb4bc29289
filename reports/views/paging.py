"""The page links of a paged list (the county dashboard, a cell's breakdown, the home page): one home for them."""

from __future__ import annotations

from typing import Callable

from django.core.paginator import Page


def page_links(page: Page, href: Callable[[int], str]) -> list[tuple[int | str, str | None]]:
    """(number, link) for templates/_pagination.html: the first and last pages and two each side of this one,
    "…" (no link) for the pages between; none when everything fits on one page. A province's dashboard has
    hundreds of pages: a link to each filled the screen."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return []
    shown = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [(n, None if n == paginator.ELLIPSIS else href(n)) for n in shown]
