"""表三's grid cells written in Python (reports/views/grid_html.py) are the markup the template loop wrote: that loop,
as it stood in templates/reports/edit_applications.html, is rendered here beside it for every kind of cell, with
text that needs escaping."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.safestring import mark_safe

from reports.views.editing import EditorCell
from reports.views.grid_html import table3_tds

# The template's loop before it was written in Python, verbatim.
TEMPLATE_LOOP = (
    '{% for c, css, note in line.tds %}<td class="{{ css }}" data-cell-wrap="{{ c.key }}">{% if c.derived'
    ' %}<output id="{{ c.id }}" data-key="{{ c.key }}" data-r="{{ c.r }}" data-c="{{ c.c }}" aria-label="'
    '{{ c.label }}（自动计算）" title="{{ note|default:\'自动计算，不需填写\' }}">{{ c.text }}</output>{% elif readonly %}'
    '<output id="{{ c.id }}" class="readonly-value{% if c.text == \'\' %} is-blank{% endif %}" data-key="{{'
    ' c.key }}" tabindex="0" aria-label="{{ c.label }}" aria-describedby="msg-{{ c.id }}"{% if note %} ti'
    'tle="{{ note }}"{% endif %}>{{ c.text|default:"未填" }}</output>{% else %}<input type="text" inputmode'
    '="numeric" autocomplete="off" spellcheck="false" placeholder=" " id="{{ c.id }}" name="{{ c.key }}" '
    'value="{{ c.text }}" data-key="{{ c.key }}" data-r="{{ c.r }}" data-c="{{ c.c }}" aria-label="{{ c.l'
    'abel }}" aria-describedby="msg-{{ c.id }}"{% if c.error %} aria-invalid="true"{% endif %}>{% endif %'
    '}<div class="cell-msg" id="msg-{{ c.id }}">{% if c.error %}待改正：{{ c.error }}{% else %}{{ note }}{% e'
    'ndif %}</div></td>{% endfor %}'
)

HOSTILE = '<b>"&\'</b>'
CELLS = [
    (EditorCell("table3.new.natural", "新收申请 自然人", "12", r=0, c=0), "num", ""),
    (EditorCell("table3.new.commercial", "新收申请 商业企业", "", r=0, c=1), "num is-warning", "与上年不符"),
    (EditorCell("table3.granted.natural", "予以公开 自然人", "三", r=1, c=0, error="请填写整数"), "num is-refused", "x"),
    (EditorCell("table3.new.total", "新收申请 总计", "12", derived=True, r=0, c=6), "num derived", ""),
    (EditorCell("table3.total.total", "总计", "40", derived=True, r=9, c=6), "num derived is-error", "总计不等"),
    (EditorCell("table3.partial.legal", HOSTILE, HOSTILE, r=2, c=4, error=HOSTILE), "num " + HOSTILE, HOSTILE),
    (EditorCell("table3.partial.other_org", "部分公开 其他", HOSTILE, r=2, c=5), "num has-comment", HOSTILE),
    (EditorCell("table3.denied_1.social", "不予公开 社会", "0", r=3, c=3), "num", mark_safe("<em>已确认</em>")),
]


@pytest.mark.parametrize("readonly", [False, True])
def test_the_cells_html_is_the_template_loops_markup(readonly):
    expected = Template(TEMPLATE_LOOP).render(Context({"line": {"tds": CELLS}, "readonly": readonly}))
    assert str(table3_tds(CELLS, readonly)) == expected
    assert HOSTILE not in expected  # the hostile text was escaped, not passed through


@pytest.mark.django_db
def test_the_editor_page_has_one_cell_per_entered_and_derived_cell_with_its_value(client, drafter, township):
    from .conftest import demo_values, make_report

    report = make_report(township, 2023, demo_values())
    client.force_login(drafter)
    page = client.get(reverse("section_edit", args=[report.pk, "applications"])).content.decode()
    assert page.count('data-cell-wrap="table3.') == 25 * 7
    value = report.values().table3["new"]["natural"]
    assert f'name="table3.new.natural" value="{value}"' in page
