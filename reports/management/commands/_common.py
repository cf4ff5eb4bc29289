"""Helpers shared by the management commands."""

from django.core.management import CommandError
from django.db.models import Q

from reports.models import Organisation


def find_organisation(name: str) -> Organisation:
    """The organisation with this full or short name; a CommandError in Chinese otherwise."""
    matches = list(Organisation.objects.filter(Q(name=name) | Q(short_name=name)))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CommandError(f"没有名为“{name}”的机关。请先在系统管理中添加该机关，或检查名称。")
    raise CommandError(f"有多个机关叫“{name}”：{'、'.join(m.name for m in matches)}。请使用机关全称。")
