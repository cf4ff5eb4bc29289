"""A password set by someone else is a one-time password: its owner sets their own before anything else.

The county office (or the site administrator) who creates an account or resets its password knows that
password. Until the owner has replaced it, the account can do nothing but change it: the middleware
sends every other request to the password-change page.
"""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordChangeView, PasswordResetConfirmView
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import CONFIRMED_ROLES, AccessEvent, Account

FORCED_MESSAGE = "您的密码是由他人设置的。请先设置一个只有您自己知道的新密码，然后才能继续使用系统。"


def password_set_by_other(person) -> None:
    """Someone else (a manager, the administrator) gave `person` this password: it must be changed first."""
    Account.objects.update_or_create(
        user=person, defaults={"must_change_password": True, "password_set_at": timezone.now()})


def password_set_by_owner(person) -> None:
    """`person` chose their password themselves."""
    Account.objects.update_or_create(
        user=person, defaults={"must_change_password": False, "password_set_at": timezone.now()})


def must_change_password(user) -> bool:
    """True while the user's password is one somebody else set."""
    if not user.is_authenticated:
        return False
    descriptor = user._meta.model.account
    if descriptor.is_cached(user):  # read with the user for this request (gkportal.auth): no query
        account = descriptor.related.get_cached_value(user)
        return account is not None and account.must_change_password
    return Account.objects.filter(user=user, must_change_password=True).exists()


class OwnPasswordChangeView(PasswordChangeView):
    """The password-change page; the new password is the owner's own, so the account is free again."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "forced": must_change_password(self.request.user), "forced_message": FORCED_MESSAGE}

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        forced = must_change_password(user)
        password_set_by_owner(user)
        AccessEvent.objects.create(actor=user, action=AccessEvent.Action.PASSWORD_OWN, user=user,
                                   detail=f"“{user.get_full_name() or user.username}”（{user.username}）"
                                          f"{'首次登录后' if forced else ''}设置了自己的密码")
        return response


class PasswordChangeRequiredMiddleware:
    """Send a user whose password somebody else set to the password-change page, whatever they asked for."""

    # What such a user may still reach: the page itself, logging out, and what those pages need.
    ALLOWED_NAMES = ("password_change", "password_change_done", "logout")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if must_change_password(request.user) and not self._allowed(request.path_info):
            return redirect(reverse("password_change"))
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        from django.conf import settings

        if path.startswith(settings.STATIC_URL) or path == "/healthz":
            return True
        return path in {reverse(name) for name in self.ALLOWED_NAMES}


class UnprivilegedPasswordResetForm(PasswordResetForm):
    """The emailed reset link, for drafters only.

    A county office chose the email address when it created the account (and could have given its own):
    for an approver or a supervisor the link would let it set the password of the person who approves.
    They ask the site administrator instead.
    """

    def get_users(self, email):
        for user in super().get_users(email):
            if not (user.memberships.filter(role__in=CONFIRMED_ROLES).exists() or user.pending_grants.exists()):
                yield user


class OwnPasswordResetConfirmView(PasswordResetConfirmView):
    """The emailed link's page: the password typed there is the owner's own."""

    def form_valid(self, form):
        response = super().form_valid(form)
        password_set_by_owner(form.user)
        return response
