"""The rules applied to a stored report: its context from the database, its findings, acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import Acknowledgement, Organisation, Report
from .permissions import can_edit
from .signals import counts_stale
from .rules import SEVERITY_LABELS, Context, Finding, check, gate
from .values import ReportValues

EXPLANATION_MAX_CHARS = 2000


def report_context(report: Report) -> Context:
    """The organisation, and last year's report of the same organisation (year − 1) if there is one."""
    return organisation_context(report.organisation, report.year)


def organisation_context(organisation: Organisation, year: int) -> Context:
    """The rules' Context for `organisation`'s report of `year`, whether or not that report exists yet."""
    previous = Report.objects.filter(organisation=organisation, year=year - 1).first()
    return context_for(organisation, year, previous, previous.values() if previous is not None else None)


def context_for(organisation: Organisation, year: int, previous: Report | None,
                previous_values: ReportValues | None) -> Context:
    """The rules' Context, given last year's report and its values (loaded one by one or in bulk).

    Cross-year rules are errors only when last year's report was drafted and approved in gkportal;
    numbers imported or typed in from an old document only warn.
    """
    approved_here = bool(
        previous is not None
        and previous.status in (Report.Status.APPROVED, Report.Status.PUBLISHED)
        and previous.origin == Report.Origin.ENTERED
    )
    return Context(
        org_kind=organisation.kind,
        org_name=organisation.name,
        year=year,
        previous=previous_values,
        previous_approved_here=approved_here,
        other_handling_warn_share=settings.GKPORTAL_OTHER_HANDLING_WARN_SHARE,
    )


def findings_for_report(report: Report, values: ReportValues | None = None) -> list[Finding]:
    """Every finding of the rules for the stored report (or for `values` about to be stored in it).

    Besides the rules over the values, one stored fact counts: prose copied from last year and not yet
    edited or confirmed (reports.carryover marks it).
    """
    from .carryover import carryover_findings

    return check(values if values is not None else report.values(), report_context(report)) + carryover_findings(report)


def bulk_findings(reports: list[Report], values: dict[int, ReportValues],
                  contexts: dict[int, Context]) -> dict[int, list[Shown]]:
    """report_findings for many reports at once (the county dashboard), in a constant number of queries."""
    from .carryover import carryover_findings
    from .models import CarriedText

    acks: dict[int, dict[str, Acknowledgement]] = {r.pk: {} for r in reports}
    for ack in Acknowledgement.objects.filter(report__in=reports).select_related("by"):
        acks[ack.report_id][ack.key] = ack
    marks: dict[int, list] = {r.pk: [] for r in reports}
    for mark in CarriedText.objects.filter(report__in=reports):
        marks[mark.report_id].append(mark)
    return {
        r.pk: shown(check(values[r.pk], contexts[r.pk]) + carryover_findings(r, marks[r.pk]), acks[r.pk])
        for r in reports
    }


def acknowledgements(report: Report) -> dict[str, Acknowledgement]:
    """The report's acknowledgements by finding key."""
    return {a.key: a for a in report.acknowledgements.select_related("by")}


def blocking_findings(report: Report) -> list[Finding]:
    """What stops submission now: every error, every warning its drafters have not acknowledged."""
    return gate(findings_for_report(report), set(acknowledgements(report)))


@transaction.atomic
def acknowledge(report: Report, finding_key: str, *, by, explanation: str = "") -> Acknowledgement:
    """A drafter acknowledges one current warning, optionally explaining it; again replaces the explanation."""
    report = Report.objects.select_for_update().select_related("organisation").get(pk=report.pk)
    if not can_edit(by, report):
        raise PermissionDenied("只有本机关的填报人可以在草稿或已退回的报告中确认提示。")
    explanation = explanation.strip()
    if len(explanation) > EXPLANATION_MAX_CHARS:
        raise ValidationError(f"说明最多 {EXPLANATION_MAX_CHARS} 字，现有 {len(explanation)} 字。", code="too_long")
    finding = next((f for f in findings_for_report(report) if f.key == finding_key), None)
    if finding is None:
        raise ValidationError("这条提示已经不存在了（可能数据已修改），请刷新页面后再看。", code="unknown")
    if finding.severity != "warning":
        raise ValidationError("错误不能确认，只能改正；只有“提示”可以确认。", code="not_warning")
    ack, _ = Acknowledgement.objects.update_or_create(
        report=report,
        key=finding_key,
        defaults={"rule": finding.rule, "message": finding.message, "explanation": explanation, "by": by,
                  "at": timezone.now()},
    )
    counts_stale.send(sender=Report, report=report)
    return ack


