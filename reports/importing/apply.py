"""Saving what a preview showed: into an existing report (its drafters) or as a new report (county office).

Between the preview and the confirmation, the values travel in a signed token (django.core.signing):
nothing is stored until the clerk confirms, and what is saved is exactly what was shown. A token is
good once (its nonce is recorded with the import, in the same transaction) and only while the report is
as it was when previewed: a save after the preview makes it stale, so a replayed or forgotten preview
can't overwrite later work.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..carryover import refresh_marks
from ..catalogue import format_refusal
from ..models import SECTION_MODELS, Membership, Organisation, Report, UsedPreview
from ..permissions import EDITABLE_STATES, can_edit, roles_for, visible_organisation_ids
from ..services import create_report, save_values
from ..values import (
    PROSE_FIELDS,
    ReportValues,
    ValuesError,
    parse_amount,
    parse_cell,
    parse_count,
    prose_length_errors,
)
from ..writing import How, WriteRefused, writing
from .result import ImportResult

SALT = "gkportal.importing.preview"
MAX_AGE = 24 * 3600


class ImportTargetError(Exception):
    """The document can't go where it was asked to; the message is for the user."""


def to_payload(result: ImportResult) -> dict[str, Any]:
    v = result.values
    return {
        "format": v.format_version,
        "table2": {k: str(x) if isinstance(x, Decimal) else x for k, x in v.table2.items()},
        "processing_fee": [None if v.processing_fee_yuan is None else str(v.processing_fee_yuan),
                           v.processing_fee_count],
        "table3": v.table3,
        "table4": v.table4,
        "printed": v.printed_totals,
        "prose": {k: v.prose[k] for k in result.prose_found},
        "signature": [result.signature_name, result.signature_date.isoformat() if result.signature_date else None],
        "file": result.filename,
        "kind": result.kind,
        "title": [result.org_name, result.year],  # what the title says, checked against the chosen target
        # Rows whose numbers ran together into several readings: the clerk chooses one of these on confirm.
        "open": [{"row": o.row, "fields": list(o.fields), "columns": list(o.columns), "text": o.text,
                  "readings": [list(r) for r in o.readings]} for o in result.open_rows],
    }


@dataclass(frozen=True)
class Preview:
    """What a confirmed token carries: the document, and what binds it to one use of one report state."""

    doc: dict[str, Any]
    nonce: str
    at: float  # when the preview was made (seconds since the epoch)
    revision: int | None  # the report's data_revision() then, for a preview into an existing report


def data_revision(report: Report) -> int:
    """A number that every save of any section increases: the sum of the six sections' revisions."""
    return sum(getattr(report, name).revision for name in SECTION_MODELS)


def sign(result: ImportResult, user, *, report: Report | None = None, target: tuple[int, int] | None = None) -> str:
    """The preview's token; `target` (organisation id, year) when last year's report of it settled a row."""
    doc = to_payload(result)
    if target is not None:
        doc["previous_of"] = list(target)
    return signing.dumps({"user": user.pk, "doc": doc, "nonce": secrets.token_hex(16),
                          "at": time.time(), "rev": data_revision(report) if report is not None else None},
                         salt=SALT, compress=True)


def unsign(token: str, user) -> Preview:
    """The preview of a token made for this user in the last day; ImportTargetError otherwise."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ImportTargetError("预览已超过一天，请重新上传文件。") from None
    except signing.BadSignature:
        raise ImportTargetError("预览数据无效，请重新上传文件。") from None
    if data.get("user") != user.pk or not isinstance(data.get("nonce"), str):
        raise ImportTargetError("预览数据无效，请重新上传文件。")
    return Preview(doc=data["doc"], nonce=data["nonce"], at=float(data.get("at") or 0), revision=data.get("rev"))


def claim(preview: Preview | None, report: Report | None) -> None:
    """Inside the import's transaction: use the preview up, once, and only on the report it was made for."""
    if preview is None:
        return
    used = "这份预览已经导入过了，不能再次导入。如需重新导入，请重新上传文件。"
    if UsedPreview.objects.filter(nonce=preview.nonce).exists():
        raise ImportTargetError(used)
    if report is not None:
        stale = (data_revision(report) != preview.revision if preview.revision is not None
                 else report.updated_at.timestamp() > preview.at)
        if stale:
            raise ImportTargetError(f"预览之后，{report.title}又有了修改，这份预览已失效。"
                                    "为免覆盖新的修改，请重新上传文件并核对预览后再导入。")
    try:
        with transaction.atomic():
            UsedPreview.objects.create(nonce=preview.nonce)
    except IntegrityError:
        raise ImportTargetError(used) from None  # the same token confirmed twice at the same moment
    # Nonces outlive their tokens by nothing: a token older than MAX_AGE is refused anyway.
    UsedPreview.objects.filter(used_at__lt=timezone.now() - datetime.timedelta(seconds=MAX_AGE + 60)).delete()


