"""The embedded broker (``filesystem://``): kombu's filesystem transport, with
each message written whole before it can be seen.

kombu writes a message file in place (open, then write), and a worker polling
the folder may move and read it in between: an empty message, on which the
worker stops with "Unrecoverable error" and the message is lost (kombu issue
#1551). Written
aside under a name no queue reads, then renamed into place, a message appears
whole or not at all: a rename within a folder is atomic.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"  # kombu's own naming: its order
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")  # read by no queue: not "*.<queue>.msg"
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
