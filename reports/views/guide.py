"""填报说明: each section, and every check of reports.rules — what it means and how to fix it."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..catalogue import get_format
from ..rules import RULE_INFO
from ..rules.guidance import FIXES, SECTION_GUIDE

HOW_LABELS = {"check": "自动检查", "construction": "由系统保证", "help": "填报说明"}


@require_safe
def help_page(request):
    """Open to everyone: the rules are public knowledge, and people read them before signing in."""
    sections = get_format().sections
    rules_by_section: dict[str, list[dict]] = {s.code: [] for s in sections}
    general: list[dict] = []
    for info in RULE_INFO.values():
        item = {"info": info, "fix": FIXES.get(info.id, ""), "how": HOW_LABELS[info.how]}
        rules_by_section.get(info.section, general).append(item)
    groups = [
        {"section": s, "guide": SECTION_GUIDE.get(s.code, ""), "rules": rules_by_section[s.code]}
        for s in sections
    ]
    return render(request, "reports/help.html", {"groups": groups, "general": general})
