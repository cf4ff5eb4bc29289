"""Helpers shared by the management commands."""

from django.core.management import CommandError
from django.db.models import Q

from reports.catalogue import format_refusal
from reports.models import Organisation, Report
from reports.permissions import EDITABLE_STATES
from reports.services import create_report


def find_organisation(name: str) -> Organisation:
    """The organisation with this full or short name; a CommandError in Chinese otherwise."""
    matches = list(Organisation.objects.filter(Q(name=name) | Q(short_name=name)))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CommandError(f"没有名为“{name}”的机关。请先在系统管理中添加该机关，或检查名称。")
    raise CommandError(f"有多个机关叫“{name}”：{'、'.join(m.name for m in matches)}。请使用机关全称。")


def report_to_overwrite(organisation: Organisation, year: int, *, format_version: str, replace: bool,
                        source: str = "文件") -> Report:
    """Inside a transaction: the locked report to load into, created (marked imported) if there is none.

    An existing report is overwritten only with --replace, and only while it is editable; from 2021 on
    only the 2021 format is accepted (catalogue.format_refusal).
    """
    if format_refusal(year, format_version):
        raise CommandError(format_refusal(year, format_version))
    report = Report.objects.select_for_update().filter(organisation=organisation, year=year).first()
    if report is None:
        return create_report(organisation, year, format_version=format_version, origin=Report.Origin.IMPORTED)
    if not replace:
        raise CommandError(f"{report.title}已存在。如要用{source}中的数据覆盖，请加 --replace。")
    if report.status not in EDITABLE_STATES:
        raise CommandError(f"{report.title}的状态是“{report.get_status_display()}”，已锁定，不能覆盖。")
    return report
