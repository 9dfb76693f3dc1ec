"""A real in-memory mail backend that drops the connection after a set number of messages,
as an SMTP server that goes away halfway through a newsletter would."""

from smtplib import SMTPServerDisconnected

from django.core import mail
from django.core.mail.backends import locmem


class FlakyBackend(locmem.EmailBackend):
    fail_after: int | None = None  # messages accepted (in mail.outbox) before failing

    def send_messages(self, messages):
        limit = FlakyBackend.fail_after
        if limit is not None and len(mail.outbox) >= limit:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