@dataclass(frozen=True)
class Shown:
    """A finding as every page shows it: an error, a warning to confirm, or a warning already confirmed."""

    finding: Finding
    ack: Acknowledgement | None = None

    @property
    def state(self) -> str:
        """error, warning, acknowledged or info: the one classification every page uses."""
        return "acknowledged" if self.ack is not None else self.finding.severity

    @property
    def label(self) -> str:
        return "已确认" if self.ack is not None else SEVERITY_LABELS.get(self.finding.severity, self.finding.severity)

    @property
    def blocking(self) -> bool:
        return self.state in ("error", "warning")

    @property
    def changed(self) -> bool:
        """Acknowledged with other numbers than now: the approver should know."""
        return self.ack is not None and self.ack.message != self.finding.message

    def as_dict(self) -> dict:
        """For the editor's live check: the finding, its state and, once acknowledged, who and why."""
        out = self.finding.as_dict() | {"state": self.state, "label": self.label}
        if self.ack is not None:
            out["acknowledged"] = {"by": self.ack.by.get_full_name() or self.ack.by.get_username(),
                                   "at": self.ack.at.isoformat(), "explanation": self.ack.explanation}
        return out


def shown(findings: list[Finding], acks: dict[str, Acknowledgement]) -> list[Shown]:
    """The findings with their acknowledgements: only warnings can be acknowledged (gate() agrees)."""
    return [Shown(f, acks.get(f.key) if f.severity == "warning" else None) for f in findings]


def report_findings(report: Report, values: ReportValues | None = None) -> list[Shown]:
    """The one list every page shows: the report's findings (for `values` if given) with their acknowledgements."""
    return shown(findings_for_report(report, values), acknowledgements(report))


def counts(items: list[Shown]) -> dict[str, int]:
    """How many errors, warnings still to confirm, acknowledged warnings, and blocking findings."""
    out = {"error": 0, "warning": 0, "acknowledged": 0, "info": 0}
    for it in items:
        out[it.state] += 1
    out["blocking"] = out["error"] + out["warning"]
    return out


def cell_marks(items: list[Shown]) -> dict[str, dict]:
    """What each cell or paragraph shows: its state (error, warning) and the messages, said once.

    A finding over several paragraphs (the five parts of 一) speaks under the first of them only; the
    others are framed. Acknowledged warnings mark no cell (they are listed as 已确认), nor do blank cells
    (S-CELLS: the cells are hatched and counted apart). The editor's script applies the same rules.
    """
    marks: dict[str, dict] = {}
    for it in items:
        if it.state not in ("error", "warning") or it.finding.rule == "S-CELLS":
            continue
        prose = [k for k in it.finding.cells if k.startswith("prose.")]
        for key in it.finding.cells:
            mark = marks.setdefault(key, {"state": it.state, "messages": []})
            if it.state == "error":
                mark["state"] = "error"
            if key in prose[1:] or it.finding.message in mark["messages"]:
                continue
            mark["messages"].append(it.finding.message)
    for mark in marks.values():
        mark["text"] = " ".join(mark["messages"])
    return marks


def cell_anchor(key: str) -> str:
    """The HTML id of a cell's or paragraph's input in the editor: table3.new.natural → cell-table3-new-natural."""
    return "cell-" + key.replace(".", "-")


def finding_url(report: Report, finding: Finding) -> str:
    """Where to fix a finding: its section in the editor, at its first cell or paragraph."""
    url = reverse("section_edit", args=(report.pk, finding.section or report.format.sections[0].code))
    return f"{url}#{cell_anchor(finding.cells[0])}" if finding.cells else url


__all__ = [
    "acknowledge",
    "acknowledgements",
    "blocking_findings",
    "bulk_findings",
    "Shown",
    "cell_anchor",
    "cell_marks",
    "counts",
    "finding_url",
    "findings_for_report",
    "organisation_context",
    "report_context",
    "report_findings",
    "shown",
]
