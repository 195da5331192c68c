"""A mail server that is down: every send raises, as Django's SMTP backend does when the server
refuses the connection."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class Down(BaseEmailBackend):
    tries = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        Down.tries += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
