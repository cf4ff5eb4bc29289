"""The one write path for a report's data: lock the row, re-check state and right, write, keep a version.

A check made when a request starts is not enough: between it and the write, the report can be submitted,
approved or published (the outside test of issue 12 saw a save land 32 ms after publication). So every
path that changes a report's values or prose — the editor, an import, starting from last year, the
county's prefill, the commands, the admin — does its writing inside `writing(report, by=…, how=…)`:
the report's row is locked (SELECT … FOR UPDATE, the same lock the transitions take, taken first so the
two serialise), its state and the actor's right are checked on the locked row, and the change is kept as
a version naming who and how, in the same transaction. A refused write raises WriteRefused and changes
nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from django.db import transaction
from django.utils import timezone

from .exports.data import report_to_json
from .joined import read_report
from .models import Membership, Report, ReportEvent, ReportVersion
from .signals import counts_stale, section_saved
from .values import ReportValues
from .permissions import EDITABLE_STATES, can_edit, locked_message, roles_for

How = ReportVersion.Kind  # the path a change came by: 保存, 导入, 沿用上一年度, 汇总填入, 命令行, 管理后台
Role = Membership.Role


class WriteRefused(Exception):
    """The report can't be changed now; the message is for the user. `code`: locked or forbidden."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _drafter(by, report: Report) -> bool:
    return can_edit(by, report)


def _drafter_or_supervisor(by, report: Report) -> bool:
    return bool(roles_for(by, report.organisation) & {Role.DRAFTER, Role.SUPERVISOR})


def _supervisor(by, report: Report) -> bool:
    return Role.SUPERVISOR in roles_for(by, report.organisation)


def _operator(by, report: Report) -> bool:
    """Commands run by whoever holds the server; the admin by its staff (Django checks them first)."""
    return by is None or not by.is_authenticated or by.is_staff or by.is_superuser


# Who may write by each path (the state is checked for all of them). An import into an existing report is
# the drafters'; a county office imports whole documents as new reports (`how=IMPORT, by=supervisor`).
RIGHTS: dict[str, Callable[[Any, Report], bool]] = {
    How.SAVE: _drafter,
    How.IMPORT: _drafter_or_supervisor,
    How.CARRYOVER: _drafter,
    How.PREFILL: _supervisor,
    How.COMMAND: _operator,
    How.ADMIN: _operator,
}

# The paths that write without settling the carried-text marks: the editor's save sends `section_saved` per
# section, an import refreshes them itself, starting from last year makes them.
PROSE_UNWATCHED = frozenset({How.PREFILL, How.COMMAND, How.ADMIN})

FORBIDDEN = {
    How.SAVE: "您不能修改这份报告：只有本机关的填报人可以修改草稿或已退回的报告。",
    How.IMPORT: "您不能向这份报告导入：只有本机关的填报人或主管部门可以导入。",
    How.CARRYOVER: "只有本机关的填报人可以沿用上一年度的报告。",
    How.PREFILL: "只有主管部门可以用汇总数填入本级报告。",
}


def _locked_read(pk: int) -> Report:
    """The report's row locked (SELECT … FOR UPDATE of the report alone), then the report read with its
    organisation and six sections joined and its last version number (`joined.read_report`)."""
    return read_report(pk, lock=True)


def lock(report: Report | int, *, by, how: str) -> Report:
    """Inside a transaction: the report's row locked, once its state and `by`'s right allow `how`.

    Read with its sections joined (`_locked_read`): what they hold under the lock, so that a writer who knows
    what it wrote can have its version made from them (`written`) without reading the report again."""
    pk = report if isinstance(report, int) else report.pk
    locked = _locked_read(pk)
    if locked.status not in EDITABLE_STATES:
        raise WriteRefused(locked_message(locked), "locked")
    if not RIGHTS[how](by, locked):
        raise WriteRefused(FORBIDDEN.get(how, "您不能修改这份报告。"), "forbidden")
    return locked


