"""The embedded broker of ``make run`` never hands a worker a half-written message
(kombu issue #1551 stopped the demo's worker)."""

from __future__ import annotations

import os

from kombu import Connection

from telephony_admin.core import broker


def test_messages_round_trip_and_partial_files_are_ignored(tmp_path):
    broker.register()
    folder = tmp_path / "out"
    folder.mkdir()
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    # What a writer leaves while it writes: the worker must not pick it up.
    (folder / ".1_x.jobs.msg.part").write_bytes(b"")
    with Connection(f"{broker.ALIAS}://", transport_options=options) as conn:
        queue = conn.SimpleQueue("jobs")
        queue.put({"n": 1})
        names = os.listdir(folder)
        assert not [n for n in names if n.endswith(".part") and not n.startswith(".1_")]
        message = queue.get(timeout=1)
        assert message.payload == {"n": 1}
        message.ack()
        queue.close()
