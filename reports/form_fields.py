"""The fields of a cell as clerks really type it: counts, signed counts, amounts and prose.

`cell_field(cell)` makes the field of any catalogue cell from its kind; the parsers say what is wrong
with a typed value in a sentence for the cell (full-width digits, thousands separators and the dashes
people type for a minus sign are read; "/", "—", "无" are not a 0).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError

from .catalogue import MAX_COUNT
from .catalogue import Cell as CatalogueCell
from .values import PROSE_PART_MAX, Count, clean_text

if TYPE_CHECKING:
    from .rules import Finding

# What people write for "nothing" in a count: the format wants 0, and a blank means "not filled in yet".
_PLACEHOLDERS = frozenset({"/", "-", "--", "—", "——", "–", "无", "没有", "空", "N/A", "n/a", "NA", "×", "x", "X"})
_MINUS = ("-", "−", "－", "﹣")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")
_DIGITS = re.compile(r"\d+")
_DECIMAL = re.compile(r"(\d+|\d{1,3}(,\d{3})+)(\.\d+)?|\.\d+")
_FRACTION = re.compile(r"\d*\.\d+|\d+\.|\d+/\d+")


def normalise(raw: str) -> str:
    """Full-width digits and commas to ASCII (１２，３４５ → 12,345), every space removed."""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(ch for ch in text if not ch.isspace())


def echo(raw: str, limit: int = 20) -> str:
    """What the clerk typed, for a message at the cell: shortened, so a pasted page does not come back whole."""
    text = raw.strip()
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


def parse_count_text(raw: str, *, signed: bool = False) -> Count:
    """A count as a clerk types it: '１２', '1,234', ' 3 ' → int; '' → None; anything else refused.

    `signed` (the trial format's 本年增/减): a leading minus sign (any of the dashes people type) is allowed.
    """
    text = normalise(raw or "")
    if not text:
        return None
    if signed and text.startswith(_MINUS) and len(text) > 1:
        value = parse_count_text(text[1:].lstrip("-−－—–"))
        return None if value is None else -value
    if text in _PLACEHOLDERS:
        raise ValidationError(
            "不能用“%(raw)s”表示没有：没有就填 0；还不知道就先留空。", code="placeholder", params={"raw": echo(raw)}
        )
    if text.startswith(_MINUS):
        raise ValidationError("件数不能为负数。", code="negative")
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise ValidationError("“%(raw)s”的千位分隔符位置不对，请直接填数字，如 1234。", code="separator",
                                  params={"raw": echo(raw)})
        text = text.replace(",", "")
    if _DIGITS.fullmatch(text) and text.isascii():
        digits = text.lstrip("0") or "0"
        # Compare lengths first: int() refuses strings of more than 4 300 digits (CVE-2020-10735).
        if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
            raise ValidationError("%(value)s 太大了（最多 %(max)s），请检查是否多输了数字。", code="too_large",
                                  params={"value": echo(digits), "max": MAX_COUNT})
        return int(digits)
    if _FRACTION.fullmatch(text):
        raise ValidationError("件数应为整数，不能有小数或分数。", code="fraction")
    raise ValidationError("请填写数字（整数）：“%(raw)s”不是数字。", code="not_a_number", params={"raw": echo(raw)})


def parse_amount_text(raw: str, *, places: int, integer_digits: int = 10, unit: str = "万元") -> Decimal | None:
    """A money amount: full-width digits and thousands separators allowed, at most `places` decimals."""
    text = normalise(raw or "")
    if not text:
        return None
    if text in _PLACEHOLDERS:
        raise ValidationError(
            "不能用“%(raw)s”表示没有：没有就填 0；还不知道就先留空。", code="placeholder", params={"raw": echo(raw)}
        )
    if text.startswith(_MINUS):
        raise ValidationError("金额不能为负数。", code="negative")
    if not (_DECIMAL.fullmatch(text) and text.isascii()):
        raise ValidationError("请填写数字（单位：%(unit)s）：“%(raw)s”不是数字。", code="not_a_number",
                              params={"raw": echo(raw), "unit": unit})
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        raise ValidationError("请填写数字。", code="not_a_number") from None
    if -int(value.as_tuple().exponent) > places:
        raise ValidationError("最多保留 %(places)s 位小数。", code="places", params={"places": places})
    if value.adjusted() >= integer_digits:
        raise ValidationError("金额 %(value)s %(unit)s太大了，请检查单位和数字。", code="too_large",
                              params={"value": echo(str(value)), "unit": unit})
    return value


class TextField(forms.CharField):
    """Free text as typed or pasted: the control characters nobody sees are dropped (values.clean_text)."""

    default_error_messages = {"max_length": "最多 %(limit_value)d 字，现有 %(show_value)d 字。"}

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) else value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # A browser silently cuts text pasted into a textarea at its maxlength: the server says so instead.
        if isinstance(widget, forms.Textarea):
            attrs.pop("maxlength", None)
        return attrs


def prose_field(label: str) -> TextField:
    """A prose part of the report, at most PROSE_PART_MAX characters (the reason is at the constant)."""
    return TextField(label=label, required=False, strip=False, widget=forms.Textarea, max_length=PROSE_PART_MAX,
                     error_messages={"max_length": "这一部分最多 %(limit_value)d 字，现有 %(show_value)d 字。"})


class CountField(forms.Field):
    """A count cell: blank (None) until filled in; the value is parsed as `parse_count_text` does."""

    widget = forms.TextInput

    def __init__(self, *, signed: bool = False, **kwargs: Any) -> None:
        self.signed = signed
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Count:
        return parse_count_text(value if isinstance(value, str) else "", signed=self.signed)


class AmountField(forms.Field):
    widget = forms.TextInput

    def __init__(self, *, places: int, unit: str, **kwargs: Any) -> None:
        self.places, self.unit = places, unit
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        return parse_amount_text(value if isinstance(value, str) else "", places=self.places, unit=self.unit)


def cell_field(cell: CatalogueCell) -> forms.Field:
    """The form field of a catalogue cell, by its kind: a count, a signed count or an amount."""
    if cell.kind == "amount":
        return AmountField(places=cell.places, unit=cell.unit or "元", label=cell.name)
    return CountField(label=cell.name, signed=cell.kind == "signed")


def cell_text(value: Any) -> str:
    """A stored value as its input shows it."""
    return "" if value is None else str(value)


def count_text(value: Count) -> str:
    return "" if value is None else str(value)


def amount_text(value: Decimal | None) -> str:
    """An amount as stored, without the trailing zeros a fixed-decimals column adds (3940.00 → 3940)."""
    if value is None:
        return ""
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value)


# ---- which section a cell key belongs to (the editor places findings by it)


def section_of_key(key: str) -> str:
    """The section a cell key belongs to (table3.… → applications)."""
    head, _, rest = key.partition(".")
    if head == "table2":
        return "proactive"
    if head == "table3":
        return "applications"
    if head == "table4":
        return "review_litigation"
    if head == "processing_fee" or rest == "other_matters":
        return "other_matters"
    if rest == "problems":
        return "problems"
    return "overview"


def finding_section(finding: Finding) -> str:
    return finding.section or (section_of_key(finding.cells[0]) if finding.cells else "")