@contextmanager
def writing(report: Report | int, *, by, how: str, section: str = "") -> Iterator[Report]:
    """One transaction: the locked, writable report for the caller to change, then a version of it.

    The version is read afresh after the caller's writes, unless the caller said what the report's values are
    now with `written(locked, values)` (the editor's save, which knows the section it wrote)."""
    with transaction.atomic():
        locked = lock(report, by=by, how=how)
        yield locked
        values = locked.__dict__.pop("_written_values", None)
        changed = locked.__dict__.pop("_written_changed", False)
        record_version(locked, by=by, kind=how, section=section,
                       data=None if values is None else report_to_json(locked, values), changed=changed,
                       last=locked.locked_last_version)
        if how in PROSE_UNWATCHED:
            # These paths may change prose and do not settle the carried-text marks themselves: as after an
            # editor's save of a prose section, a mark whose text changed goes (reports.carryover).
            # (Read again: the caller may have written through other objects than `locked`.)
            section_saved.send(sender=Report, report=Report.objects.get(pk=locked.pk), section="", by=by)
        # The report's updated_at moves with every write, in the statement that marks its counts stale.
        counts_stale.send(sender=Report, report=locked, touched=timezone.now())


def written(locked: Report, values: ReportValues, *, changed: bool = False) -> None:
    """Inside `writing`: the report's values as they now stand in the database, all of them, for its version
    (instead of reading them again). Only for a writer that knows exactly what it wrote over what the lock read:
    the version must be the JSON a fresh read would give, byte for byte. `changed`: the writer knows the values
    differ from those the lock read (so from the last version's), and the last version need not be read to
    compare."""
    locked.__dict__["_written_values"] = values
    locked.__dict__["_written_changed"] = changed


def written_values(locked: Report) -> ReportValues | None:
    """Inside `writing`, after `written`: the values given, else None."""
    return locked.__dict__.get("_written_values")


def snapshot(report: Report) -> dict[str, Any]:
    """The report's values as the JSON of reports.exchange (numbers with their sums, prose, fees).

    Read afresh with its six sections joined (`joined.read_report`, then its two tables: three queries, not nine):
    what was just written, not the section objects `report` may hold from before the write."""
    return report_to_json(read_report(report.pk))


def record_version(report: Report, *, by=None, kind: str = How.SAVE, section: str = "",
                   event: ReportEvent | None = None, data: dict[str, Any] | None = None,
                   changed: bool = False, last: int | None = None) -> ReportVersion | None:
    """Keep the report's values as a new version; a write that changed nothing keeps none.

    The caller holds the report's row lock (`writing` and the transitions take it first): it serialises version
    numbers between two people saving at once, and a read after it sees every write committed before it.
    `data`: the snapshot, when the caller made it from what it wrote (`written`); otherwise it is read here.
    `changed`: the caller knows the values changed under its lock, so only the last version's number is read,
    not its data to compare (an autosave's whole report, every keystroke). `last`: with `changed`, the highest
    version number as read after the caller took the lock (`lock`'s read gives it), so not read again."""
    # No savepoint: nothing here is caught and carried on from, so a failure undoes the caller's whole write
    # (a savepoint was two more round trips to the database on every autosave).
    with transaction.atomic(savepoint=False):
        # Not locked again here (a second SELECT … FOR UPDATE of a row the caller holds was a round trip for
        # nothing, on every write that is not the editor's autosave).
        if data is None:
            data = snapshot(report)
        if changed:
            if last is None:
                last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
            number = last + 1
        else:
            last = report.versions.order_by("-number").first()
            if event is None and last is not None and last.data == data:
                return None
            number = (last.number if last is not None else 0) + 1  # the highest number: `last` is ordered by it
        return ReportVersion.objects.create(
            report=report, number=number, kind=kind, section=section or "", data=data,
            created_by=by if by is not None and by.is_authenticated else None, event=event,
        )
