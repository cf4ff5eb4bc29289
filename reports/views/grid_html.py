"""表三's grid cells written as HTML in Python, for the editor's page.

The same markup the template's loop over the cells wrote (tests/test_editing_grid_html.py renders that loop and
compares, cell kind by cell kind, with HTML-special text), at a fraction of its cost: 175 cells of about twelve
template variables each were ~2,200 variable nodes, most of the time of opening the 表三 editor (issue 15: that
page was the load test's slowest request). Every value is escaped as the template escaped it
(`conditional_escape`: a string marked safe stays as it is).
"""

from __future__ import annotations

from typing import Any, Iterable

from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe


def table3_tds(tds: Iterable[tuple[Any, str, str]], readonly: bool) -> SafeString:
    """The <td> of each (cell, classes, message) of one grid line: a derived sum (read-only, computed), a stored
    value when the page is read-only, or an input; each with its message below it."""
    out = []
    for c, css, note in tds:
        cid, key, label = esc(c.id), esc(c.key), esc(c.label)
        out.append(f'<td class="{esc(css)}" data-cell-wrap="{key}">')
        if c.derived:
            out.append(f'<output id="{cid}" data-key="{key}" data-r="{c.r}" data-c="{c.c}" aria-label="{label}（自动计算）"'
                       f' title="{esc(note or "自动计算，不需填写")}">{esc(c.text)}</output>')
        elif readonly:
            blank = " is-blank" if c.text == "" else ""
            title = f' title="{esc(note)}"' if note else ""
            out.append(f'<output id="{cid}" class="readonly-value{blank}" data-key="{key}" tabindex="0"'
                       f' aria-label="{label}" aria-describedby="msg-{cid}"{title}>{esc(c.text or "未填")}</output>')
        else:
            invalid = ' aria-invalid="true"' if c.error else ""
            out.append(f'<input type="text" inputmode="numeric" autocomplete="off" spellcheck="false" placeholder=" "'
                       f' id="{cid}" name="{key}" value="{esc(c.text)}" data-key="{key}" data-r="{c.r}" data-c="{c.c}"'
                       f' aria-label="{label}" aria-describedby="msg-{cid}"{invalid}>')
        message = f"待改正：{esc(c.error)}" if c.error else esc(note)
        out.append(f'<div class="cell-msg" id="msg-{cid}">{message}</div></td>')
    return mark_safe("".join(out))
