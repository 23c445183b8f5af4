"""The embedded broker of ``make run``: kombu's filesystem transport, written safely.

kombu's filesystem channel creates a message's file and then writes it; a worker
listing the folder in between reads an empty file and dies on the JSON
(``JSONDecodeError``, kombu issue #1551), which stopped the whole demo. Here a
message is written under a temporary name the worker ignores and renamed into
place, which is atomic on one filesystem. Registered as the transport ``safefs``
by the settings; production uses Redis.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

ALIAS = "safefs"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as out:
                out.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"
