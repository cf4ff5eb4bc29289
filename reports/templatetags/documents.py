"""Filters for the official document, shared by the web page and the print outputs."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def paragraph_texts(text: str) -> list[str]:
    """The paragraphs of a prose field: one per non-blank line, surrounding space removed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def paragraphs(text: str) -> SafeString:
    """Each line of prose as its own escaped <p>: a 公文 paragraph starts indented on a new line."""
    return format_html_join("\n", "<p>{}</p>", ((conditional_escape(p),) for p in paragraph_texts(text)))
