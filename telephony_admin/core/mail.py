"""E-mail backends of our own.

``OneLineConsoleBackend`` is the default while ``DEBUG`` is on: one line per message
on the console (recipients and subject), so a burst of notifications does not bury
the server's log under whole MIME messages. Set ``EMAIL_BACKEND`` to Django's
``console`` backend to see the messages in full.
"""

from __future__ import annotations

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend


class OneLineConsoleBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages) -> int:
        sent = 0
        with self._lock:
            for message in email_messages:
                recipients = ", ".join(message.recipients())
                if not recipients:
                    continue
                self.stream.write(f"e-mail to {recipients}: {message.subject}\n")
                sent += 1
            self.stream.flush()
        return sent
