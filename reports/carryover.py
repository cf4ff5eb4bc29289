"""Next year from last year: 上年结转 from last year's 结转下年度, last year's prose marked for review.

Prose copied year after year is a known defect (format §（五）“不得出现……年年雷同”), so every copied part
carries a `CarriedText` mark until the clerk edits it or confirms it; `carryover_findings` turns the
marks into warnings the submission gate can show.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.dispatch import receiver

from .models import CarriedText, Membership, Organisation, Report
from .permissions import can_edit, roles_for
from .rules import Finding
from .catalogue import format_for_year
from .services import create_report, save_values
from .signals import counts_stale, section_saved
from .values import PROSE_FIELDS, ReportValues
from .writing import How, writing, written_values


class CarryoverError(Exception):
    """Why a report can't start from last year's; the message is for the user."""


def digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def previous_report(organisation: Organisation, year: int) -> Report | None:
    return Report.objects.filter(organisation=organisation, year=year - 1).first()


def carried_values(previous: ReportValues, year: int | None = None) -> ReportValues:
    """This year's starting values, in the format of `year` (a 2020 trial-format report starts a 2021-format
    one): 上年结转 column by column from 结转下年度 (both formats have them), and last year's prose."""
    version = format_for_year(year).version if year is not None else previous.format_version
    values = ReportValues(format_version=version)
    for col in values.format.table3.entered_columns:
        values.table3["carried_over"][col.code] = previous.t3("carry_forward", col.code)
    values.prose.update({name: previous.prose.get(name, "") for name in PROSE_FIELDS})
    return values


def start_from_previous(organisation: Organisation, year: int, *, by) -> Report:
    """Create `year`'s report from last year's (drafters of the organisation only)."""
    if Membership.Role.DRAFTER not in roles_for(by, organisation):
        raise PermissionDenied("只有本机关的填报人可以新建年度报告。")
    prev = previous_report(organisation, year)
    if prev is None:
        raise CarryoverError(f"{organisation.name}没有 {year - 1} 年度的报告，无法沿用。")
    if Report.objects.filter(organisation=organisation, year=year).exists():
        raise CarryoverError(f"{organisation.name}的 {year} 年度报告已经存在。")
    values = carried_values(prev.values(), year)
    try:
        with transaction.atomic():
            report = create_report(organisation, year, format_version=values.format_version)
            with writing(report, by=by, how=How.CARRYOVER) as report:
                save_values(report, values, prose=True)
                CarriedText.objects.bulk_create(
                    CarriedText(report=report, part=name, source=prev, digest=digest(values.prose[name]))
                    for name in PROSE_FIELDS
                    if values.prose[name].strip()
                )
    except IntegrityError:  # someone else created it a moment ago
        raise CarryoverError(f"{organisation.name}的 {year} 年度报告已经存在。") from None
    return report


def pending_parts(report: Report, marks: list[CarriedText] | None = None) -> list[CarriedText]:
    """Marks still standing (`marks` if loaded already, in bulk), in the order of the document."""
    marks = {m.part: m for m in (report.carried_texts.all() if marks is None else marks)}
    return [marks[name] for name in PROSE_FIELDS if name in marks]


def refresh_marks(report: Report) -> None:
    """Drop the marks of parts whose text changed since it was copied (the clerk edited them).

    The prose as the writer said it now stands (`written`, the editor's save), else read."""
    marks = list(report.carried_texts.all())
    if not marks:
        return
    prose = (written_values(report) or report.values()).prose
    edited = [m.pk for m in marks if digest(prose.get(m.part, "")) != m.digest]
    if edited:
        CarriedText.objects.filter(pk__in=edited).delete()


def confirm_part(report: Report, part: str, *, by) -> None:
    """The clerk has read a copied part and keeps it as it is."""
    if part not in PROSE_FIELDS:
        raise CarryoverError("没有这一部分。")
    with transaction.atomic():
        # Under the report's lock, like every write: a confirmation must not land in a submitted report.
        report = Report.objects.select_for_update().select_related("organisation").get(pk=report.pk)
        if not can_edit(by, report):
            raise PermissionDenied("只有本机关的填报人可以在草稿或已退回的报告中确认文字。")
        CarriedText.objects.filter(report=report, part=part).delete()
        counts_stale.send(sender=Report, report=report)


def carryover_findings(report: Report, marks: list[CarriedText] | None = None) -> list[Finding]:
    """One warning per copied part not yet edited or confirmed (N-SIMILAR's plain case)."""
    from .importing.result import prose_name

    out = []
    for mark in pending_parts(report, marks):
        name = prose_name(report.format, mark.part)
        section = "overview" if mark.part.startswith("overview_") or mark.part == "preface" else mark.part
        out.append(Finding(
            "N-CARRIED", "warning",
            f"“{name}”沿用了上一年度报告的文字，尚未修改或确认。请按本年度情况修改，或确认沿用。",
            (f"prose.{mark.part}",), section=section,
        ))
    return out


# The editor's sections of numbers only: their saves cannot change a copied part's text, so they leave every
# mark as it stands (every path that may write prose settles the marks: reports.writing.PROSE_UNWATCHED).
TABLE_SECTIONS = frozenset({"proactive", "applications", "review_litigation"})


@receiver(section_saved)
def _section_saved(sender, report: Report, section: str = "", **kwargs) -> None:
    """After an editor's save of a prose section, or a write by another path (`section=""`)."""
    if section not in TABLE_SECTIONS:
        refresh_marks(report)
