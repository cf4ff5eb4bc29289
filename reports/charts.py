"""Trend charts as self-contained SVG (pygal), for the web page and, unchanged, for WeasyPrint's PDF.

The SVG carries no script and no link: pygal's tooltip script is removed, so a chart prints the same
as it shows and never makes a browser or WeasyPrint fetch anything.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree  # lxml when installed, else xml.etree: pygal picks
from pygal.style import Style

from .catalogue import get_format
from .county import Trend

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'
# Distinct on screen and still apart when printed in grey (dark, light, mid, …).
COLOURS = ("#1f4e79", "#e8a33d", "#7a9a3b", "#b03a2e", "#8e7cc3", "#5b5b5b")
STYLE = Style(
    font_family=FONT,
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#bbb",
    colors=COLOURS,
    title_font_size=16,
    legend_font_size=13,
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    value_colors=("white", "#222", "white", "white", "#222", "white"),
    tooltip_font_size=12,
    opacity="1",
    opacity_hover="1",
)


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString
    # The figures behind the chart, for a table beside it (screen readers, exact numbers).
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


def _config(title: str, columns: int, **kw) -> dict:
    return dict(
        title=title,
        style=STYLE,
        width=760,
        height=360,
        js=[],
        disable_xml_declaration=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=columns,
        print_values=True,
        print_zeroes=False,
        min_scale=4,
        max_scale=8,
        show_y_guides=True,
        truncate_legend=-1,
        margin_bottom=8,
        no_data_text="暂无已审核的数据",
        **kw,
    )


def _svg(chart: pygal.graph.graph.Graph, title: str) -> SafeString:
    """The chart's SVG without pygal's script and comments: static, printable, nothing to fetch."""
    tree = chart.render_tree()
    doomed = []
    for parent in tree.iter():
        # The legend's ids serve the removed script, and repeat in every chart of a page.
        if str(parent.get("id", "")).startswith("activate-serie"):
            del parent.attrib["id"]
        doomed += [
            (parent, child) for child in parent
            if child.tag is etree.Comment or str(child.tag).rpartition("}")[2] == "script"
        ]
    # Removed after the walk: lxml's iter() is live and skips nodes when the tree changes under it.
    for parent, child in doomed:
        parent.remove(child)
    tree.set("role", "img")
    tree.set("aria-label", title)
    # Our markup, numbers and catalogue labels only; ElementTree escapes every text.
    return mark_safe(etree.tostring(tree, encoding="unicode"))


def _count_ticks(top: int, most: int = 6) -> list[int]:
    """Whole-number y ticks from 0 to at least `top` (counts are never fractions): steps 1, 2, 5, 10, 20, 50…"""
    top = max(top, 1)
    step = next(s for e in itertools.count() for f in (1, 2, 5) if -(-top // (s := f * 10**e)) <= most)
    return list(range(0, -(-top // step) * step + 1, step))


def _bars(title: str, years: list[int], series: dict[str, list], *, stacked: bool = False) -> Chart:
    kind = pygal.StackedBar if stacked else pygal.Bar
    totals = [sum(p[i] or 0 for p in series.values()) if stacked else max((p[i] or 0 for p in series.values()),
              default=0) for i in range(len(years))]
    chart = kind(**_config(title, columns=min(3, len(series))), y_labels=_count_ticks(max(totals, default=0)))
    chart.x_labels = [f"{y}年" for y in years]
    for name, points in series.items():
        chart.add(name, points)
    rows = tuple((f"{y}年", *(points[i] for points in series.values())) for i, y in enumerate(years))
    return Chart(title, _svg(chart, title), ("年度", *series), rows)


def trend_charts(trend: Trend) -> list[Chart]:
    """Three charts: applications received, how they were handled, reviews and lawsuits."""
    t3 = get_format().table3
    t4 = get_format().table4
    applications = {
        t3.row("new").label: trend.new,
        t3.row("carried_over").label: trend.carried_over,
    }
    review_label = t4.group("review").label
    lawsuits = {review_label: trend.reviews} | {f"行政诉讼（{k}）": v for k, v in trend.litigation.items()}
    return [
        _bars("收到的政府信息公开申请（件）", trend.years, applications),
        _bars("申请的办理结果（件）", trend.years, trend.results, stacked=True),
        _bars("政府信息公开行政复议、行政诉讼（件）", trend.years, lawsuits),
    ]
