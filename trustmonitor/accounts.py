"""The password pages' throttles: a password change checks the old password
through the log-in throttle (django-axes), so guessing it locks as a log-in
does; reset requests are limited by address (then 429) and by e-mail address
(then no more mail, with the same page, so nothing tells whether an account
exists); a password reset lifts the log-in lock of its account, a way in that
someone who does not read the account's mail cannot block."""

import datetime as dt
import hashlib
import hmac
import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone

from ops.models import PasswordResetRequest
from trustmonitor.security import client_ip, log_event

WINDOW = dt.timedelta(hours=1)
TOO_MANY_RESETS = (
    "Too many password reset requests have come from your network in the last hour. "
    "Try again later, or ask {contact}."
)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked by authenticate(), so axes counts a wrong
    one against this username and address and locks them as it locks log-ins."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        checked = authenticate(self.request, username=username, password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def _digest(email: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def reset_request_allowed(*, address: str | None, email: str) -> tuple[bool, bool]:
    """Record a reset request: (address within its limit, e-mail within its limit)."""
    now = timezone.now()
    PasswordResetRequest.objects.filter(requested_at__lt=now - WINDOW).delete()
    recent = PasswordResetRequest.objects.filter(requested_at__gte=now - WINDOW)
    digest = _digest(email)
    by_address = recent.filter(address=address).count() if address else 0
    by_email = recent.filter(email_digest=digest).count()
    PasswordResetRequest.objects.create(address=address, email_digest=digest)
    return (
        by_address < settings.PASSWORD_RESET_ADDRESS_LIMIT,
        by_email < settings.PASSWORD_RESET_EMAIL_LIMIT,
    )


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form: PasswordResetForm):
        address = client_ip(self.request)
        email = form.cleaned_data["email"]
        address_ok, email_ok = reset_request_allowed(address=address, email=email)
        if not address_ok:
            log_event("password_reset_throttled", user="anonymous", level=logging.WARNING,
                      ip=address, by="address")  # fmt: skip
            context = {
                "title": "Password reset",
                "reason": TOO_MANY_RESETS.format(contact=settings.ACCOUNT_HELP_CONTACT),
            }
            return render(self.request, "registration/password_reset_throttled.html", context,
                          status=429)  # fmt: skip
        if not email_ok:
            # The same page as a sent mail: the limit says nothing about the account.
            log_event("password_reset_throttled", user="anonymous", level=logging.WARNING,
                      ip=address, by="email")  # fmt: skip
            return super(auth_views.PasswordResetView, self).form_valid(form)
        log_event("password_reset_requested", user="anonymous", ip=address)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        username = form.user.get_username()
        # Whoever reads the account's mail may log in again at once.
        axes_reset(username=username)
        log_event("password_reset_completed", user=username, ip=client_ip(self.request))
        return response
