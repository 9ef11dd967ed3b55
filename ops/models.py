from django.db import models


class PasswordResetRequest(models.Model):
    """One request for a password-reset mail, kept an hour to throttle them
    by address and by e-mail address (trustmonitor.accounts). The e-mail
    address is kept as a keyed digest, never as typed."""

    address = models.GenericIPAddressField(null=True, blank=True)
    email_digest = models.CharField(max_length=64)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.address or '-'} at {self.requested_at:%Y-%m-%d %H:%M}"
