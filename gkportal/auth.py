"""Login throttling and the password policy."""

from __future__ import annotations

import re

from axes.backends import AxesStandaloneBackend
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class AccountJoinedMixin:
    """The signed-in user read with their account state (reports.Account) in the same query.

    Every request asks whether the password must be changed first (reports.accounts): with the account
    joined to the user row read for the session, that is no extra query (issue 15 point 1).
    """

    def get_user(self, user_id):
        from reports.joined import read_where  # (the apps are ready by the first request)

        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        # `select_related("account").get(pk=…)`, by a SELECT written once per process (issue 15 point 1).
        users = read_where(model, model._meta.pk.name, pk, related=("account",))
        if len(users) != 1:
            return None
        return users[0] if self.user_can_authenticate(users[0]) else None


class AccountModelBackend(AccountJoinedMixin, ModelBackend):
    """Django's username-and-password backend, reading the account state with the user."""


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


class UsernameLengthMixin:
    """Refuse a username longer than any account's before it is looked up.

    AuthenticationForm sets the username's max_length after the field is built, so the length is never
    checked: an overlong name went on to django-axes, whose attempt record (255 characters) then failed
    on PostgreSQL with a 500.
    """

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})
        return username


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    """The login page's form."""


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    """The admin site's login form."""


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
