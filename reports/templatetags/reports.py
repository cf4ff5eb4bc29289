from django import template

register = template.Library()


@register.filter
def cell(value):
    """A table cell as printed: the number, or an empty cell when it was never filled in."""
    return "" if value is None else value
