"""Builders for the workflow tests: a report that passes the submission gate, and a way to move it along."""

from __future__ import annotations

from reports.models import Report
from reports.services import save_values
from reports.signals import section_saved
from reports.workflow import publication_stamp
from reports.writing import How, writing

from .conftest import complete_values, make_report


def complete_report(org, year: int = 2023) -> Report:
    """A fully filled report that passes the submission gate (complete_values: no blanks, balanced)."""
    return make_report(org, year, complete_values())


def set_status(report: Report, status: str) -> Report:
    """Put a report in a state directly: setup for tests about something other than the transition."""
    Report.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    return report


def edit(report: Report, by, section: str = "applications", **cells) -> None:
    """What the section editor does: store changed values through the write path, send section_saved.

    Cells are given as row__column=value for 表三, or prose_<name>=text.
    """
    values = report.values()
    for key, value in cells.items():
        if key.startswith("prose_"):
            values.prose[key.removeprefix("prose_")] = value
        else:
            row, col = key.split("__")
            values.table3[row][col] = value
    with writing(report, by=by, how=How.SAVE, section=section) as locked:
        save_values(locked, values)
        section_saved.send(sender=Report, report=locked, section=section, by=by)


def confirmation(report: Report) -> dict[str, str]:
    """The publish page's hidden confirmation for the report as it is now (what a person confirms by clicking)."""
    return {"confirmed": publication_stamp(Report.objects.get(pk=report.pk))}
