"""Real servers for the notification tests: an SMTP server (aiosmtpd) and a Teams webhook
receiver, both on 127.0.0.1, started by the suite."""

import logging
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from notifications.webhook_receiver import WebhookReceiver


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpHandler:
    """Accepts mail; refuses recipients whose address starts with "bounce" (550, a bounce at
    RCPT time) and answers 451 to the next `fail_next` messages (a transient failure)."""

    messages: list = field(default_factory=list)
    fail_next: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 Try again later"
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server; Django's SMTP backend is pointed at it for the test."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    handler = SmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def receiver(settings):
    """A real HTTP webhook receiver that checks Adaptive Cards like Teams; its host is allowed."""
    server = WebhookReceiver().start()
    settings.NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS = [server.netloc]
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://hub.example.org"
