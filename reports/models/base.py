"""What the models share: a count field, the limits of text, the deadline's validator."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models

from ..catalogue import MAX_COUNT
from ..values import COMMENT_MAX, PROSE_PART_MAX

# A TextField's max_length reaches its form field only: the validator makes full_clean() check it too.
_prose_limit = {"max_length": PROSE_PART_MAX, "validators": [MaxLengthValidator(PROSE_PART_MAX)]}
_comment_limit = {"max_length": COMMENT_MAX, "validators": [MaxLengthValidator(COMMENT_MAX)]}


def count_field(verbose_name: str) -> models.PositiveIntegerField:
    """A count cell: blank (NULL) until filled in, never negative, never absurd."""
    return models.PositiveIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
    )


def validate_month_day(value: str) -> None:
    """A deadline as "MM-DD" that exists in every year (so not 02-29): Organisation.deadline() relies on it."""
    try:
        month, day = (int(p) for p in value.split("-")) if re.fullmatch(r"\d\d-\d\d", value) else (0, 0)
        datetime.date(2023, month, day)  # 2023 is not a leap year
    except ValueError:
        raise ValidationError("请按“月-日”填写，如 01-31。", code="month_day") from None
