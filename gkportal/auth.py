"""Login throttling and the password policy."""

from __future__ import annotations

import re

from axes.backends import AxesStandaloneBackend
from django.core.exceptions import ValidationError


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes' lockout for every login over the web.

    Code that calls authenticate() without a request (management commands, the shell, the test
    client's login()) has nothing to throttle by, so it passes through to the next backend instead
    of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class CharacterClassesValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters (等保 practice)."""

    CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        found = sum(1 for pattern in self.CLASSES if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须至少包含小写字母、大写字母、数字、其他符号中的 {self.min_classes} 类。"
