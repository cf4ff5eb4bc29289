"""What changed between two versions of a report: cell by cell under the format's names, and in the prose."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from diff_match_patch import diff_match_patch

from .importing.jsonfile import read_report_json
from .models import OtherMattersSection, Report, ReportVersion
from .values import PROSE_FIELDS, ReportValues


@dataclass(frozen=True)
class CellChange:
    section: str  # the section's heading
    key: str  # table3.new.natural, table2.licensing, …
    name: str  # the cell as a reader names it, from the catalogue
    old: Any
    new: Any
    derived: bool  # a 总计: it changed because the cells it sums did


@dataclass(frozen=True)
class ProseChange:
    key: str
    name: str
    segments: tuple[tuple[str, str], ...]  # (equal | delete | insert | skip, text)


@dataclass(frozen=True)
class VersionDiff:
    old: ReportVersion
    new: ReportVersion
    cells: tuple[CellChange, ...]
    prose: tuple[ProseChange, ...]

    @property
    def empty(self) -> bool:
        return not self.cells and not self.prose


def values_of(version: ReportVersion) -> ReportValues:
    """A stored version's values (it holds the JSON of reports.exchange)."""
    return read_report_json(json.dumps(version.data))[1]


def _cells(values: ReportValues) -> list[tuple[str, str, str, Any, bool]]:
    """Every cell of the report in reading order: (section code, key, name, value, derived)."""
    fmt = values.format
    out: list[tuple[str, str, str, Any, bool]] = []
    for cell in fmt.cells:
        out.append((cell.section, cell.key, cell.name, values.get(cell.key), cell.derived))
    for name, value in (("processing_fee_yuan", values.processing_fee_yuan),
                        ("processing_fee_count", values.processing_fee_count)):
        label = OtherMattersSection._meta.get_field(name).verbose_name
        out.append(("other_matters", f"other_matters.{name}", str(label), value, False))
    return out


def prose_names(values: ReportValues) -> dict[str, str]:
    """The heading a reader knows each prose field by."""
    fmt = values.format
    sections = {s.code: s.heading for s in fmt.sections}
    names = {"preface": str(Report._meta.get_field("preface").verbose_name)}
    for part in fmt.overview_parts:
        names[f"overview_{part.code}"] = f"{sections['overview']}{part.heading}"
    names["problems"] = sections["problems"]
    names["other_matters"] = sections["other_matters"]
    return names


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b  # 0 and 0.00 are the same amount
    return a == b and type(a) is type(b)


# Unchanged text longer than this is shortened to its ends, so that the changes stand out.
CONTEXT_CHARS = 30

# A number is one token: 65 → 68 must read as a changed number, not as "6" kept and "5" → "8".
# Thousands separators and decimals belong to it (1,234 → 1,243); everything else is compared
# character by character, which is how Chinese prose reads.
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# Each distinct number stands for one character of the Supplementary Private Use Area-A while
# diff_match_patch compares, the trick of its own diff_linesToChars.
_TOKEN_BASE = 0xF0000


def _tokens(text: str) -> list[str]:
    """The text as tokens: whole numbers and single characters."""
    out: list[str] = []
    pos = 0
    for match in NUMBER.finditer(text):
        out.extend(text[pos:match.start()])
        out.append(match.group())
        pos = match.end()
    out.extend(text[pos:])
    return out


def _encode(tokens: list[str], numbers: dict[str, str]) -> str:
    chars = []
    for token in tokens:
        if len(token) > 1 or token.isdigit():
            code = numbers.setdefault(token, chr(_TOKEN_BASE + len(numbers)))
            chars.append(code)
        else:
            chars.append(token)
    return "".join(chars)


def _shorten(tokens: list[str], *, from_end: bool) -> str:
    """At most CONTEXT_CHARS characters from one end of the tokens, never cutting a number."""
    kept: list[str] = []
    size = 0
    for token in reversed(tokens) if from_end else tokens:
        if kept and size + len(token) > CONTEXT_CHARS:
            break
        kept.append(token)
        size += len(token)
    return "".join(reversed(kept) if from_end else kept)


def prose_segments(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The changes from `old` to `new`: numbers as whole tokens, other text by character, in phrases."""
    numbers: dict[str, str] = {}
    encoded_old, encoded_new = _encode(_tokens(old), numbers), _encode(_tokens(new), numbers)
    decode = {code: token for token, code in numbers.items()}
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    diffs = dmp.diff_main(encoded_old, encoded_new, False)
    dmp.diff_cleanupSemantic(diffs)
    ops = {-1: "delete", 0: "equal", 1: "insert"}
    out: list[tuple[str, str]] = []
    for i, (op, encoded) in enumerate(diffs):
        tokens = [decode.get(char, char) for char in encoded]
        text = "".join(tokens)
        if op == 0 and len(text) > 2 * CONTEXT_CHARS + 10:
            first, last = i == 0, i == len(diffs) - 1
            if not first:
                out.append(("equal", _shorten(tokens, from_end=False)))
            out.append(("skip", "……"))
            if not last:
                out.append(("equal", _shorten(tokens, from_end=True)))
        else:
            out.append((ops[op], text))
    return tuple(out)


def diff_versions(old: ReportVersion, new: ReportVersion) -> VersionDiff:
    """Every cell whose value differs, and every prose field whose text differs, between two versions."""
    a, b = values_of(old), values_of(new)
    headings = {s.code: s.heading for s in b.format.sections}
    # Paired by key: two versions in different formats (a 2020 report re-imported in the 2021 format)
    # share 表三 and 表四; a cell only one of them has is shown as added or gone.
    before = {key: (section, name, value, derived) for section, key, name, value, derived in _cells(a)}
    changes = []
    for section, key, name, value, derived in _cells(b):
        old = before.pop(key, None)
        if not _same(old[2] if old else None, value):
            changes.append(CellChange(headings[section], key, name, old[2] if old else None, value, derived))
    changes += [CellChange(headings[section], key, name, value, None, derived)
                for key, (section, name, value, derived) in before.items() if value is not None]
    cells = tuple(changes)
    names = prose_names(b)
    prose = tuple(
        ProseChange(key, names[key], prose_segments(a.prose[key], b.prose[key]))
        for key in PROSE_FIELDS
        if a.prose[key] != b.prose[key]
    )
    return VersionDiff(old, new, cells, prose)


def default_pair(report: Report) -> tuple[ReportVersion | None, ReportVersion | None]:
    """The latest version, and the one to compare it with: the last approval or return, else the first."""
    latest = report.versions.order_by("-number").first()
    if latest is None:
        return None, None
    anchor = (
        report.versions.filter(kind__in=[ReportVersion.Kind.APPROVE, ReportVersion.Kind.RETURN])
        .order_by("-number")
        .first()
    )
    return anchor or report.versions.order_by("number").first(), latest
