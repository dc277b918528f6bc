"""An SMTP sink on a free loopback port: collects messages, and can misbehave on purpose."""

import logging
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

# aiosmtpd logs every SMTP command at INFO; thousands of them drown a failure.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SinkHandler:
    messages: list = field(default_factory=list)
    # Answer 451 to this many DATA commands before accepting.
    temporary_failures: int = 0
    # Refuse these recipients for good (550).
    refused: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


class SmtpSink:
    def __init__(self):
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages

    def email_url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


class SentCountingSmtpBackend(SmtpBackend):
    """Django's SMTP backend that notes, before each send, how many outbox rows show sent."""

    sent_rows_seen: list[int] = []

    def send_messages(self, email_messages):
        from alumni_network.mail.models import OutboxEmail

        type(self).sent_rows_seen.append(
            OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count()
        )
        return super().send_messages(email_messages)
