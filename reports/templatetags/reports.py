from django import template

from ..rules import RULE_INFO, SEVERITY_LABELS

register = template.Library()


@register.filter
def cell(value):
    """A table cell as printed: the number, or an empty cell when it was never filled in."""
    return "" if value is None else value


@register.filter
def rule_title(rule_id: str) -> str:
    """The Chinese name of a rule (总体情况五个方面齐全) for people; its id (N-S1-ASPECTS) stays in a tooltip."""
    info = RULE_INFO.get(rule_id)
    return info.title if info else rule_id


@register.filter
def severity_label(severity: str) -> str:
    """错误, 提示 or 说明: one name for each severity on every page."""
    return SEVERITY_LABELS.get(severity, severity)


@register.filter
def minutes(delta) -> int:
    """A timedelta as whole minutes, for messages such as 「请在 30 分钟后再试」."""
    return int(delta.total_seconds() // 60) if delta else 0


@register.filter
def digits_class(value) -> str:
    """' digits-5' … ' digits-8' for long numbers, so print CSS can set them smaller in narrow columns."""
    if value is None:
        return ""
    n = len(str(value))
    return f" digits-{min(n, 8)}" if n >= 5 else ""


@register.filter
def lookup(mapping, key):
    """mapping[key], or None: for per-cell dictionaries in the editors' templates."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def cell_id(key: str) -> str:
    """The HTML id of a cell's input or paragraph in the editor (findings.cell_anchor)."""
    from ..findings import cell_anchor

    return cell_anchor(key)


@register.filter
def cell_label(comment) -> str:
    """The name of the cell or paragraph a review comment names, as its editor labels it ('' for none)."""
    if not getattr(comment, "cell", ""):
        return ""
    from ..forms import SECTION_FORMS

    form = SECTION_FORMS.get(comment.section)
    report = comment.report
    labels = {key: str(field.label) for key, field in form.cell_fields(report.format, report)} if form else {}
    return labels.get(comment.cell, "")