def apply_choices(doc: dict[str, Any], values: ReportValues, chosen: Callable[[int], str | None]) -> list[str]:
    """Put the reading the clerk chose for each open row of the preview into `values`; what was chosen, in words.

    `chosen(i)` is the form's answer for the i-th open row (「69,3,665」). It must be one of the readings
    the signed preview listed: ImportTargetError when a row has none, or one the preview did not offer.
    """
    rows = (doc.get("open") or []) if isinstance(doc, dict) else []
    if not isinstance(rows, list):
        raise ImportTargetError("预览数据无效，请重新上传文件。")
    out = []
    for i, row in enumerate(rows):
        try:
            label, fields, columns = str(row["row"]), list(row["fields"]), list(row["columns"])
            readings = [tuple(int(n) for n in r) for r in row["readings"]]
        except (KeyError, TypeError, ValueError):
            raise ImportTargetError("预览数据无效，请重新上传文件。") from None
        if any(f not in values.table2 for f in fields):
            raise ImportTargetError("预览数据无效，请重新上传文件。")
        answer = chosen(i)
        if not answer:
            raise ImportTargetError(f"未导入：表二“{label}”一行的数字连在一起（原文“{row.get('text', '')}”），"
                                    "有几种读法。请对照原文选择这一行的读法后再确认导入。")
        pieces = str(answer).split(",")
        # ASCII digits only: int() would also take 「６９」, 「+69」 or 「6_9」 for a reading nobody was shown.
        reading = (tuple(int(n) for n in pieces)
                   if all(n.isascii() and n.isdigit() and len(n) <= 18 for n in pieces) else ())
        if reading not in readings:
            raise ImportTargetError(f"未导入：为表二“{label}”一行选择的读法不是预览中列出的读法之一。"
                                    "请在预览中重新选择。")
        for field, n in zip(fields, reading):
            values.table2[field] = n
        described = "、".join(f"{c} {n}" for c, n in zip(columns, reading))
        out.append(f"表二“{label}”一行的数字在原文中连在一起，按您选择的读法导入：{described}。")
    return out


def values_from_payload(doc: dict[str, Any]) -> tuple[ReportValues, list[str], tuple[str, datetime.date | None]]:
    """ReportValues, the prose fields the document had, and its 落款; every cell checked again."""
    try:
        values = ReportValues(format_version=str(doc["format"]))
        fmt = values.format
        for cell in fmt.table2.cells:
            values.table2[cell.field] = parse_cell(cell, doc["table2"][cell.field], cell.key)
        yuan, count = doc["processing_fee"]
        values.processing_fee_yuan = parse_amount(yuan, "processing_fee", places=2)
        values.processing_fee_count = parse_count(count, "processing_fee")
        for row in fmt.table3.entered_rows:
            for col in fmt.table3.entered_columns:
                values.table3[row.code][col.code] = parse_count(doc["table3"][row.code][col.code], row.code)
        for group in fmt.table4.groups:
            for col in fmt.table4.entered_columns:
                values.table4[group.code][col.code] = parse_count(doc["table4"][group.code][col.code], group.code)
        values.printed_totals = {str(k): parse_count(v, str(k)) for k, v in doc["printed"].items()}
        prose = {k: str(t) for k, t in doc["prose"].items() if k in PROSE_FIELDS}
        values.prose.update(prose)
        if prose_length_errors(values.prose, fmt):
            raise ValuesError("文字太长")
        name, date = doc["signature"]
        when = datetime.date.fromisoformat(date) if date else None
    except (KeyError, TypeError, ValueError, ValuesError) as exc:
        raise ImportTargetError("预览数据无效，请重新上传文件。") from exc
    return values, list(prose), (name or "", when)


def _merged(report: Report, values: ReportValues, prose_fields: list[str]) -> ReportValues:
    """The document's numbers; its prose where it had prose, the report's own text elsewhere; the report's
    信息处理费 unless the document gave one (only a JSON file states it)."""
    current = report.values()
    for name in PROSE_FIELDS:
        if name not in prose_fields:
            values.prose[name] = current.prose.get(name, "")
    if values.processing_fee_yuan is None and values.processing_fee_count is None:
        values.processing_fee_yuan = current.processing_fee_yuan
        values.processing_fee_count = current.processing_fee_count
    too_long = prose_length_errors(values.prose, values.format)
    if too_long:  # the document's text with the report's own text of the parts it lacks
        raise ImportTargetError("导入后文字太长，没有导入：" + "".join(too_long))
    return values


