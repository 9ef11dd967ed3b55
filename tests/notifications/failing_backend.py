"""An email backend whose server is down: for the test that a failed send is
not recorded as sent."""

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("TEST: the mail server is down")