def mark_imported(report: Report, signature: tuple[str, datetime.date | None]) -> None:
    name, date = signature
    report.origin = Report.Origin.IMPORTED
    fields = ["origin", "updated_at"]
    if name and name != report.organisation.name and not report.signature_name:
        report.signature_name = name[:100]
        fields.append("signature_name")
    if date and not report.signature_date:
        report.signature_date = date
        fields.append("signature_date")
    report.save(update_fields=fields)


def import_into(report: Report, values: ReportValues, *, by, prose_fields: list[str],
                signature: tuple[str, datetime.date | None] = ("", None), preview: Preview | None = None) -> Report:
    """Replace an editable report's values with a document's (drafters of its organisation only)."""
    try:
        with writing(report, by=by, how=How.IMPORT) as report:
            if not can_edit(by, report):
                raise PermissionDenied("您不能修改这份报告：只有本机关的填报人可以导入到草稿或已退回的报告。")
            if format_refusal(report.year, values.format_version):
                raise ImportTargetError(format_refusal(report.year, values.format_version))
            claim(preview, report)
            save_values(report, _merged(report, values, prose_fields), prose=True)
            mark_imported(report, signature)
            # In the same transaction: an import is stored with its carried-text marks settled, or not at all.
            refresh_marks(report)
    except WriteRefused as exc:
        raise ImportTargetError(str(exc)) from None
    return report


def import_targets(user) -> list[Organisation]:
    """Organisations a user may import documents for: their own as drafter, and those they supervise."""
    if not user.is_authenticated:
        return []
    ids = {m.organisation_id for m in Membership.objects.filter(user=user, role=Membership.Role.DRAFTER)}
    supervised = [o for o in Organisation.objects.filter(pk__in=visible_organisation_ids(user))
                  if Membership.Role.SUPERVISOR in roles_for(user, o)]
    ids |= {o.pk for o in supervised}
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def create_from_import(organisation: Organisation, year: int, values: ReportValues, *, by,
                       prose_fields: list[str], signature: tuple[str, datetime.date | None] = ("", None),
                       preview: Preview | None = None) -> Report:
    """A new report (or a replaced imported draft) for `year` from a document; county office or own drafters."""
    roles = roles_for(by, organisation)
    if not roles & {Membership.Role.SUPERVISOR, Membership.Role.DRAFTER}:
        raise PermissionDenied(f"您不能为{organisation.name}导入报告。")
    if not 2008 <= year <= 2100:
        raise ImportTargetError(f"报告年度 {year} 不对。")
    if format_refusal(year, values.format_version):
        raise ImportTargetError(format_refusal(year, values.format_version))
    try:
        with transaction.atomic():
            report = (Report.objects.select_for_update().filter(organisation=organisation, year=year).first())
            claim(preview, report)
            if report is None:
                report = create_report(organisation, year, format_version=values.format_version,
                                       origin=Report.Origin.IMPORTED)
            elif report.origin != Report.Origin.IMPORTED or report.status not in EDITABLE_STATES:
                raise ImportTargetError(
                    f"{report.title}已经存在（{report.get_status_display()}），不能用导入覆盖。"
                    "如需导入，请由本机关填报人在该报告的页面中导入。")
            with writing(report, by=by, how=How.IMPORT) as report:
                save_values(report, _merged(report, values, prose_fields), prose=True)
                mark_imported(report, signature)
    except IntegrityError:
        raise ImportTargetError(f"{organisation.name}的 {year} 年度报告刚刚被创建，请刷新后重试。") from None
    except WriteRefused as exc:
        raise ImportTargetError(str(exc)) from None
    return report


def overwritten(report: Report, values: ReportValues) -> int:
    """How many filled-in cells of the report an import would change."""
    from .result import iter_cells

    current = dict((k, v) for k, v, _d in iter_cells(report.values(), derived=False))
    new = dict((k, v) for k, v, _d in iter_cells(values, derived=False))
    return sum(1 for k, v in current.items() if v is not None and new.get(k) != v)


__all__ = ["ImportTargetError", "Preview", "apply_choices", "claim", "create_from_import", "data_revision",
           "import_into", "import_targets", "overwritten", "sign", "unsign", "values_from_payload"]
